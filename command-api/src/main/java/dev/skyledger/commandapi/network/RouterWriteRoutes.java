package dev.skyledger.commandapi.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.network.AddRouterInterface;
import dev.skyledger.events.network.CreatePort;
import dev.skyledger.events.network.CreateRouter;
import dev.skyledger.events.network.DeletePort;
import dev.skyledger.events.network.DeleteRouter;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.HostRoute;
import dev.skyledger.events.network.RemoveRouterInterface;
import dev.skyledger.events.network.Router;
import dev.skyledger.events.network.SetNetworkQuota;
import dev.skyledger.events.network.UpdatePort;
import dev.skyledger.events.network.UpdateRouter;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.network.Cidr;
import dev.skyledger.platform.network.DefaultSecurityGroup;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.platform.network.NetworkQuotas;
import dev.skyledger.views.network.NetworkCatalog;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Routers and network quotas. A router's gateway and interfaces are ports on other networks: each
 * is taken on its network's stream first and then recorded on the router's project stream; if the
 * second step is refused, the port is given back.
 */
final class RouterWriteRoutes {
  private static final String V2 = "/network/v2.0";
  private static final Set<String> ROUTER_FIELDS = Set.of("name", "admin_state_up", "description", "external_gateway_info",
      "project_id", "tenant_id", "routes", "distributed", "ha", "availability_zone_hints", "flavor_id", "tags");

  private final NeutronWrites w;

  RouterWriteRoutes(NeutronWrites writes) {
    this.w = writes;
  }

  void routes(JavalinConfig config) {
    var r = config.routes;
    r.post(V2 + "/routers", this::create);
    r.put(V2 + "/routers/{id}", this::update);
    r.delete(V2 + "/routers/{id}", this::delete);
    r.put(V2 + "/routers/{id}/add_router_interface", this::addInterface);
    r.put(V2 + "/routers/{id}/remove_router_interface", this::removeInterface);
    r.put(V2 + "/quotas/{project}", this::setQuota);
    r.delete(V2 + "/quotas/{project}", this::resetQuota);
  }

  private NetworkCatalog.Router visible(TokenClaims caller, String id) {
    return w.catalog.router(NeutronWrites.viewer(caller), id)
        .orElseThrow(() -> new ApiException(404, "RouterNotFound", "Router " + id + " could not be found"));
  }

  /** A gateway the body asks for: the external network and SNAT; null to have none. */
  private record Gateway(String networkId, Boolean enableSnat, List<FixedIp> fixedIps) {}

  private static Gateway gateway(NeutronBody body) {
    JsonNode info = body.raw("external_gateway_info");
    if (info == null || info.isNull() || (info.isObject() && info.isEmpty())) return null;
    if (!info.isObject() || !info.path("network_id").isTextual()) {
      throw NeutronBody.invalid("external_gateway_info", "a gateway needs a network_id.");
    }
    Boolean snat = info.has("enable_snat") ? info.get("enable_snat").asBoolean() : null;
    List<FixedIp> ips = null;
    if (info.has("external_fixed_ips")) {
      ips = new ArrayList<>();
      for (JsonNode ip : info.get("external_fixed_ips")) {
        String subnet = ip.path("subnet_id").isTextual() ? ip.get("subnet_id").asText() : null;
        String address = ip.path("ip_address").isTextual() ? Ip.parse(ip.get("ip_address").asText()).map(Ip::toString)
            .orElseThrow(() -> NeutronBody.invalid("external_fixed_ips", "'" + ip.get("ip_address").asText()
                + "' is not a valid IP address.")) : null;
        ips.add(new FixedIp(subnet, address));
      }
    }
    return new Gateway(NeutronBody.uuid("network_id", info.get("network_id").asText()), snat, ips);
  }

