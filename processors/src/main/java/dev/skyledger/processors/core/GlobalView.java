package dev.skyledger.processors.core;

import dev.skyledger.events.Topic;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.config.SkyConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * A read-only view another context's events build in every task of a topology (a global store):
 * what a decider looks up about resources that are decided on other partitions.
 */
public interface GlobalView {
  /** Adds the store and what feeds it to the topology being built. */
  void addTo(StreamsBuilder builder);

  /**
   * A global key-value store fed from {@code topic} through {@code updater}, which
   * {@link StreamsBuilder#addGlobalStore} runs on restore too (KAFKA-7663), so a store rebuilt
   * from the topic holds exactly what the live one held.
   */
  static void addEventStore(StreamsBuilder builder, SkyConfig config, String store, Topic<String, Envelope> topic,
                            String sourceName, ProcessorSupplier<String, Envelope, Void, Void> updater) {
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(), Serdes.String())
            .withLoggingDisabled(),
        config.topic(topic),
        Consumed.with(Serdes.String(), topic.valueSerde()).withName(sourceName),
        updater);
  }
}
