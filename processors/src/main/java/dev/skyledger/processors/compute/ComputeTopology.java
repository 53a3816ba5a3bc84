package dev.skyledger.processors.compute;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.DeciderProcessor;
import dev.skyledger.processors.core.DeciderTopology;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.core.KeyValues;
import dev.skyledger.processors.identity.IdentityViewStore;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.Topology;

/** compute.commands → the compute decider (roles re-checked against identity) → compute.events and command.replies. */
public final class ComputeTopology {
  public static final String STORE = "compute-state";

  private final SkyConfig config;
  private final Envelopes envelopes;

  public ComputeTopology(SkyConfig config, Envelopes envelopes) {
    this.config = config;
    this.envelopes = envelopes;
  }

  public Topology build() {
    return DeciderTopology.build(config, envelopes, Topics.COMPUTE_COMMANDS, Topics.COMPUTE_EVENTS, STORE, new Computes(),
        new IdentityViewStore(config, envelopes));
  }

  /** Binds the network decider to the processor shell. */
  private static final class Computes implements DeciderProcessor.Decider<ComputeState> {
    @Override
    public ComputeState state(KeyValues kv) {
      return new ComputeState(kv);
    }

    @Override
    public Decision decide(SpecificRecord command, Envelope envelope, ComputeState state) {
      return ComputeDecider.decide(command, envelope.getActor(), state);
    }

    @Override
    public void evolve(ComputeState state, SpecificRecord event) {
      ComputeDecider.evolve(state, event);
    }

    @Override
    public String aggregateOf(SpecificRecord event) {
      return ComputeDecider.aggregateOf(event);
    }

    @Override
    public String projectOf(SpecificRecord event) {
      return ComputeDecider.projectOf(event);
    }
  }
}
