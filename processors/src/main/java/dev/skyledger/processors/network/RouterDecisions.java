package dev.skyledger.processors.network;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.AddRouterInterface;
import dev.skyledger.events.network.CreateRouter;
import dev.skyledger.events.network.DeleteRouter;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.HostRoute;
import dev.skyledger.events.network.RemoveRouterInterface;
import dev.skyledger.events.network.Router;
import dev.skyledger.events.network.RouterCreated;
import dev.skyledger.events.network.RouterDeleted;
import dev.skyledger.events.network.RouterInterfaceAdded;
import dev.skyledger.events.network.RouterInterfaceRemoved;
import dev.skyledger.events.network.RouterUpdated;
import dev.skyledger.events.network.UpdateRouter;
import dev.skyledger.platform.network.Cidr;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.processors.core.Decision;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Routers, decided per project (commands keyed {@code project/<id>}). A router's
 * interfaces and gateway are ports on other networks: the API takes those ports first (on their
 * networks' streams), then records them here.
 */
final class RouterDecisions {
  /** Neutron's default {@code max_routes}: the extra routes one router may hold. */
  static final int MAX_ROUTES = 30;

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
    if (c.getRoutes() != null) {
      Decision invalid = invalidRoutes(c, r, s);
      if (invalid != null) return invalid;
      b.setRoutes(c.getRoutes());
    }
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
    Optional<Cidr> adding = Optional.ofNullable(c.getCidr()).flatMap(Cidr::parse);
    for (NetworkState.Interface i : s.interfaces(c.getRouterId()).values()) {
      if (i.subnetId().equals(c.getSubnetId())) {
        return badRouterRequest("Router already has a port on subnet " + c.getSubnetId() + ".");
      }
      // Neutron's rule: a router cannot route between two subnets whose addresses overlap
      Optional<Cidr> existing = Optional.ofNullable(i.cidr()).flatMap(Cidr::parse);
      if (adding.isPresent() && existing.isPresent() && adding.get().overlaps(existing.get())) {
        return badRouterRequest("Cidr " + adding.get() + " of subnet " + c.getSubnetId() + " overlaps with cidr "
            + existing.get() + " of subnet " + i.subnetId() + ".");
      }
    }
    return Decision.accept(c.getRouterId(), new RouterInterfaceAdded(c.getRouterId(), c.getProjectId(), c.getPortId(),
        c.getSubnetId(), c.getNetworkId(), c.getCidr(), c.getIpAddress()));
  }

  private static Decision badRouterRequest(String message) {
    return Decision.reject(400, "BadRequest", "Bad router request: " + message);
  }

  /**
   * Neutron's checks of a router's extra routes: at most {@link #MAX_ROUTES}, and each nexthop an
   * address on one of the router's subnets (its interfaces', or its gateway's as the command brings
   * them) that is not the router's own; null if they pass. An interface recorded before its CIDR
   * was carried is not known well enough to refuse a route, so its presence lets them pass.
   */
  private static Decision invalidRoutes(UpdateRouter c, Router r, NetworkState s) {
    List<HostRoute> routes = c.getRoutes();
    if (routes.size() > MAX_ROUTES) {
      return Decision.reject(400, "RoutesExhausted", "Unable to complete operation for " + r.getRouterId()
          + ". The number of routes exceeds the maximum " + MAX_ROUTES + ".");
    }
    List<Cidr> connected = new ArrayList<>();
    Set<Ip> own = new HashSet<>();
    for (NetworkState.Interface i : s.interfaces(r.getRouterId()).values()) {
      if (i.cidr() == null) return null;
      Cidr.parse(i.cidr()).ifPresent(connected::add);
      if (i.ipAddress() != null) Ip.parse(i.ipAddress()).ifPresent(own::add);
    }
    c.getGatewayCidrs().forEach(cidr -> Cidr.parse(cidr).ifPresent(connected::add));
    List<FixedIp> gateway = c.getGatewaySet() ? c.getExternalFixedIps() : r.getExternalFixedIps();
    gateway.forEach(ip -> Ip.parse(ip.getIpAddress()).ifPresent(own::add));
    for (HostRoute route : routes) {
      Ip nexthop = Ip.parse(route.getNexthop()).orElse(null);
      if (nexthop == null || connected.stream().noneMatch(cidr -> cidr.contains(nexthop))) {
        return invalidRoutes(routes, "the nexthop is not connected with router");
      }
      if (own.contains(nexthop)) return invalidRoutes(routes, "the nexthop is used by router");
    }
    return null;
  }

  /** Neutron's InvalidRoutes, naming the routes as Neutron prints them. */
  private static Decision invalidRoutes(List<HostRoute> routes, String reason) {
    StringBuilder text = new StringBuilder("[");
    for (HostRoute route : routes) {
      if (text.length() > 1) text.append(", ");
      text.append("{'destination': '").append(route.getDestination()).append("', 'nexthop': '").append(route.getNexthop())
          .append("'}");
    }
    text.append(']');
    return Decision.reject(400, "InvalidRoutes", "Invalid format for routes: " + text + ", " + reason + ".");
  }

  static Decision removeInterface(RemoveRouterInterface c, Actor actor, NetworkState s) {
    Optional<Router> found = visible(actor, s, c.getProjectId(), c.getRouterId());
    if (found.isEmpty()) return notFound(c.getRouterId());
    if (!mayChange(actor, found.get())) return NetworkPolicy.policy("remove_router_interface");
    NetworkState.Interface removed = s.interfaces(c.getRouterId()).get(c.getPortId());
    if (removed == null) {
      return Decision.reject(404, "RouterInterfaceNotFound", "Router " + c.getRouterId()
          + " does not have an interface with id " + c.getPortId());
    }
    return Decision.accept(c.getRouterId(), new RouterInterfaceRemoved(c.getRouterId(), c.getProjectId(), c.getPortId(),
        removed.subnetId(), removed.networkId()));
  }

}
