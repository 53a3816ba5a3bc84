package dev.skyledger.processors.network;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.*;
import dev.skyledger.events.network.AllocationPool;
import dev.skyledger.events.network.CreateNetwork;
import dev.skyledger.events.network.CreatePort;
import dev.skyledger.events.network.CreateSubnet;
import dev.skyledger.events.network.DeleteNetwork;
import dev.skyledger.events.network.DeletePort;
import dev.skyledger.events.network.DeleteSubnet;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.HostRoute;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.NetworkCreated;
import dev.skyledger.events.network.NetworkDeleted;
import dev.skyledger.events.network.NetworkUpdated;
import dev.skyledger.events.network.Port;
import dev.skyledger.events.network.PortCreated;
import dev.skyledger.events.network.PortDeleted;
import dev.skyledger.events.network.PortUpdated;
import dev.skyledger.events.network.Subnet;
import dev.skyledger.events.network.SubnetCreated;
import dev.skyledger.events.network.SubnetDeleted;
import dev.skyledger.events.network.SubnetUpdated;
import dev.skyledger.events.network.UpdateNetwork;
import dev.skyledger.events.network.UpdatePort;
import dev.skyledger.events.network.UpdateSubnet;
import dev.skyledger.platform.network.Cidr;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.platform.network.Mac;
import dev.skyledger.processors.core.Decision;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decides network commands for one network at a time (commands are keyed by network id): its
 * subnets, and its ports with their MACs and addresses. Every address and MAC is taken here, in
 * order, so two requests never get the same one, and a released one can be taken again. Pure:
 * {@link #decide} reads the state, {@link #evolve} applies one event. Rejections carry Neutron's
 * error type as their title.
 */
final class NetworkDecider {
  static final Set<String> IPV6_MODES = Set.of("slaac", "dhcpv6-stateful", "dhcpv6-stateless");

  private NetworkDecider() {}

  static Decision decide(SpecificRecord command, Actor actor, NetworkState s) {
    if (command instanceof CreateNetwork c) return createNetwork(c, actor, s);
    if (command instanceof UpdateNetwork c) return updateNetwork(c, actor, s);
    if (command instanceof DeleteNetwork c) return deleteNetwork(c, actor, s);
    if (command instanceof CreateSubnet c) return createSubnet(c, actor, s);
    if (command instanceof UpdateSubnet c) return updateSubnet(c, actor, s);
    if (command instanceof DeleteSubnet c) return deleteSubnet(c, actor, s);
    if (command instanceof CreatePort c) return createPort(c, actor, s);
    if (command instanceof UpdatePort c) return updatePort(c, actor, s);
    if (command instanceof DeletePort c) return deletePort(c, actor, s);
    if (command instanceof EnsureDefaultSecurityGroup c) return SecurityGroupDecisions.ensureDefault(c, actor, s);
    if (command instanceof CreateSecurityGroup c) return SecurityGroupDecisions.create(c, actor, s);
    if (command instanceof UpdateSecurityGroup c) return SecurityGroupDecisions.update(c, actor, s);
    if (command instanceof DeleteSecurityGroup c) return SecurityGroupDecisions.delete(c, actor, s);
    if (command instanceof CreateSecurityGroupRule c) return SecurityGroupDecisions.createRule(c, actor, s);
    if (command instanceof DeleteSecurityGroupRule c) return SecurityGroupDecisions.deleteRule(c, actor, s);
    if (command instanceof CreateRouter c) return RouterDecisions.create(c, actor, s);
    if (command instanceof UpdateRouter c) return RouterDecisions.update(c, actor, s);
    if (command instanceof DeleteRouter c) return RouterDecisions.delete(c, actor, s);
    if (command instanceof AddRouterInterface c) return RouterDecisions.addInterface(c, actor, s);
    if (command instanceof RemoveRouterInterface c) return RouterDecisions.removeInterface(c, actor, s);
    if (command instanceof SetNetworkQuota c) return RouterDecisions.setQuota(c, actor, s);
    if (command instanceof CreateFloatingIp c) return FloatingIpDecisions.create(c, actor, s);
    if (command instanceof UpdateFloatingIp c) return FloatingIpDecisions.update(c, actor, s);
    if (command instanceof DeleteFloatingIp c) return FloatingIpDecisions.delete(c, actor, s);
    return Decision.reject(400, "HTTPBadRequest", "Unknown network command " + command.getSchema().getName() + ".");
  }

  // ---- who may do what (Neutron's default policy) -----------------------------------------------

  static boolean isAdmin(Actor actor) {
    return actor.getRoles().contains("admin") || actor.getRoles().contains("system");
  }

  static boolean isMemberOf(Actor actor, String projectId) {
    return projectId.equals(actor.getProjectId()) && actor.getRoles().contains("member");
  }

  /** The network's owner, an admin, or anyone for a shared or external network sees it. */
  static boolean sees(Actor actor, Network n) {
    return isAdmin(actor) || n.getProjectId().equals(actor.getProjectId()) || n.getShared() || n.getExternal();
  }

  static boolean ownsNetwork(Actor actor, Network n) {
    return isAdmin(actor) || isMemberOf(actor, n.getProjectId());
  }

  private static boolean seesPort(Actor actor, Network n, Port p) {
    return isAdmin(actor) || p.getProjectId().equals(actor.getProjectId()) || n.getProjectId().equals(actor.getProjectId());
  }

  private static boolean ownsPort(Actor actor, Network n, Port p) {
    return isAdmin(actor) || isMemberOf(actor, p.getProjectId()) || isMemberOf(actor, n.getProjectId());
  }

  static Decision policy(String rule) {
    return Decision.reject(403, "PolicyNotAuthorized", "(rule:" + rule + ") is disallowed by policy.");
  }

  static Decision networkNotFound(String id) {
    return Decision.reject(404, "NetworkNotFound", "Network " + id + " could not be found.");
  }

  static Decision invalid(String message) {
    return Decision.reject(400, "InvalidInput", "Invalid input for operation: " + message);
  }

  // ---- networks ---------------------------------------------------------------------------------

  private static Decision createNetwork(CreateNetwork c, Actor actor, NetworkState s) {
    Network n = c.getNetwork();
    if (s.network(n.getNetworkId()).isPresent()) {
      return Decision.reject(409, "Conflict", "Network " + n.getNetworkId() + " already exists.");
    }
    if (!isAdmin(actor) && !isMemberOf(actor, n.getProjectId())) return policy("create_network");
    if (n.getShared() && !isAdmin(actor)) return policy("create_network:shared");
    if (n.getExternal() && !isAdmin(actor)) return policy("create_network:router:external");
    return Decision.accept(n.getNetworkId(), new NetworkCreated(n));
  }

  private static Decision updateNetwork(UpdateNetwork c, Actor actor, NetworkState s) {
    Optional<Network> found = s.network(c.getNetworkId()).filter(n -> sees(actor, n));
    if (found.isEmpty()) return networkNotFound(c.getNetworkId());
    Network n = found.get();
    if (!ownsNetwork(actor, n)) return policy("update_network");
    if (c.getShared() != null && c.getShared() != n.getShared() && !isAdmin(actor)) return policy("update_network:shared");
    if (c.getExternal() != null && c.getExternal() != n.getExternal() && !isAdmin(actor)) {
      return policy("update_network:router:external");
    }
    if (Boolean.FALSE.equals(c.getShared()) && n.getShared()
        && s.ports(n.getNetworkId()).stream().anyMatch(p -> !p.getProjectId().equals(n.getProjectId()))) {
      return Decision.reject(409, "InvalidSharedSetting", "Unable to reconfigure sharing settings for network "
          + n.getNetworkId() + ". Multiple tenants are using it.");
    }
    Network updated = Network.newBuilder(n)
        .setName(c.getName() != null ? c.getName() : n.getName())
        .setDescription(c.getDescription() != null ? c.getDescription() : n.getDescription())
        .setAdminStateUp(c.getAdminStateUp() != null ? c.getAdminStateUp() : n.getAdminStateUp())
        .setShared(c.getShared() != null ? c.getShared() : n.getShared())
        .setExternal(c.getExternal() != null ? c.getExternal() : n.getExternal())
        .setMtu(c.getMtu() != null ? c.getMtu() : n.getMtu())
        .build();
    return Decision.accept(n.getNetworkId(), new NetworkUpdated(updated));
  }

  private static Decision deleteNetwork(DeleteNetwork c, Actor actor, NetworkState s) {
    Optional<Network> found = s.network(c.getNetworkId()).filter(n -> sees(actor, n));
    if (found.isEmpty()) return networkNotFound(c.getNetworkId());
    Network n = found.get();
    if (!ownsNetwork(actor, n)) return policy("delete_network");
    if (s.ports(n.getNetworkId()).stream().anyMatch(p -> !p.getDeviceOwner().equals("network:dhcp"))) {
      return Decision.reject(409, "NetworkInUse", "Unable to complete operation on network " + n.getNetworkId()
          + ". There are one or more ports still in use on the network.");
    }
    List<SpecificRecord> events = new ArrayList<>();
    for (Port p : s.ports(n.getNetworkId())) events.add(new PortDeleted(p));
    for (Subnet sub : s.subnets(n.getNetworkId())) {
      events.add(new SubnetDeleted(sub.getSubnetId(), n.getNetworkId(), sub.getProjectId()));
    }
    events.add(new NetworkDeleted(n.getNetworkId(), n.getProjectId()));
    return Decision.accept(n.getNetworkId(), events);
  }

  // ---- subnets ----------------------------------------------------------------------------------

  private static Decision createSubnet(CreateSubnet c, Actor actor, NetworkState s) {
    Subnet requested = c.getSubnet();
    Optional<Network> found = s.network(requested.getNetworkId()).filter(n -> sees(actor, n));
    if (found.isEmpty()) return networkNotFound(requested.getNetworkId());
    Network n = found.get();
    if (!ownsNetwork(actor, n)) return policy("create_subnet");
    if (s.subnet(n.getNetworkId(), requested.getSubnetId()).isPresent()) {
      return Decision.reject(409, "Conflict", "Subnet " + requested.getSubnetId() + " already exists.");
    }
    Optional<Cidr> parsed = Cidr.parse(requested.getCidr());
    if (parsed.isEmpty()) return invalid("'" + requested.getCidr() + "' is not a valid IP subnet.");
    Cidr cidr = parsed.get();
    for (Subnet other : s.subnets(n.getNetworkId())) {
      if (Cidr.parse(other.getCidr()).orElseThrow().overlaps(cidr)) {
        return invalid("Requested subnet with cidr: " + cidr + " for network: " + n.getNetworkId()
            + " overlaps with another subnet.");
      }
    }
    List<AllocationPool> pools = requested.getAllocationPools().isEmpty()
        ? defaultPools(cidr, requested.getGatewayIp()) : requested.getAllocationPools();
    Subnet subnet = Subnet.newBuilder(requested).setCidr(cidr.toString()).setAllocationPools(pools).build();
    Optional<Decision> problem = validate(subnet, cidr);
    if (problem.isPresent()) return problem.get();
    return Decision.accept(subnet.getSubnetId(), new SubnetCreated(subnet));
  }

  /** The pools by default: the usable range of the CIDR without the gateway. */
  static List<AllocationPool> defaultPools(Cidr cidr, String gateway) {
    Ip first = cidr.firstUsable();
    Ip last = cidr.lastUsable();
    Optional<Ip> gw = Optional.ofNullable(gateway).flatMap(Ip::parse).filter(g -> g.compareTo(first) >= 0 && g.compareTo(last) <= 0);
    List<AllocationPool> pools = new ArrayList<>();
    if (gw.isEmpty()) {
      pools.add(new AllocationPool(first.toString(), last.toString()));
    } else {
      if (gw.get().compareTo(first) > 0) pools.add(new AllocationPool(first.toString(), gw.get().plus(-1).toString()));
      if (gw.get().compareTo(last) < 0) pools.add(new AllocationPool(gw.get().plus(1).toString(), last.toString()));
    }
    return pools;
  }

  /** What Neutron checks of a subnet's own fields (the network's other subnets are checked by the caller). */
  private static Optional<Decision> validate(Subnet subnet, Cidr cidr) {
    if (subnet.getIpVersion() != cidr.version()) {
      return Optional.of(invalid("Cidr " + cidr + " does not match ip_version " + subnet.getIpVersion() + "."));
    }
    if (cidr.version() == 4 && cidr.prefix() > 30 && subnet.getGatewayIp() != null) {
      // a /31 or /32 has no room for a gateway next to the hosts
      return Optional.of(invalid("Gateway is not valid on subnet " + cidr + " with prefix length " + cidr.prefix() + "."));
    }
    Ip gateway = null;
    if (subnet.getGatewayIp() != null) {
      Optional<Ip> gw = Ip.parse(subnet.getGatewayIp());
      if (gw.isEmpty()) return Optional.of(invalid("'" + subnet.getGatewayIp() + "' is not a valid IP address."));
      gateway = gw.get();
      if (!cidr.contains(gateway)) {
        return Optional.of(invalid("Gateway IP " + gateway + " is not in subnet " + cidr + "."));
      }
      if (cidr.version() == 4 && (gateway.equals(cidr.first()) || gateway.equals(cidr.last()))) {
        return Optional.of(invalid("Gateway is not valid on subnet: " + gateway + " is the network or broadcast address of " + cidr + "."));
      }
    }
    List<Ip[]> ranges = new ArrayList<>();
    for (AllocationPool pool : subnet.getAllocationPools()) {
      Optional<Ip> start = Ip.parse(pool.getStart());
      Optional<Ip> end = Ip.parse(pool.getEnd());
      if (start.isEmpty() || end.isEmpty()) {
        return Optional.of(invalid("The allocation pool " + pool.getStart() + "-" + pool.getEnd() + " is not made of IP addresses."));
      }
      if (start.get().compareTo(end.get()) > 0 || start.get().version() != cidr.version()) {
        return Optional.of(invalid("The allocation pool " + pool.getStart() + "-" + pool.getEnd() + " is not a valid IP range."));
      }
      if (start.get().compareTo(cidr.firstUsable()) < 0 || end.get().compareTo(cidr.lastUsable()) > 0) {
        return Optional.of(Decision.reject(400, "OutOfBoundsAllocationPool", "The allocation pool " + pool.getStart() + "-"
            + pool.getEnd() + " spans beyond the subnet cidr " + cidr + "."));
      }
      for (Ip[] other : ranges) {
        if (start.get().compareTo(other[1]) <= 0 && other[0].compareTo(end.get()) <= 0) {
          return Optional.of(Decision.reject(400, "OverlappingAllocationPools", "Found overlapping allocation pools: "
              + pool.getStart() + "-" + pool.getEnd() + " and " + other[0] + "-" + other[1] + " for subnet " + cidr + "."));
        }
      }
      if (gateway != null && start.get().compareTo(gateway) <= 0 && gateway.compareTo(end.get()) <= 0) {
        return Optional.of(Decision.reject(409, "GatewayConflictWithAllocationPools", "Gateway ip " + gateway
            + " conflicts with allocation pool " + pool.getStart() + "-" + pool.getEnd() + "."));
      }
      ranges.add(new Ip[] {start.get(), end.get()});
    }
    for (String dns : subnet.getDnsNameservers()) {
      if (Ip.parse(dns).isEmpty()) return Optional.of(invalid("'" + dns + "' is not a valid nameserver."));
    }
    if (new HashSet<>(subnet.getDnsNameservers()).size() != subnet.getDnsNameservers().size()) {
      return Optional.of(invalid("Duplicate nameserver in " + subnet.getDnsNameservers() + "."));
    }
    for (HostRoute route : subnet.getHostRoutes()) {
      if (Cidr.parse(route.getDestination()).isEmpty() || Ip.parse(route.getNexthop()).isEmpty()) {
        return Optional.of(invalid("Invalid host route: " + route.getDestination() + " via " + route.getNexthop() + "."));
      }
    }
    if (cidr.version() == 4 && (subnet.getIpv6AddressMode() != null || subnet.getIpv6RaMode() != null)) {
      return Optional.of(invalid("ipv6_ra_mode or ipv6_address_mode cannot be set when ip_version is 4."));
    }
    for (String mode : new String[] {subnet.getIpv6AddressMode(), subnet.getIpv6RaMode()}) {
      if (mode != null && !IPV6_MODES.contains(mode)) {
        return Optional.of(invalid("'" + mode + "' is not in " + new java.util.TreeSet<>(IPV6_MODES) + "."));
      }
    }
    if (autoAddressed(subnet) && cidr.prefix() != 64) {
      return Optional.of(invalid("Invalid CIDR " + cidr + " for IPv6 address mode. OpenStack uses the EUI-64 address"
          + " format, which requires the prefix to be /64."));
    }
    return Optional.empty();
  }

  /** IPv6 subnets whose hosts address themselves from their MAC (SLAAC or stateless DHCPv6). */
  static boolean autoAddressed(Subnet subnet) {
    return "slaac".equals(subnet.getIpv6AddressMode()) || "dhcpv6-stateless".equals(subnet.getIpv6AddressMode());
  }

  private static Decision updateSubnet(UpdateSubnet c, Actor actor, NetworkState s) {
    Optional<Network> net = s.network(c.getNetworkId()).filter(n -> sees(actor, n));
    Optional<Subnet> found = net.flatMap(n -> s.subnet(n.getNetworkId(), c.getSubnetId()));
    if (found.isEmpty()) return Decision.reject(404, "SubnetNotFound", "Subnet " + c.getSubnetId() + " could not be found.");
    if (!ownsNetwork(actor, net.get())) return policy("update_subnet");
    Subnet old = found.get();
    Subnet.Builder b = Subnet.newBuilder(old);
    if (c.getName() != null) b.setName(c.getName());
    if (c.getDescription() != null) b.setDescription(c.getDescription());
    if (c.getEnableDhcp() != null) b.setEnableDhcp(c.getEnableDhcp());
    if (c.getDnsNameservers() != null) b.setDnsNameservers(c.getDnsNameservers());
    if (c.getHostRoutes() != null) b.setHostRoutes(c.getHostRoutes());
    if (c.getGatewayIpSet()) b.setGatewayIp(c.getGatewayIp());
    if (c.getAllocationPools() != null) b.setAllocationPools(c.getAllocationPools());
    Subnet updated = b.build();
    Cidr cidr = Cidr.parse(old.getCidr()).orElseThrow();
    Optional<Decision> problem = validate(updated, cidr);
    if (problem.isPresent()) return problem.get();
    if (c.getGatewayIpSet() && c.getGatewayIp() != null) {
      Optional<String> holder = s.holderOf(old.getSubnetId(), Ip.of(c.getGatewayIp()));
      Optional<Port> port = holder.flatMap(id -> s.port(old.getNetworkId(), id));
      if (port.isPresent() && !port.get().getDeviceOwner().startsWith("network:router_interface")) {
        return Decision.reject(409, "IpAddressInUse", "Unable to complete operation for network " + old.getNetworkId()
            + ". The IP address " + c.getGatewayIp() + " is in use.");
      }
    }
    return Decision.accept(old.getSubnetId(), new SubnetUpdated(updated));
  }

  private static Decision deleteSubnet(DeleteSubnet c, Actor actor, NetworkState s) {
    Optional<Network> net = s.network(c.getNetworkId()).filter(n -> sees(actor, n));
    Optional<Subnet> found = net.flatMap(n -> s.subnet(n.getNetworkId(), c.getSubnetId()));
    if (found.isEmpty()) return Decision.reject(404, "SubnetNotFound", "Subnet " + c.getSubnetId() + " could not be found.");
    if (!ownsNetwork(actor, net.get())) return policy("delete_subnet");
    boolean used = s.ports(c.getNetworkId()).stream()
        .filter(p -> !p.getDeviceOwner().equals("network:dhcp"))
        .anyMatch(p -> p.getFixedIps().stream().anyMatch(ip -> ip.getSubnetId().equals(c.getSubnetId())));
    if (used) {
      return Decision.reject(409, "SubnetInUse", "Unable to complete operation on subnet " + c.getSubnetId()
          + ": One or more ports have an IP allocation from this subnet.");
    }
    return Decision.accept(c.getSubnetId(), new SubnetDeleted(c.getSubnetId(), c.getNetworkId(), found.get().getProjectId()));
  }

  // ---- ports ------------------------------------------------------------------------------------

  /** Services that create ports for their own use; the API sets this, never the client. */
  static final String ROUTER_GATEWAY = "router_gateway";
  static final String ROUTER_INTERFACE = "router_interface";
  static final String FLOATING_IP = "floatingip";
  /** A server's port, created by the boot saga for the server's owner and bound to the server's host. */
  static final String COMPUTE = "compute";

  static Decision createPort(CreatePort c, Actor actor, NetworkState s) {
    Optional<Network> found = s.network(c.getNetworkId()).filter(n -> sees(actor, n));
    if (found.isEmpty()) return networkNotFound(c.getNetworkId());
    Network n = found.get();
    if (s.port(n.getNetworkId(), c.getPortId()).isPresent()) {
      return Decision.reject(409, "Conflict", "Port " + c.getPortId() + " already exists.");
    }
    boolean owner = ownsNetwork(actor, n);
    if (!isAdmin(actor) && !isMemberOf(actor, c.getProjectId())) return policy("create_port");
    switch (c.getViaService()) {
      case ROUTER_GATEWAY, FLOATING_IP -> {
        if (!n.getExternal()) {
          return Decision.reject(400, "BadRequest", "Network " + n.getNetworkId() + " is not a valid external network.");
        }
      }
      case ROUTER_INTERFACE -> {
        if (!owner) return networkNotFound(n.getNetworkId());
      }
      default -> {
        if (!owner && !n.getShared()) return policy("create_port:network");
        if (c.getDeviceOwner().startsWith("network:") && !owner) return policy("create_port:device_owner");
        if (c.getMacAddress() != null && !owner) return policy("create_port:mac_address");
        if (c.getFixedIps() != null && !owner && c.getFixedIps().stream().anyMatch(ip -> ip.getIpAddress() != null)) {
          return policy("create_port:fixed_ips:ip_address");
        }
      }
    }
    if (!c.getHostId().isEmpty() && !isAdmin(actor) && !COMPUTE.equals(c.getViaService())) {
      return policy("create_port:binding:host_id");
    }
    Decision foreign = foreignGroup(c.getSecurityGroups(), c.getProjectId(), s);
    if (foreign != null) return foreign;
    if (!c.getPortSecurityEnabled() && !c.getSecurityGroups().isEmpty()) {
      return Decision.reject(400, "PortSecurityAndIPRequiredForSecurityGroups",
          "Port security must be enabled and port must have an IP address in order to use security groups.");
    }
    String mac;
    if (c.getMacAddress() != null) {
      Optional<String> parsed = Mac.parse(c.getMacAddress());
      if (parsed.isEmpty()) return invalid("'" + c.getMacAddress() + "' is not a valid MAC address.");
      mac = parsed.get();
      if (s.macHolder(n.getNetworkId(), mac).isPresent()) return macInUse(n, mac);
    } else {
      mac = freeMac(s, n.getNetworkId(), c.getPortId());
    }
    Allocation allocation = allocate(s, n, c.getFixedIps(), mac, c.getDeviceOwner(), Set.of());
    if (allocation.rejection != null) return allocation.rejection;
    Port port = Port.newBuilder()
        .setPortId(c.getPortId()).setNetworkId(n.getNetworkId()).setProjectId(c.getProjectId())
        .setName(c.getName()).setDescription(c.getDescription()).setMacAddress(mac)
        .setFixedIps(allocation.ips).setDeviceId(c.getDeviceId()).setDeviceOwner(c.getDeviceOwner())
        .setSecurityGroups(c.getPortSecurityEnabled() ? c.getSecurityGroups() : List.of())
        .setHostId(c.getHostId()).setAdminStateUp(c.getAdminStateUp())
        .setPortSecurityEnabled(c.getPortSecurityEnabled())
        .build();
    return Decision.accept(port.getPortId(), new PortCreated(port));
  }

  private static Decision macInUse(Network n, String mac) {
    return Decision.reject(409, "MacAddressInUse", "Unable to complete operation for network " + n.getNetworkId()
        + ". The mac address " + mac + " is in use.");
  }

  /** The first generated MAC for the port that no port of the network holds. */
  private static String freeMac(NetworkState s, String networkId, String portId) {
    for (int attempt = 0; ; attempt++) {
      String mac = Mac.generated(portId, attempt);
      if (s.macHolder(networkId, mac).isEmpty()) return mac;
    }
  }

  private record Allocation(List<FixedIp> ips, Decision rejection) {
    static Allocation of(List<FixedIp> ips) {
      return new Allocation(ips, null);
    }

    static Allocation no(Decision d) {
      return new Allocation(null, d);
    }
  }

  /**
   * The addresses of a port: each requested one (a subnet, an address, or both) if it is free, or by
   * default one from the first IPv4 subnet with a free address and one from each IPv6 subnet.
   * {@code own} are addresses the port already holds (an update may keep them).
   */
  private static Allocation allocate(NetworkState s, Network n, List<FixedIp> requested, String mac, String deviceOwner,
                                     Set<String> own) {
    List<Subnet> subnets = s.subnets(n.getNetworkId());
    List<FixedIp> result = new ArrayList<>();
    Set<String> chosen = new HashSet<>();
    if (requested == null) {
      boolean v4Done = false;
      boolean v6StatefulDone = false;
      boolean anyV4 = false;
      for (Subnet sub : subnets) {
        Cidr cidr = Cidr.parse(sub.getCidr()).orElseThrow();
        if (cidr.version() == 4) {
          anyV4 = true;
          if (v4Done) continue;
          Optional<Ip> ip = nextFree(s, sub, cidr, chosen);
          if (ip.isPresent()) {
            result.add(new FixedIp(sub.getSubnetId(), ip.get().toString()));
            chosen.add(sub.getSubnetId() + "/" + ip.get());
            v4Done = true;
          }
        } else if (autoAddressed(sub)) {
          result.add(new FixedIp(sub.getSubnetId(), Mac.eui64(cidr, mac).toString()));
        } else if (!v6StatefulDone) {
          Optional<Ip> ip = nextFree(s, sub, cidr, chosen);
          if (ip.isPresent()) {
            result.add(new FixedIp(sub.getSubnetId(), ip.get().toString()));
            v6StatefulDone = true;
          }
        }
      }
      boolean v6StatefulExists = subnets.stream().anyMatch(sub -> sub.getIpVersion() == 6 && !autoAddressed(sub));
      if ((anyV4 && !v4Done) || (!anyV4 && v6StatefulExists && !v6StatefulDone)) return Allocation.no(exhausted(n));
      return Allocation.of(result);
    }
    for (FixedIp want : requested) {
      Optional<Subnet> sub;
      Optional<Ip> ip = Optional.empty();
      if (want.getIpAddress() != null) {
        ip = Ip.parse(want.getIpAddress());
        if (ip.isEmpty()) return Allocation.no(invalid("'" + want.getIpAddress() + "' is not a valid IP address."));
      }
      if (want.getSubnetId() != null) {
        sub = subnets.stream().filter(x -> x.getSubnetId().equals(want.getSubnetId())).findFirst();
        if (sub.isEmpty()) {
          return Allocation.no(invalid("Failed to create port on network " + n.getNetworkId()
              + ", because fixed_ips included invalid subnet " + want.getSubnetId() + "."));
        }
      } else if (ip.isPresent()) {
        Ip address = ip.get();
        sub = subnets.stream().filter(x -> Cidr.parse(x.getCidr()).orElseThrow().contains(address)).findFirst();
        if (sub.isEmpty()) {
          return Allocation.no(Decision.reject(400, "InvalidIpForNetwork", "IP address " + address
              + " is not a valid IP for any of the subnets on the specified network."));
        }
      } else {
        return Allocation.no(invalid("A fixed_ips entry needs a subnet_id or an ip_address."));
      }
      Subnet subnet = sub.get();
      Cidr cidr = Cidr.parse(subnet.getCidr()).orElseThrow();
      Ip address;
      if (ip.isPresent()) {
        address = ip.get();
        if (!cidr.contains(address)) {
          return Allocation.no(Decision.reject(400, "InvalidIpForSubnet", "IP address " + address
              + " is not a valid IP for the specified subnet."));
        }
        if (cidr.version() == 4 && cidr.prefix() < 31 && (address.equals(cidr.first()) || address.equals(cidr.last()))) {
          return Allocation.no(Decision.reject(400, "InvalidIpForSubnet", "IP address " + address
              + " is not a valid IP for the specified subnet."));
        }
        String key = subnet.getSubnetId() + "/" + address;
        if (autoAddressed(subnet) && !own.contains(key)) {
          return Allocation.no(invalid("IPv6 address " + address + " cannot be directly assigned to a port on subnet "
              + subnet.getSubnetId() + " as the subnet is configured for automatic addresses."));
        }
        // compared as addresses: a stored gateway may be written non-canonically (fd00:0::1 is fd00::1)
        boolean gateway = Ip.parse(subnet.getGatewayIp()).filter(address::equals).isPresent()
            && !deviceOwner.startsWith("network:router");
        boolean held = s.holderOf(subnet.getSubnetId(), address).isPresent() && !own.contains(key);
        if (held || gateway || chosen.contains(key)) {
          return Allocation.no(Decision.reject(409, "IpAddressAlreadyAllocated", "IP address " + address
              + " already allocated in subnet " + subnet.getSubnetId() + "."));
        }
      } else if (autoAddressed(subnet)) {
        address = Mac.eui64(cidr, mac);
      } else {
        Optional<Ip> next = nextFree(s, subnet, cidr, chosen);
        if (next.isEmpty()) return Allocation.no(exhausted(n));
        address = next.get();
      }
      chosen.add(subnet.getSubnetId() + "/" + address);
      result.add(new FixedIp(subnet.getSubnetId(), address.toString()));
    }
    return Allocation.of(result);
  }

  private static Decision exhausted(Network n) {
    return Decision.reject(409, "IpAddressGenerationFailure", "No more IP addresses available on network "
        + n.getNetworkId() + ".");
  }

  /** The lowest address of the subnet's pools that no port holds (a released address is free again). */
  private static Optional<Ip> nextFree(NetworkState s, Subnet subnet, Cidr cidr, Set<String> chosen) {
    List<Ip> taken = s.taken(subnet.getSubnetId(), cidr.version());
    for (AllocationPool pool : subnet.getAllocationPools()) {
      Ip candidate = Ip.of(pool.getStart());
      Ip end = Ip.of(pool.getEnd());
      int i = 0;
      while (i < taken.size() && taken.get(i).compareTo(candidate) < 0) i++;
      while (candidate.compareTo(end) <= 0) {
        if (i < taken.size() && taken.get(i).equals(candidate)) {
          candidate = candidate.plus(1);
          i++;
          continue;
        }
        if (!chosen.contains(subnet.getSubnetId() + "/" + candidate)) return Optional.of(candidate);
        candidate = candidate.plus(1);
      }
    }
    return Optional.empty();
  }

  private static Decision updatePort(UpdatePort c, Actor actor, NetworkState s) {
    Optional<Network> net = s.network(c.getNetworkId());
    Optional<Port> found = net.flatMap(n -> s.port(n.getNetworkId(), c.getPortId())).filter(p -> seesPort(actor, net.get(), p));
    if (found.isEmpty()) return Decision.reject(404, "PortNotFound", "Port " + c.getPortId() + " could not be found.");
    Network n = net.get();
    Port old = found.get();
    if (!ownsPort(actor, n, old)) return policy("update_port");
    boolean owner = ownsNetwork(actor, n);
    boolean viaCompute = COMPUTE.equals(c.getViaService());
    if (c.getHostId() != null && !c.getHostId().equals(old.getHostId()) && !isAdmin(actor) && !viaCompute) {
      return policy("update_port:binding:host_id");
    }
    // compute binds a port to a server only if no other device holds it (two boots racing for one port: one wins)
    if (viaCompute && c.getDeviceId() != null && !c.getDeviceId().isEmpty() && !old.getDeviceId().isEmpty()
        && !old.getDeviceId().equals(c.getDeviceId())) {
      return Decision.reject(409, "PortInUse", "Port " + old.getPortId() + " is still in use.");
    }
    if (c.getDeviceOwner() != null && c.getDeviceOwner().startsWith("network:") && !owner) return policy("update_port:device_owner");
    if (c.getMacAddress() != null && !isAdmin(actor)) return policy("update_port:mac_address");
    if (c.getFixedIps() != null && !owner && c.getFixedIps().stream().anyMatch(ip -> ip.getIpAddress() != null)) {
      return policy("update_port:fixed_ips:ip_address");
    }
    Port.Builder b = Port.newBuilder(old);
    if (c.getName() != null) b.setName(c.getName());
    if (c.getDescription() != null) b.setDescription(c.getDescription());
    if (c.getAdminStateUp() != null) b.setAdminStateUp(c.getAdminStateUp());
    if (c.getDeviceId() != null) b.setDeviceId(c.getDeviceId());
    if (c.getDeviceOwner() != null) b.setDeviceOwner(c.getDeviceOwner());
    if (c.getHostId() != null) b.setHostId(c.getHostId());
    if (c.getSecurityGroups() != null) {
      Decision foreign = foreignGroup(c.getSecurityGroups(), old.getProjectId(), s);
      if (foreign != null) return foreign;
      b.setSecurityGroups(c.getSecurityGroups());
    }
    if (c.getPortSecurityEnabled() != null) b.setPortSecurityEnabled(c.getPortSecurityEnabled());
    if (c.getMacAddress() != null) {
      Optional<String> mac = Mac.parse(c.getMacAddress());
      if (mac.isEmpty()) return invalid("'" + c.getMacAddress() + "' is not a valid MAC address.");
      if (!mac.get().equals(old.getMacAddress()) && s.macHolder(n.getNetworkId(), mac.get()).isPresent()) return macInUse(n, mac.get());
      b.setMacAddress(mac.get());
    }
    if (c.getFixedIps() != null) {
      Set<String> own = new HashSet<>();
      for (FixedIp ip : old.getFixedIps()) own.add(ip.getSubnetId() + "/" + Ip.of(ip.getIpAddress()));
      // an entry naming only a subnet the port already has an address on keeps that address
      List<FixedIp> wanted = new ArrayList<>();
      for (FixedIp want : c.getFixedIps()) {
        if (want.getIpAddress() == null && want.getSubnetId() != null) {
          Optional<FixedIp> kept = old.getFixedIps().stream().filter(ip -> ip.getSubnetId().equals(want.getSubnetId()))
              .filter(ip -> wanted.stream().noneMatch(w -> ip.getIpAddress().equals(w.getIpAddress()))).findFirst();
          wanted.add(kept.map(ip -> new FixedIp(ip.getSubnetId(), ip.getIpAddress())).orElse(want));
        } else {
          wanted.add(want);
        }
      }
      Allocation allocation = allocate(s, n, wanted, b.getMacAddress(), b.getDeviceOwner(), own);
      if (allocation.rejection != null) return allocation.rejection;
      b.setFixedIps(allocation.ips);
    }
    if (c.getMacAddress() != null) {
      // automatic IPv6 addresses are made from the MAC: a new MAC means new addresses there
      List<FixedIp> readdressed = new ArrayList<>();
      for (FixedIp ip : b.getFixedIps()) {
        Optional<Subnet> sub = s.subnet(n.getNetworkId(), ip.getSubnetId()).filter(NetworkDecider::autoAddressed);
        readdressed.add(sub.isEmpty() ? ip : new FixedIp(ip.getSubnetId(),
            Mac.eui64(Cidr.parse(sub.get().getCidr()).orElseThrow(), b.getMacAddress()).toString()));
      }
      b.setFixedIps(readdressed);
    }
    Port updated = b.build();
    if (!updated.getPortSecurityEnabled() && !updated.getSecurityGroups().isEmpty()) {
      return Decision.reject(409, "PortSecurityPortHasSecurityGroup",
          "Port has security group associated. Cannot disable port security or ip address until security group is removed.");
    }
    return Decision.accept(updated.getPortId(), new PortUpdated(updated));
  }

  /**
   * Neutron's rule, decided here and not only at the API: a port carries only security groups of its
   * own project; another project's group does not exist for it (whoever asks, an admin too).
   */
  private static Decision foreignGroup(List<String> groups, String portProject, NetworkState s) {
    for (String id : groups) {
      Optional<String> owner = s.securityGroupOwner(id);
      if (owner.isPresent() && !owner.get().equals(portProject)) {
        return Decision.reject(404, "SecurityGroupNotFound", "Security group " + id + " does not exist");
      }
    }
    return null;
  }

  private static Decision deletePort(DeletePort c, Actor actor, NetworkState s) {
    Optional<Network> net = s.network(c.getNetworkId());
    Optional<Port> found = net.flatMap(n -> s.port(n.getNetworkId(), c.getPortId())).filter(p -> seesPort(actor, net.get(), p));
    if (found.isEmpty()) return Decision.reject(404, "PortNotFound", "Port " + c.getPortId() + " could not be found.");
    if (!ownsPort(actor, net.get(), found.get())) return policy("delete_port");
    return Decision.accept(c.getPortId(), new PortDeleted(found.get()));
  }

  // ---- evolve -----------------------------------------------------------------------------------

  static void evolve(NetworkState s, SpecificRecord event) {
    if (event instanceof NetworkCreated e) {
      s.putNetwork(e.getNetwork());
    } else if (event instanceof NetworkUpdated e) {
      s.putNetwork(e.getNetwork());
    } else if (event instanceof NetworkDeleted e) {
      s.deleteNetwork(e.getNetworkId());
    } else if (event instanceof SubnetCreated e) {
      s.putSubnet(e.getSubnet());
    } else if (event instanceof SubnetUpdated e) {
      s.putSubnet(e.getSubnet());
    } else if (event instanceof SubnetDeleted e) {
      s.deleteSubnet(e.getNetworkId(), e.getSubnetId());
    } else if (event instanceof PortCreated e) {
      s.putPort(e.getPort());
    } else if (event instanceof PortUpdated e) {
      s.putPort(e.getPort());
    } else if (event instanceof PortDeleted e) {
      s.deletePort(e.getPort());
    } else if (event instanceof SecurityGroupCreated e) {
      s.putGroup(e.getGroup());
      e.getRules().forEach(s::putRule);
    } else if (event instanceof SecurityGroupUpdated e) {
      s.putGroup(e.getGroup());
    } else if (event instanceof SecurityGroupDeleted e) {
      s.deleteGroup(e.getProjectId(), e.getSecurityGroupId());
    } else if (event instanceof SecurityGroupRuleCreated e) {
      s.putRule(e.getRule());
    } else if (event instanceof SecurityGroupRuleDeleted e) {
      s.deleteRule(e.getRule());
    } else if (event instanceof RouterCreated e) {
      s.putRouter(e.getRouter());
    } else if (event instanceof RouterUpdated e) {
      s.putRouter(e.getRouter());
    } else if (event instanceof RouterDeleted e) {
      s.deleteRouter(e.getProjectId(), e.getRouterId());
    } else if (event instanceof RouterInterfaceAdded e) {
      s.addInterface(e.getRouterId(), e.getPortId(), e.getSubnetId() + "|" + e.getNetworkId());
    } else if (event instanceof RouterInterfaceRemoved e) {
      s.removeInterface(e.getRouterId(), e.getPortId());
    } else if (event instanceof NetworkQuotaSet e) {
      s.putQuota(e.getProjectId(), e.getLimits());
    } else if (event instanceof FloatingIpCreated e) {
      s.putFloatingIp(e.getFloatingIp());
    } else if (event instanceof FloatingIpUpdated e) {
      s.putFloatingIp(e.getFloatingIp());
    } else if (event instanceof FloatingIpDeleted e) {
      s.deleteFloatingIp(e.getFloatingIp());
    }
  }

  static String aggregateOf(SpecificRecord event) {
    if (event instanceof NetworkCreated e) return e.getNetwork().getNetworkId();
    if (event instanceof NetworkUpdated e) return e.getNetwork().getNetworkId();
    if (event instanceof NetworkDeleted e) return e.getNetworkId();
    if (event instanceof SubnetCreated e) return e.getSubnet().getSubnetId();
    if (event instanceof SubnetUpdated e) return e.getSubnet().getSubnetId();
    if (event instanceof SubnetDeleted e) return e.getSubnetId();
    if (event instanceof PortCreated e) return e.getPort().getPortId();
    if (event instanceof PortUpdated e) return e.getPort().getPortId();
    if (event instanceof PortDeleted e) return e.getPort().getPortId();
    if (event instanceof SecurityGroupCreated e) return e.getGroup().getSecurityGroupId();
    if (event instanceof SecurityGroupUpdated e) return e.getGroup().getSecurityGroupId();
    if (event instanceof SecurityGroupDeleted e) return e.getSecurityGroupId();
    if (event instanceof SecurityGroupRuleCreated e) return e.getRule().getRuleId();
    if (event instanceof SecurityGroupRuleDeleted e) return e.getRule().getRuleId();
    if (event instanceof RouterCreated e) return e.getRouter().getRouterId();
    if (event instanceof RouterUpdated e) return e.getRouter().getRouterId();
    if (event instanceof RouterDeleted e) return e.getRouterId();
    if (event instanceof RouterInterfaceAdded e) return e.getRouterId();
    if (event instanceof RouterInterfaceRemoved e) return e.getRouterId();
    if (event instanceof NetworkQuotaSet e) return e.getProjectId();
    if (event instanceof FloatingIpCreated e) return e.getFloatingIp().getFloatingIpId();
    if (event instanceof FloatingIpUpdated e) return e.getFloatingIp().getFloatingIpId();
    if (event instanceof FloatingIpDeleted e) return e.getFloatingIp().getFloatingIpId();
    throw new IllegalArgumentException("not a network event: " + event.getSchema().getFullName());
  }

  static String projectOf(SpecificRecord event) {
    if (event instanceof NetworkCreated e) return e.getNetwork().getProjectId();
    if (event instanceof NetworkUpdated e) return e.getNetwork().getProjectId();
    if (event instanceof NetworkDeleted e) return e.getProjectId();
    if (event instanceof SubnetCreated e) return e.getSubnet().getProjectId();
    if (event instanceof SubnetUpdated e) return e.getSubnet().getProjectId();
    if (event instanceof SubnetDeleted e) return e.getProjectId();
    if (event instanceof PortCreated e) return e.getPort().getProjectId();
    if (event instanceof PortUpdated e) return e.getPort().getProjectId();
    if (event instanceof PortDeleted e) return e.getPort().getProjectId();
    if (event instanceof SecurityGroupCreated e) return e.getGroup().getProjectId();
    if (event instanceof SecurityGroupUpdated e) return e.getGroup().getProjectId();
    if (event instanceof SecurityGroupDeleted e) return e.getProjectId();
    if (event instanceof SecurityGroupRuleCreated e) return e.getRule().getProjectId();
    if (event instanceof SecurityGroupRuleDeleted e) return e.getRule().getProjectId();
    if (event instanceof RouterCreated e) return e.getRouter().getProjectId();
    if (event instanceof RouterUpdated e) return e.getRouter().getProjectId();
    if (event instanceof RouterDeleted e) return e.getProjectId();
    if (event instanceof RouterInterfaceAdded e) return e.getProjectId();
    if (event instanceof RouterInterfaceRemoved e) return e.getProjectId();
    if (event instanceof NetworkQuotaSet e) return e.getProjectId();
    if (event instanceof FloatingIpCreated e) return e.getFloatingIp().getProjectId();
    if (event instanceof FloatingIpUpdated e) return e.getFloatingIp().getProjectId();
    if (event instanceof FloatingIpDeleted e) return e.getFloatingIp().getProjectId();
    return null;
  }
}
