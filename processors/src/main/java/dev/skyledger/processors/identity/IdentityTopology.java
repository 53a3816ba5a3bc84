package dev.skyledger.processors.identity;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.DeciderProcessor;
import dev.skyledger.processors.core.DeciderTopology;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.core.KeyValues;
import org.apache.avro.specific.SpecificRecord;
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
    return DeciderTopology.build(config, envelopes, Topics.IDENTITY_COMMANDS, Topics.IDENTITY_EVENTS, STORE, new Identity());
  }

  /** Binds the identity decider to the processor shell. */
  private static final class Identity implements DeciderProcessor.Decider<IdentityState> {
    @Override
    public IdentityState state(KeyValues kv) {
      return new IdentityState(kv);
    }

    @Override
    public Decision decide(SpecificRecord command, Envelope envelope, IdentityState state) {
      return IdentityDecider.decide(command, envelope.getActor(), state);
    }

    @Override
    public void evolve(IdentityState state, SpecificRecord event) {
      IdentityDecider.evolve(state, event);
    }

    @Override
    public String aggregateOf(SpecificRecord event) {
      return IdentityDecider.aggregateOf(event);
    }

    @Override
    public String projectOf(SpecificRecord event) {
      return IdentityDecider.projectOf(event);
    }
  }
}
