package dev.skyledger.processors.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link KeyValues} that keeps the writes of one command aside until {@link #commit()}: reads see
 * them, the store does not. A command whose decide or evolve throws half-way is {@link #discard()}ed,
 * so its state changes never reach the store (nor its changelog) with the ones before it missing.
 */
public final class StagedKeyValues implements KeyValues {
  private final KeyValues store;
  /** Staged writes; a null value is a staged delete. */
  private final TreeMap<String, String> staged = new TreeMap<>();

  public StagedKeyValues(KeyValues store) {
    this.store = store;
  }

  @Override
  public Optional<String> get(String key) {
    if (staged.containsKey(key)) return Optional.ofNullable(staged.get(key));
    return store.get(key);
  }

  @Override
  public void put(String key, String value) {
    staged.put(key, value);
  }

  @Override
  public void delete(String key) {
    staged.put(key, null);
  }

  @Override
  public List<Map.Entry<String, String>> prefix(String prefix) {
    var view = staged.subMap(prefix, prefix + Character.MAX_VALUE);
    if (view.isEmpty()) return store.prefix(prefix);
    TreeMap<String, String> merged = new TreeMap<>();
    for (Map.Entry<String, String> e : store.prefix(prefix)) merged.put(e.getKey(), e.getValue());
    view.forEach((k, v) -> {
      if (v == null) merged.remove(k); else merged.put(k, v);
    });
    List<Map.Entry<String, String>> entries = new ArrayList<>(merged.size());
    merged.forEach((k, v) -> entries.add(Map.entry(k, v)));
    return entries;
  }

  /** Writes what was staged to the store. */
  public void commit() {
    staged.forEach((k, v) -> {
      if (v == null) store.delete(k); else store.put(k, v);
    });
    staged.clear();
  }

  /** Forgets what was staged. */
  public void discard() {
    staged.clear();
  }
}
