package dev.skyledger.processors.core;

import dev.skyledger.events.Topic;
import java.util.List;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** The shape every decider topology shares: commands → decider (with its store) → events and replies. */
public final class DeciderTopology {
  private DeciderTopology() {}

  public static Topology build(SkyConfig config, Envelopes envelopes, Topic<String, Envelope> commands,
                               Topic<String, Envelope> events, String store, DeciderProcessor.Decider<?> decider) {
    return build(config, envelopes, commands, events, store, decider, null);
  }

  /** As above, with each command's actor re-checked by {@code actorCheck} before the decider sees it. */
  public static Topology build(SkyConfig config, Envelopes envelopes, Topic<String, Envelope> commands,
                               Topic<String, Envelope> events, String store, DeciderProcessor.Decider<?> decider,
                               ActorCheck actorCheck) {
    return build(config, envelopes, commands, events, store, decider, actorCheck, List.of());
  }

  /** As above, also writing the outcomes each inbox wants into it, in the same transaction. */
  public static Topology build(SkyConfig config, Envelopes envelopes, Topic<String, Envelope> commands,
                               Topic<String, Envelope> events, String store, DeciderProcessor.Decider<?> decider,
                               ActorCheck actorCheck, List<Inbox> inboxes) {
    return build(config, envelopes, commands, events, store, decider, actorCheck, inboxes, List.of());
  }

  /** As above, with global views of other partitions' resources the decider's state reads. */
  public static Topology build(SkyConfig config, Envelopes envelopes, Topic<String, Envelope> commands,
                               Topic<String, Envelope> events, String store, DeciderProcessor.Decider<?> decider,
                               ActorCheck actorCheck, List<Inbox> inboxes, List<GlobalView> views) {
    var serde = commands.valueSerde();
    StreamsBuilder builder = new StreamsBuilder();
    if (actorCheck != null) actorCheck.addTo(builder);
    views.forEach(v -> v.addTo(builder));
    Topology topology = builder.build();
    topology.addSource("commands", Serdes.String().deserializer(), serde.deserializer(), config.topic(commands));
    topology.addProcessor("decider",
        () -> new DeciderProcessor(decider, envelopes, store, "events", "replies", actorCheck, inboxes), "commands");
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store),
        Serdes.String(), Serdes.String()), "decider");
    topology.addSink("events", config.topic(events), Serdes.String().serializer(), serde.serializer(), "decider");
    topology.addSink("replies", config.topic(Topics.COMMAND_REPLIES), Serdes.String().serializer(),
        serde.serializer(), "decider");
    for (int i = 0; i < inboxes.size(); i++) {
      topology.addSink(DeciderProcessor.inboxSink(i), config.topic(inboxes.get(i).topic()), Serdes.String().serializer(),
          serde.serializer(), "decider");
    }
    return topology;
  }
}
