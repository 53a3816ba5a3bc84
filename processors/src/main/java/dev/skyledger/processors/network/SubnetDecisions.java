package dev.skyledger.processors.network;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.AllocationPool;
import dev.skyledger.events.network.CreateSubnet;
import dev.skyledger.events.network.DeleteSubnet;
import dev.skyledger.events.network.HostRoute;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.Port;
import dev.skyledger.events.network.Subnet;
import dev.skyledger.events.network.SubnetCreated;
import dev.skyledger.events.network.SubnetDeleted;
import dev.skyledger.events.network.SubnetUpdated;
import dev.skyledger.events.network.UpdateSubnet;
import dev.skyledger.platform.network.Cidr;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.processors.core.Decision;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Subnets, decided on their network's stream (a network's subnets may not overlap): their fields checked as Neutron checks them. */
final class SubnetDecisions {
  static final Set<String> IPV6_MODES = Set.of("slaac", "dhcpv6-stateful", "dhcpv6-stateless");

  private SubnetDecisions() {}

  static Decision create(CreateSubnet c, Actor actor, NetworkState s) {
    Subnet requested = c.getSubnet();
    Optional<Network> found = s.network(requested.getNetworkId()).filter(n -> NetworkPolicy.sees(actor, n));
    if (found.isEmpty()) return NetworkRejections.networkNotFound(requested.getNetworkId());
    Network n = found.get();
    if (!NetworkPolicy.ownsNetwork(actor, n)) return NetworkPolicy.policy("create_subnet");
    if (s.subnet(n.getNetworkId(), requested.getSubnetId()).isPresent()) {
      return Decision.reject(409, "Conflict", "Subnet " + requested.getSubnetId() + " already exists.");
    }
    Optional<Cidr> parsed = Cidr.parse(requested.getCidr());
    if (parsed.isEmpty()) return NetworkRejections.invalid("'" + requested.getCidr() + "' is not a valid IP subnet.");
    Cidr cidr = parsed.get();
    for (Subnet other : s.subnets(n.getNetworkId())) {
      if (Cidr.parse(other.getCidr()).orElseThrow().overlaps(cidr)) {
        return NetworkRejections.invalid("Requested subnet with cidr: " + cidr + " for network: " + n.getNetworkId()
            + " overlaps with another subnet.");
      }
    }
    List<AllocationPool> pools = requested.getAllocationPools().isEmpty()
        ? SubnetAllocator.defaultPools(cidr, requested.getGatewayIp()) : requested.getAllocationPools();
    Subnet subnet = Subnet.newBuilder(requested).setCidr(cidr.toString()).setAllocationPools(pools).build();
    Optional<Decision> problem = validate(subnet, cidr);
    if (problem.isPresent()) return problem.get();
    return Decision.accept(subnet.getSubnetId(), new SubnetCreated(subnet));
  }

