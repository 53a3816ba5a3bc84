package dev.skyledger.processors.network;

import dev.skyledger.events.network.AllocationPool;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.Subnet;
import dev.skyledger.platform.network.Cidr;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.platform.network.Mac;
import dev.skyledger.processors.core.Decision;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Address and MAC allocation on one network, pure: the default pools of a subnet, the addresses a
 * port asks for or gets by default (IPv4 from the first subnet with room, IPv6 from each, SLAAC
 * addresses made from the MAC), the lowest free address (a released one is free again), and a MAC
 * no port of the network holds. Reads what is taken from the network's state.
 */
final class SubnetAllocator {
  private SubnetAllocator() {}

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

  /** IPv6 subnets whose hosts address themselves from their MAC (SLAAC or stateless DHCPv6). */
  static boolean autoAddressed(Subnet subnet) {
    return "slaac".equals(subnet.getIpv6AddressMode()) || "dhcpv6-stateless".equals(subnet.getIpv6AddressMode());
  }

  /** The first generated MAC for the port that no port of the network holds. */
  static String freeMac(NetworkState s, String networkId, String portId) {
    for (int attempt = 0; ; attempt++) {
      String mac = Mac.generated(portId, attempt);
      if (s.macHolder(networkId, mac).isEmpty()) return mac;
    }
  }

  /** The addresses given to a port, or why none could be. */
  record Allocation(List<FixedIp> ips, Decision rejection) {
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
  static Allocation allocate(NetworkState s, Network n, List<FixedIp> requested, String mac, String deviceOwner,
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
      if ((anyV4 && !v4Done) || (!anyV4 && v6StatefulExists && !v6StatefulDone)) return Allocation.no(NetworkRejections.exhausted(n));
      return Allocation.of(result);
    }
    for (FixedIp want : requested) {
      Optional<Subnet> sub;
      Optional<Ip> ip = Optional.empty();
      if (want.getIpAddress() != null) {
        ip = Ip.parse(want.getIpAddress());
        if (ip.isEmpty()) return Allocation.no(NetworkRejections.invalid("'" + want.getIpAddress() + "' is not a valid IP address."));
      }
      if (want.getSubnetId() != null) {
        sub = subnets.stream().filter(x -> x.getSubnetId().equals(want.getSubnetId())).findFirst();
        if (sub.isEmpty()) {
          return Allocation.no(NetworkRejections.invalid("Failed to create port on network " + n.getNetworkId()
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
        return Allocation.no(NetworkRejections.invalid("A fixed_ips entry needs a subnet_id or an ip_address."));
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
          return Allocation.no(NetworkRejections.invalid("IPv6 address " + address + " cannot be directly assigned to a port on subnet "
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
        if (next.isEmpty()) return Allocation.no(NetworkRejections.exhausted(n));
        address = next.get();
      }
      chosen.add(subnet.getSubnetId() + "/" + address);
      result.add(new FixedIp(subnet.getSubnetId(), address.toString()));
    }
    return Allocation.of(result);
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
}
