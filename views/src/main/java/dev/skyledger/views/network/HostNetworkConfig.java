package dev.skyledger.views.network;

import dev.skyledger.platform.network.Cidr;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.platform.network.Mac;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The concrete network configuration of one host, rendered from the network views: what its agent
 * applies, as text. Per port bound to the host, the security groups as iptables/ip6tables chains
 * (in {@code iptables-restore} format, so an agent replaces them atomically) with anti-spoofing on
 * the port's MAC and addresses; per network present on the host, the DHCP host entries and options
 * (dnsmasq's {@code dhcp-hostsfile} and {@code dhcp-optsfile}); and the NAT rules of the floating IPs
 * forwarded to its ports. Pure: the same views give the same text.
 */
public final class HostNetworkConfig {
  /** Everything the rendering needs, read from the views. */
  public record Inputs(String host, List<NetworkCatalog.Port> ports, List<NetworkCatalog.Rule> rules,
                       Map<String, List<String>> groupMembers, List<NetworkCatalog.Subnet> subnets,
                       List<NetworkCatalog.Port> networkPorts, List<NetworkCatalog.FloatingIp> floatingIps) {}

  /** The rendered configuration. */
  public record Rendered(String iptables, String ip6tables, Map<String, String> dhcpHosts, Map<String, String> dhcpOpts) {}

  private static final Set<Integer> WITH_PORTS = Set.of(6, 17, 132, 136, 33);

  private HostNetworkConfig() {}

  public static Rendered render(Inputs in) {
    return new Rendered(filter(in, 4), filter(in, 6), dhcpHosts(in), dhcpOpts(in));
  }

  /** The device name of a port on the host's bridge, as Neutron's agents name it. */
  public static String tap(String portId) {
    return "tap" + portId.substring(0, Math.min(11, portId.length()));
  }

  private static String chain(String kind, String portId) {
    return "sky-" + kind + portId.substring(0, Math.min(10, portId.length()));
  }

  private static String filter(Inputs in, int version) {
    String any = version == 4 ? "0.0.0.0/0" : "::/0";
    String host = version == 4 ? "/32" : "/128";
    StringBuilder out = new StringBuilder();
    out.append("# skyledger ").append(version == 4 ? "iptables" : "ip6tables").append(" for host ").append(in.host()).append('\n');
    out.append("*filter\n");
    out.append(":sky-fwd - [0:0]\n:sky-sg-fallback - [0:0]\n");
    List<NetworkCatalog.Port> secured = new ArrayList<>();
    for (NetworkCatalog.Port p : sorted(in.ports())) {
      if (p.portSecurityEnabled()) {
        secured.add(p);
        out.append(':').append(chain("i", p.id())).append(" - [0:0]\n");
        out.append(':').append(chain("o", p.id())).append(" - [0:0]\n");
        out.append(':').append(chain("s", p.id())).append(" - [0:0]\n");
      }
    }
    out.append("-A sky-sg-fallback -j DROP\n");
    for (NetworkCatalog.Port p : sorted(in.ports())) {
      String tap = tap(p.id());
      if (!p.portSecurityEnabled()) {
        out.append("-A sky-fwd -m physdev --physdev-out ").append(tap).append(" --physdev-is-bridged -j ACCEPT\n");
        out.append("-A sky-fwd -m physdev --physdev-in ").append(tap).append(" --physdev-is-bridged -j ACCEPT\n");
        continue;
      }
      out.append("-A sky-fwd -m physdev --physdev-out ").append(tap).append(" --physdev-is-bridged -j ").append(chain("i", p.id())).append('\n');
      out.append("-A sky-fwd -m physdev --physdev-in ").append(tap).append(" --physdev-is-bridged -j ").append(chain("o", p.id())).append('\n');
    }
    for (NetworkCatalog.Port p : secured) {
      String in4 = chain("i", p.id());
      String out4 = chain("o", p.id());
      String spoof = chain("s", p.id());
      out.append("# port ").append(p.id()).append(" mac ").append(p.macAddress()).append(" groups ")
          .append(String.join(",", p.securityGroups())).append('\n');
      // into the port: replies, then what its groups let in
      out.append("-A ").append(in4).append(" -m state --state RELATED,ESTABLISHED -j RETURN\n");
      out.append("-A ").append(in4).append(" -m state --state INVALID -j DROP\n");
      if (version == 6) out.append("-A ").append(in4).append(" -p ipv6-icmp -m icmp6 --icmpv6-type 134 -j RETURN\n");
      for (String line : ruleLines(in, p, "ingress", version, host, any)) out.append("-A ").append(in4).append(line).append(" -j RETURN\n");
      out.append("-A ").append(in4).append(" -j sky-sg-fallback\n");
      // out of the port: DHCP to the server only, its own addresses and MAC only, then what its groups let out
      if (version == 4) {
        out.append("-A ").append(out4).append(" -s 0.0.0.0/32 -d 255.255.255.255/32 -p udp -m udp --sport 68 --dport 67 -j RETURN\n");
      } else {
        out.append("-A ").append(out4).append(" -s ::/128 -d ff02::/16 -p ipv6-icmp -m icmp6 --icmpv6-type 131 -j RETURN\n");
      }
      out.append("-A ").append(out4).append(" -j ").append(spoof).append('\n');
      if (version == 4) {
        out.append("-A ").append(out4).append(" -p udp -m udp --sport 68 --dport 67 -j RETURN\n");
        out.append("-A ").append(out4).append(" -p udp -m udp --sport 67 --dport 68 -j DROP\n");
      } else {
        out.append("-A ").append(out4).append(" -p udp -m udp --sport 546 --dport 547 -j RETURN\n");
        out.append("-A ").append(out4).append(" -p udp -m udp --sport 547 --dport 546 -j DROP\n");
        out.append("-A ").append(out4).append(" -p ipv6-icmp -m icmp6 --icmpv6-type 134 -j DROP\n");
      }
      out.append("-A ").append(out4).append(" -m state --state RELATED,ESTABLISHED -j RETURN\n");
      out.append("-A ").append(out4).append(" -m state --state INVALID -j DROP\n");
      for (String line : ruleLines(in, p, "egress", version, host, any)) out.append("-A ").append(out4).append(line).append(" -j RETURN\n");
      out.append("-A ").append(out4).append(" -j sky-sg-fallback\n");
      for (NetworkCatalog.FixedIp ip : p.fixedIps()) {
        if (Ip.of(ip.ipAddress()).version() != version) continue;
        out.append("-A ").append(spoof).append(" -s ").append(ip.ipAddress()).append(host).append(" -m mac --mac-source ")
            .append(p.macAddress().toUpperCase(java.util.Locale.ROOT)).append(" -j RETURN\n");
      }
      if (version == 6) {
        Ip linkLocal = Mac.eui64(Cidr.parse("fe80::/64").orElseThrow(), p.macAddress());
        out.append("-A ").append(spoof).append(" -s ").append(linkLocal).append("/128 -m mac --mac-source ")
            .append(p.macAddress().toUpperCase(java.util.Locale.ROOT)).append(" -j RETURN\n");
      }
      out.append("-A ").append(spoof).append(" -j DROP\n");
    }
    out.append("COMMIT\n");
    if (version == 4) out.append(nat(in));
    return out.toString();
  }

  /** The match part of each rule of the port's groups in one direction and family, sorted for a stable text. */
  private static List<String> ruleLines(Inputs in, NetworkCatalog.Port p, String direction, int version, String host, String any) {
    String ethertype = version == 4 ? "IPv4" : "IPv6";
    List<String> lines = new ArrayList<>();
    for (NetworkCatalog.Rule r : in.rules()) {
      if (!p.securityGroups().contains(r.securityGroupId()) || !r.direction().equals(direction)
          || !r.ethertype().equals(ethertype)) {
        continue;
      }
      String addressFlag = direction.equals("ingress") ? " -s " : " -d ";
      String match = protocolMatch(r, version);
      if (r.remoteGroupId() != null) {
        for (String ip : in.groupMembers().getOrDefault(r.remoteGroupId(), List.of())) {
          if (Ip.of(ip).version() == version) lines.add(addressFlag + ip + host + match);
        }
      } else if (r.remoteIpPrefix() != null && !r.remoteIpPrefix().equals(any)) {
        lines.add(addressFlag + r.remoteIpPrefix() + match);
      } else {
        lines.add(match);
      }
    }
    return lines.stream().distinct().sorted().toList();
  }

  private static String protocolMatch(NetworkCatalog.Rule r, int version) {
    if (r.protocol() == null) return "";
    Integer number = protocolNumber(r.protocol());
    String name = number != null && number == 58 || "icmpv6".equals(r.protocol()) || "ipv6-icmp".equals(r.protocol())
        ? "ipv6-icmp" : r.protocol();
    StringBuilder m = new StringBuilder(" -p ").append(name);
    if (number != null && WITH_PORTS.contains(number) && r.portRangeMin() != null) {
      m.append(" -m ").append(name).append(" --dport ").append(r.portRangeMin());
      if (r.portRangeMax() != null && !r.portRangeMax().equals(r.portRangeMin())) m.append(':').append(r.portRangeMax());
    } else if (number != null && (number == 1 || number == 58) && r.portRangeMin() != null) {
      String type = r.portRangeMin() + (r.portRangeMax() != null ? "/" + r.portRangeMax() : "");
      m.append(version == 4 ? " -m icmp --icmp-type " : " -m icmp6 --icmpv6-type ").append(type);
    }
    return m.toString();
  }

  private static Integer protocolNumber(String protocol) {
    Map<String, Integer> names = Map.of("tcp", 6, "udp", 17, "icmp", 1, "icmpv6", 58, "ipv6-icmp", 58, "sctp", 132,
        "udplite", 136, "dccp", 33);
    if (names.containsKey(protocol)) return names.get(protocol);
    try {
      return Integer.parseInt(protocol);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String nat(Inputs in) {
    StringBuilder out = new StringBuilder();
    out.append("*nat\n:sky-PREROUTING - [0:0]\n:sky-OUTPUT - [0:0]\n:sky-float-snat - [0:0]\n");
    List<NetworkCatalog.FloatingIp> fips = new ArrayList<>(in.floatingIps());
    fips.sort(java.util.Comparator.comparing(NetworkCatalog.FloatingIp::floatingIpAddress));
    for (NetworkCatalog.FloatingIp f : fips) {
      if (f.portId() == null || f.fixedIpAddress() == null) continue;
      out.append("# floating ip ").append(f.id()).append(" → port ").append(f.portId()).append('\n');
      out.append("-A sky-PREROUTING -d ").append(f.floatingIpAddress()).append("/32 -j DNAT --to-destination ")
          .append(f.fixedIpAddress()).append('\n');
      out.append("-A sky-OUTPUT -d ").append(f.floatingIpAddress()).append("/32 -j DNAT --to-destination ")
          .append(f.fixedIpAddress()).append('\n');
      out.append("-A sky-float-snat -s ").append(f.fixedIpAddress()).append("/32 -j SNAT --to-source ")
          .append(f.floatingIpAddress()).append('\n');
    }
    out.append("COMMIT\n");
    return out.toString();
  }

  /** Per network: {@code mac,host-<ip>.openstacklocal.,ip} for every address of a DHCP subnet. */
  private static Map<String, String> dhcpHosts(Inputs in) {
    Set<String> dhcpSubnets = new java.util.HashSet<>();
    for (NetworkCatalog.Subnet s : in.subnets()) if (s.enableDhcp()) dhcpSubnets.add(s.id());
    Map<String, StringBuilder> out = new TreeMap<>();
    for (String net : networksOnHost(in)) out.put(net, new StringBuilder());
    for (NetworkCatalog.Port p : sorted(in.networkPorts())) {
      StringBuilder text = out.get(p.networkId());
      if (text == null || p.deviceOwner().startsWith("network:")) continue;
      for (NetworkCatalog.FixedIp ip : p.fixedIps()) {
        if (!dhcpSubnets.contains(ip.subnetId())) continue;
        Ip address = Ip.of(ip.ipAddress());
        String name = "host-" + address.toString().replace('.', '-').replace(':', '-') + ".openstacklocal.";
        text.append(p.macAddress()).append(',').append(name).append(',')
            .append(address.version() == 6 ? "[" + address + "]" : address.toString()).append('\n');
      }
    }
    Map<String, String> result = new LinkedHashMap<>();
    out.forEach((k, v) -> result.put(k, v.toString()));
    return result;
  }

  /** Per network: each DHCP subnet's router, name servers and static routes as dnsmasq options. */
  private static Map<String, String> dhcpOpts(Inputs in) {
    Map<String, StringBuilder> out = new TreeMap<>();
    for (String net : networksOnHost(in)) out.put(net, new StringBuilder());
    List<NetworkCatalog.Subnet> subnets = new ArrayList<>(in.subnets());
    subnets.sort(java.util.Comparator.comparing(NetworkCatalog.Subnet::id));
    for (NetworkCatalog.Subnet s : subnets) {
      StringBuilder text = out.get(s.networkId());
      if (text == null || !s.enableDhcp() || s.ipVersion() != 4) continue;
      String tag = "tag:subnet-" + s.id();
      text.append(tag).append(",option:router");
      if (s.gatewayIp() != null) text.append(',').append(s.gatewayIp());
      text.append('\n');
      if (!s.dnsNameservers().isEmpty()) {
        text.append(tag).append(",option:dns-server,").append(String.join(",", s.dnsNameservers())).append('\n');
      }
      if (!s.hostRoutes().isEmpty()) {
        text.append(tag).append(",option:classless-static-route");
        for (NetworkCatalog.Route r : s.hostRoutes()) text.append(',').append(r.destination()).append(',').append(r.nexthop());
        text.append('\n');
      }
    }
    Map<String, String> result = new LinkedHashMap<>();
    out.forEach((k, v) -> result.put(k, v.toString()));
    return result;
  }

  private static Collection<String> networksOnHost(Inputs in) {
    return in.ports().stream().map(NetworkCatalog.Port::networkId).distinct().sorted().toList();
  }

  private static List<NetworkCatalog.Port> sorted(List<NetworkCatalog.Port> ports) {
    List<NetworkCatalog.Port> copy = new ArrayList<>(ports);
    copy.sort(java.util.Comparator.comparing(NetworkCatalog.Port::id));
    return copy;
  }
}