  /** What Neutron checks of a subnet's own fields (the network's other subnets are checked by the caller). */
  private static Optional<Decision> validate(Subnet subnet, Cidr cidr) {
    if (subnet.getIpVersion() != cidr.version()) {
      return Optional.of(NetworkRejections.invalid("Cidr " + cidr + " does not match ip_version " + subnet.getIpVersion() + "."));
    }
    if (cidr.version() == 4 && cidr.prefix() > 30 && subnet.getGatewayIp() != null) {
      // a /31 or /32 has no room for a gateway next to the hosts
      return Optional.of(NetworkRejections.invalid("Gateway is not valid on subnet " + cidr + " with prefix length " + cidr.prefix() + "."));
    }
    Ip gateway = null;
    if (subnet.getGatewayIp() != null) {
      Optional<Ip> gw = Ip.parse(subnet.getGatewayIp());
      if (gw.isEmpty()) return Optional.of(NetworkRejections.invalid("'" + subnet.getGatewayIp() + "' is not a valid IP address."));
      gateway = gw.get();
      if (!cidr.contains(gateway)) {
        return Optional.of(NetworkRejections.invalid("Gateway IP " + gateway + " is not in subnet " + cidr + "."));
      }
      if (cidr.version() == 4 && (gateway.equals(cidr.first()) || gateway.equals(cidr.last()))) {
        return Optional.of(NetworkRejections.invalid("Gateway is not valid on subnet: " + gateway + " is the network or broadcast address of " + cidr + "."));
      }
    }
    List<Ip[]> ranges = new ArrayList<>();
    for (AllocationPool pool : subnet.getAllocationPools()) {
      Optional<Ip> start = Ip.parse(pool.getStart());
      Optional<Ip> end = Ip.parse(pool.getEnd());
      if (start.isEmpty() || end.isEmpty()) {
        return Optional.of(NetworkRejections.invalid("The allocation pool " + pool.getStart() + "-" + pool.getEnd() + " is not made of IP addresses."));
      }
      if (start.get().compareTo(end.get()) > 0 || start.get().version() != cidr.version()) {
        return Optional.of(NetworkRejections.invalid("The allocation pool " + pool.getStart() + "-" + pool.getEnd() + " is not a valid IP range."));
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
      if (Ip.parse(dns).isEmpty()) return Optional.of(NetworkRejections.invalid("'" + dns + "' is not a valid nameserver."));
    }
    if (new HashSet<>(subnet.getDnsNameservers()).size() != subnet.getDnsNameservers().size()) {
      return Optional.of(NetworkRejections.invalid("Duplicate nameserver in " + subnet.getDnsNameservers() + "."));
    }
    for (HostRoute route : subnet.getHostRoutes()) {
      if (Cidr.parse(route.getDestination()).isEmpty() || Ip.parse(route.getNexthop()).isEmpty()) {
        return Optional.of(NetworkRejections.invalid("Invalid host route: " + route.getDestination() + " via " + route.getNexthop() + "."));
      }
    }
    if (cidr.version() == 4 && (subnet.getIpv6AddressMode() != null || subnet.getIpv6RaMode() != null)) {
      return Optional.of(NetworkRejections.invalid("ipv6_ra_mode or ipv6_address_mode cannot be set when ip_version is 4."));
    }
    for (String mode : new String[] {subnet.getIpv6AddressMode(), subnet.getIpv6RaMode()}) {
      if (mode != null && !IPV6_MODES.contains(mode)) {
        return Optional.of(NetworkRejections.invalid("'" + mode + "' is not in " + new java.util.TreeSet<>(IPV6_MODES) + "."));
      }
    }
    if (SubnetAllocator.autoAddressed(subnet) && cidr.prefix() != 64) {
      return Optional.of(NetworkRejections.invalid("Invalid CIDR " + cidr + " for IPv6 address mode. OpenStack uses the EUI-64 address"
          + " format, which requires the prefix to be /64."));
    }
    return Optional.empty();
  }

  static Decision update(UpdateSubnet c, Actor actor, NetworkState s) {
    Optional<Network> net = s.network(c.getNetworkId()).filter(n -> NetworkPolicy.sees(actor, n));
    Optional<Subnet> found = net.flatMap(n -> s.subnet(n.getNetworkId(), c.getSubnetId()));
    if (found.isEmpty()) return Decision.reject(404, "SubnetNotFound", "Subnet " + c.getSubnetId() + " could not be found.");
    if (!NetworkPolicy.ownsNetwork(actor, net.get())) return NetworkPolicy.policy("update_subnet");
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

  static Decision delete(DeleteSubnet c, Actor actor, NetworkState s) {
    Optional<Network> net = s.network(c.getNetworkId()).filter(n -> NetworkPolicy.sees(actor, n));
    Optional<Subnet> found = net.flatMap(n -> s.subnet(n.getNetworkId(), c.getSubnetId()));
    if (found.isEmpty()) return Decision.reject(404, "SubnetNotFound", "Subnet " + c.getSubnetId() + " could not be found.");
    if (!NetworkPolicy.ownsNetwork(actor, net.get())) return NetworkPolicy.policy("delete_subnet");
    boolean used = s.ports(c.getNetworkId()).stream()
        .filter(p -> !p.getDeviceOwner().equals("network:dhcp"))
        .anyMatch(p -> p.getFixedIps().stream().anyMatch(ip -> ip.getSubnetId().equals(c.getSubnetId())));
    if (used) {
      return Decision.reject(409, "SubnetInUse", "Unable to complete operation on subnet " + c.getSubnetId()
          + ": One or more ports have an IP allocation from this subnet.");
    }
    return Decision.accept(c.getSubnetId(), new SubnetDeleted(c.getSubnetId(), c.getNetworkId(), found.get().getProjectId()));
  }
}
