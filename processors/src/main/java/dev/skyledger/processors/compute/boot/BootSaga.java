package dev.skyledger.processors.compute.boot;

import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.compute.ComputeServiceForcedDownChanged;
import dev.skyledger.events.compute.ComputeServiceStatusChanged;
import dev.skyledger.events.compute.InstanceActive;
import dev.skyledger.events.compute.InstanceDeleteRequested;
import dev.skyledger.events.compute.InstanceDeleted;
import dev.skyledger.events.compute.InstanceFailed;
import dev.skyledger.events.compute.InstanceNetworked;
import dev.skyledger.events.compute.InstanceRequested;
import dev.skyledger.events.compute.InstanceScheduled;
import dev.skyledger.events.compute.ReleaseServerQuota;
import dev.skyledger.events.compute.ServerNetwork;
import dev.skyledger.events.compute.ServerSpec;
import dev.skyledger.events.core.CommandRejected;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.host.DestroyInstance;
import dev.skyledger.events.host.HostLivenessChanged;
import dev.skyledger.events.host.HostRegistered;
import dev.skyledger.events.host.InstanceActionFailed;
import dev.skyledger.events.host.InstanceDestroyed;
import dev.skyledger.events.host.InstancePowerChanged;
import dev.skyledger.events.host.InstanceSnapshotted;
import dev.skyledger.events.host.InstanceSpawnFailed;
import dev.skyledger.events.host.InstanceSpawned;
import dev.skyledger.events.host.Nic;
import dev.skyledger.events.host.SpawnInstance;
import dev.skyledger.events.network.CreatePort;
import dev.skyledger.events.network.DeletePort;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.Port;
import dev.skyledger.events.network.PortCreated;
import dev.skyledger.events.network.PortDeleted;
import dev.skyledger.events.network.PortUpdated;
import dev.skyledger.events.network.UpdatePort;
import dev.skyledger.processors.compute.boot.BootState.Boot;
import dev.skyledger.processors.compute.boot.BootState.HostView;
import dev.skyledger.processors.compute.boot.BootState.Origin;
import dev.skyledger.processors.compute.boot.BootState.PortRef;
import dev.skyledger.processors.compute.boot.BootState.Step;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * The boot saga, as pure decisions: given a fact (an event of the compute, network or host
 * context, or a rejection of one of its own commands) and the state, what to record and what to
 * ask for next.
 *
 * <pre>
 * InstanceRequested ─► schedule (filters, weigher, claim) ─► InstanceScheduled ─► CreatePort per network
 * PortCreated (all) ─► InstanceNetworked ─► SpawnInstance on the host (it caches the image, verifying it)
 * InstanceSpawned ─► InstanceActive
 * </pre>
 *
 * Any failure (no host, a port refused, a spawn failed, a step past its deadline) compensates:
 * the claim is released, the ports are deleted, a domain that may exist is destroyed, the quota is
 * given back (ReleaseServerQuota to the project's decider), and the server ends in ERROR with
 * {@link InstanceFailed}. Deletion works from any step and ends with {@link InstanceDeleted} once
 * the host destroyed the domain (or did not answer in time: a host that is down cannot hold the
 * deletion up).
 */
final class BootSaga {
  /** How long a step may take before the server goes to ERROR. */
  record Settings(Duration networkTimeout, Duration spawnTimeout, Duration deleteTimeout) {}

  /** Ports of a server get ids derived from it, so a command sent twice creates one port. */
  static String portIdOf(String instanceId, int index) {
    return UUID.nameUUIDFromBytes(("port/" + instanceId + "/" + index).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** The device name the network plumbing expects for a port: tap plus the first 11 characters of its id. */
  static String tapOf(String portId) {
    String name = "tap" + portId;
    return name.substring(0, Math.min(14, name.length()));
  }

  /** Where a server's port is created: {@code NetworkDecider}'s service value for a server's port. */
  static final String PORT_VIA = "compute";

  private final BootState state;
  private final Settings settings;

  private final ServerActions actions;

  BootSaga(BootState state, Settings settings) {
    this.state = state;
    this.settings = settings;
    this.actions = new ServerActions(state, settings);
  }

  /** The actions on running servers (reboot, stop, start, snapshot), decided on the same state. */
  ServerActions actions() {
    return actions;
  }

  /** The saga's reaction to one fact; {@code now} is the wall clock (for deadlines). */
  List<SagaOut> on(SpecificRecord fact, Envelope envelope, long now) {
    List<SagaOut> out = new ArrayList<>();
    if (fact instanceof HostRegistered e) registered(e);
    else if (fact instanceof dev.skyledger.events.host.HostInventoryReported e) inventory(e, out);
    else if (fact instanceof HostLivenessChanged e) state.putHost(state.host(e.getHostId()).withUp(e.getUp()));
    else if (fact instanceof ComputeServiceStatusChanged e) {
      state.putHost(state.host(e.getHostId()).withEnabled(e.getEnabled()));
    } else if (fact instanceof ComputeServiceForcedDownChanged e) {
      state.putHost(state.host(e.getHostId()).withForcedDown(e.getForcedDown()));
    }
    else if (fact instanceof dev.skyledger.events.compute.AggregateCreated e) aggregate(e.getAggregate(), false);
    else if (fact instanceof dev.skyledger.events.compute.AggregateUpdated e) aggregate(e.getAggregate(), false);
    else if (fact instanceof dev.skyledger.events.compute.AggregateDeleted e) aggregate(e.getAggregate(), true);
    else if (fact instanceof InstanceRequested e) requested(e.getServer(), envelope, now, out);
    else if (fact instanceof PortCreated e) portCreated(e, envelope, now, out);
    else if (fact instanceof PortUpdated e) portUpdated(e, envelope, now, out);
    else if (fact instanceof PortDeleted e) portGone(e.getPort().getPortId(), envelope, out);
    else if (fact instanceof CommandRejected e) rejected(e, envelope, now, out);
    else if (fact instanceof InstanceSpawned e) spawned(e, now, out);
    else if (fact instanceof InstanceSpawnFailed e) {
      state.boot(e.getInstanceId()).filter(b -> b.step() == Step.SPAWNING).ifPresent(b -> {
        if (ServerActions.isRebuild(b.pendingAction())) actions.rebuildFailed(b, e.getReason(), out);
        else fail(b, "spawning", "Build of instance " + b.instanceId() + " aborted: " + e.getReason(), now, out);
      });
    } else if (fact instanceof InstanceDeleteRequested e) deleteRequested(e, envelope, now, out);
    else if (fact instanceof InstancePowerChanged e) actions.answered(e.getInstanceId(), e.getAction(), null, out);
    else if (fact instanceof InstanceActionFailed e) actions.answered(e.getInstanceId(), e.getAction(), e.getReason(), out);
    else if (fact instanceof InstanceSnapshotted e) actions.snapshotted(e, out);
    else if (fact instanceof InstanceDestroyed e) {
      state.boot(e.getInstanceId()).filter(b -> b.step() == Step.DELETING)
          .ifPresent(b -> deletedWhenReleased(b.withHostCleared(), out));
    }
    return out;
  }

  /** Servers whose step ran out of time: a boot goes to ERROR, a deletion completes without the host. */
  List<SagaOut> timeouts(long now) {
    List<SagaOut> out = new ArrayList<>();
    for (String id : state.overdue(now)) {
      Optional<Boot> found = state.boot(id);
      if (found.isEmpty()) continue;
      Boot b = found.get();
      switch (b.step()) {
        case NETWORKING -> fail(b, "networking", "Build of instance " + id + " aborted: the network service did not"
            + " allocate its ports within " + settings.networkTimeout().toSeconds() + " s.", now, out);
        case SPAWNING -> {
          String late = "host " + b.hostId() + " did not start it within " + settings.spawnTimeout().toSeconds() + " s.";
          if (ServerActions.isRebuild(b.pendingAction())) actions.rebuildFailed(b, late, out);
          else fail(b, "spawning", "Build of instance " + id + " aborted: " + late, now, out);
        }
        case DELETING -> deleted(b, out);
        case ACTIVE, SHUTOFF -> {
          if (b.pendingAction() != null) {
            actions.answered(id, b.pendingAction().startsWith(ServerActions.SNAPSHOT) ? "snapshot" : b.pendingAction(),
                "host " + b.hostId() + " did not answer within "
                + settings.spawnTimeout().toSeconds() + " s", out);
          } else {
            state.putBoot(b.withStep(b.step(), 0));
          }
        }
        default -> state.putBoot(b.withStep(b.step(), 0));
      }
    }
    return out;
  }

  // ---- hosts ------------------------------------------------------------------------------------

  /**
   * A registration is the agent saying it is alive now, so the host is up from it (the liveness
   * processor says the same, one hop later, and says down when it falls silent): a server asked for
   * right after a host joined is placed instead of failing for want of a host.
   */
  private void registered(HostRegistered e) {
    state.putHost(state.host(e.getHostId()).registered(e.getAvailabilityZone(), e.getVcpus(), e.getMemoryMb(),
        e.getLocalGb(), e.getCpuAllocationRatio(), e.getRamAllocationRatio(), e.getDiskAllocationRatio()).withUp(true));
  }

  /**
   * A host back from an absence lists its domains: those no server on this host owns any more (it
   * was deleted or failed meanwhile, or was never placed here) are destroyed, as the system. Their
   * claims were released when the servers ended, so nothing is counted twice.
   */
  private void inventory(dev.skyledger.events.host.HostInventoryReported e, List<SagaOut> out) {
    for (String instanceId : e.getInstanceIds()) {
      Optional<Boot> boot = state.boot(instanceId);
      // a server an administrator reset to ERROR still holds its host (its claim), unlike one whose build failed
      boolean owned = boot.isPresent() && e.getHostId().equals(boot.get().hostId())
          && boot.get().step() != Step.DELETED && (boot.get().step() != Step.ERROR || boot.get().claimed());
      if (owned) continue;
      String project = boot.map(Boot::projectId).orElse(null);
      out.add(new SagaOut(SagaOut.Target.HOST_COMMANDS, e.getHostId(), new DestroyInstance(instanceId, e.getHostId()), instanceId,
          project, 0, boot.map(Boot::origin).orElse(null), true, StreamKeys.instance(instanceId)));
    }
  }

  private void release(Boot b) {
    state.removeGroupMember(b.instanceId());
    if (!b.claimed()) return;
    state.putHost(state.host(b.hostId()).claim(-b.vcpus(), -b.memoryMb(), -b.diskGb()));
  }

  // ---- boot -------------------------------------------------------------------------------------

  private void requested(ServerSpec spec, Envelope envelope, long now, List<SagaOut> out) {
    if (state.boot(spec.getInstanceId()).isPresent()) return;
    Origin origin = Origin.of(envelope.getRequestId(), envelope.getActor());
    var flavor = spec.getFlavor();
    int disk = flavor.getDiskGb() + flavor.getEphemeralGb() + (flavor.getSwapMb() + 1023) / 1024;
    List<PortRef> ports = new ArrayList<>();
    for (int i = 0; i < spec.getNetworks().size(); i++) {
      ServerNetwork n = spec.getNetworks().get(i);
      ports.add(n.getPortId() != null
          ? new PortRef(n.getPortId(), n.getNetworkId(), null, null, false, false, true)
          : new PortRef(portIdOf(spec.getInstanceId(), i), n.getNetworkId(), n.getFixedIp(), null, false, false, false));
    }
    Boot b = new Boot(spec.getInstanceId(), spec.getProjectId(), spec.getName(), spec.getHostname(), flavor.getVcpus(),
        flavor.getRamMb(), disk, spec.getAvailabilityZone(), spec.getImageId(), spec.getImageChecksum(),
        spec.getImageSize(), spec.getImageLocation(), spec.getPublicKey(), spec.getUserData(),
        List.copyOf(spec.getSecurityGroups()), ports, Step.NETWORKING, null, false, false, 0, 0, origin, null);

    String group = spec.getServerGroupId();
    Scheduler.GroupPolicy policy = group == null || spec.getServerGroupPolicy() == null ? Scheduler.GroupPolicy.NONE
        : switch (spec.getServerGroupPolicy()) {
          case "affinity" -> Scheduler.GroupPolicy.AFFINITY;
          case "anti-affinity" -> Scheduler.GroupPolicy.ANTI_AFFINITY;
          case "soft-affinity" -> Scheduler.GroupPolicy.SOFT_AFFINITY;
          case "soft-anti-affinity" -> Scheduler.GroupPolicy.SOFT_ANTI_AFFINITY;
          default -> Scheduler.GroupPolicy.NONE;
        };
    Scheduler.Request request = new Scheduler.Request(b.vcpus(), b.memoryMb(), b.diskGb(), b.zone(), policy,
        group == null ? Map.of() : state.groupMembersByHost(group));
    List<Scheduler.Host> candidates = state.hosts().values().stream().map(this::candidate).toList();
    Optional<Scheduler.Host> chosen = Scheduler.choose(candidates, request);
    if (chosen.isEmpty()) {
      fail(b, "scheduling", Scheduler.explain(candidates, request).reason(), now, out);
      return;
    }
    HostView host = state.host(chosen.get().hostId());
    String zone = chosen.get().zone();
    state.putHost(host.claim(b.vcpus(), b.memoryMb(), b.diskGb()));
    if (group != null) state.addGroupMember(group, b.instanceId(), host.hostId());
    b = b.withHost(host.hostId(), true);
    b = SagaOut.fact(b, new InstanceScheduled(b.instanceId(), b.projectId(), host.hostId(), zone), out);
    if (ports.isEmpty()) {
      spawn(b, now, out);
      return;
    }
    for (PortRef p : ports) {
      if (p.existing()) {
        // the tenant's own port: bound to this server and host (its addresses and groups stay as they are)
        out.add(SagaOut.forServer(b, SagaOut.Target.NETWORK_COMMANDS, p.networkId(),
            binding(p, b.instanceId(), "compute:" + zone, host.hostId()), p.portId(), 0));
        continue;
      }
      List<FixedIp> ips = p.fixedIp() == null ? null : List.of(new FixedIp(null, p.fixedIp()));
      CreatePort create = CreatePort.newBuilder()
          .setPortId(p.portId()).setNetworkId(p.networkId()).setProjectId(b.projectId())
          .setName("").setDescription("").setMacAddress(null).setFixedIps(ips)
          .setDeviceId(b.instanceId()).setDeviceOwner("compute:" + zone)
          .setSecurityGroups(b.securityGroups()).setHostId(host.hostId())
          .setAdminStateUp(true).setPortSecurityEnabled(true).setViaService(PORT_VIA).build();
      out.add(SagaOut.forServer(b, SagaOut.Target.NETWORK_COMMANDS, p.networkId(), create, p.portId(), 0));
    }
    state.putBoot(b.withStep(Step.NETWORKING, now + settings.networkTimeout().toMillis()));
  }

  /** A host aggregate's zone becomes the zone of its hosts for the scheduler. */
  private void aggregate(dev.skyledger.events.compute.Aggregate a, boolean deleted) {
    state.putAggregate(a.getAggregateId(), deleted ? null
        : new BootState.AggregateZone(a.getAvailabilityZone(), List.copyOf(a.getHosts())));
  }

  private Scheduler.Host candidate(HostView h) {
    return new Scheduler.Host(h.hostId(), state.zoneOf(h), h.up() && !h.forcedDown(), h.enabled(), h.vcpus(), h.memoryMb(), h.localGb(),
        h.cpuRatio(), h.ramRatio(), h.diskRatio(), h.claimedVcpus(), h.claimedMemoryMb(), h.claimedGb());
  }

  private void portCreated(PortCreated e, Envelope envelope, long now, List<SagaOut> out) {
    portConfirmed(e.getPort(), false, envelope, now, out);
  }

  /** A port update the saga asked for: a binding (the port now names the server) or the echo of an unbinding. */
  private void portUpdated(PortUpdated e, Envelope envelope, long now, List<SagaOut> out) {
    portConfirmed(e.getPort(), true, envelope, now, out);
  }

  /** The network service made (or bound) a port for a server: one more step to spawning, or given back at once. */
  private void portConfirmed(Port port, boolean existing, Envelope envelope, long now, List<SagaOut> out) {
    if (existing && port.getDeviceId().isEmpty()) {
      // the echo of an unbinding the saga asked for: the tenant's port is free again
      portGone(port.getPortId(), envelope, out);
      return;
    }
    Optional<Boot> found = state.boot(port.getDeviceId());
    if (found.isEmpty() || !StreamKeys.instance(port.getDeviceId()).equals(envelope.getCorrelationId())) return;
    Boot b = found.get();
    Optional<PortRef> ref = b.port(port.getPortId()).filter(r -> r.existing() == existing);
    if (ref.isEmpty() || ref.get().created()) return;
    PortRef confirmed = ref.get().confirmed(port.getMacAddress());
    b = b.replacePort(confirmed);
    if (b.step() != Step.NETWORKING) {
      // the server failed or is being deleted while this port was on its way: it is not needed
      out.add(giveBack(b, confirmed));
      state.putBoot(b.replacePort(confirmed.releasedNow()));
      return;
    }
    b = SagaOut.fact(b, new InstanceNetworked(b.instanceId(), b.projectId(), port), out);
    if (b.allPortsCreated()) spawn(b, now, out);
    else state.putBoot(b);
  }

  /**
   * The network service deleted (or unbound) a port the saga gave back: once every such port is
   * gone and the host has destroyed the server, a deletion ends, so a client that sees the server
   * gone may delete its network or security groups at once, as with Nova.
   */
  private void portGone(String portId, Envelope envelope, List<SagaOut> out) {
    String instanceId = StreamKeys.instanceIdOf(envelope.getCorrelationId());
    if (instanceId == null) return;
    Optional<Boot> found = state.boot(instanceId);
    if (found.isEmpty()) return;
    Optional<PortRef> ref = found.get().port(portId).filter(PortRef::released);
    if (ref.isEmpty() || ref.get().gone()) return;
    Boot b = found.get().replacePort(ref.get().goneNow());
    if (b.step() == Step.DELETING) deletedWhenReleased(b, out);
    else state.putBoot(b);
  }

  private void rejected(CommandRejected e, Envelope envelope, long now, List<SagaOut> out) {
    String correlation = envelope.getCorrelationId();
    String instanceId = StreamKeys.instanceIdOf(correlation);
    if (instanceId == null) return;
    Optional<PortRef> givenBack = state.boot(instanceId).flatMap(b -> b.port(envelope.getAggregateId()))
        .filter(PortRef::released);
    if (givenBack.isPresent()) {
      // a port given back that the network service no longer has (its owner deleted it first) is gone all the same
      portGone(givenBack.get().portId(), envelope, out);
      return;
    }
    state.boot(instanceId).filter(b -> b.step() == Step.NETWORKING)
        .filter(b -> b.port(envelope.getAggregateId()).isPresent())
        .ifPresent(b -> fail(b, "networking", "Build of instance " + instanceId + " aborted: the network service refused"
            + " a port: " + e.getMessage(), now, out));
  }

  private void spawn(Boot b, long now, List<SagaOut> out) {
    out.add(SagaOut.forServer(b, SagaOut.Target.HOST_COMMANDS, b.hostId(), spawnCommand(b), b.instanceId(), 0));
    state.putBoot(b.withSpawnSent().withStep(Step.SPAWNING, now + settings.spawnTimeout().toMillis()));
  }

  /** What the host is asked to start: the server's domain from its image, with its ports as NICs. */
  static SpawnInstance spawnCommand(Boot b) {
    List<Nic> nics = b.ports().stream().map(p -> new Nic(p.portId(), p.macAddress(), tapOf(p.portId()))).toList();
    return SpawnInstance.newBuilder()
        .setInstanceId(b.instanceId()).setHostId(b.hostId()).setName(b.hostname())
        .setVcpus(b.vcpus()).setMemoryMb(b.memoryMb()).setRootGb(b.diskGb()).setImagePath(null)
        .setNics(nics).setUserData(b.userData()).setProjectId(b.projectId()).setImageId(b.imageId())
        .setImageChecksum(b.imageChecksum()).setImageSize(b.imageSize()).setImageLocation(b.imageLocation())
        .setPublicKey(b.publicKey()).build();
  }

  private void spawned(InstanceSpawned e, long now, List<SagaOut> out) {
    Optional<Boot> found = state.boot(e.getInstanceId()).filter(b -> b.step() == Step.SPAWNING);
    if (found.isEmpty()) return;
    if (ServerActions.isRebuild(found.get().pendingAction())) {
      actions.rebuilt(found.get(), now, out);
      return;
    }
    Boot b = SagaOut.fact(found.get(), new InstanceActive(e.getInstanceId(), found.get().projectId(), e.getHostId()), out);
    state.putBoot(b.withStep(Step.ACTIVE, 0));
  }

  /** Compensates everything a boot holds and records the server in ERROR. */
  private void fail(Boot b, String step, String message, long now, List<SagaOut> out) {
    release(b);
    b = b.withHost(b.hostId(), false);
    b = releasePorts(b, out);
    if (b.spawnSent()) {
      out.add(SagaOut.asSystem(b, SagaOut.Target.HOST_COMMANDS, b.hostId(), new DestroyInstance(b.instanceId(), b.hostId()), b.instanceId()));
    }
    b = SagaOut.fact(b, new InstanceFailed(b.instanceId(), b.projectId(), 500, message, step, ""), out);
    out.add(SagaOut.asSystem(b, SagaOut.Target.COMPUTE_COMMANDS, StreamKeys.project(b.projectId()),
        new ReleaseServerQuota(b.instanceId(), b.projectId(), "boot failed while " + step), b.instanceId()));
    state.putBoot(b.withStep(Step.ERROR, 0));
  }

  private Boot releasePorts(Boot b, List<SagaOut> out) {
    List<PortRef> next = new ArrayList<>();
    for (PortRef p : b.ports()) {
      if (p.created() && !p.released()) {
        out.add(giveBack(b, p));
        next.add(p.releasedNow());
      } else {
        next.add(p);
      }
    }
    return b.withPorts(next);
  }

  /** A port the server no longer holds: deleted if the saga made it, unbound (and kept) if it was the tenant's. */
  private static SagaOut giveBack(Boot b, PortRef p) {
    SpecificRecord command = p.existing() ? binding(p, "", "", "") : new DeletePort(p.portId(), p.networkId());
    return SagaOut.asSystem(b, SagaOut.Target.NETWORK_COMMANDS, p.networkId(), command, p.portId());
  }

  /** The update that binds a tenant's port to a device on a host (or, all empty, unbinds it); nothing else changes. */
  private static UpdatePort binding(PortRef p, String deviceId, String deviceOwner, String hostId) {
    return UpdatePort.newBuilder()
        .setPortId(p.portId()).setNetworkId(p.networkId()).setName(null).setDescription(null).setAdminStateUp(null)
        .setDeviceId(deviceId).setDeviceOwner(deviceOwner).setHostId(hostId)
        .setMacAddress(null).setSecurityGroups(null).setFixedIps(null).setPortSecurityEnabled(null)
        .setViaService(PORT_VIA).build();
  }

  // ---- delete -----------------------------------------------------------------------------------

  private void deleteRequested(InstanceDeleteRequested e, Envelope envelope, long now, List<SagaOut> out) {
    Optional<Boot> found = state.boot(e.getInstanceId());
    if (found.isEmpty()) {
      // never seen by the saga: nothing is held; the tombstone keeps the stream's numbering
      Boot gone = new Boot(e.getInstanceId(), e.getProjectId(), "", "", 0, 0, 0, null, null, null, 0, null, null, null,
          List.of(), List.of(), Step.DELETING, null, false, false, 0, 0,
          Origin.of(envelope.getRequestId(), envelope.getActor()), null);
      deleted(gone, out);
      return;
    }
    Boot b = found.get();
    if (b.step() == Step.DELETING || b.step() == Step.DELETED) return;
    // from here on the teardown is the deletion's doing: its ports, the destroy, the host's answer, the end
    b = b.withOrigin(Origin.of(envelope.getRequestId(), envelope.getActor()));
    b = releasePorts(b, out);
    if (b.spawnSent()) {
      out.add(SagaOut.asSystem(b, SagaOut.Target.HOST_COMMANDS, b.hostId(), new DestroyInstance(b.instanceId(), b.hostId()), b.instanceId()));
    }
    deletedWhenReleased(b.withStep(Step.DELETING, now + settings.deleteTimeout().toMillis()), out);
  }

  /** A deletion ends when the host holds nothing of the server and its ports are given back; until then it waits (within its deadline). */
  private void deletedWhenReleased(Boot b, List<SagaOut> out) {
    if (!b.spawnSent() && b.releasedPortsGone()) deleted(b, out);
    else state.putBoot(b);
  }

  private void deleted(Boot b, List<SagaOut> out) {
    release(b);
    b = b.withHost(b.hostId(), false);
    b = SagaOut.fact(b, new InstanceDeleted(b.instanceId(), b.projectId(), b.hostId()), out);
    state.putBoot(b.withStep(Step.DELETED, 0));
  }


}
