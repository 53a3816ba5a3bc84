package dev.skyledger.processors.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** {@link KeyValues} over a Kafka Streams store (RocksDB, restored from its changelog after a crash). */
public final class StoreKeyValues implements KeyValues {
  private final KeyValueStore<String, String> store;

  public StoreKeyValues(KeyValueStore<String, String> store) {
    this.store = store;
  }

  @Override
  public Optional<String> get(String key) {
    return Optional.ofNullable(store.get(key));
  }

  @Override
  public void put(String key, String value) {
    store.put(key, value);
  }

  @Override
  public void delete(String key) {
    store.delete(key);
  }

  @Override
  public List<Map.Entry<String, String>> prefix(String prefix) {
    List<Map.Entry<String, String>> entries = new ArrayList<>();
    try (KeyValueIterator<String, String> it = store.prefixScan(prefix, new StringSerializer())) {
      it.forEachRemaining(kv -> entries.add(Map.entry(kv.key, kv.value)));
    }
    return entries;
  }
}