  /** Takes the router's port on the external network; returns it as the view shows it. */
  private NetworkCatalog.Port gatewayPort(Context ctx, TokenClaims caller, String routerId, String project, Gateway gw) {
    if (gw.fixedIps() != null && !caller.isAdmin()) {
      throw new ApiException(403, "PolicyNotAuthorized", "(rule:create_router:external_gateway_info:external_fixed_ips) is disallowed by policy.");
    }
    w.network(caller, gw.networkId());
    String portId = UUID.randomUUID().toString();
    w.send(ctx, caller, gw.networkId(), CreatePort.newBuilder().setPortId(portId).setNetworkId(gw.networkId())
        .setProjectId(project).setName("").setDeviceId(routerId).setDeviceOwner("network:router_gateway")
        .setFixedIps(gw.fixedIps()).setPortSecurityEnabled(false).setViaService("router_gateway").build(), portId, project);
    return w.catalog.port(NeutronWrites.EVERYONE, portId).orElseThrow();
  }

  private void givePortBack(Context ctx, TokenClaims caller, NetworkCatalog.Port port) {
    try {
      w.send(ctx, caller, port.networkId(), new DeletePort(port.id(), port.networkId()), port.id(), port.projectId());
    } catch (RuntimeException ignored) {
      // the port stays, owned by the router id; deleting it by hand as admin releases it
    }
  }

  /** Gives the tenant's own port back as it was when the router refused it as an interface. */
  private void restore(Context ctx, TokenClaims caller, NetworkCatalog.Port before) {
    try {
      w.send(ctx, caller, before.networkId(), UpdatePort.newBuilder().setPortId(before.id()).setNetworkId(before.networkId())
          .setDeviceId(before.deviceId()).setDeviceOwner(before.deviceOwner())
          .setSecurityGroups(before.securityGroups()).build(), before.id(), before.projectId());
    } catch (RuntimeException ignored) {
      // the port stays marked as the router's; updating its device_id and device_owner by hand releases it
    }
  }

  private static List<FixedIp> fixedIps(NetworkCatalog.Port port) {
    return port.fixedIps().stream().map(ip -> new FixedIp(ip.subnetId(), ip.ipAddress())).toList();
  }

  /** The routes the body sets (null or an empty list clears them, as in Neutron); null if it leaves them be. */
  private static List<HostRoute> routes(NeutronBody body) {
    if (!body.has("routes")) return null;
    List<ObjectNode> raw = body.objects("routes");
    if (raw == null) return List.of();
    List<HostRoute> out = new ArrayList<>();
    for (ObjectNode r : raw) {
      Cidr destination = Cidr.parse(r.path("destination").asText(null))
          .orElseThrow(() -> NeutronBody.invalid("routes", "'" + r.path("destination").asText() + "' is not a valid IP subnet."));
      Ip nexthop = Ip.parse(r.path("nexthop").asText(null))
          .orElseThrow(() -> NeutronBody.invalid("routes", "'" + r.path("nexthop").asText() + "' is not a valid IP address."));
      out.add(new HostRoute(destination.toString(), nexthop.toString()));
    }
    return out;
  }

  private void create(Context ctx) {
    TokenClaims caller = w.caller(ctx);
    NeutronBody body = NeutronBody.of(ctx, w.render.mapper(), "router", ROUTER_FIELDS);
    String project = NeutronWrites.owner(body, caller);
    String id = UUID.randomUUID().toString();
    // Neutron's extra routes are set by an update, once the router has the interfaces they go through
    if (body.has("routes")) throw ApiException.badRequest("Attribute 'routes' not allowed in POST");
    Gateway gw = gateway(body);
    NetworkCatalog.Port port = gw == null ? null : gatewayPort(ctx, caller, id, project, gw);
    Router router = Router.newBuilder().setRouterId(id).setProjectId(project).setName(body.string("name", "", 255))
        .setDescription(body.string("description", "", 255)).setAdminStateUp(body.bool("admin_state_up", true))
        .setExternalNetworkId(gw == null ? null : gw.networkId()).setGatewayPortId(port == null ? null : port.id())
        .setExternalFixedIps(port == null ? List.of() : fixedIps(port))
        .setEnableSnat(gw == null || gw.enableSnat() == null || gw.enableSnat())
        .setRoutes(List.of()).build();
    try {
      w.send(ctx, caller, DefaultSecurityGroup.streamKey(project), new CreateRouter(router), id, project);
    } catch (ApiException e) {
      if (port != null) givePortBack(ctx, caller, port);
      throw e;
    }
    w.answer(ctx, 201, "router", w.render.router(visible(caller, id), null));
  }

