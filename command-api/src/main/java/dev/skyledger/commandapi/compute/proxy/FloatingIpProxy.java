package dev.skyledger.commandapi.compute.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Nova's 2.1 floating IP API ({@code os-floating-ips}, {@code os-floating-ip-pools}, and the
 * add/removeFloatingIp server actions), proxied to the network service: a pool is an external
 * network, a floating IP Neutron's, its {@code instance_id} the server its port belongs to.
 */
final class FloatingIpProxy {
  private final ServiceClient neutron;
  private final ObjectMapper json;

  FloatingIpProxy(ServiceClient neutron, ObjectMapper json) {
    this.neutron = neutron;
    this.json = json;
  }

  void pools(Context ctx) {
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("floating_ip_pools");
    for (JsonNode n : externalNetworks(ctx)) list.addObject().put("name", n.path("name").asText(""));
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  void list(Context ctx, TokenClaims caller) {
    JsonNode ips = neutron.expect(ctx, "GET", ServiceClient.query("/v2.0/floatingips",
        Map.of("project_id", caller.projectId() == null ? "" : caller.projectId())), null).path("floatingips");
    Names names = names(ctx, ips);
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("floating_ips");
    for (JsonNode f : ips) list.add(nova(f, names));
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  void show(Context ctx) {
    JsonNode f = byId(ctx, ctx.pathParam("id"));
    ObjectNode root = json.createObjectNode();
    root.set("floating_ip", nova(f, names(ctx, json.createArrayNode().add(f))));
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  /** {@code POST /os-floating-ips {"pool": name}} (the body is optional: the only external network, then). */
  void create(Context ctx) {
    String pool = null;
    if (!ctx.body().isBlank()) {
      JsonNode p = JsonBody.object(ctx, json).get("pool");
      if (p != null && !p.isNull()) {
        if (!p.isTextual()) throw ApiException.badRequest("Invalid input for field/attribute pool. Value: " + p + ".");
        pool = p.asText();
      }
    }
    JsonNode network = null;
    for (JsonNode n : externalNetworks(ctx)) {
      if (pool == null || pool.equals(n.path("name").asText()) || pool.equals(n.path("id").asText())) {
        if (network != null && pool == null) {
          throw ApiException.badRequest("Multiple floating IP pools matches found for name 'None'");
        }
        network = n;
        if (pool != null) break;
      }
    }
    if (network == null) {
      throw new ApiException(404, "itemNotFound", "Floating IP pool not found: " + (pool == null ? "none" : pool) + ".");
    }
    ObjectNode body = json.createObjectNode();
    body.putObject("floatingip").put("floating_network_id", network.path("id").asText());
    ServiceClient.Answer a = neutron.call(ctx, "POST", "/v2.0/floatingips", body);
    if (a.status() == 409 || a.status() == 403) {
      throw new ApiException(403, "forbidden", "Maximum number of floating IPs exceeded");
    }
    if (!a.ok()) throw ServiceClient.fault(a);
    ObjectNode root = json.createObjectNode();
    root.set("floating_ip", nova(a.body().path("floatingip"), names(ctx, json.createArrayNode())));
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  void delete(Context ctx) {
    String id = ctx.pathParam("id");
    byId(ctx, id);
    neutron.expect(ctx, "DELETE", "/v2.0/floatingips/" + ServiceClient.encode(id), null);
    ctx.status(202);
  }

  /** {@code addFloatingIp {"address", "fixed_address"?}}: the address is bound to the server's port (the one with that fixed address). */
  void add(Context ctx, String serverId, JsonNode args) {
    String address = address(args);
    JsonNode floating = byAddress(ctx, address);
    String fixed = args.path("fixed_address").isTextual() ? args.get("fixed_address").asText() : null;
    JsonNode port = null;
    for (JsonNode p : neutron.expect(ctx, "GET", ServiceClient.query("/v2.0/ports", Map.of("device_id", serverId)), null)
        .path("ports")) {
      if (fixed == null && !p.path("fixed_ips").isEmpty()) {
        port = p;
        break;
      }
      for (JsonNode ip : p.path("fixed_ips")) {
        if (ip.path("ip_address").asText().equals(fixed)) port = p;
      }
    }
    if (port == null) {
      throw ApiException.badRequest(fixed == null ? "No nw_info cache associated with instance"
          : "Specified fixed address not assigned to instance");
    }
    ObjectNode body = json.createObjectNode();
    ObjectNode f = body.putObject("floatingip").put("port_id", port.path("id").asText());
    if (fixed != null) f.put("fixed_ip_address", fixed);
    neutron.expect(ctx, "PUT", "/v2.0/floatingips/" + ServiceClient.encode(floating.path("id").asText()), body);
    ctx.status(202);
  }

  /** {@code removeFloatingIp {"address"}}: only from the server it is bound to (409 otherwise, as Nova). */
  void remove(Context ctx, String serverId, JsonNode args) {
    String address = address(args);
    JsonNode floating = byAddress(ctx, address);
    String portId = floating.path("port_id").asText(null);
    String boundTo = portId == null ? null : neutron.call(ctx, "GET", "/v2.0/ports/" + ServiceClient.encode(portId), null)
        .body().path("port").path("device_id").asText(null);
    if (!serverId.equals(boundTo)) {
      throw new ApiException(409, "conflict", "Floating IP " + address + " is not associated with instance " + serverId + ".");
    }
    ObjectNode body = json.createObjectNode();
    body.putObject("floatingip").putNull("port_id");
    neutron.expect(ctx, "PUT", "/v2.0/floatingips/" + ServiceClient.encode(floating.path("id").asText()), body);
    ctx.status(202);
  }

  private static String address(JsonNode args) {
    String address = args.path("address").isTextual() ? args.get("address").asText() : "";
    if (address.isBlank()) throw ApiException.badRequest("Invalid input for field/attribute address. Value: " + args + ".");
    return address;
  }

  private JsonNode byId(Context ctx, String id) {
    ServiceClient.Answer a = neutron.call(ctx, "GET", "/v2.0/floatingips/" + ServiceClient.encode(id), null);
    if (a.status() == 404) throw new ApiException(404, "itemNotFound", "Floating IP not found for ID " + id);
    if (!a.ok()) throw ServiceClient.fault(a);
    return a.body().path("floatingip");
  }

  private JsonNode byAddress(Context ctx, String address) {
    JsonNode found = neutron.expect(ctx, "GET", ServiceClient.query("/v2.0/floatingips",
        Map.of("floating_ip_address", address)), null).path("floatingips");
    if (found.isEmpty()) throw new ApiException(404, "itemNotFound", "Floating IP not found for address " + address + ".");
    return found.get(0);
  }

  private JsonNode externalNetworks(Context ctx) {
    return neutron.expect(ctx, "GET", ServiceClient.query("/v2.0/networks", Map.of("router:external", "true")), null)
        .path("networks");
  }

  /** The pools' names and the servers of the floating IPs' ports, read once for a page. */
  private record Names(Map<String, String> pools, Map<String, String> serverOfPort) {}

  private Names names(Context ctx, JsonNode floatingIps) {
    Map<String, String> pools = new HashMap<>();
    for (JsonNode n : externalNetworks(ctx)) pools.put(n.path("id").asText(), n.path("name").asText(""));
    Map<String, String> servers = new LinkedHashMap<>();
    for (JsonNode f : floatingIps) {
      String port = f.path("port_id").asText(null);
      if (port == null || servers.containsKey(port)) continue;
      ServiceClient.Answer a = neutron.call(ctx, "GET", "/v2.0/ports/" + ServiceClient.encode(port), null);
      String device = a.ok() ? a.body().path("port").path("device_id").asText("") : "";
      if (!device.isEmpty()) servers.put(port, device);
    }
    return new Names(pools, servers);
  }

  private ObjectNode nova(JsonNode f, Names names) {
    ObjectNode o = json.createObjectNode();
    o.put("id", f.path("id").asText());
    String pool = names.pools().get(f.path("floating_network_id").asText());
    if (pool == null) o.putNull("pool");
    else o.put("pool", pool);
    String port = f.path("port_id").asText(null);
    String server = port == null ? null : names.serverOfPort().get(port);
    if (server == null) o.putNull("instance_id");
    else o.put("instance_id", server);
    o.put("ip", f.path("floating_ip_address").asText());
    if (f.path("fixed_ip_address").isTextual()) o.put("fixed_ip", f.get("fixed_ip_address").asText());
    else o.putNull("fixed_ip");
    return o;
  }
}
