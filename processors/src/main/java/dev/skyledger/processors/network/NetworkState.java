package dev.skyledger.processors.network;

import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.FloatingIp;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.Router;
import dev.skyledger.events.network.RouterInterfaceAdded;
import dev.skyledger.events.network.SecurityGroup;
import dev.skyledger.events.network.SecurityGroupRule;
import dev.skyledger.events.network.Port;
import dev.skyledger.events.network.Subnet;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.processors.core.AvroRows;
import dev.skyledger.processors.core.KeyValues;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The network decider's state for the networks of its partition: networks, subnets, ports, and
 * the indexes that keep addresses and MACs unique ({@code ip/<subnet>/<address in sort order>} and
 * {@code mac/<network>/<mac>}, each pointing at the port holding it).
 */
final class NetworkState {
  private final KeyValues kv;

  /** Every security group's project, from every partition (null: not known here, as in unit tests). */
  private final KeyValues groupOwners;

  NetworkState(KeyValues kv) {
    this(kv, null);
  }

  NetworkState(KeyValues kv, KeyValues groupOwners) {
    this.kv = kv;
    this.groupOwners = groupOwners;
  }

  /** The project of a security group decided on any partition, when this state can see them all. */
  Optional<String> securityGroupOwner(String id) {
    return groupOwners == null ? Optional.empty() : groupOwners.get(id);
  }

  Optional<Network> network(String id) {
    return kv.get("n/" + id).map(row -> AvroRows.read(row, Network.class));
  }

  List<Subnet> subnets(String networkId) {
    return kv.prefix("s/" + networkId + "/").stream().map(e -> AvroRows.read(e.getValue(), Subnet.class)).toList();
  }

  Optional<Subnet> subnet(String networkId, String subnetId) {
    return kv.get("s/" + networkId + "/" + subnetId).map(row -> AvroRows.read(row, Subnet.class));
  }

  List<Port> ports(String networkId) {
    return kv.prefix("p/" + networkId + "/").stream().map(e -> AvroRows.read(e.getValue(), Port.class)).toList();
  }

  Optional<Port> port(String networkId, String portId) {
    return kv.get("p/" + networkId + "/" + portId).map(row -> AvroRows.read(row, Port.class));
  }

  /** The port holding an address of a subnet, if any. */
  Optional<String> holderOf(String subnetId, Ip ip) {
    return kv.get("ip/" + subnetId + "/" + ip.sortKey());
  }

  /** The addresses taken in a subnet, in address order. */
  List<Ip> taken(String subnetId, int version) {
    String prefix = "ip/" + subnetId + "/";
    return kv.prefix(prefix).stream()
        .map(e -> new Ip(version, new java.math.BigInteger(e.getKey().substring(prefix.length()), 16))).toList();
  }

  Optional<String> macHolder(String networkId, String mac) {
    return kv.get("mac/" + networkId + "/" + mac);
  }

  void putNetwork(Network n) {
    kv.put("n/" + n.getNetworkId(), AvroRows.write(n));
  }

  void deleteNetwork(String id) {
    kv.delete("n/" + id);
  }

  void putSubnet(Subnet s) {
    kv.put("s/" + s.getNetworkId() + "/" + s.getSubnetId(), AvroRows.write(s));
  }

  void deleteSubnet(String networkId, String subnetId) {
    kv.delete("s/" + networkId + "/" + subnetId);
  }

  void putPort(Port p) {
    port(p.getNetworkId(), p.getPortId()).ifPresent(this::deletePort);
    kv.put("p/" + p.getNetworkId() + "/" + p.getPortId(), AvroRows.write(p));
    for (FixedIp ip : p.getFixedIps()) kv.put("ip/" + ip.getSubnetId() + "/" + Ip.of(ip.getIpAddress()).sortKey(), p.getPortId());
    kv.put("mac/" + p.getNetworkId() + "/" + p.getMacAddress(), p.getPortId());
  }

  void deletePort(Port p) {
    kv.delete("p/" + p.getNetworkId() + "/" + p.getPortId());
    for (FixedIp ip : p.getFixedIps()) kv.delete("ip/" + ip.getSubnetId() + "/" + Ip.of(ip.getIpAddress()).sortKey());
    kv.delete("mac/" + p.getNetworkId() + "/" + p.getMacAddress());
  }

  // ---- per project: security groups, routers, quotas ---------------------------------------------

  Optional<SecurityGroup> group(String projectId, String groupId) {
    return kv.get("sg/" + projectId + "/" + groupId).map(row -> AvroRows.read(row, SecurityGroup.class));
  }

  List<SecurityGroup> groups(String projectId) {
    return kv.prefix("sg/" + projectId + "/").stream().map(e -> AvroRows.read(e.getValue(), SecurityGroup.class)).toList();
  }

