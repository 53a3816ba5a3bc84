package dev.skyledger.commandapi.compute.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.http.ApiException;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Nova's 2.1 network APIs ({@code os-tenant-networks}, {@code os-networks}) with the network
 * service, read only as in Nova since nova-network: the networks the caller can see, each with
 * its label and its first IPv4 subnet's CIDR ({@code os-networks} adds nova-network's fields,
 * null).
 */
final class NetworkProxy {
  private static final List<String> NOVA_NETWORK_FIELDS = List.of("bridge", "bridge_interface", "broadcast", "cidr_v6",
      "created_at", "deleted", "deleted_at", "dhcp_server", "dhcp_start", "dns1", "dns2", "enable_dhcp", "gateway",
      "gateway_v6", "host", "injected", "mtu", "multi_host", "netmask", "netmask_v6", "priority", "project_id",
      "rxtx_base", "share_address", "updated_at", "vlan", "vpn_private_address", "vpn_public_address", "vpn_public_port");

  private final ServiceClient neutron;
  private final ObjectMapper json;

  NetworkProxy(ServiceClient neutron, ObjectMapper json) {
    this.neutron = neutron;
    this.json = json;
  }

  void list(Context ctx, boolean tenant) {
    JsonNode networks = neutron.expect(ctx, "GET", "/v2.0/networks", null).path("networks");
    Map<String, String> cidrs = cidrs(ctx);
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("networks");
    for (JsonNode n : networks) list.add(nova(n, cidrs, tenant));
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  void show(Context ctx, boolean tenant) {
    String id = ctx.pathParam("id");
    ServiceClient.Answer a = neutron.call(ctx, "GET", "/v2.0/networks/" + ServiceClient.encode(id), null);
    if (a.status() == 404) throw new ApiException(404, "itemNotFound", "Network " + id + " could not be found.");
    if (!a.ok()) throw ServiceClient.fault(a);
    ObjectNode root = json.createObjectNode();
    root.set("network", nova(a.body().path("network"), cidrs(ctx), tenant));
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  /** The first IPv4 subnet's CIDR of every network the caller sees. */
  private Map<String, String> cidrs(Context ctx) {
    Map<String, String> out = new HashMap<>();
    for (JsonNode s : neutron.expect(ctx, "GET", "/v2.0/subnets", null).path("subnets")) {
      if (s.path("ip_version").asInt() == 4) out.putIfAbsent(s.path("network_id").asText(), s.path("cidr").asText());
    }
    return out;
  }

  private ObjectNode nova(JsonNode n, Map<String, String> cidrs, boolean tenant) {
    ObjectNode o = json.createObjectNode();
    o.put("id", n.path("id").asText());
    o.put("label", n.path("name").asText(""));
    String cidr = cidrs.get(n.path("id").asText());
    if (cidr == null) o.putNull("cidr");
    else o.put("cidr", cidr);
    if (!tenant) NOVA_NETWORK_FIELDS.forEach(o::putNull);
    return o;
  }
}
