package dev.skyledger.processors.compute.boot;

import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the host for a server, as Nova's filter scheduler does: filters (host up and enabled,
 * availability zone, RAM, vCPUs and disk left after allocation ratios and the claims already made,
 * server-group affinity or anti-affinity), then the weighers (a soft policy's: most, or fewest, of
 * the group's members; then most free RAM first, spreading load; ties by host id so the choice is
 * deterministic). Pure and in memory: one pass over the hosts of
 * the candidate set, no database per decision, so it stays fast with thousands of hosts.
 */
final class Scheduler {
  private Scheduler() {}

  /** A host as the scheduler sees it: capacity, ratios, and what is already claimed on it. */
  record Host(String hostId, String zone, boolean up, boolean enabled, int vcpus, int memoryMb, int localGb,
              double cpuRatio, double ramRatio, double diskRatio, int claimedVcpus, int claimedMemoryMb, int claimedGb) {
    long freeMemoryMb() {
      return (long) Math.floor(memoryMb * ramRatio) - claimedMemoryMb;
    }

    long freeVcpus() {
      return (long) Math.floor(vcpus * cpuRatio) - claimedVcpus;
    }

    long freeGb() {
      return (long) Math.floor(localGb * diskRatio) - claimedGb;
    }
  }

  /**
   * What a server needs: its flavor's size, a zone (null: any), and its server group's policy and
   * how many of the group's members each host runs.
   */
  record Request(int vcpus, int memoryMb, int diskGb, String zone, GroupPolicy policy, Map<String, Integer> groupMembers) {
    Set<String> groupHosts() {
      return groupMembers.keySet();
    }

    int members(Host h) {
      return groupMembers.getOrDefault(h.hostId(), 0);
    }
  }

  /** Hard policies filter hosts; soft ones (microversion 2.15) only weigh them, and never leave a server without one. */
  enum GroupPolicy { NONE, AFFINITY, ANTI_AFFINITY, SOFT_AFFINITY, SOFT_ANTI_AFFINITY }

  /** Why no host fits, as the fault a user sees ("No valid host was found. ..."). */
  record NoHost(String reason) {}

  static Optional<Host> choose(Collection<Host> hosts, Request r) {
    Comparator<Host> weigh = Comparator.comparingLong(Host::freeMemoryMb).thenComparing(Host::hostId, Comparator.reverseOrder());
    if (r.policy() == GroupPolicy.SOFT_AFFINITY) weigh = Comparator.<Host>comparingInt(r::members).thenComparing(weigh);
    if (r.policy() == GroupPolicy.SOFT_ANTI_AFFINITY) weigh = Comparator.<Host>comparingInt(h -> -r.members(h)).thenComparing(weigh);
    return hosts.stream().filter(h -> fits(h, r)).max(weigh);
  }

  static boolean fits(Host h, Request r) {
    if (!h.up() || !h.enabled()) return false;
    if (r.zone() != null && !r.zone().equals(h.zone())) return false;
    if (h.freeMemoryMb() < r.memoryMb() || h.freeVcpus() < r.vcpus() || h.freeGb() < r.diskGb()) return false;
    return switch (r.policy()) {
      case NONE, SOFT_AFFINITY, SOFT_ANTI_AFFINITY -> true;
      case AFFINITY -> r.groupHosts().isEmpty() || r.groupHosts().contains(h.hostId());
      case ANTI_AFFINITY -> !r.groupHosts().contains(h.hostId());
    };
  }

  /** The reason for the fault when {@link #choose} finds nothing: the first filter every host failed. */
  static NoHost explain(Collection<Host> hosts, Request r) {
    if (hosts.stream().noneMatch(h -> h.up() && h.enabled())) return new NoHost("No valid host was found. There are no compute hosts up.");
    if (r.zone() != null && hosts.stream().noneMatch(h -> r.zone().equals(h.zone()))) {
      return new NoHost("No valid host was found. No host is in availability zone " + r.zone() + ".");
    }
    Request anyPlace = new Request(r.vcpus(), r.memoryMb(), r.diskGb(), r.zone(), GroupPolicy.NONE, Map.of());
    if ((r.policy() == GroupPolicy.AFFINITY || r.policy() == GroupPolicy.ANTI_AFFINITY) && hosts.stream().anyMatch(h -> fits(h, anyPlace))) {
      return new NoHost("No valid host was found. The server group's " + (r.policy() == GroupPolicy.AFFINITY
          ? "affinity policy needs host " + String.join(", ", r.groupHosts()) + ", which cannot take it."
          : "anti-affinity policy leaves no host without a member of the group."));
    }
    return new NoHost("No valid host was found. There are not enough hosts available.");
  }
}
