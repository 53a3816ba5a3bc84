package dev.skyledger.processors.core;

import org.apache.kafka.streams.StreamsBuilder;

/**
 * A read-only view another context's events build in every task of a topology (a global store):
 * what a decider looks up about resources that are decided on other partitions.
 */
public interface GlobalView {
  /** Adds the store and what feeds it to the topology being built. */
  void addTo(StreamsBuilder builder);
}
