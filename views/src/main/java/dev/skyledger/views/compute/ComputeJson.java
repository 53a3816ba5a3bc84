package dev.skyledger.views.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.compute.Microversion;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** Flavors, key pairs and quota sets as Nova writes them. */
public final class ComputeJson {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
  private final ObjectMapper json;
  private final String computeUrl;

  /** {@code computeUrl}: the public compute endpoint ({@code .../compute/v2.1}), for links. */
  public ComputeJson(ObjectMapper json, String computeUrl) {
    this.json = json;
    this.computeUrl = computeUrl;
  }

  public ObjectMapper mapper() {
    return json;
  }

  private void links(ObjectNode o, String path) {
    ArrayNode links = o.putArray("links");
    links.addObject().put("rel", "self").put("href", computeUrl + path);
    links.addObject().put("rel", "bookmark").put("href", computeUrl.replaceAll("/v2\\.1$", "") + path);
  }

  public ObjectNode flavorBrief(ComputeCatalog.Flavor f) {
    ObjectNode o = json.createObjectNode();
    o.put("id", f.id());
    o.put("name", f.name());
    links(o, "/flavors/" + f.id());
    return o;
  }

  public ObjectNode flavor(ComputeCatalog.Flavor f) {
    ObjectNode o = flavorBrief(f);
    o.put("ram", f.ramMb());
    o.put("disk", f.diskGb());
    o.put("vcpus", f.vcpus());
    o.put("OS-FLV-EXT-DATA:ephemeral", f.ephemeralGb());
    o.put("OS-FLV-DISABLED:disabled", false);
    if (f.swapMb() == 0) o.put("swap", ""); else o.put("swap", f.swapMb());
    o.put("rxtx_factor", f.rxtxFactor());
    o.put("os-flavor-access:is_public", f.isPublic());
    return o;
  }

  public ObjectNode extraSpecs(Map<String, String> specs) {
    ObjectNode root = json.createObjectNode();
    ObjectNode o = root.putObject("extra_specs");
    specs.forEach(o::put);
    return root;
  }

  public ObjectNode flavorAccess(String flavorId, Iterable<String> projects) {
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("flavor_access");
    for (String p : projects) list.addObject().put("flavor_id", flavorId).put("tenant_id", p);
    return root;
  }

  /** A key pair in a list ({@code full} false) or shown; its type from 2.2. */
  public ObjectNode keypair(ComputeCatalog.Keypair k, boolean full, Microversion version) {
    ObjectNode o = json.createObjectNode();
    o.put("name", k.name());
    o.put("public_key", k.publicKey());
    o.put("fingerprint", k.fingerprint());
    if (version.atLeast(2)) o.put("type", k.type());
    if (full) {
      o.put("user_id", k.userId());
      o.put("created_at", TIME.format(k.createdAt().truncatedTo(ChronoUnit.MICROS)));
      o.put("deleted", false);
      o.putNull("deleted_at");
      o.putNull("updated_at");
      o.put("id", Math.abs((k.userId() + "/" + k.name()).hashCode()));
    }
    return o;
  }

  /** {@code {"quota_set": {...}}}: the limits, with the project id unless it is the defaults of an update. */
  public ObjectNode quotaSet(String projectId, Map<String, Integer> limits) {
    ObjectNode root = json.createObjectNode();
    ObjectNode q = root.putObject("quota_set");
    if (projectId != null) q.put("id", projectId);
    limits.forEach(q::put);
    // retired with nova-network, still in the 2.1 answer (-1: not counted by compute)
    q.put("fixed_ips", -1);
    q.put("floating_ips", -1);
    q.put("security_groups", -1);
    q.put("security_group_rules", -1);
    return root;
  }

  public ObjectNode quotaDetail(String projectId, Map<String, Integer> limits, Map<String, Integer> inUse) {
    ObjectNode root = json.createObjectNode();
    ObjectNode q = root.putObject("quota_set");
    q.put("id", projectId);
    limits.forEach((k, v) -> q.putObject(k).put("limit", v).put("in_use", inUse.getOrDefault(k, 0)).put("reserved", 0));
    return root;
  }
}
