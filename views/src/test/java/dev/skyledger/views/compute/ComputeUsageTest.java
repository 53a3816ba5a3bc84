package dev.skyledger.views.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skyledger.views.compute.ComputeUsage.Server;
import dev.skyledger.views.compute.ComputeUsage.TenantUsage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nova's usage arithmetic: a server counts from its launch to its deletion, cut to the period asked for. */
class ComputeUsageTest {
  private static final Instant START = Instant.parse("2026-11-22T00:00:00Z");
  private static final Instant STOP = Instant.parse("2026-11-23T00:00:00Z");
  private static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");

  private static Server server(String id, String project, String launched, String deleted) {
    return new Server(id, project, "vm-" + id, "active", "m1.small", 2, 2048, 25, Instant.parse(launched),
        deleted == null ? null : Instant.parse(deleted));
  }

  @Test
  void aServerLaunchedBeforeThePeriodAndStillRunningCountsTheWholePeriod() {
    TenantUsage u = ComputeUsage.summarize(List.of(server("a", "p1", "2026-11-20T00:00:00Z", null)), START, STOP, NOW).get(0);
    assertEquals(24.0, u.totalHours(), 1e-9);
    assertEquals(48.0, u.vcpuHours(), 1e-9);
    assertEquals(24 * 2048.0, u.memoryMbHours(), 1e-9);
    assertEquals(24 * 25.0, u.localGbHours(), 1e-9);
    assertEquals("active", u.servers().get(0).state());
    assertEquals(4 * 86400, u.servers().get(0).uptimeSeconds(), "uptime runs to now");
  }

  @Test
  void aServerLaunchedAndDeletedInsideThePeriodCountsItsLifeAndIsTerminated() {
    TenantUsage u = ComputeUsage.summarize(List.of(server("a", "p1", "2026-11-22T06:00:00Z", "2026-11-22T07:30:00Z")),
        START, STOP, NOW).get(0);
    assertEquals(1.5, u.totalHours(), 1e-9);
    assertEquals("terminated", u.servers().get(0).state());
    assertEquals(5400, u.servers().get(0).uptimeSeconds());
  }

  @Test
  void serversAreSummedPerProjectInTheOrderGiven() {
    List<TenantUsage> usages = ComputeUsage.summarize(List.of(
        server("a", "p1", "2026-11-22T12:00:00Z", null),
        server("b", "p1", "2026-11-22T18:00:00Z", "2026-11-22T19:00:00Z"),
        server("c", "p2", "2026-11-21T00:00:00Z", "2026-11-22T02:00:00Z")), START, STOP, NOW);
    assertEquals(List.of("p1", "p2"), usages.stream().map(TenantUsage::projectId).toList());
    assertEquals(13.0, usages.get(0).totalHours(), 1e-9);
    assertEquals(26.0, usages.get(0).vcpuHours(), 1e-9);
    assertEquals(2, usages.get(0).servers().size());
    assertEquals(2.0, usages.get(1).totalHours(), 1e-9);
  }

  @Test
  void nothingGivenIsNoUsage() {
    assertEquals(List.of(), ComputeUsage.summarize(List.of(), START, STOP, NOW));
  }
}
