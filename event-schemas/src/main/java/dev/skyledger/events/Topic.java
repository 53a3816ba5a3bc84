package dev.skyledger.events;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic of the catalogue: its base name (a deployment may prefix it), its serdes, and its kind,
 * which decides retention (event topics keep everything forever).
 */
public record Topic<K, V>(String name, Kind kind, Serde<K> keySerde, Serde<V> valueSerde) {
  public enum Kind { COMMANDS, EVENTS, REPLIES }
}
