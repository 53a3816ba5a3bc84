package dev.skyledger.processors.network;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.AddRouterInterface;
import dev.skyledger.events.network.CreateRouter;
import dev.skyledger.events.network.DeleteRouter;
import dev.skyledger.events.network.RemoveRouterInterface;
import dev.skyledger.events.network.Router;
import dev.skyledger.events.network.RouterCreated;
import dev.skyledger.events.network.RouterDeleted;
import dev.skyledger.events.network.RouterInterfaceAdded;
import dev.skyledger.events.network.RouterInterfaceRemoved;
import dev.skyledger.events.network.RouterUpdated;
import dev.skyledger.events.network.UpdateRouter;
import dev.skyledger.processors.core.Decision;
import java.util.Optional;

/**
 * Routers, decided per project (commands keyed {@code project/<id>}). A router's
 * interfaces and gateway are ports on other networks: the API takes those ports first (on their
 * networks' streams), then records them here.
 */
final class RouterDecisions {
  private RouterDecisions() {}

  private static Optional<Router> visible(Actor actor, NetworkState s, String projectId, String routerId) {
    return s.router(projectId, routerId).filter(r -> NetworkPolicy.isAdmin(actor) || r.getProjectId().equals(actor.getProjectId()));
  }

  private static Decision notFound(String id) {
    return Decision.reject(404, "RouterNotFound", "Router " + id + " could not be found");
  }

  private static boolean mayChange(Actor actor, Router r) {
    return NetworkPolicy.isAdmin(actor) || NetworkPolicy.isMemberOf(actor, r.getProjectId());
  }

  static Decision create(CreateRouter c, Actor actor, NetworkState s) {
    Router r = c.getRouter();
    if (!mayChange(actor, r)) return NetworkPolicy.policy("create_router");
    if (s.router(r.getProjectId(), r.getRouterId()).isPresent()) {
      return Decision.reject(409, "Conflict", "Router " + r.getRouterId() + " already exists.");
    }
    Decision overQuota = NetworkQuotaDecisions.exceeded(s, r.getProjectId(), "router", s.routers(r.getProjectId()).size(), 1);
    if (overQuota != null) return overQuota;
    return Decision.accept(r.getRouterId(), new RouterCreated(r));
  }

  static Decision update(UpdateRouter c, Actor actor, NetworkState s) {
    Optional<Router> found = visible(actor, s, c.getProjectId(), c.getRouterId());
    if (found.isEmpty()) return notFound(c.getRouterId());
    Router r = found.get();
    if (!mayChange(actor, r)) return NetworkPolicy.policy("update_router");
    Router.Builder b = Router.newBuilder(r);
    if (c.getName() != null) b.setName(c.getName());
    if (c.getDescription() != null) b.setDescription(c.getDescription());
    if (c.getAdminStateUp() != null) b.setAdminStateUp(c.getAdminStateUp());
    if (c.getRoutes() != null) b.setRoutes(c.getRoutes());
    if (c.getGatewaySet()) {
      b.setExternalNetworkId(c.getExternalNetworkId()).setGatewayPortId(c.getGatewayPortId())
          .setExternalFixedIps(c.getExternalFixedIps())
          .setEnableSnat(c.getExternalNetworkId() == null || c.getEnableSnat() == null || c.getEnableSnat());
    } else if (c.getEnableSnat() != null) {
      b.setEnableSnat(c.getEnableSnat());
    }
    return Decision.accept(r.getRouterId(), new RouterUpdated(b.build()));
  }

  static Decision delete(DeleteRouter c, Actor actor, NetworkState s) {
    Optional<Router> found = visible(actor, s, c.getProjectId(), c.getRouterId());
    if (found.isEmpty()) return notFound(c.getRouterId());
    if (!mayChange(actor, found.get())) return NetworkPolicy.policy("delete_router");
    if (!s.interfaces(c.getRouterId()).isEmpty()) {
      return Decision.reject(409, "RouterInUse", "Router " + c.getRouterId() + " still has ports");
    }
    return Decision.accept(c.getRouterId(), new RouterDeleted(c.getRouterId(), c.getProjectId()));
  }

  static Decision addInterface(AddRouterInterface c, Actor actor, NetworkState s) {
    Optional<Router> found = visible(actor, s, c.getProjectId(), c.getRouterId());
    if (found.isEmpty()) return notFound(c.getRouterId());
    if (!mayChange(actor, found.get())) return NetworkPolicy.policy("add_router_interface");
    for (String value : s.interfaces(c.getRouterId()).values()) {
      if (value.split("\\|")[0].equals(c.getSubnetId())) {
        return Decision.reject(400, "BadRequest", "Bad router request: Router already has a port on subnet " + c.getSubnetId() + ".");
      }
    }
    return Decision.accept(c.getRouterId(), new RouterInterfaceAdded(c.getRouterId(), c.getProjectId(), c.getPortId(),
        c.getSubnetId(), c.getNetworkId()));
  }

  static Decision removeInterface(RemoveRouterInterface c, Actor actor, NetworkState s) {
    Optional<Router> found = visible(actor, s, c.getProjectId(), c.getRouterId());
    if (found.isEmpty()) return notFound(c.getRouterId());
    if (!mayChange(actor, found.get())) return NetworkPolicy.policy("remove_router_interface");
    String value = s.interfaces(c.getRouterId()).get(c.getPortId());
    if (value == null) {
      return Decision.reject(404, "RouterInterfaceNotFound", "Router " + c.getRouterId()
          + " does not have an interface with id " + c.getPortId());
    }
    String[] parts = value.split("\\|");
    return Decision.accept(c.getRouterId(), new RouterInterfaceRemoved(c.getRouterId(), c.getProjectId(), c.getPortId(),
        parts[0], parts[1]));
  }

}
