package dev.skyledger.processors.network;

import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.Port;
import dev.skyledger.events.network.Subnet;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.processors.core.AvroRows;
import dev.skyledger.processors.core.KeyValues;
import java.util.List;
import java.util.Optional;

/**
 * The network decider's state for the networks of its partition: networks, subnets, ports, and
 * the indexes that keep addresses and MACs unique ({@code ip/<subnet>/<address in sort order>} and
 * {@code mac/<network>/<mac>}, each pointing at the port holding it).
 */
final class NetworkState {
  private final KeyValues kv;

  NetworkState(KeyValues kv) {
    this.kv = kv;
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
}
