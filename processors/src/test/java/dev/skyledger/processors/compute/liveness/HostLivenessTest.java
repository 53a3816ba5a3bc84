package dev.skyledger.processors.compute.liveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.host.HostHeartbeat;
import dev.skyledger.events.host.HostLivenessChanged;
import dev.skyledger.events.host.HostRegistered;
import dev.skyledger.events.host.HostStopped;
import dev.skyledger.processors.core.MapKeyValues;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class HostLivenessTest {
  static final long T0 = 1_800_000_000_000L;
  final MapKeyValues kv = new MapKeyValues();
  HostLiveness liveness = new HostLiveness(kv, T0);

  static HostRegistered registered(String id, int heartbeatSeconds) {
    return HostRegistered.newBuilder().setHostId(id).setHypervisorType("simulated").setVcpus(8).setMemoryMb(8192)
        .setLocalGb(100).setHeartbeatSeconds(heartbeatSeconds).build();
  }

  static HostHeartbeat beat(String id) {
    return new HostHeartbeat(id, 0, 0, 0, 0, 10);
  }

  @Test
  void aRegistrationIsAChangeAndHeartbeatsOfAnUpHostAreNot() {
    Optional<HostLivenessChanged> up = liveness.on(registered("h1", 10), T0);
    assertTrue(up.orElseThrow().getUp());
    assertEquals("registered", up.get().getReason());
    for (int i = 1; i <= 100; i++) assertTrue(liveness.on(beat("h1"), T0 + i * 10_000L).isEmpty(), "beat " + i);
    assertTrue(liveness.silent(T0 + 100 * 10_000L + 30_000).isEmpty(), "silent for exactly three intervals: still up");
  }

  @Test
  void aHostSilentForThreeIntervalsIsDownOnceAndUpWithItsNextHeartbeat() {
    liveness.on(registered("h1", 10), T0);
    liveness.on(registered("h2", 10), T0);
    liveness.on(beat("h2"), T0 + 25_000);
    List<HostLivenessChanged> down = liveness.silent(T0 + 30_001);
    assertEquals(1, down.size(), "h2 was heard from 5 s ago");
    assertEquals("h1", down.get(0).getHostId());
    assertFalse(down.get(0).getUp());
    assertEquals(T0, down.get(0).getLastSeenAt().toEpochMilli());
    assertTrue(down.get(0).getReason().startsWith("no heartbeat for 30 s"), down.get(0).getReason());
    assertTrue(liveness.silent(T0 + 60_000).stream().noneMatch(c -> c.getHostId().equals("h1")), "down is said once");

    HostLivenessChanged back = liveness.on(beat("h1"), T0 + 70_000).orElseThrow();
    assertTrue(back.getUp());
    assertEquals("heartbeat", back.getReason());
  }

  @Test
  void aStoppedHostIsDownAtOnceAndUpWhenItRegistersAgain() {
    liveness.on(registered("h1", 10), T0);
    HostLivenessChanged stopped = liveness.on(new HostStopped("h1"), T0 + 1_000).orElseThrow();
    assertFalse(stopped.getUp());
    assertEquals("stopped", stopped.getReason());
    assertTrue(liveness.on(new HostStopped("h1"), T0 + 2_000).isEmpty(), "stopping twice changes nothing");
    assertTrue(liveness.silent(T0 + 100_000).isEmpty(), "a stopped host is not reported silent too");
    assertTrue(liveness.on(registered("h1", 10), T0 + 120_000).orElseThrow().getUp());
  }

  @Test
  void anUnknownHostThatStopsIsNotAChange() {
    assertTrue(liveness.on(new HostStopped("ghost"), T0).isEmpty());
  }

  @Test
  void theWindowFollowsEachHostsOwnInterval() {
    liveness.on(registered("slow", 60), T0);
    liveness.on(registered("fast", 1), T0);
    List<HostLivenessChanged> down = liveness.silent(T0 + 10_000);
    assertEquals(List.of("fast"), down.stream().map(HostLivenessChanged::getHostId).toList());
  }

  @Test
  void aHeartbeatOlderThanTheLastOneSeenChangesNothing() {
    liveness.on(registered("h1", 10), T0 + 50_000);
    liveness.silent(T0 + 90_000);
    assertTrue(liveness.on(beat("h1"), T0 + 10_000).isEmpty(), "a late, older heartbeat does not bring it up");
  }

  @Test
  void afterARestartEveryHostHasAWholeWindowBeforeItIsJudgedSilent() {
    liveness.on(registered("h1", 10), T0);
    // the processor restarts 5 minutes later, before it has read the heartbeats since
    HostLiveness restarted = new HostLiveness(kv, T0 + 300_000);
    assertTrue(restarted.host("h1").orElseThrow().up(), "the judgement is kept in the store");
    assertTrue(restarted.silent(T0 + 310_000).isEmpty(), "no host is down for the restart's sake");
    assertTrue(restarted.on(beat("h1"), T0 + 305_000).isEmpty(), "still up: no change to report");
    assertEquals(1, restarted.silent(T0 + 336_000).size(), "but a host that really is silent goes down");
  }

  /** A record appended at {@code at} and read at {@code wall}, as the topology hands it over. */
  private void read(SpecificRecord fact, long at, long wall) {
    liveness.read(at, wall);
    liveness.on(fact, at);
  }

  @Test
  void behindABacklogNoHostIsJudgedByHeartbeatsItHasNotReadYet() {
    read(registered("h1", 10), T0, T0);
    read(registered("h2", 10), T0, T0);
    // a minute later by the wall clock, the processor is still reading what was appended 5 s after T0
    read(beat("h2"), T0 + 5_000, T0 + 60_000);
    assertTrue(liveness.silent(T0 + 60_000).isEmpty(), "h1's heartbeats may be in the unread backlog");
  }

  @Test
  void behindABacklogAHostSilentNextToHostsThatWereHeardFromGoesDown() {
    read(registered("h1", 10), T0, T0);
    read(registered("h2", 10), T0, T0);
    for (long t = 10_000; t <= 40_000; t += 10_000) read(beat("h2"), T0 + t, T0 + 60_000 + t);
    List<HostLivenessChanged> down = liveness.silent(T0 + 100_000);
    assertEquals(List.of("h1"), down.stream().map(HostLivenessChanged::getHostId).toList());
    assertEquals("no heartbeat for 45 s (every 10 s expected)", down.get(0).getReason(), "judged at what was read, not the wall");
  }

  @Test
  void whenNothingMoreComesTheWallClockJudges() {
    read(registered("h1", 10), T0, T0 + 1_000);
    assertTrue(liveness.silent(T0 + 30_000).isEmpty());
    assertEquals(1, liveness.silent(T0 + 40_000).size(), "caught up and nothing read for a while: h1 is silent");
  }
}
