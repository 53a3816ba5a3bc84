package dev.skyledger.processors.network;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.CreatePort;
import dev.skyledger.events.network.DeletePort;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.Port;
import dev.skyledger.events.network.PortCreated;
import dev.skyledger.events.network.PortDeleted;
import dev.skyledger.events.network.PortUpdated;
import dev.skyledger.events.network.Subnet;
import dev.skyledger.events.network.UpdatePort;
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
 * Ports, decided on their network's stream, so every address and MAC is taken in order: two
 * requests never get the same one, and a released one can be taken again ({@link SubnetAllocator}).
 */
final class PortDecisions {
  /** Services that create ports for their own use; the API sets this, never the client. */
  static final String ROUTER_GATEWAY = "router_gateway";
  static final String ROUTER_INTERFACE = "router_interface";
  static final String FLOATING_IP = "floatingip";
  /** A server's port, created by the boot saga for the server's owner and bound to the server's host. */
  static final String COMPUTE = "compute";

  private PortDecisions() {}

  static Decision create(CreatePort c, Actor actor, NetworkState s) {
    Optional<Network> found = s.network(c.getNetworkId()).filter(n -> NetworkPolicy.sees(actor, n));
    if (found.isEmpty()) return NetworkRejections.networkNotFound(c.getNetworkId());
    Network n = found.get();
    if (s.port(n.getNetworkId(), c.getPortId()).isPresent()) {
      return Decision.reject(409, "Conflict", "Port " + c.getPortId() + " already exists.");
    }
    boolean owner = NetworkPolicy.ownsNetwork(actor, n);
    if (!NetworkPolicy.isAdmin(actor) && !NetworkPolicy.isMemberOf(actor, c.getProjectId())) return NetworkPolicy.policy("create_port");
    switch (c.getViaService()) {
      case ROUTER_GATEWAY, FLOATING_IP -> {
        if (!n.getExternal()) {
          return Decision.reject(400, "BadRequest", "Network " + n.getNetworkId() + " is not a valid external network.");
        }
      }
      case ROUTER_INTERFACE -> {
        if (!owner) return NetworkRejections.networkNotFound(n.getNetworkId());
      }
      default -> {
        if (!owner && !n.getShared()) return NetworkPolicy.policy("create_port:network");
        if (c.getDeviceOwner().startsWith("network:") && !owner) return NetworkPolicy.policy("create_port:device_owner");
        if (c.getMacAddress() != null && !owner) return NetworkPolicy.policy("create_port:mac_address");
        if (c.getFixedIps() != null && !owner && c.getFixedIps().stream().anyMatch(ip -> ip.getIpAddress() != null)) {
          return NetworkPolicy.policy("create_port:fixed_ips:ip_address");
        }
      }
    }
    if (!c.getHostId().isEmpty() && !NetworkPolicy.isAdmin(actor) && !COMPUTE.equals(c.getViaService())) {
      return NetworkPolicy.policy("create_port:binding:host_id");
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
      if (parsed.isEmpty()) return NetworkRejections.invalid("'" + c.getMacAddress() + "' is not a valid MAC address.");
      mac = parsed.get();
      if (s.macHolder(n.getNetworkId(), mac).isPresent()) return NetworkRejections.macInUse(n, mac);
    } else {
      mac = SubnetAllocator.freeMac(s, n.getNetworkId(), c.getPortId());
    }
    SubnetAllocator.Allocation allocation = SubnetAllocator.allocate(s, n, c.getFixedIps(), mac, c.getDeviceOwner(), Set.of());
    if (allocation.rejection() != null) return allocation.rejection();
    Port port = Port.newBuilder()
        .setPortId(c.getPortId()).setNetworkId(n.getNetworkId()).setProjectId(c.getProjectId())
        .setName(c.getName()).setDescription(c.getDescription()).setMacAddress(mac)
        .setFixedIps(allocation.ips()).setDeviceId(c.getDeviceId()).setDeviceOwner(c.getDeviceOwner())
        .setSecurityGroups(c.getPortSecurityEnabled() ? c.getSecurityGroups() : List.of())
        .setHostId(c.getHostId()).setAdminStateUp(c.getAdminStateUp())
        .setPortSecurityEnabled(c.getPortSecurityEnabled())
        .build();
    return Decision.accept(port.getPortId(), new PortCreated(port));
  }

