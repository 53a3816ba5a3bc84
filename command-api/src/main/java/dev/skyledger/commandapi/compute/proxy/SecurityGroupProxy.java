package dev.skyledger.commandapi.compute.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.network.Cidr;
import dev.skyledger.platform.network.Ip;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Nova's 2.1 security group API ({@code os-security-groups}, {@code os-security-group-rules}, a
 * server's groups and the add/removeSecurityGroup actions), proxied to the network service as Nova
 * proxies it to Neutron: the groups are Neutron's, shown in Nova's shape (ingress rules only, a
 * rule's source as {@code ip_range} or {@code group}), checked as Nova checks them first.
 */
final class SecurityGroupProxy {
  private final ServiceClient neutron;
  private final ObjectMapper json;

  SecurityGroupProxy(ServiceClient neutron, ObjectMapper json) {
    this.neutron = neutron;
    this.json = json;
  }

  // ---- groups -----------------------------------------------------------------------------------

  void list(Context ctx, TokenClaims caller) {
    boolean all = caller.isAdmin() && NovaProxyRoutes.truthy(ctx.queryParam("all_tenants"));
    Map<String, String> q = new LinkedHashMap<>();
    if (!all) q.put("project_id", caller.projectId());
    JsonNode groups = neutron.expect(ctx, "GET", ServiceClient.query("/v2.0/security-groups", q), null)
        .path("security_groups");
    Map<String, JsonNode> byId = byId(groups);
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("security_groups");
    for (JsonNode g : groups) list.add(group(g, byId));
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  void show(Context ctx) {
    JsonNode g = groupOrNotFound(ctx, ctx.pathParam("id"));
    ObjectNode root = json.createObjectNode();
    root.set("security_group", group(g, sourcesOf(ctx, g)));
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  void create(Context ctx) {
    ObjectNode body = NovaProxyRoutes.resource(ctx, json, "security_group");
    ObjectNode neutronBody = json.createObjectNode();
    neutronBody.putObject("security_group").put("name", property(body, "name"))
        .put("description", property(body, "description"));
    JsonNode created = neutron.expect(ctx, "POST", "/v2.0/security-groups", neutronBody).path("security_group");
    ObjectNode root = json.createObjectNode();
    root.set("security_group", group(created, Map.of()));
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  void update(Context ctx) {
    String id = ctx.pathParam("id");
    ObjectNode body = NovaProxyRoutes.resource(ctx, json, "security_group");
    ObjectNode neutronBody = json.createObjectNode();
    neutronBody.putObject("security_group").put("name", property(body, "name"))
        .put("description", property(body, "description"));
    groupOrNotFound(ctx, id);
    JsonNode updated = neutron.expect(ctx, "PUT", "/v2.0/security-groups/" + ServiceClient.encode(id), neutronBody)
        .path("security_group");
    ObjectNode root = json.createObjectNode();
    root.set("security_group", group(updated, sourcesOf(ctx, updated)));
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  void delete(Context ctx) {
    String id = ctx.pathParam("id");
    JsonNode g = groupOrNotFound(ctx, id);
    if ("default".equals(g.path("name").asText())) {
      throw ApiException.badRequest("Removing default security group not allowed.");
    }
    neutron.expect(ctx, "DELETE", "/v2.0/security-groups/" + ServiceClient.encode(id), null);
    ctx.status(202);
  }

  /** Nova's check of a group's name or description: a string of 1 to 255 characters once stripped (kept as given). */
  private static String property(ObjectNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || !v.isTextual()) throw ApiException.badRequest("Security group " + field + " is not a string or unicode");
    String stripped = v.asText().strip();
    if (stripped.isEmpty() || v.asText().length() > 255) {
      throw ApiException.badRequest("Security group " + field + " must be 1 to 255 characters long.");
    }
    return v.asText();
  }

  private JsonNode groupOrNotFound(Context ctx, String id) {
    ServiceClient.Answer a = neutron.call(ctx, "GET", "/v2.0/security-groups/" + ServiceClient.encode(id), null);
    if (a.status() == 404) throw new ApiException(404, "itemNotFound", "Security group " + id + " not found.");
    if (!a.ok()) throw ServiceClient.fault(a);
    return a.body().path("security_group");
  }

  // ---- rules ------------------------------------------------------------------------------------

  void createRule(Context ctx) {
    ObjectNode body = NovaProxyRoutes.resource(ctx, json, "security_group_rule");
    String parent = body.path("parent_group_id").asText("");
    if (!isUuid(parent)) throw ApiException.badRequest("Security group id should be uuid");
    Rule rule = Rule.of(body);
    JsonNode parentGroup = groupOrNotFound(ctx, parent);
    ObjectNode neutronRule = json.createObjectNode();
    ObjectNode r = neutronRule.putObject("security_group_rule").put("security_group_id", parent)
        .put("direction", "ingress");
    r.put("protocol", rule.protocol());
    if (rule.portMin() != null) r.put("port_range_min", rule.portMin());
    if (rule.portMax() != null) r.put("port_range_max", rule.portMax());
    if (rule.groupId() != null) {
      groupOrNotFound(ctx, rule.groupId());
      r.put("remote_group_id", rule.groupId()).put("ethertype", "IPv4");
    } else {
      r.put("remote_ip_prefix", rule.cidr()).put("ethertype", rule.cidr().contains(":") ? "IPv6" : "IPv4");
    }
    ServiceClient.Answer a = neutron.call(ctx, "POST", "/v2.0/security-group-rules", neutronRule);
    if (a.status() == 409) {
      throw ApiException.badRequest("Security group rule already exists. Group id is " + parent + ".");
    }
    if (!a.ok()) throw ServiceClient.fault(a);
    JsonNode created = a.body().path("security_group_rule");
    Map<String, JsonNode> sources = new HashMap<>();
    sources.put(parent, parentGroup);
    if (rule.groupId() != null) sources.putAll(sourcesOf(ctx, parentGroup, created));
    ObjectNode root = json.createObjectNode();
    root.set("security_group_rule", rule(created, sources));
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  void deleteRule(Context ctx) {
    String id = ctx.pathParam("id");
    ServiceClient.Answer a = neutron.call(ctx, "DELETE", "/v2.0/security-group-rules/" + ServiceClient.encode(id), null);
    if (a.status() == 404) throw new ApiException(404, "itemNotFound", "Security group rule " + id + " not found.");
    if (!a.ok()) throw ServiceClient.fault(a);
    ctx.status(202);
  }

  /** A rule as Nova takes it: a protocol of tcp, udp or icmp, ports in its range, and a cidr or a source group. */
  record Rule(String protocol, Integer portMin, Integer portMax, String cidr, String groupId) {
    static Rule of(ObjectNode body) {
      String protocol = body.path("ip_protocol").isTextual() ? body.get("ip_protocol").asText().toLowerCase(Locale.ROOT) : null;
      if (protocol == null || !Set.of("tcp", "udp", "icmp").contains(protocol)) {
        throw ApiException.badRequest("Invalid IP protocol " + body.path("ip_protocol").asText("") + ".");
      }
      int from = port(body.get("from_port"));
      int to = port(body.get("to_port"));
      Integer min = from;
      Integer max = to;
      if (protocol.equals("icmp")) {
        if (from < -1 || from > 255 || to < -1 || to > 255) {
          throw ApiException.badRequest("Invalid port range " + from + ":" + to + ". ICMP type and code must be -1 to 255.");
        }
        min = from == -1 ? null : from;
        max = to == -1 ? null : to;
      } else {
        if (from > to) {
          throw ApiException.badRequest("Invalid port range " + from + ":" + to + ". Former value cannot be greater than the later");
        }
        if (from < 1 || to > 65535) {
          throw ApiException.badRequest("Invalid port range " + from + ":" + to + ". Valid TCP ports should be between 1-65535");
        }
      }
      String groupId = body.path("group_id").isTextual() ? body.get("group_id").asText() : null;
      String cidr = null;
      if (groupId == null) {
        cidr = network(body.path("cidr").isTextual() ? body.get("cidr").asText() : "0.0.0.0/0");
      } else if (!isUuid(groupId)) {
        throw ApiException.badRequest("Security group id should be uuid");
      }
      return new Rule(protocol, min, max, cidr, groupId);
    }

    /** A CIDR as Nova takes it, host bits allowed: the network it names ({@code 10.2.3.124/24} is 10.2.3.0/24). */
    private static String network(String text) {
      int slash = text.indexOf('/');
      Optional<Ip> ip = Ip.parse(slash < 0 ? text : text.substring(0, slash));
      if (ip.isEmpty()) throw ApiException.badRequest("Invalid cidr " + text + ".");
      int bits = Ip.bits(ip.get().version());
      int prefix;
      try {
        prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) throw ApiException.badRequest("Invalid cidr " + text + ".");
      return Cidr.containing(ip.get(), prefix).toString();
    }

    private static int port(JsonNode v) {
      if (v != null && v.isIntegralNumber() && v.canConvertToInt()) return v.asInt();
      if (v != null && v.isTextual()) {
        try {
          return Integer.parseInt(v.asText().strip());
        } catch (NumberFormatException ignored) {
          // the error below
        }
      }
      throw ApiException.badRequest("Invalid port range: ports must be integers (" + v + ").");
    }
  }

  // ---- a server's groups ------------------------------------------------------------------------

  void ofServer(Context ctx, String serverId) {
    Set<String> ids = new LinkedHashSet<>();
    for (JsonNode port : ports(ctx, serverId)) port.path("security_groups").forEach(g -> ids.add(g.asText()));
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("security_groups");
    for (String id : ids) {
      ServiceClient.Answer a = neutron.call(ctx, "GET", "/v2.0/security-groups/" + ServiceClient.encode(id), null);
      if (a.ok()) list.add(group(a.body().path("security_group"), sourcesOf(ctx, a.body().path("security_group"))));
    }
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  /** {@code addSecurityGroup} / {@code removeSecurityGroup}: every port of the server gains or loses the group. */
  void addOrRemove(Context ctx, TokenClaims caller, String serverId, String project, JsonNode args, boolean add) {
    String name = args.path("name").isTextual() ? args.get("name").asText().strip() : "";
    if (name.isEmpty()) throw ApiException.badRequest("Security group name cannot be empty");
    String groupId = groupNamed(ctx, name, project);
    List<JsonNode> ports = ports(ctx, serverId);
    if (ports.isEmpty()) {
      throw ApiException.badRequest("Server " + serverId + " has no network ports to " + (add ? "add" : "remove")
          + " a security group " + (add ? "to" : "from") + ".");
    }
    boolean onAny = false;
    for (JsonNode port : ports) {
      List<String> groups = new ArrayList<>();
      port.path("security_groups").forEach(g -> groups.add(g.asText()));
      onAny |= groups.contains(groupId);
      if (add == groups.contains(groupId)) continue;
      if (add) groups.add(groupId);
      else groups.remove(groupId);
      ObjectNode update = json.createObjectNode();
      ArrayNode list = update.putObject("port").putArray("security_groups");
      groups.forEach(list::add);
      neutron.expect(ctx, "PUT", "/v2.0/ports/" + ServiceClient.encode(port.path("id").asText()), update);
    }
    if (!add && !onAny) {
      throw ApiException.badRequest("Security group " + name + " not associated with the instance " + serverId);
    }
    ctx.status(202);
  }

  /** The id of the project's group named (or with the id) {@code name}; 404 when none, 409 when several. */
  private String groupNamed(Context ctx, String name, String project) {
    if (isUuid(name)) {
      ServiceClient.Answer a = neutron.call(ctx, "GET", "/v2.0/security-groups/" + ServiceClient.encode(name), null);
      if (a.ok()) return a.body().path("security_group").path("id").asText();
    }
    Map<String, String> q = new LinkedHashMap<>();
    q.put("name", name);
    q.put("project_id", project);
    JsonNode found = neutron.expect(ctx, "GET", ServiceClient.query("/v2.0/security-groups", q), null).path("security_groups");
    if (found.isEmpty()) {
      throw new ApiException(404, "itemNotFound", "Security group " + name + " not found for project " + project + ".");
    }
    if (found.size() > 1) {
      throw new ApiException(409, "conflict", "Multiple security groups found matching '" + name
          + "'. Use an ID to be more specific.");
    }
    return found.get(0).path("id").asText();
  }

  private List<JsonNode> ports(Context ctx, String serverId) {
    List<JsonNode> out = new ArrayList<>();
    neutron.expect(ctx, "GET", ServiceClient.query("/v2.0/ports", Map.of("device_id", serverId)), null)
        .path("ports").forEach(out::add);
    return out;
  }

  // ---- Nova's shape -----------------------------------------------------------------------------

  private static Map<String, JsonNode> byId(JsonNode groups) {
    Map<String, JsonNode> out = new HashMap<>();
    for (JsonNode g : groups) out.put(g.path("id").asText(), g);
    return out;
  }

  /** The groups a group's rules name as their source, read one by one (the group itself included). */
  private Map<String, JsonNode> sourcesOf(Context ctx, JsonNode g) {
    return sourcesOf(ctx, g, null);
  }

  private Map<String, JsonNode> sourcesOf(Context ctx, JsonNode g, JsonNode extraRule) {
    Map<String, JsonNode> out = new HashMap<>();
    out.put(g.path("id").asText(), g);
    List<JsonNode> rules = new ArrayList<>();
    g.path("security_group_rules").forEach(rules::add);
    if (extraRule != null) rules.add(extraRule);
    for (JsonNode r : rules) {
      String remote = r.path("remote_group_id").asText(null);
      if (remote == null || out.containsKey(remote)) continue;
      ServiceClient.Answer a = neutron.call(ctx, "GET", "/v2.0/security-groups/" + ServiceClient.encode(remote), null);
      if (a.ok()) out.put(remote, a.body().path("security_group"));
    }
    return out;
  }

  private ObjectNode group(JsonNode g, Map<String, JsonNode> sources) {
    ObjectNode o = json.createObjectNode();
    o.put("id", g.path("id").asText());
    o.put("name", g.path("name").asText(""));
    o.put("description", g.path("description").asText(""));
    o.put("tenant_id", g.path("project_id").asText(g.path("tenant_id").asText("")));
    ArrayNode rules = o.putArray("rules");
    for (JsonNode r : g.path("security_group_rules")) {
      if ("ingress".equals(r.path("direction").asText())) rules.add(rule(r, sources));
    }
    return o;
  }

  /** A Neutron rule as Nova shows it: protocol, ports (a whole range for tcp/udp without ports, -1 for icmp), source. */
  private ObjectNode rule(JsonNode r, Map<String, JsonNode> sources) {
    ObjectNode o = json.createObjectNode();
    o.put("id", r.path("id").asText());
    o.put("parent_group_id", r.path("security_group_id").asText());
    String protocol = r.path("protocol").isTextual() ? r.get("protocol").asText() : null;
    if (protocol == null) o.putNull("ip_protocol");
    else o.put("ip_protocol", protocol);
    JsonNode min = r.get("port_range_min");
    JsonNode max = r.get("port_range_max");
    boolean noPorts = (min == null || min.isNull()) && (max == null || max.isNull());
    if (protocol != null && noPorts) {
      boolean ranged = protocol.equalsIgnoreCase("tcp") || protocol.equalsIgnoreCase("udp");
      o.put("from_port", ranged ? 1 : -1);
      o.put("to_port", ranged ? 65535 : -1);
    } else if (protocol == null) {
      o.putNull("from_port");
      o.putNull("to_port");
    } else {
      o.put("from_port", min == null || min.isNull() ? -1 : min.asInt());
      o.put("to_port", max == null || max.isNull() ? -1 : max.asInt());
    }
    ObjectNode group = o.putObject("group");
    ObjectNode range = o.putObject("ip_range");
    String remote = r.path("remote_group_id").asText(null);
    if (remote != null) {
      JsonNode source = sources.get(remote);
      if (source != null) {
        group.put("name", source.path("name").asText(""));
        group.put("tenant_id", source.path("project_id").asText(source.path("tenant_id").asText("")));
      }
    } else {
      String prefix = r.path("remote_ip_prefix").asText(null);
      range.put("cidr", prefix == null ? "0.0.0.0/0" : prefix);
    }
    return o;
  }

  static boolean isUuid(String value) {
    try {
      return UUID.fromString(value).toString().equalsIgnoreCase(value);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
