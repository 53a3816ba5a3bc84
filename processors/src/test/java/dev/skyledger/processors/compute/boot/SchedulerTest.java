package dev.skyledger.processors.compute.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.processors.compute.boot.Scheduler.GroupPolicy;
import dev.skyledger.processors.compute.boot.Scheduler.Host;
import dev.skyledger.processors.compute.boot.Scheduler.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  private static Host host(String id, int memoryMb, int claimedMemory) {
    return new Host(id, "nova", true, true, 8, memoryMb, 100, 16.0, 1.0, 1.0, 0, claimedMemory, 0);
  }

  private static Request small() {
    return new Request(1, 512, 1, null, GroupPolicy.NONE, Map.of());
  }

  @Test
  void theHostWithTheMostFreeRamWins() {
    List<Host> hosts = List.of(host("a", 4096, 1024), host("b", 4096, 0), host("c", 2048, 0));
    assertEquals("b", Scheduler.choose(hosts, small()).orElseThrow().hostId());
  }

  @Test
  void tiesGoToTheLowestHostIdSoTheChoiceIsDeterministic() {
    assertEquals("a", Scheduler.choose(List.of(host("b", 4096, 0), host("a", 4096, 0)), small()).orElseThrow().hostId());
  }

  @Test
  void hostsThatAreDownDisabledInAnotherZoneOrFullAreFilteredOut() {
    List<Host> hosts = List.of(
        new Host("down", "nova", false, true, 8, 65536, 100, 16, 1, 1, 0, 0, 0),
        new Host("off", "nova", true, false, 8, 65536, 100, 16, 1, 1, 0, 0, 0),
        new Host("far", "other", true, true, 8, 65536, 100, 16, 1, 1, 0, 0, 0),
        new Host("full", "nova", true, true, 8, 1024, 100, 16, 1, 1, 0, 1000, 0),
        new Host("ok", "nova", true, true, 8, 2048, 100, 16, 1, 1, 0, 0, 0));
    assertEquals("ok", Scheduler.choose(hosts, new Request(1, 512, 1, "nova", GroupPolicy.NONE, Map.of())).orElseThrow().hostId());
  }

  @Test
  void allocationRatiosDecideHowFarAHostMayBeCommitted() {
    Host h = new Host("h", "nova", true, true, 2, 1000, 10, 2.0, 1.5, 1.0, 3, 1000, 10);
    assertTrue(Scheduler.fits(h, new Request(1, 500, 0, null, GroupPolicy.NONE, Map.of())), "2 vCPU x 2.0 = 4, RAM 1000 x 1.5 = 1500");
    assertTrue(!Scheduler.fits(h, new Request(2, 500, 0, null, GroupPolicy.NONE, Map.of())), "5 vCPUs > 4");
    assertTrue(!Scheduler.fits(h, new Request(1, 501, 0, null, GroupPolicy.NONE, Map.of())), "RAM over 1500");
    assertTrue(!Scheduler.fits(h, new Request(1, 100, 1, null, GroupPolicy.NONE, Map.of())), "disk full");
  }

  @Test
  void serverGroupsKeepMembersTogetherOrApart() {
    List<Host> hosts = List.of(host("a", 8192, 0), host("b", 4096, 0));
    assertEquals("b", Scheduler.choose(hosts, new Request(1, 512, 1, null, GroupPolicy.AFFINITY, Map.of("b", 1))).orElseThrow().hostId());
    assertEquals("b", Scheduler.choose(hosts, new Request(1, 512, 1, null, GroupPolicy.ANTI_AFFINITY, Map.of("a", 1))).orElseThrow().hostId());
    assertEquals(Optional.empty(), Scheduler.choose(hosts, new Request(1, 512, 1, null, GroupPolicy.ANTI_AFFINITY, Map.of("a", 1, "b", 1))));
  }

  @Test
  void softPoliciesWeighByMembersButNeverLeaveAServerWithoutAHost() {
    List<Host> hosts = List.of(host("a", 8192, 0), host("b", 4096, 0), host("c", 2048, 0));
    assertEquals("b", Scheduler.choose(hosts, new Request(1, 512, 1, null, GroupPolicy.SOFT_AFFINITY, Map.of("b", 2, "c", 1)))
        .orElseThrow().hostId(), "the host with the most members, though another has more room");
    assertEquals("a", Scheduler.choose(hosts, new Request(1, 512, 1, null, GroupPolicy.SOFT_AFFINITY, Map.of()))
        .orElseThrow().hostId(), "the first member goes where there is most room");
    assertEquals("c", Scheduler.choose(hosts, new Request(1, 512, 1, null, GroupPolicy.SOFT_ANTI_AFFINITY,
        Map.of("a", 2, "b", 1))).orElseThrow().hostId(), "the host with no member, though it has least room");
    assertEquals("b", Scheduler.choose(hosts, new Request(1, 512, 1, null, GroupPolicy.SOFT_ANTI_AFFINITY,
        Map.of("a", 2, "b", 1, "c", 1))).orElseThrow().hostId(), "every host has members: the fewest, then most room");
    assertEquals("a", Scheduler.choose(List.of(host("a", 8192, 0)), new Request(1, 512, 1, null,
        GroupPolicy.SOFT_ANTI_AFFINITY, Map.of("a", 3))).orElseThrow().hostId(), "never no host for a soft policy");
  }

  @Test
  void claimsKeepConcurrentBootsFromOvercommittingAHost() {
    List<Host> hosts = new ArrayList<>(List.of(host("a", 2048, 0), host("b", 2048, 0)));
    int placed = 0;
    Optional<Host> chosen;
    while ((chosen = Scheduler.choose(hosts, new Request(1, 512, 1, null, GroupPolicy.NONE, Map.of()))).isPresent()) {
      Host h = chosen.get();
      hosts.set(hosts.indexOf(h), new Host(h.hostId(), h.zone(), true, true, h.vcpus(), h.memoryMb(), h.localGb(), h.cpuRatio(),
          h.ramRatio(), h.diskRatio(), h.claimedVcpus() + 1, h.claimedMemoryMb() + 512, h.claimedGb() + 1));
      placed++;
    }
    assertEquals(8, placed, "2 hosts x 2048 MB / 512 MB");
    assertEquals("No valid host was found. There are not enough hosts available.",
        Scheduler.explain(hosts, small()).reason());
  }
}
