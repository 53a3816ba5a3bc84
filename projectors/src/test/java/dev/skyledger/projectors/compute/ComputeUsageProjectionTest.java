package dev.skyledger.projectors.compute;

import static dev.skyledger.projectors.compute.ServerEvents.requested;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.compute.InstanceActive;
import dev.skyledger.events.compute.InstanceDeleteRequested;
import dev.skyledger.events.compute.InstanceDeleted;
import dev.skyledger.events.compute.InstanceFailed;
import dev.skyledger.events.compute.InstanceScheduled;
import dev.skyledger.events.compute.QuotaReleased;
import dev.skyledger.events.compute.QuotaReserved;
import dev.skyledger.platform.db.ProjectionRegistry;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import dev.skyledger.projectors.core.ProjectionSchemas;
import dev.skyledger.projectors.core.ProjectionWriter;
import dev.skyledger.views.compute.ComputeUsage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What projects use, from the compute projection: the quota each holds (reservations minus
 * releases, a failed boot's included) and the servers that ran in a period, the same after a
 * replay that reads the servers' own streams before the projects'.
 */
@ExtendWith(SkyTestKit.class)
class ComputeUsageProjectionTest {
  private static final String P = "proj-usage";
  private static final String RUNNING = "ffff0001-0000-0000-0000-000000000001";
  private static final String FAILED = "ffff0002-0000-0000-0000-000000000001";
  private static final String DELETED = "ffff0003-0000-0000-0000-000000000001";
  private static final String BUILDING = "ffff0004-0000-0000-0000-000000000001";

  @Test
  void theQuotaHeldAndTheServersThatRanAreTheSameAfterAReplayInAnotherOrder(TestEnvironment env) {
    ServerEvents events = new ServerEvents();
    for (String id : List.of(RUNNING, FAILED, DELETED, BUILDING)) {
      // m1.tiny: 1 vCPU, 512 MB
      events.project(P, requested(id, P, "vm-" + id.substring(0, 4), 0, "img-1"))
          .project(P, new QuotaReserved(id, P, 1, 1, 512));
    }
    Instant launched = events.now();
    events.instance(P, RUNNING, new InstanceScheduled(RUNNING, P, "compute-1", "nova"))
        .instance(P, RUNNING, new InstanceActive(RUNNING, P, "compute-1"))
        .instance(P, FAILED, new InstanceFailed(FAILED, P, 500, "No valid host was found.", "scheduling", ""))
        .project(P, new QuotaReleased(FAILED, P, 1, 1, 512, "boot failed while scheduling"))
        .instance(P, DELETED, new InstanceScheduled(DELETED, P, "compute-1", "nova"))
        .instance(P, DELETED, new InstanceActive(DELETED, P, "compute-1"))
        .project(P, new InstanceDeleteRequested(DELETED, P))
        .project(P, new QuotaReleased(DELETED, P, 1, 1, 512, "deleted"))
        .instance(P, DELETED, new InstanceDeleted(DELETED, P, "compute-1"));
    Instant deleted = events.now().minusSeconds(1);

    try (ServerViews views = new ServerViews(env)) {
      ComputeUsage usage = new ComputeUsage(views.db, new ProjectionRegistry(views.db), ServerViews.JSON);
      views.apply(events.inOrder());
      Map<String, Integer> expected = Map.of("instances", 2, "cores", 2, "ram", 1024, "server_groups", 0);
      assertEquals(expected, usage.quotaInUse(P), "the running and the building server hold quota; failed and deleted do not");
      assertEquals(Map.of("instances", 0, "cores", 0, "ram", 0, "server_groups", 0), usage.quotaInUse("proj-nothing"));
      List<ComputeUsage.Server> ran = usage.servers(P, launched, launched.plusSeconds(3600));
      assertEquals(List.of(RUNNING, DELETED), ran.stream().map(ComputeUsage.Server::id).toList(),
          "launched servers only (a failed or building one ran nothing)");
      assertEquals(deleted, ran.get(1).deletedAt());
      assertEquals(512, ran.get(0).memoryMb());
      assertEquals(1, ran.get(0).localGb());
      assertEquals("m1.tiny", ran.get(0).flavorName());
      assertEquals(List.of(RUNNING), usage.servers(P, deleted.plusSeconds(1), deleted.plusSeconds(60)).stream()
          .map(ComputeUsage.Server::id).toList(), "a server deleted before the period is not in it");
      assertTrue(usage.servers(P, launched.minusSeconds(3600), launched.minusSeconds(60)).isEmpty(), "nor one launched after");

      ProjectionSchemas.Active next = views.schemas.prepareNext(views.projection);
      ProjectionWriter writer = new ProjectionWriter(views.projection, views.db, ServerEvents.ENVELOPES, next.schema());
      writer.apply(events.serverStreamsFirst());
      assertTrue(views.schemas.switchTo(views.projection, next, writer.offsets()));
      assertEquals(expected, usage.quotaInUse(P));
      assertEquals(ran, usage.servers(P, launched, launched.plusSeconds(3600)));
    }
  }
}
