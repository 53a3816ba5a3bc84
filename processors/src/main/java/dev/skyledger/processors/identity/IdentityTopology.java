package dev.skyledger.processors.identity;

import dev.skyledger.events.Topics;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.DeciderTopology;
import dev.skyledger.processors.core.Deciders;
import org.apache.kafka.streams.Topology;

/** identity.commands → the identity decider → identity.events and command.replies. */
public final class IdentityTopology {
  public static final String STORE = "identity-state";

  private final SkyConfig config;
  private final Envelopes envelopes;

  public IdentityTopology(SkyConfig config, Envelopes envelopes) {
    this.config = config;
    this.envelopes = envelopes;
  }

  public Topology build() {
    return DeciderTopology.build(config, envelopes, Topics.IDENTITY_COMMANDS, Topics.IDENTITY_EVENTS, STORE,
        Deciders.of(IdentityState::new, IdentityDecider::decide, IdentityDecider::evolve, IdentityDecider::aggregateOf,
            IdentityDecider::projectOf));
  }
}
