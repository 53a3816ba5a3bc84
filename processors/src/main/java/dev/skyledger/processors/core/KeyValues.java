package dev.skyledger.processors.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The write-side state of a decider: string keys and values, with prefix scans. */
public interface KeyValues {
  Optional<String> get(String key);

  void put(String key, String value);

  void delete(String key);

  /** Entries whose key starts with {@code prefix}, in key order. */
  List<Map.Entry<String, String>> prefix(String prefix);
}
