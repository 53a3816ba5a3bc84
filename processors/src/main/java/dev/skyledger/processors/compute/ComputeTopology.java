package dev.skyledger.processors.compute;

import dev.skyledger.events.Topics;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.DeciderTopology;
import dev.skyledger.processors.core.Inbox;
import java.util.List;
import dev.skyledger.processors.core.Deciders;
import dev.skyledger.processors.identity.IdentityViewStore;
import org.apache.kafka.streams.Topology;

/** compute.commands → the compute decider (roles re-checked against identity) → compute.events and command.replies. */
public final class ComputeTopology {
  public static final String STORE = "compute-state";

  private final SkyConfig config;
  private final Envelopes envelopes;
  private final List<Inbox> inboxes;

  public ComputeTopology(SkyConfig config, Envelopes envelopes) {
    this(config, envelopes, List.of());
  }

  /** With the inboxes of the processors that take some of this decider's outcomes straight from it. */
  public ComputeTopology(SkyConfig config, Envelopes envelopes, List<Inbox> inboxes) {
    this.config = config;
    this.envelopes = envelopes;
    this.inboxes = List.copyOf(inboxes);
  }

  public Topology build() {
    return DeciderTopology.build(config, envelopes, Topics.COMPUTE_COMMANDS, Topics.COMPUTE_EVENTS, STORE,
        Deciders.of(ComputeState::new, ComputeDecider::decide, ComputeDecider::evolve, ComputeDecider::aggregateOf,
            ComputeDecider::projectOf),
        new IdentityViewStore(config, envelopes), inboxes);
  }
}