  List<SecurityGroupRule> rules(String projectId) {
    return kv.prefix("sgr/" + projectId + "/").stream().map(e -> AvroRows.read(e.getValue(), SecurityGroupRule.class)).toList();
  }

  Optional<SecurityGroupRule> rule(String projectId, String ruleId) {
    return kv.get("sgr/" + projectId + "/" + ruleId).map(row -> AvroRows.read(row, SecurityGroupRule.class));
  }

  void putGroup(SecurityGroup g) {
    kv.put("sg/" + g.getProjectId() + "/" + g.getSecurityGroupId(), AvroRows.write(g));
  }

  void deleteGroup(String projectId, String groupId) {
    kv.delete("sg/" + projectId + "/" + groupId);
    for (SecurityGroupRule r : rules(projectId)) {
      if (r.getSecurityGroupId().equals(groupId)) deleteRule(r);
    }
  }

  void putRule(SecurityGroupRule r) {
    kv.put("sgr/" + r.getProjectId() + "/" + r.getRuleId(), AvroRows.write(r));
  }

  void deleteRule(SecurityGroupRule r) {
    kv.delete("sgr/" + r.getProjectId() + "/" + r.getRuleId());
  }

  Optional<Router> router(String projectId, String routerId) {
    return kv.get("rt/" + projectId + "/" + routerId).map(row -> AvroRows.read(row, Router.class));
  }

  List<Router> routers(String projectId) {
    return kv.prefix("rt/" + projectId + "/").stream().map(e -> AvroRows.read(e.getValue(), Router.class)).toList();
  }

  void putRouter(Router r) {
    kv.put("rt/" + r.getProjectId() + "/" + r.getRouterId(), AvroRows.write(r));
  }

  void deleteRouter(String projectId, String routerId) {
    kv.delete("rt/" + projectId + "/" + routerId);
  }

  /**
   * One of a router's interfaces: its subnet and network, and (when the interface was recorded with
   * them) the subnet's CIDR and the router's own address on it; null in rows recorded before.
   */
  record Interface(String subnetId, String networkId, String cidr, String ipAddress) {}

  /** A router's interfaces by port id. */
  Map<String, Interface> interfaces(String routerId) {
    Map<String, Interface> out = new HashMap<>();
    String prefix = "ri/" + routerId + "/";
    kv.prefix(prefix).forEach(e -> out.put(e.getKey().substring(prefix.length()), interfaceRow(e.getValue())));
    return out;
  }

  private static Interface interfaceRow(String row) {
    if (!row.startsWith("{")) {
      // rows recorded before the CIDR was carried: "<subnet id>|<network id>" (both UUIDs, no '|' in them)
      String[] parts = row.split("\\|");
      return new Interface(parts[0], parts[1], null, null);
    }
    RouterInterfaceAdded e = AvroRows.read(row, RouterInterfaceAdded.class);
    return new Interface(e.getSubnetId(), e.getNetworkId(), e.getCidr(), e.getIpAddress());
  }

  void addInterface(RouterInterfaceAdded e) {
    kv.put("ri/" + e.getRouterId() + "/" + e.getPortId(), AvroRows.write(e));
  }

  void removeInterface(String routerId, String portId) {
    kv.delete("ri/" + routerId + "/" + portId);
  }

  /** A project's quota limits that differ from the defaults. */
  Map<String, Integer> quota(String projectId) {
    Map<String, Integer> out = new HashMap<>();
    String prefix = "q/" + projectId + "/";
    kv.prefix(prefix).forEach(e -> out.put(e.getKey().substring(prefix.length()), Integer.parseInt(e.getValue())));
    return out;
  }

  void putQuota(String projectId, Map<String, Integer> limits) {
    limits.forEach((k, v) -> kv.put("q/" + projectId + "/" + k, Integer.toString(v)));
  }

  // ---- per external network: floating IPs --------------------------------------------------------

  Optional<FloatingIp> floatingIp(String networkId, String id) {
    return kv.get("fip/" + networkId + "/" + id).map(row -> AvroRows.read(row, FloatingIp.class));
  }

  List<FloatingIp> floatingIps(String networkId) {
    return kv.prefix("fip/" + networkId + "/").stream().map(e -> AvroRows.read(e.getValue(), FloatingIp.class)).toList();
  }

  void putFloatingIp(FloatingIp f) {
    kv.put("fip/" + f.getFloatingNetworkId() + "/" + f.getFloatingIpId(), AvroRows.write(f));
  }

  void deleteFloatingIp(FloatingIp f) {
    kv.delete("fip/" + f.getFloatingNetworkId() + "/" + f.getFloatingIpId());
  }
}
