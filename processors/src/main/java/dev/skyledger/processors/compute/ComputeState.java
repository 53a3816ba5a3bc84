package dev.skyledger.processors.compute;

import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.Keypair;
import dev.skyledger.processors.core.AvroRows;
import dev.skyledger.processors.core.KeyValues;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The compute decider's state: flavors (with access lists), key pairs per user, quota limits per project. */
final class ComputeState {
  private final KeyValues kv;

  ComputeState(KeyValues kv) {
    this.kv = kv;
  }

  Optional<Flavor> flavor(String id) {
    return kv.get("f/" + id).map(row -> AvroRows.read(row, Flavor.class));
  }

  Optional<String> flavorIdByName(String name) {
    return kv.get("fn/" + name);
  }

  void putFlavor(Flavor f) {
    flavor(f.getFlavorId()).ifPresent(old -> kv.delete("fn/" + old.getName()));
    kv.put("f/" + f.getFlavorId(), AvroRows.write(f));
    kv.put("fn/" + f.getName(), f.getFlavorId());
  }

  void deleteFlavor(String id) {
    flavor(id).ifPresent(f -> kv.delete("fn/" + f.getName()));
    kv.delete("f/" + id);
    for (String project : access(id)) kv.delete("fa/" + id + "/" + project);
  }

  List<String> access(String flavorId) {
    String prefix = "fa/" + flavorId + "/";
    return kv.prefix(prefix).stream().map(e -> e.getKey().substring(prefix.length())).toList();
  }

  void addAccess(String flavorId, String projectId) {
    kv.put("fa/" + flavorId + "/" + projectId, "");
  }

  void removeAccess(String flavorId, String projectId) {
    kv.delete("fa/" + flavorId + "/" + projectId);
  }

  Optional<Keypair> keypair(String userId, String name) {
    return kv.get("k/" + userId + "/" + name).map(row -> AvroRows.read(row, Keypair.class));
  }

  int keypairCount(String userId) {
    return kv.prefix("k/" + userId + "/").size();
  }

  void putKeypair(Keypair k) {
    kv.put("k/" + k.getUserId() + "/" + k.getName(), AvroRows.write(k));
  }

  void deleteKeypair(Keypair k) {
    kv.delete("k/" + k.getUserId() + "/" + k.getName());
  }

  Map<String, Integer> quota(String projectId) {
    Map<String, Integer> out = new HashMap<>();
    String prefix = "q/" + projectId + "/";
    kv.prefix(prefix).forEach(e -> out.put(e.getKey().substring(prefix.length()), Integer.parseInt(e.getValue())));
    return out;
  }

  void replaceQuota(String projectId, Map<String, Integer> limits) {
    for (String key : quota(projectId).keySet()) kv.delete("q/" + projectId + "/" + key);
    limits.forEach((k, v) -> kv.put("q/" + projectId + "/" + k, Integer.toString(v)));
  }
}
