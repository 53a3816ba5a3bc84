package dev.skyledger.processors.network;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.CreateFloatingIp;
import dev.skyledger.events.network.CreatePort;
import dev.skyledger.events.network.DeleteFloatingIp;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.FloatingIp;
import dev.skyledger.events.network.FloatingIpCreated;
import dev.skyledger.events.network.FloatingIpDeleted;
import dev.skyledger.events.network.FloatingIpUpdated;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.Port;
import dev.skyledger.events.network.PortCreated;
import dev.skyledger.events.network.PortDeleted;
import dev.skyledger.events.network.UpdateFloatingIp;
import dev.skyledger.processors.core.Decision;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Floating IPs, decided on their external network's stream: the address is a port there (owner
 * {@code network:floatingip}), so it comes from the same allocation as every other address of that
 * network and can never be handed out twice.
 */
final class FloatingIpDecisions {
  private FloatingIpDecisions() {}

  private static Optional<FloatingIp> visible(Actor actor, NetworkState s, String networkId, String id) {
    return s.floatingIp(networkId, id).filter(f -> NetworkPolicy.isAdmin(actor) || f.getProjectId().equals(actor.getProjectId()));
  }

  private static Decision notFound(String id) {
    return Decision.reject(404, "FloatingIPNotFound", "Floating IP " + id + " could not be found");
  }

  static Decision create(CreateFloatingIp c, Actor actor, NetworkState s) {
    if (!NetworkPolicy.isAdmin(actor) && !NetworkPolicy.isMemberOf(actor, c.getProjectId())) {
      return NetworkPolicy.policy("create_floatingip");
    }
    Optional<Network> net = s.network(c.getFloatingNetworkId()).filter(n -> NetworkPolicy.sees(actor, n));
    if (net.isEmpty()) return NetworkRejections.networkNotFound(c.getFloatingNetworkId());
    if (!net.get().getExternal()) {
      return Decision.reject(400, "BadRequest", "Bad floatingip request: Network " + c.getFloatingNetworkId()
          + " is not a valid external network.");
    }
    if (c.getFloatingIpAddress() != null && !NetworkPolicy.isAdmin(actor)) {
      return NetworkPolicy.policy("create_floatingip:floating_ip_address");
    }
    String portId = "fip-" + c.getFloatingIpId();
    CreatePort port = CreatePort.newBuilder()
        .setPortId(portId).setNetworkId(c.getFloatingNetworkId()).setProjectId(c.getProjectId()).setName("")
        .setDeviceId(c.getFloatingIpId()).setDeviceOwner("network:floatingip")
        .setFixedIps(c.getFloatingIpAddress() == null ? null : List.of(new FixedIp(null, c.getFloatingIpAddress())))
        .setViaService(PortDecisions.FLOATING_IP).setPortSecurityEnabled(false)
        .build();
    Decision allocated = PortDecisions.create(port, actor, s);
    if (allocated.rejected()) return allocated;
    Port created = ((PortCreated) allocated.events().get(0)).getPort();
    if (created.getFixedIps().isEmpty()) {
      return Decision.reject(409, "IpAddressGenerationFailure", "No more IP addresses available on network "
          + c.getFloatingNetworkId() + ".");
    }
    FloatingIp fip = new FloatingIp(c.getFloatingIpId(), c.getProjectId(), c.getFloatingNetworkId(),
        created.getFixedIps().get(0).getIpAddress(), portId, c.getPortId(), c.getFixedIpAddress(), c.getRouterId(),
        c.getDescription());
    Optional<Decision> conflict = alreadyAssociated(s, fip);
    if (conflict.isPresent()) return conflict.get();
    return Decision.accept(fip.getFloatingIpId(), new PortCreated(created), new FloatingIpCreated(fip));
  }

  /** A fixed address of a port may be behind one floating IP of an external network at a time. */
  private static Optional<Decision> alreadyAssociated(NetworkState s, FloatingIp fip) {
    if (fip.getPortId() == null) return Optional.empty();
    for (FloatingIp other : s.floatingIps(fip.getFloatingNetworkId())) {
      if (!other.getFloatingIpId().equals(fip.getFloatingIpId()) && fip.getPortId().equals(other.getPortId())
          && Objects.equals(fip.getFixedIpAddress(), other.getFixedIpAddress())) {
        return Optional.of(Decision.reject(409, "FloatingIPPortAlreadyAssociated", "Cannot associate floating IP "
            + fip.getFloatingIpAddress() + " (" + fip.getFloatingIpId() + ") with port " + fip.getPortId() + " using fixed IP "
            + fip.getFixedIpAddress() + ", as that fixed IP already has a floating IP on external network "
            + fip.getFloatingNetworkId() + ": " + other.getFloatingIpId() + "."));
      }
    }
    return Optional.empty();
  }

  static Decision update(UpdateFloatingIp c, Actor actor, NetworkState s) {
    Optional<FloatingIp> found = visible(actor, s, c.getFloatingNetworkId(), c.getFloatingIpId());
    if (found.isEmpty()) return notFound(c.getFloatingIpId());
    FloatingIp old = found.get();
    if (!NetworkPolicy.isAdmin(actor) && !NetworkPolicy.isMemberOf(actor, old.getProjectId())) {
      return NetworkPolicy.policy("update_floatingip");
    }
    FloatingIp updated = FloatingIp.newBuilder(old).setPortId(c.getPortId()).setFixedIpAddress(c.getFixedIpAddress())
        .setRouterId(c.getRouterId()).setDescription(c.getDescription() != null ? c.getDescription() : old.getDescription())
        .build();
    Optional<Decision> conflict = alreadyAssociated(s, updated);
    if (conflict.isPresent()) return conflict.get();
    return Decision.accept(old.getFloatingIpId(), new FloatingIpUpdated(updated));
  }

  static Decision delete(DeleteFloatingIp c, Actor actor, NetworkState s) {
    Optional<FloatingIp> found = visible(actor, s, c.getFloatingNetworkId(), c.getFloatingIpId());
    if (found.isEmpty()) return notFound(c.getFloatingIpId());
    FloatingIp fip = found.get();
    if (!NetworkPolicy.isAdmin(actor) && !NetworkPolicy.isMemberOf(actor, fip.getProjectId())) {
      return NetworkPolicy.policy("delete_floatingip");
    }
    Optional<Port> port = s.port(fip.getFloatingNetworkId(), fip.getFloatingPortId());
    return port.map(p -> Decision.accept(fip.getFloatingIpId(), new PortDeleted(p), new FloatingIpDeleted(fip)))
        .orElseGet(() -> Decision.accept(fip.getFloatingIpId(), new FloatingIpDeleted(fip)));
  }
}