  private void update(Context ctx) {
    TokenClaims caller = w.caller(ctx);
    NetworkCatalog.Router r = visible(caller, ctx.pathParam("id"));
    NeutronBody body = NeutronBody.of(ctx, w.render.mapper(), "router", ROUTER_FIELDS);
    boolean gatewaySet = body.has("external_gateway_info");
    Gateway gw = gatewaySet ? gateway(body) : null;
    NetworkCatalog.Port newPort = null;
    boolean replacing = gatewaySet && (gw == null || !gw.networkId().equals(r.externalNetworkId()) || gw.fixedIps() != null);
    if (replacing && r.externalNetworkId() != null && !w.catalog.floatingIps(NeutronWrites.EVERYONE,
        new NetworkCatalog.Query(Map.of("router_id", List.of(r.id())), null, true, null, null)).isEmpty()) {
      throw new ApiException(409, "RouterExternalGatewayInUseByFloatingIp", "Gateway cannot be updated for router "
          + r.id() + ", since a gateway to external network " + r.externalNetworkId() + " is required by one or more floating IPs.");
    }
    List<HostRoute> routes = routes(body);
    if (replacing && gw != null) newPort = gatewayPort(ctx, caller, r.id(), r.projectId(), gw);
    List<NetworkCatalog.FixedIp> gatewayIps = newPort != null ? newPort.fixedIps() : replacing ? List.of() : r.externalFixedIps();
    UpdateRouter command = UpdateRouter.newBuilder().setRouterId(r.id()).setProjectId(r.projectId())
        .setName(body.string("name", null, 255)).setDescription(body.string("description", null, 255))
        .setAdminStateUp(body.bool("admin_state_up", null)).setRoutes(routes)
        .setGatewayCidrs(routes == null ? List.of() : cidrsOf(gatewayIps))
        .setGatewaySet(replacing)
        .setExternalNetworkId(replacing && gw != null ? gw.networkId() : null)
        .setGatewayPortId(newPort == null ? null : newPort.id())
        .setExternalFixedIps(newPort == null ? List.of() : fixedIps(newPort))
        .setEnableSnat(gw == null ? null : gw.enableSnat()).build();
    try {
      w.send(ctx, caller, DefaultSecurityGroup.streamKey(r.projectId()), command, r.id(), r.projectId());
    } catch (ApiException e) {
      if (newPort != null) givePortBack(ctx, caller, newPort);
      throw e;
    }
    if (replacing && r.gatewayPortId() != null) {
      w.catalog.port(NeutronWrites.EVERYONE, r.gatewayPortId()).ifPresent(old -> givePortBack(ctx, caller, old));
    }
    w.answer(ctx, 200, "router", w.render.router(visible(caller, r.id()), null));
  }

  /** The CIDRs of the subnets these addresses are on (a route's nexthop may be on the gateway's subnets). */
  private List<String> cidrsOf(List<NetworkCatalog.FixedIp> ips) {
    return ips.stream().map(ip -> w.catalog.subnet(NeutronWrites.EVERYONE, ip.subnetId()))
        .flatMap(java.util.Optional::stream).map(NetworkCatalog.Subnet::cidr).distinct().toList();
  }

  private void delete(Context ctx) {
    TokenClaims caller = w.caller(ctx);
    NetworkCatalog.Router r = visible(caller, ctx.pathParam("id"));
    w.send(ctx, caller, DefaultSecurityGroup.streamKey(r.projectId()), new DeleteRouter(r.id(), r.projectId()), r.id(),
        r.projectId());
    if (r.gatewayPortId() != null) {
      w.catalog.port(NeutronWrites.EVERYONE, r.gatewayPortId()).ifPresent(p -> givePortBack(ctx, caller, p));
    }
    ctx.status(204);
  }

  private NeutronBody interfaceBody(Context ctx) {
    return NeutronBody.flat(ctx, w.render.mapper(), Set.of("subnet_id", "port_id"));
  }

