package dev.skyledger.processors.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link KeyValues} in memory, for decider tests. */
public final class MapKeyValues implements KeyValues {
  private final TreeMap<String, String> map = new TreeMap<>();

  @Override
  public Optional<String> get(String key) {
    return Optional.ofNullable(map.get(key));
  }

  @Override
  public void put(String key, String value) {
    map.put(key, value);
  }

  @Override
  public void delete(String key) {
    map.remove(key);
  }

  @Override
  public List<Map.Entry<String, String>> prefix(String prefix) {
    return map.subMap(prefix, prefix + Character.MAX_VALUE).entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue())).toList();
  }
}