  static Decision update(UpdatePort c, Actor actor, NetworkState s) {
    Optional<Network> net = s.network(c.getNetworkId());
    Optional<Port> found = net.flatMap(n -> s.port(n.getNetworkId(), c.getPortId())).filter(p -> NetworkPolicy.seesPort(actor, net.get(), p));
    if (found.isEmpty()) return Decision.reject(404, "PortNotFound", "Port " + c.getPortId() + " could not be found.");
    Network n = net.get();
    Port old = found.get();
    if (!NetworkPolicy.ownsPort(actor, n, old)) return NetworkPolicy.policy("update_port");
    boolean owner = NetworkPolicy.ownsNetwork(actor, n);
    boolean viaCompute = COMPUTE.equals(c.getViaService());
    if (c.getHostId() != null && !c.getHostId().equals(old.getHostId()) && !NetworkPolicy.isAdmin(actor) && !viaCompute) {
      return NetworkPolicy.policy("update_port:binding:host_id");
    }
    // compute binds a port to a server only if no other device holds it (two boots racing for one port: one wins)
    if (viaCompute && c.getDeviceId() != null && !c.getDeviceId().isEmpty() && !old.getDeviceId().isEmpty()
        && !old.getDeviceId().equals(c.getDeviceId())) {
      return Decision.reject(409, "PortInUse", "Port " + old.getPortId() + " is still in use.");
    }
    if (c.getDeviceOwner() != null && c.getDeviceOwner().startsWith("network:") && !owner) return NetworkPolicy.policy("update_port:device_owner");
    if (c.getMacAddress() != null && !NetworkPolicy.isAdmin(actor)) return NetworkPolicy.policy("update_port:mac_address");
    if (c.getFixedIps() != null && !owner && c.getFixedIps().stream().anyMatch(ip -> ip.getIpAddress() != null)) {
      return NetworkPolicy.policy("update_port:fixed_ips:ip_address");
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
      if (mac.isEmpty()) return NetworkRejections.invalid("'" + c.getMacAddress() + "' is not a valid MAC address.");
      if (!mac.get().equals(old.getMacAddress()) && s.macHolder(n.getNetworkId(), mac.get()).isPresent()) return NetworkRejections.macInUse(n, mac.get());
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
      SubnetAllocator.Allocation allocation = SubnetAllocator.allocate(s, n, wanted, b.getMacAddress(), b.getDeviceOwner(), own);
      if (allocation.rejection() != null) return allocation.rejection();
      b.setFixedIps(allocation.ips());
    }
    if (c.getMacAddress() != null) {
      // automatic IPv6 addresses are made from the MAC: a new MAC means new addresses there
      List<FixedIp> readdressed = new ArrayList<>();
      for (FixedIp ip : b.getFixedIps()) {
        Optional<Subnet> sub = s.subnet(n.getNetworkId(), ip.getSubnetId()).filter(SubnetAllocator::autoAddressed);
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

  static Decision delete(DeletePort c, Actor actor, NetworkState s) {
    Optional<Network> net = s.network(c.getNetworkId());
    Optional<Port> found = net.flatMap(n -> s.port(n.getNetworkId(), c.getPortId())).filter(p -> NetworkPolicy.seesPort(actor, net.get(), p));
    if (found.isEmpty()) return Decision.reject(404, "PortNotFound", "Port " + c.getPortId() + " could not be found.");
    if (!NetworkPolicy.ownsPort(actor, net.get(), found.get())) return NetworkPolicy.policy("delete_port");
    return Decision.accept(c.getPortId(), new PortDeleted(found.get()));
  }
}