  private void addInterface(Context ctx) {
    TokenClaims caller = w.caller(ctx);
    NetworkCatalog.Router r = visible(caller, ctx.pathParam("id"));
    NeutronBody body = interfaceBody(ctx);
    boolean bySubnet = body.has("subnet_id");
    boolean byPort = body.has("port_id");
    if (bySubnet == byPort) {
      throw ApiException.badRequest("Bad router request: Either subnet_id or port_id must be specified.");
    }
    NetworkCatalog.Port port;
    NetworkCatalog.Port before = null;
    String subnetId;
    NetworkCatalog.Subnet subnet;
    if (bySubnet) {
      subnetId = NeutronBody.uuid("subnet_id", body.requiredString("subnet_id"));
      subnet = w.subnet(caller, subnetId);
      if (subnet.gatewayIp() == null) {
        throw ApiException.badRequest("Bad router request: Subnet for router interface must have a gateway IP.");
      }
      String portId = UUID.randomUUID().toString();
      w.send(ctx, caller, subnet.networkId(), CreatePort.newBuilder().setPortId(portId).setNetworkId(subnet.networkId())
          .setProjectId(r.projectId()).setName("").setDeviceId(r.id()).setDeviceOwner("network:router_interface")
          .setFixedIps(List.of(new FixedIp(subnet.id(), subnet.gatewayIp()))).setPortSecurityEnabled(false)
          .setViaService("router_interface").build(), portId, r.projectId());
      port = w.catalog.port(NeutronWrites.EVERYONE, portId).orElseThrow();
    } else {
      String portId = NeutronBody.uuid("port_id", body.requiredString("port_id"));
      NetworkCatalog.Port existing = w.port(caller, portId);
      if (!existing.deviceId().isEmpty()) {
        throw new ApiException(409, "PortInUse", "Unable to complete operation on port " + portId + " for network "
            + existing.networkId() + ". Port already has an attached device " + existing.deviceId() + ".");
      }
      if (existing.fixedIps().size() != 1) {
        throw ApiException.badRequest("Bad router request: Router port must have exactly one fixed IP.");
      }
      before = existing;
      w.send(ctx, caller, existing.networkId(), UpdatePort.newBuilder().setPortId(portId).setNetworkId(existing.networkId())
          .setDeviceId(r.id()).setDeviceOwner("network:router_interface").setSecurityGroups(List.of()).build(), portId,
          existing.projectId());
      port = w.catalog.port(NeutronWrites.EVERYONE, portId).orElseThrow();
      subnetId = port.fixedIps().get(0).subnetId();
      subnet = w.catalog.subnet(NeutronWrites.EVERYONE, subnetId).orElseThrow();
    }
    String address = port.fixedIps().stream().filter(ip -> ip.subnetId().equals(subnet.id())).findFirst()
        .map(NetworkCatalog.FixedIp::ipAddress).orElse(null);
    try {
      w.send(ctx, caller, DefaultSecurityGroup.streamKey(r.projectId()), new AddRouterInterface(r.id(), r.projectId(),
          port.id(), subnetId, port.networkId(), subnet.cidr(), address), r.id(), r.projectId());
    } catch (ApiException e) {
      if (bySubnet) givePortBack(ctx, caller, port);
      else restore(ctx, caller, before);
      throw e;
    }
    interfaceAnswer(ctx, r, port, subnetId);
  }

  private void interfaceAnswer(Context ctx, NetworkCatalog.Router r, NetworkCatalog.Port port, String subnetId) {
    ObjectNode o = w.render.mapper().createObjectNode();
    o.put("id", r.id()).put("tenant_id", r.projectId()).put("project_id", r.projectId()).put("port_id", port.id())
        .put("network_id", port.networkId()).put("subnet_id", subnetId);
    o.putArray("subnet_ids").add(subnetId);
    ctx.contentType("application/json").result(o.toString());
  }

