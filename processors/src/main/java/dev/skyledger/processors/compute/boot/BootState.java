package dev.skyledger.processors.compute.boot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.processors.core.KeyValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The boot saga's state: each server it carries (its step, host, ports, deadline) and each host
 * it can place servers on (capacity, liveness, whether it is enabled, and the claims made on it).
 * Hosts are also kept in memory, so that a placement is one pass over a map and never a scan of the
 * store; the store is the truth and the map is rebuilt from it when the task starts.
 */
final class BootState {
  /** Where a server is in its life, as far as the saga is concerned. */
  enum Step { NETWORKING, SPAWNING, ACTIVE, SHUTOFF, ERROR, DELETING, DELETED }

  /**
   * A port of a server: one the saga creates for it, or (existing) the tenant's own port that the
   * saga binds to it and unbinds, never deletes. {@code created}: the network service confirmed it
   * (created, or bound); {@code released}: the saga asked for it to be deleted or unbound again;
   * {@code gone}: the network service confirmed that (the server no longer holds it).
   */
  record PortRef(String portId, String networkId, String fixedIp, String macAddress, boolean created, boolean released,
                 boolean existing, boolean gone) {
    PortRef(String portId, String networkId, String fixedIp, String macAddress, boolean created, boolean released,
            boolean existing) {
      this(portId, networkId, fixedIp, macAddress, created, released, existing, false);
    }

    PortRef confirmed(String mac) {
      return new PortRef(portId, networkId, fixedIp, mac, true, released, existing, gone);
    }

    PortRef releasedNow() {
      return new PortRef(portId, networkId, fixedIp, macAddress, created, true, existing, gone);
    }

    PortRef goneNow() {
      return new PortRef(portId, networkId, fixedIp, macAddress, created, released, existing, true);
    }
  }

  /** Who asked for the server and through which request: the saga's commands and facts carry them. */
  record Origin(String requestId, String userId, String userName, String projectId, List<String> roles) {
    static Origin of(String requestId, dev.skyledger.events.core.Actor actor) {
      return new Origin(requestId, actor.getUserId(), actor.getUserName(), actor.getProjectId(),
          List.copyOf(actor.getRoles()));
    }
  }

  /** One server. */
  record Boot(String instanceId, String projectId, String name, String hostname, int vcpus, int memoryMb, int diskGb,
              String zone, String imageId, String imageChecksum, long imageSize, String imageLocation, String publicKey,
              String userData, List<String> securityGroups, List<PortRef> ports, Step step, String hostId, boolean claimed,
              boolean spawnSent, long deadline, long sequence, Origin origin, String pendingAction) {
    Boot withStep(Step next, long nextDeadline) {
      return new Boot(instanceId, projectId, name, hostname, vcpus, memoryMb, diskGb, zone, imageId, imageChecksum,
          imageSize, imageLocation, publicKey, userData, securityGroups, ports, next, hostId, claimed, spawnSent, nextDeadline,
          sequence, origin, pendingAction);
    }

    Boot withHost(String host, boolean isClaimed) {
      return new Boot(instanceId, projectId, name, hostname, vcpus, memoryMb, diskGb, zone, imageId, imageChecksum,
          imageSize, imageLocation, publicKey, userData, securityGroups, ports, step, host, isClaimed, spawnSent, deadline,
          sequence, origin, pendingAction);
    }

    Boot withPorts(List<PortRef> next) {
      return new Boot(instanceId, projectId, name, hostname, vcpus, memoryMb, diskGb, zone, imageId, imageChecksum,
          imageSize, imageLocation, publicKey, userData, securityGroups, next, step, hostId, claimed, spawnSent, deadline,
          sequence, origin, pendingAction);
    }

    /** {@code spawnSent}: the host was asked to start the server and may hold it, until it says it destroyed it. */
    Boot withSpawnSent() {
      return withSpawn(true);
    }

    /** The host destroyed the server: it holds nothing of it any more. */
    Boot withHostCleared() {
      return withSpawn(false);
    }

    private Boot withSpawn(boolean sent) {
      return new Boot(instanceId, projectId, name, hostname, vcpus, memoryMb, diskGb, zone, imageId, imageChecksum,
          imageSize, imageLocation, publicKey, userData, securityGroups, ports, step, hostId, claimed, sent, deadline,
          sequence, origin, pendingAction);
    }

    Boot withSequence(long next) {
      return new Boot(instanceId, projectId, name, hostname, vcpus, memoryMb, diskGb, zone, imageId, imageChecksum,
          imageSize, imageLocation, publicKey, userData, securityGroups, ports, step, hostId, claimed, spawnSent, deadline,
          next, origin, pendingAction);
    }

    /** The image the server is (re)built from. */
    Boot withImage(String image, String checksum, long size, String location) {
      return new Boot(instanceId, projectId, name, hostname, vcpus, memoryMb, diskGb, zone, image, checksum,
          size, location, publicKey, userData, securityGroups, ports, step, hostId, claimed, spawnSent, deadline,
          sequence, origin, pendingAction);
    }

    /** A reboot, stop or start sent to the host and not yet answered (null: none). */
    Boot withPendingAction(String action) {
      return new Boot(instanceId, projectId, name, hostname, vcpus, memoryMb, diskGb, zone, imageId, imageChecksum,
          imageSize, imageLocation, publicKey, userData, securityGroups, ports, step, hostId, claimed, spawnSent, deadline,
          sequence, origin, action);
    }

    /**
     * The server acted on by another request (an action, a deletion): what the saga records and
     * asks for from here on is caused by it, and the host's answers, which carry the request of
     * the command they answer, name it too.
     */
    Boot withOrigin(Origin next) {
      return new Boot(instanceId, projectId, name, hostname, vcpus, memoryMb, diskGb, zone, imageId, imageChecksum,
          imageSize, imageLocation, publicKey, userData, securityGroups, ports, step, hostId, claimed, spawnSent, deadline,
          sequence, next, pendingAction);
    }

    Optional<PortRef> port(String portId) {
      return ports.stream().filter(p -> p.portId().equals(portId)).findFirst();
    }

    Boot replacePort(PortRef port) {
      List<PortRef> next = new ArrayList<>();
      for (PortRef p : ports) next.add(p.portId().equals(port.portId()) ? port : p);
      return withPorts(next);
    }

    boolean allPortsCreated() {
      return ports.stream().allMatch(PortRef::created);
    }

    /** Every port the saga gave back is confirmed deleted or unbound. */
    boolean releasedPortsGone() {
      return ports.stream().filter(PortRef::released).allMatch(PortRef::gone);
    }
  }

