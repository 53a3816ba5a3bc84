package dev.skyledger.processors.compute;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.Keypair;
import dev.skyledger.processors.core.AvroRows;
import dev.skyledger.processors.core.KeyValues;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compute decider's state: flavors (with access lists), key pairs per user, quota limits per
 * project, and per project its servers (what each holds of the quota, whether it is being deleted,
 * its metadata) with the project's usage.
 */
final class ComputeState {
  private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
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

  /** What the project decider knows of a server: its share of the quota and whether it still holds it. */
  record Server(String id, String projectId, String name, int vcpus, int ramMb, boolean reserved, boolean deleting) {
    /** A JSON row, so a name holds any text the API accepted. */
    String encode() {
      try {
        return JSON.writeValueAsString(this);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("server " + id + " cannot be stored", e);
      }
    }

    /** Reads a JSON row, or a row of the first release (fields joined by U+0000, which a name could break). */
    static Server decode(String row) {
      if (!row.startsWith("{")) {
        String[] p = row.split("\u0000", -1);
        return new Server(p[0], p[1], p[2], Integer.parseInt(p[3]), Integer.parseInt(p[4]), Boolean.parseBoolean(p[5]),
            Boolean.parseBoolean(p[6]));
      }
      try {
        return JSON.readValue(row, Server.class);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("corrupt server row: " + row, e);
      }
    }
  }

  /** A project's usage of the quota: instances, cores and RAM held by its servers. */
  record Usage(int instances, int cores, int ramMb) {
    Usage plus(int n, int c, int r) {
      return new Usage(instances + n, cores + c, ramMb + r);
    }
  }

  Optional<Server> server(String id) {
    return kv.get("s/" + id).map(Server::decode);
  }

  void putServer(Server server) {
    kv.put("s/" + server.id(), server.encode());
  }

  Usage usage(String projectId) {
    return kv.get("u/" + projectId).map(row -> {
      String[] p = row.split(",");
      return new Usage(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
    }).orElse(new Usage(0, 0, 0));
  }

  void putUsage(String projectId, Usage u) {
    kv.put("u/" + projectId, u.instances() + "," + u.cores() + "," + u.ramMb());
  }

  Map<String, String> metadata(String serverId) {
    Map<String, String> out = new java.util.TreeMap<>();
    String prefix = "sm/" + serverId + "/";
    kv.prefix(prefix).forEach(e -> out.put(e.getKey().substring(prefix.length()), e.getValue()));
    return out;
  }

  void replaceMetadata(String serverId, Map<String, String> metadata) {
    for (String key : metadata(serverId).keySet()) kv.delete("sm/" + serverId + "/" + key);
    metadata.forEach((k, v) -> kv.put("sm/" + serverId + "/" + k, v));
  }

  /** A project's server group: its policy and the servers in it (until they are deleted). */
  Optional<dev.skyledger.events.compute.ServerGroup> group(String groupId) {
    return kv.get("g/" + groupId).map(row -> AvroRows.read(row, dev.skyledger.events.compute.ServerGroup.class));
  }

  void putGroup(dev.skyledger.events.compute.ServerGroup group) {
    kv.put("g/" + group.getGroupId(), AvroRows.write(group));
    kv.put("pg/" + group.getProjectId() + "/" + group.getGroupId(), "");
  }

  void deleteGroup(String groupId, String projectId) {
    kv.delete("g/" + groupId);
    kv.delete("pg/" + projectId + "/" + groupId);
  }

  int groupCount(String projectId) {
    return kv.prefix("pg/" + projectId + "/").size();
  }

  int memberCount(String groupId) {
    return kv.prefix("gm/" + groupId + "/").size();
  }

  void addMember(String groupId, String serverId) {
    kv.put("gm/" + groupId + "/" + serverId, "");
    kv.put("sg/" + serverId, groupId);
  }

  void removeMember(String serverId) {
    kv.get("sg/" + serverId).ifPresent(g -> kv.delete("gm/" + g + "/" + serverId));
    kv.delete("sg/" + serverId);
  }

  // ---- host aggregates (on the aggregates stream) -----------------------------------------------

  Optional<dev.skyledger.events.compute.Aggregate> aggregate(int id) {
    return kv.get("a/" + id).map(row -> AvroRows.read(row, dev.skyledger.events.compute.Aggregate.class));
  }

  List<dev.skyledger.events.compute.Aggregate> aggregates() {
    return kv.prefix("a/").stream().map(e -> AvroRows.read(e.getValue(), dev.skyledger.events.compute.Aggregate.class)).toList();
  }

  Optional<Integer> aggregateIdByName(String name) {
    return kv.get("an/" + name).map(Integer::parseInt);
  }

  /** The highest aggregate id handed out (0: none yet); ids are never reused, as Nova's are not. */
  int lastAggregateId() {
    return kv.get("aseq").map(Integer::parseInt).orElse(0);
  }

  void putAggregate(dev.skyledger.events.compute.Aggregate a) {
    aggregate(a.getAggregateId()).ifPresent(old -> kv.delete("an/" + old.getName()));
    kv.put("a/" + a.getAggregateId(), AvroRows.write(a));
    kv.put("an/" + a.getName(), Integer.toString(a.getAggregateId()));
    if (a.getAggregateId() > lastAggregateId()) kv.put("aseq", Integer.toString(a.getAggregateId()));
  }

  void deleteAggregate(dev.skyledger.events.compute.Aggregate a) {
    aggregate(a.getAggregateId()).ifPresent(old -> kv.delete("an/" + old.getName()));
    kv.delete("a/" + a.getAggregateId());
  }
}
