package dev.skyledger.processors.network;

import dev.skyledger.events.Topics;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.DeciderTopology;
import dev.skyledger.processors.core.Inbox;
import java.util.List;
import dev.skyledger.processors.core.Deciders;
import dev.skyledger.processors.identity.IdentityViewStore;
import org.apache.kafka.streams.Topology;

/** network.commands → the network decider (roles re-checked against identity) → network.events and command.replies. */
public final class NetworkTopology {
  public static final String STORE = "network-state";

  private final SkyConfig config;
  private final Envelopes envelopes;
  private final List<Inbox> inboxes;

  public NetworkTopology(SkyConfig config, Envelopes envelopes) {
    this(config, envelopes, List.of());
  }

  /** With the inboxes of the processors that take some of this decider's outcomes straight from it. */
  public NetworkTopology(SkyConfig config, Envelopes envelopes, List<Inbox> inboxes) {
    this.config = config;
    this.envelopes = envelopes;
    this.inboxes = List.copyOf(inboxes);
  }

  public Topology build() {
    return DeciderTopology.build(config, envelopes, Topics.NETWORK_COMMANDS, Topics.NETWORK_EVENTS, STORE,
        Deciders.withViews((kv, context) -> new NetworkState(kv, SecurityGroupOwners.bind(context)),
            NetworkDecider::decide, NetworkDecider::evolve, NetworkDecider::aggregateOf, NetworkDecider::projectOf),
        new IdentityViewStore(config, envelopes), inboxes, List.of(new SecurityGroupOwners(config, envelopes)));
  }
}