  /**
   * A host as registered, whether it is up (as the host liveness processor last judged it), whether
   * it takes new servers, its claims, and whether an operator forced it down (then it is down
   * whatever its heartbeats say).
   */
  record HostView(String hostId, String zone, int vcpus, int memoryMb, int localGb, double cpuRatio, double ramRatio,
                  double diskRatio, boolean up, boolean enabled, int claimedVcpus, int claimedMemoryMb, int claimedGb,
                  boolean forcedDown) {
    static HostView unknown(String hostId) {
      return new HostView(hostId, "nova", 0, 0, 0, 1, 1, 1, false, true, 0, 0, 0, false);
    }

    HostView withForcedDown(boolean forcedDown) {
      return new HostView(hostId, zone, vcpus, memoryMb, localGb, cpuRatio, ramRatio, diskRatio, up, enabled,
          claimedVcpus, claimedMemoryMb, claimedGb, forcedDown);
    }

    /** The same host with what it registered: its zone, capacity and ratios. */
    HostView registered(String zone, int vcpus, int memoryMb, int localGb, double cpuRatio, double ramRatio,
                        double diskRatio) {
      return new HostView(hostId, zone, vcpus, memoryMb, localGb, cpuRatio, ramRatio, diskRatio, up, enabled,
          claimedVcpus, claimedMemoryMb, claimedGb, forcedDown);
    }

    HostView withUp(boolean up) {
      return new HostView(hostId, zone, vcpus, memoryMb, localGb, cpuRatio, ramRatio, diskRatio, up, enabled,
          claimedVcpus, claimedMemoryMb, claimedGb, forcedDown);
    }

    HostView withEnabled(boolean enabled) {
      return new HostView(hostId, zone, vcpus, memoryMb, localGb, cpuRatio, ramRatio, diskRatio, up, enabled,
          claimedVcpus, claimedMemoryMb, claimedGb, forcedDown);
    }

    HostView claim(int v, int m, int g) {
      return new HostView(hostId, zone, vcpus, memoryMb, localGb, cpuRatio, ramRatio, diskRatio, up, enabled,
          claimedVcpus + v, claimedMemoryMb + m, claimedGb + g, forcedDown);
    }
  }

