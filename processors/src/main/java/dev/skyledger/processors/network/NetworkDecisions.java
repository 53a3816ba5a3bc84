package dev.skyledger.processors.network;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.CreateNetwork;
import dev.skyledger.events.network.DeleteNetwork;
import dev.skyledger.events.network.FloatingIp;
import dev.skyledger.events.network.FloatingIpDeleted;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.NetworkCreated;
import dev.skyledger.events.network.NetworkDeleted;
import dev.skyledger.events.network.NetworkUpdated;
import dev.skyledger.events.network.Port;
import dev.skyledger.events.network.PortDeleted;
import dev.skyledger.events.network.Subnet;
import dev.skyledger.events.network.SubnetDeleted;
import dev.skyledger.events.network.UpdateNetwork;
import dev.skyledger.processors.core.Decision;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/** Networks, decided on their own stream: create, update (sharing only while no other project uses it), delete when unused
 * (but for DHCP ports and floating IPs associated with nothing, which go with it). */
final class NetworkDecisions {
  private NetworkDecisions() {}

  static Decision create(CreateNetwork c, Actor actor, NetworkState s) {
    Network n = c.getNetwork();
    if (s.network(n.getNetworkId()).isPresent()) {
      return Decision.reject(409, "Conflict", "Network " + n.getNetworkId() + " already exists.");
    }
    if (!NetworkPolicy.isAdmin(actor) && !NetworkPolicy.isMemberOf(actor, n.getProjectId())) return NetworkPolicy.policy("create_network");
    if (n.getShared() && !NetworkPolicy.isAdmin(actor)) return NetworkPolicy.policy("create_network:shared");
    if (n.getExternal() && !NetworkPolicy.isAdmin(actor)) return NetworkPolicy.policy("create_network:router:external");
    return Decision.accept(n.getNetworkId(), new NetworkCreated(n));
  }

  static Decision update(UpdateNetwork c, Actor actor, NetworkState s) {
    Optional<Network> found = s.network(c.getNetworkId()).filter(n -> NetworkPolicy.sees(actor, n));
    if (found.isEmpty()) return NetworkRejections.networkNotFound(c.getNetworkId());
    Network n = found.get();
    if (!NetworkPolicy.ownsNetwork(actor, n)) return NetworkPolicy.policy("update_network");
    if (c.getShared() != null && c.getShared() != n.getShared() && !NetworkPolicy.isAdmin(actor)) return NetworkPolicy.policy("update_network:shared");
    if (c.getExternal() != null && c.getExternal() != n.getExternal() && !NetworkPolicy.isAdmin(actor)) {
      return NetworkPolicy.policy("update_network:router:external");
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

  static Decision delete(DeleteNetwork c, Actor actor, NetworkState s) {
    Optional<Network> found = s.network(c.getNetworkId()).filter(n -> NetworkPolicy.sees(actor, n));
    if (found.isEmpty()) return NetworkRejections.networkNotFound(c.getNetworkId());
    Network n = found.get();
    if (!NetworkPolicy.ownsNetwork(actor, n)) return NetworkPolicy.policy("delete_network");
    // as Neutron does, an external network takes its floating IPs that forward nowhere with it
    List<FloatingIp> released = s.floatingIps(n.getNetworkId()).stream().filter(f -> f.getPortId() == null).toList();
    Set<String> releasedPorts = new HashSet<>();
    released.forEach(f -> releasedPorts.add(f.getFloatingPortId()));
    List<Port> ports = s.ports(n.getNetworkId());
    if (ports.stream().anyMatch(p -> !p.getDeviceOwner().equals("network:dhcp") && !releasedPorts.contains(p.getPortId()))) {
      return Decision.reject(409, "NetworkInUse", "Unable to complete operation on network " + n.getNetworkId()
          + ". There are one or more ports still in use on the network.");
    }
    List<SpecificRecord> events = new ArrayList<>();
    for (Port p : ports) events.add(new PortDeleted(p));
    for (FloatingIp f : released) events.add(new FloatingIpDeleted(f));
    for (Subnet sub : s.subnets(n.getNetworkId())) {
      events.add(new SubnetDeleted(sub.getSubnetId(), n.getNetworkId(), sub.getProjectId()));
    }
    events.add(new NetworkDeleted(n.getNetworkId(), n.getProjectId()));
    return Decision.accept(n.getNetworkId(), events);
  }
}
