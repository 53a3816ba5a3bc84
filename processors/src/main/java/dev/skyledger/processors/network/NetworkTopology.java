package dev.skyledger.processors.network;

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

/** network.commands → the network decider (roles re-checked against identity) → network.events and command.replies. */
public final class NetworkTopology {
  public static final String STORE = "network-state";

  private final SkyConfig config;
  private final Envelopes envelopes;

  public NetworkTopology(SkyConfig config, Envelopes envelopes) {
    this.config = config;
    this.envelopes = envelopes;
  }

  public Topology build() {
    return DeciderTopology.build(config, envelopes, Topics.NETWORK_COMMANDS, Topics.NETWORK_EVENTS, STORE, new Networks(),
        new IdentityViewStore(config, envelopes));
  }

  /** Binds the network decider to the processor shell. */
  private static final class Networks implements DeciderProcessor.Decider<NetworkState> {
    @Override
    public NetworkState state(KeyValues kv) {
      return new NetworkState(kv);
    }

    @Override
    public Decision decide(SpecificRecord command, Envelope envelope, NetworkState state) {
      return NetworkDecider.decide(command, envelope.getActor(), state);
    }

    @Override
    public void evolve(NetworkState state, SpecificRecord event) {
      NetworkDecider.evolve(state, event);
    }

    @Override
    public String aggregateOf(SpecificRecord event) {
      return NetworkDecider.aggregateOf(event);
    }

    @Override
    public String projectOf(SpecificRecord event) {
      return NetworkDecider.projectOf(event);
    }
  }
}