  /**
   * A server's lock: who locked it ({@code owner}, a member of its project, or {@code admin}, an
   * administrator of another project) and why, if they said. Kept beside the server's row, so a
   * lock outlives whatever step the server is in.
   */
  record Lock(String lockedBy, String reason) {}

  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final KeyValues kv;
  private final Map<String, HostView> hosts = new HashMap<>();
  /** The availability zone of each host that is in an aggregate with one (the others keep the zone they registered). */
  private final Map<String, String> aggregateZones = new HashMap<>();

  /** What the saga keeps of a host aggregate: its zone (null: none) and its hosts. */
  record AggregateZone(String zone, List<String> hosts) {}

  BootState(KeyValues kv) {
    this.kv = kv;
    reload();
  }

  /** Reads the hosts into memory again from the store (after a start, or after a step's changes were dropped). */
  void reload() {
    hosts.clear();
    for (var e : kv.prefix("h/")) hosts.put(e.getKey().substring(2), read(e.getValue(), HostView.class));
    reloadZones();
  }

  private void reloadZones() {
    aggregateZones.clear();
    for (var e : kv.prefix("ag/")) {
      AggregateZone a = read(e.getValue(), AggregateZone.class);
      if (a.zone() != null) a.hosts().forEach(h -> aggregateZones.putIfAbsent(h, a.zone()));
    }
  }

  /** Keeps (or, null, forgets) a host aggregate's zone and hosts. */
  void putAggregate(int aggregateId, AggregateZone aggregate) {
    if (aggregate == null) kv.delete("ag/" + aggregateId);
    else kv.put("ag/" + aggregateId, write(aggregate));
    reloadZones();
  }

  /** A host's availability zone: its aggregate's, when it is in one with a zone; else the one it registered with. */
  String zoneOf(HostView host) {
    return aggregateZones.getOrDefault(host.hostId(), host.zone());
  }

  Optional<Boot> boot(String instanceId) {
    return kv.get("b/" + instanceId).map(row -> read(row, Boot.class));
  }

  /** Keeps a server's state, and its deadline in the index the timeout check scans. */
  void putBoot(Boot boot) {
    boot(boot.instanceId()).ifPresent(old -> {
      if (old.deadline() > 0) kv.delete(deadlineKey(old.deadline(), old.instanceId()));
    });
    kv.put("b/" + boot.instanceId(), write(boot));
    if (boot.deadline() > 0) kv.put(deadlineKey(boot.deadline(), boot.instanceId()), boot.instanceId());
  }

  Optional<Lock> lock(String instanceId) {
    return kv.get("lk/" + instanceId).map(row -> read(row, Lock.class));
  }

  /** Locks a server (a lock, or null: unlocks it). */
  void putLock(String instanceId, Lock lock) {
    if (lock == null) kv.delete("lk/" + instanceId);
    else kv.put("lk/" + instanceId, write(lock));
  }

  /** The servers whose step's deadline has passed, oldest first. */
  List<String> overdue(long now) {
    List<String> out = new ArrayList<>();
    for (var e : kv.prefix("d/")) {
      long deadline = Long.parseLong(e.getKey().substring(2, 2 + 16), 16);
      if (deadline > now) break;
      out.add(e.getValue());
    }
    return out;
  }

  private static String deadlineKey(long deadline, String instanceId) {
    return "d/" + String.format("%016x", deadline) + "/" + instanceId;
  }

  Map<String, HostView> hosts() {
    return hosts;
  }

  HostView host(String hostId) {
    return hosts.getOrDefault(hostId, HostView.unknown(hostId));
  }

  void putHost(HostView host) {
    hosts.put(host.hostId(), host);
    kv.put("h/" + host.hostId(), write(host));
  }

  /** The hosts the members of a server group are placed on (members that failed or were deleted leave). */
  /** How many of a server group's members each host runs. */
  Map<String, Integer> groupMembersByHost(String groupId) {
    Map<String, Integer> out = new HashMap<>();
    for (var e : kv.prefix("gh/" + groupId + "/")) out.merge(e.getValue(), 1, Integer::sum);
    return out;
  }

  void addGroupMember(String groupId, String instanceId, String hostId) {
    kv.put("gh/" + groupId + "/" + instanceId, hostId);
    kv.put("ig/" + instanceId, groupId);
  }

  void removeGroupMember(String instanceId) {
    kv.get("ig/" + instanceId).ifPresent(g -> kv.delete("gh/" + g + "/" + instanceId));
    kv.delete("ig/" + instanceId);
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T read(String row, Class<T> type) {
    try {
      return JSON.readValue(row, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable saga state: " + row, e);
    }
  }
}
