package dev.skyledger.processors.network;

import dev.skyledger.events.Topics;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.DeciderTopology;
import dev.skyledger.processors.core.Deciders;
import dev.skyledger.processors.identity.IdentityViewStore;
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
    return DeciderTopology.build(config, envelopes, Topics.NETWORK_COMMANDS, Topics.NETWORK_EVENTS, STORE,
        Deciders.of(NetworkState::new, NetworkDecider::decide, NetworkDecider::evolve, NetworkDecider::aggregateOf,
            NetworkDecider::projectOf),
        new IdentityViewStore(config, envelopes));
  }
}
