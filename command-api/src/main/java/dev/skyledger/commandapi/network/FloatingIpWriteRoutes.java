package dev.skyledger.commandapi.network;

import dev.skyledger.events.network.CreateFloatingIp;
import dev.skyledger.events.network.DeleteFloatingIp;
import dev.skyledger.events.network.UpdateFloatingIp;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.views.network.NetworkCatalog;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Floating IPs: allocated on their external network's stream (so their addresses come from the same
 * allocation as that network's ports), and forwarded to a port's fixed address through a router
 * that has a gateway on that external network and an interface on the port's subnet.
 */
final class FloatingIpWriteRoutes {
  private static final String V2 = "/network/v2.0";
  private static final Set<String> FIELDS = Set.of("floating_network_id", "port_id", "fixed_ip_address",
      "floating_ip_address", "description", "project_id", "tenant_id", "subnet_id", "dns_name", "dns_domain",
      "qos_policy_id", "tags");

  private final NeutronWrites w;

  FloatingIpWriteRoutes(NeutronWrites writes) {
    this.w = writes;
  }

  void routes(JavalinConfig config) {
    var r = config.routes;
    r.post(V2 + "/floatingips", this::create);
    r.put(V2 + "/floatingips/{id}", this::update);
    r.delete(V2 + "/floatingips/{id}", this::delete);
  }

  private NetworkCatalog.FloatingIp visible(TokenClaims caller, String id) {
    return w.catalog.floatingIp(NeutronWrites.viewer(caller), id)
        .orElseThrow(() -> new ApiException(404, "FloatingIPNotFound", "Floating IP " + id + " could not be found"));
  }

  /** Where a floating IP is forwarded: the port, its fixed address, and the router that carries it. */
  private record Target(String portId, String fixedIp, String routerId) {
    static final Target NONE = new Target(null, null, null);
  }

  private Target target(TokenClaims caller, String floatingNetworkId, String portId, String requestedFixedIp) {
    if (portId == null) return Target.NONE;
    String id = NeutronBody.uuid("port_id", portId);
    NetworkCatalog.Port port = w.port(caller, id);
    if (port.networkId().equals(floatingNetworkId)) {
      throw ApiException.badRequest("Bad floatingip request: Port " + id + " is on the external network " + floatingNetworkId + ".");
    }
    NetworkCatalog.FixedIp fixed;
    if (requestedFixedIp != null) {
      String wanted = Ip.parse(requestedFixedIp).map(Ip::toString)
          .orElseThrow(() -> NeutronBody.invalid("fixed_ip_address", "'" + requestedFixedIp + "' is not a valid IP address."));
      fixed = port.fixedIps().stream().filter(ip -> ip.ipAddress().equals(wanted)).findFirst()
          .orElseThrow(() -> ApiException.badRequest("Bad floatingip request: Port " + id + " does not have fixed ip " + wanted + "."));
    } else {
      fixed = port.fixedIps().stream().filter(ip -> Ip.of(ip.ipAddress()).version() == 4).findFirst()
          .orElseThrow(() -> ApiException.badRequest("Bad floatingip request: Port " + id
              + " does not have any IPv4 address to associate with a floating IP."));
    }
    for (NetworkCatalog.Interface i : w.catalog.interfacesOnSubnets(List.of(fixed.subnetId()))) {
      var router = w.catalog.router(NeutronWrites.EVERYONE, i.routerId());
      if (router.isPresent() && floatingNetworkId.equals(router.get().externalNetworkId())) {
        return new Target(id, fixed.ipAddress(), router.get().id());
      }
    }
    throw new ApiException(404, "ExternalGatewayForFloatingIPNotFound", "External network " + floatingNetworkId
        + " is not reachable from subnet " + fixed.subnetId() + ".  Therefore, cannot associate Port " + id
        + " with a Floating IP.");
  }

  private void create(Context ctx) {
    TokenClaims caller = w.caller(ctx);
    NeutronBody body = NeutronBody.of(ctx, w.render.mapper(), "floatingip", FIELDS);
    String networkId = NeutronBody.uuid("floating_network_id", body.requiredString("floating_network_id"));
    w.network(caller, networkId);
    String project = NeutronWrites.owner(body, caller);
    w.checkQuota(project, "floatingip", 1);
    String address = body.nullableString("floating_ip_address", null);
    if (address != null) {
      String given = address;
      address = Ip.parse(address).map(Ip::toString)
          .orElseThrow(() -> NeutronBody.invalid("floating_ip_address", "'" + given + "' is not a valid IP address."));
    }
    Target target = target(caller, networkId, body.nullableString("port_id", null), body.nullableString("fixed_ip_address", null));
    String id = UUID.randomUUID().toString();
    w.send(ctx, caller, networkId, new CreateFloatingIp(id, project, networkId, address, target.portId(), target.fixedIp(),
        target.routerId(), body.string("description", "", 255)), id, project);
    w.answer(ctx, 201, "floatingip", w.render.floatingIp(visible(caller, id), null));
  }

  private void update(Context ctx) {
    TokenClaims caller = w.caller(ctx);
    NetworkCatalog.FloatingIp f = visible(caller, ctx.pathParam("id"));
    NeutronBody body = NeutronBody.of(ctx, w.render.mapper(), "floatingip", FIELDS);
    Target target;
    if (body.has("port_id")) {
      target = target(caller, f.floatingNetworkId(), body.nullableString("port_id", null),
          body.nullableString("fixed_ip_address", null));
    } else {
      target = new Target(f.portId(), f.fixedIpAddress(), f.routerId());
    }
    w.send(ctx, caller, f.floatingNetworkId(), new UpdateFloatingIp(f.id(), f.floatingNetworkId(), target.portId(),
        target.fixedIp(), target.routerId(), body.string("description", null, 255)), f.id(), f.projectId());
    w.answer(ctx, 200, "floatingip", w.render.floatingIp(visible(caller, f.id()), null));
  }

  private void delete(Context ctx) {
    TokenClaims caller = w.caller(ctx);
    NetworkCatalog.FloatingIp f = visible(caller, ctx.pathParam("id"));
    w.send(ctx, caller, f.floatingNetworkId(), new DeleteFloatingIp(f.id(), f.floatingNetworkId()), f.id(), f.projectId());
    ctx.status(204);
  }
}