  private void removeInterface(Context ctx) {
    TokenClaims caller = w.caller(ctx);
    NetworkCatalog.Router r = visible(caller, ctx.pathParam("id"));
    NeutronBody body = interfaceBody(ctx);
    String portId = body.has("port_id") ? NeutronBody.uuid("port_id", body.requiredString("port_id")) : null;
    String subnetId = body.has("subnet_id") ? NeutronBody.uuid("subnet_id", body.requiredString("subnet_id")) : null;
    if (portId == null && subnetId == null) {
      throw ApiException.badRequest("Bad router request: Either subnet_id or port_id must be specified.");
    }
    NetworkCatalog.Interface found = w.catalog.interfaces(r.id()).stream()
        .filter(i -> (portId == null || i.portId().equals(portId)) && (subnetId == null || i.subnetId().equals(subnetId)))
        .findFirst()
        .orElseThrow(() -> new ApiException(404, "RouterInterfaceNotFound", portId != null
            ? "Router " + r.id() + " does not have an interface with id " + portId
            : "Router " + r.id() + " has no interface on subnet " + subnetId));
    boolean usedByFloatingIp = w.catalog.floatingIps(NeutronWrites.EVERYONE, new NetworkCatalog.Query(
            Map.of("router_id", List.of(r.id())), null, true, null, null)).stream()
        .anyMatch(f -> f.portId() != null && w.catalog.port(NeutronWrites.EVERYONE, f.portId())
            .map(p -> p.fixedIps().stream().anyMatch(ip -> ip.subnetId().equals(found.subnetId()))).orElse(false));
    if (usedByFloatingIp) {
      throw new ApiException(409, "RouterInterfaceInUseByFloatingIP", "Router interface for subnet " + found.subnetId()
          + " on router " + r.id() + " cannot be deleted, as it is required by one or more floating IPs.");
    }
    w.send(ctx, caller, DefaultSecurityGroup.streamKey(r.projectId()), new RemoveRouterInterface(r.id(), r.projectId(),
        found.portId()), r.id(), r.projectId());
    NetworkCatalog.Port port = w.catalog.port(NeutronWrites.EVERYONE, found.portId()).orElse(null);
    if (port != null) givePortBack(ctx, caller, port);
    interfaceAnswer(ctx, r, port != null ? port : new NetworkCatalog.Port(found.portId(), found.networkId(), r.projectId(),
        "", "", "", "", "", List.of(), "", true, false, 0, null, null, List.of()), found.subnetId());
  }

  // ---- quotas -----------------------------------------------------------------------------------

  private void setQuota(Context ctx) {
    TokenClaims caller = w.auth.admin(ctx);
    String project = ctx.pathParam("project");
    JsonNode quota = NeutronBody.root(ctx, w.render.mapper()).get("quota");
    if (quota == null || !quota.isObject()) throw ApiException.badRequest("Resource body required: expected 'quota'.");
    Map<String, Integer> limits = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = quota.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!NetworkQuotas.RESOURCES.contains(e.getKey())) {
        if (e.getKey().equals("rbac_policy") || e.getKey().equals("subnetpool") || e.getKey().equals("check_limit")) continue;
        throw ApiException.badRequest("Unrecognized attribute(s) '" + e.getKey() + "'");
      }
      JsonNode v = e.getValue();
      int limit;
      if (v.isInt()) {
        limit = v.asInt();
      } else {
        try {
          limit = Integer.parseInt(v.asText());
        } catch (NumberFormatException ex) {
          throw NeutronBody.invalid(e.getKey(), "'" + v + "' is not an integer.");
        }
      }
      limits.put(e.getKey(), limit);
    }
    w.send(ctx, caller, DefaultSecurityGroup.streamKey(project), new SetNetworkQuota(project, limits), project, project);
    quotaAnswer(ctx, project);
  }

  private void resetQuota(Context ctx) {
    TokenClaims caller = w.auth.admin(ctx);
    String project = ctx.pathParam("project");
    w.send(ctx, caller, DefaultSecurityGroup.streamKey(project), new SetNetworkQuota(project, NetworkQuotas.DEFAULTS),
        project, project);
    ctx.status(204);
  }

  private void quotaAnswer(Context ctx, String project) {
    ObjectNode root = w.render.mapper().createObjectNode();
    ObjectNode q = root.putObject("quota");
    NetworkQuotas.effective(w.catalog.quotaOverrides(project)).forEach(q::put);
    ctx.contentType("application/json").result(root.toString());
  }
}
