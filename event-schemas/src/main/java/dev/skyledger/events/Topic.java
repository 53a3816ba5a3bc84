package dev.skyledger.events;

import org.apache.kafka.common.serialization.Serde;

/**
 * A topic of the catalogue: its base name (a deployment may prefix it), its serdes, and its kind,
 * which decides retention (event topics keep everything forever).
 */
public record Topic<K, V>(String name, Kind kind, Serde<K> keySerde, Serde<V> valueSerde) {
  /**
   * COMMANDS and EVENTS are kept forever; REPLIES for a day. SAGA is the input of a process manager
   * that must see everything in one order (the boot saga places servers on hosts with claims), so it
   * has exactly one partition, whatever the deployment's partition count; it is kept forever too.
   */
  public enum Kind { COMMANDS, EVENTS, REPLIES, SAGA }

  /** The partition count of this topic: one for a saga's input, else the deployment's. */
  public int partitions(int configured) {
    return kind == Kind.SAGA ? 1 : configured;
  }
}
