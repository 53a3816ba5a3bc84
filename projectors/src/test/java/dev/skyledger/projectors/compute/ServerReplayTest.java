package dev.skyledger.projectors.compute;

import static dev.skyledger.projectors.compute.ServerEvents.networked;
import static dev.skyledger.projectors.compute.ServerEvents.requested;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.compute.InstanceActive;
import dev.skyledger.events.compute.InstanceDeleteRequested;
import dev.skyledger.events.compute.InstanceDeleted;
import dev.skyledger.events.compute.InstanceFailed;
import dev.skyledger.events.compute.InstanceScheduled;
import dev.skyledger.events.compute.InstanceUpdated;
import dev.skyledger.events.compute.ServerMetadataChanged;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import dev.skyledger.projectors.core.ProjectionSchemas;
import dev.skyledger.projectors.core.ProjectionWriter;
import dev.skyledger.views.compute.ServerCatalog;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server's events are on two streams, which a replay may read in either order: rebuilt into a
 * fresh schema with every server's own stream read before the projects' streams, the views
 * show the same servers (states, times, addresses, faults) as when they were built in order.
 */
@ExtendWith(SkyTestKit.class)
class ServerReplayTest {
  @Test
  void aReplayThatReadsTheServersStreamsFirstBuildsTheSameViews(TestEnvironment env) {
    String p = "proj-replay";
    String active = "eeee0001-0000-0000-0000-000000000001";
    String failed = "eeee0002-0000-0000-0000-000000000001";
    String deleted = "eeee0003-0000-0000-0000-000000000001";
    String building = "eeee0004-0000-0000-0000-000000000001";
    ServerEvents events = new ServerEvents();
    events.project(p, requested(active, p, "active", 1, "img-1"))
        .project(p, requested(failed, p, "failed", 1, "img-1"))
        .project(p, requested(deleted, p, "deleted", 0, "img-1"))
        .project(p, requested(building, p, "building", 2, "img-1"))
        .instance(p, active, new InstanceScheduled(active, p, "compute-1", "zone-b"))
        .instance(p, active, networked(active, p, "port-1", "fa:16:3e:00:00:01", "10.2.0.4"))
        .instance(p, active, new InstanceActive(active, p, "compute-1"))
        .project(p, new InstanceUpdated(active, p, "active-renamed", null, null, null))
        .project(p, new ServerMetadataChanged(active, p, Map.of("k", "v")))
        .instance(p, failed, new InstanceScheduled(failed, p, "compute-2", "nova"))
        .instance(p, failed, networked(failed, p, "port-2", "fa:16:3e:00:00:02", "10.2.0.5"))
        .instance(p, failed, new InstanceFailed(failed, p, 500, "spawn failed", "spawning", ""))
        .instance(p, deleted, new InstanceScheduled(deleted, p, "compute-1", "nova"))
        .instance(p, deleted, new InstanceActive(deleted, p, "compute-1"))
        .project(p, new InstanceDeleteRequested(deleted, p))
        .instance(p, deleted, new InstanceDeleted(deleted, p, "compute-1"))
        .instance(p, building, new InstanceScheduled(building, p, "compute-2", "nova"))
        .instance(p, building, networked(building, p, "port-3", "fa:16:3e:00:00:03", "10.2.0.6"));

    try (ServerViews views = new ServerViews(env)) {
      views.apply(events.inOrder());
      List<ServerCatalog.Server> inOrder = everything(views.catalog, p);
      assertEquals(4, inOrder.size());
      assertEquals("BUILD/networking", inOrder.get(0).status() + "/" + inOrder.get(0).taskState(), "one port of two");

      ProjectionSchemas.Active next = views.schemas.prepareNext(views.projection);
      ProjectionWriter writer = new ProjectionWriter(views.projection, views.db, ServerEvents.ENVELOPES, next.schema());
      writer.apply(events.serverStreamsFirst());
      assertTrue(views.schemas.switchTo(views.projection, next, writer.offsets()));
      List<ServerCatalog.Server> replayed = everything(views.catalog, p);

      assertEquals(inOrder, replayed);
      ServerCatalog.Server zoned = replayed.stream().filter(s -> s.id().equals(active)).findFirst().orElseThrow();
      assertEquals("zone-b", zoned.availabilityZone(), "the zone it was scheduled to, though the request came later");
      assertEquals("active-renamed", zoned.name());
    }
  }

  /** Every server of the project, deleted ones too, with their ports. */
  private static List<ServerCatalog.Server> everything(ServerCatalog catalog, String project) {
    return catalog.list(new ServerCatalog.Query(project, null, List.of(), null, null, null, null, null, null, true,
        List.of(), null, 1000), true);
  }
}
