package dev.skyledger.projectors.compute;

import static dev.skyledger.projectors.compute.ServerEvents.networked;
import static dev.skyledger.projectors.compute.ServerEvents.requested;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.events.compute.InstanceActive;
import dev.skyledger.events.compute.InstanceDeleteRequested;
import dev.skyledger.events.compute.InstanceDeleted;
import dev.skyledger.events.compute.InstanceFailed;
import dev.skyledger.events.compute.InstancePowerActionDone;
import dev.skyledger.events.compute.InstancePowerActionStarted;
import dev.skyledger.events.compute.InstanceScheduled;
import dev.skyledger.events.compute.InstanceUpdated;
import dev.skyledger.events.compute.ServerMetadataChanged;
import dev.skyledger.platform.compute.Microversion;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.compute.ServerCatalog;
import dev.skyledger.views.compute.ServerJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server views as the projection writes them from compute events and the catalog reads them:
 * a boot's steps, a failure, power actions, deletion, and Nova's list filters, sorts and pages.
 * Each test has servers of projects of its own.
 */
@ExtendWith(SkyTestKit.class)
class ServerProjectionTest {
  private static final ComputeCatalog.Viewer ADMIN = new ComputeCatalog.Viewer(null, true);
  private static ServerViews views;
  private static final ServerEvents events = new ServerEvents();

  @BeforeAll
  static void start(TestEnvironment env) {
    views = new ServerViews(env);
  }

  @AfterAll
  static void stop() {
    if (views != null) views.close();
  }

  private static void apply() {
    // everything every time: what was applied is skipped by its offset
    views.apply(events.inOrder());
  }

  private static ServerCatalog.Server get(String id) {
    return views.catalog.server(ADMIN, id).orElseThrow(() -> new AssertionError("no server " + id));
  }

  private static String state(String id) {
    ServerCatalog.Server s = get(id);
    return s.status() + "/" + s.vmState() + "/" + s.taskState() + "/" + s.powerState();
  }

  private static ServerCatalog.Query query(String project) {
    return new ServerCatalog.Query(project, null, List.of(), null, null, null, null, null, null, false, List.of(), null, 1000);
  }

  private static List<String> names(List<ServerCatalog.Server> servers) {
    return servers.stream().map(ServerCatalog.Server::name).toList();
  }

  @Test
  void aServerGoesThroughItsBootStepsToActiveWithItsAddressesThenIsDeleted() {
    String p = "proj-life";
    String id = "aaaa0001-0000-0000-0000-000000000001";
    Instant requestedAt = events.now();
    events.project(p, requested(id, p, "web-1", 2, "img-1"));
    apply();
    assertEquals("BUILD/building/scheduling/0", state(id));
    assertEquals(requestedAt, get(id).createdAt());
    assertEquals(p, views.catalog.projectOf(id).orElseThrow());

    events.instance(p, id, new InstanceScheduled(id, p, "compute-1", "nova"));
    apply();
    assertEquals("BUILD/building/networking/0", state(id));
    events.instance(p, id, networked(id, p, "port-1", "fa:16:3e:00:00:01", "10.1.0.5"));
    apply();
    assertEquals("BUILD/building/networking/0", state(id), "one port of two");
    events.instance(p, id, networked(id, p, "port-2", "fa:16:3e:00:00:02", "10.1.0.6"));
    apply();
    assertEquals("BUILD/building/spawning/0", state(id));
    Instant launchedAt = events.now();
    events.instance(p, id, new InstanceActive(id, p, "compute-1"));
    apply();
    assertEquals("ACTIVE/active/null/1", state(id));
    assertEquals(launchedAt, get(id).launchedAt());
    assertEquals(launchedAt, get(id).updatedAt());

    JsonNode json = views.render.detail(views.catalog.server(new ComputeCatalog.Viewer(p, false), id).orElseThrow(),
        new ServerJson.Audience(false, Microversion.V2_1));
    assertEquals("10.1.0.5", json.path("addresses").path("private").get(0).path("addr").asText(), json.toString());
    assertEquals("fa:16:3e:00:00:02", json.path("addresses").path("private").get(1).path("OS-EXT-IPS-MAC:mac_addr").asText());
    assertEquals("default", json.path("security_groups").get(0).path("name").asText());
    assertEquals("nova", json.path("OS-EXT-AZ:availability_zone").asText());
    assertEquals("key-1", json.path("key_name").asText());
    assertTrue(views.catalog.server(new ComputeCatalog.Viewer("someone-else", false), id).isEmpty(), "another project's");

    events.project(p, new InstanceUpdated(id, p, "web-renamed", null, null, null));
    events.project(p, new ServerMetadataChanged(id, p, Map.of("role", "db", "tier", "2")));
    apply();
    assertEquals("web-renamed", get(id).name());
    events.project(p, new InstanceUpdated(id, p, null, "192.0.2.7", "2001:db8::7", null));
    apply();
    assertEquals("web-renamed", get(id).name(), "an update of the access addresses leaves the name");
    assertEquals("192.0.2.7", get(id).accessIpv4());
    assertEquals("2001:db8::7", get(id).accessIpv6());
    assertEquals(Map.of("role", "db", "tier", "2"), get(id).metadata());

    events.instance(p, id, new InstancePowerActionStarted(id, p, "stop"));
    apply();
    assertEquals("ACTIVE/active/powering-off/1", state(id));
    events.instance(p, id, new InstancePowerActionDone(id, p, "stop", false));
    apply();
    assertEquals("SHUTOFF/stopped/null/4", state(id));
    events.instance(p, id, new InstancePowerActionStarted(id, p, "start"));
    events.instance(p, id, new InstancePowerActionDone(id, p, "start", true));
    events.instance(p, id, new InstancePowerActionStarted(id, p, "reboot-hard"));
    apply();
    assertEquals("HARD_REBOOT/active/rebooting_hard/1", state(id));
    events.instance(p, id, new InstancePowerActionDone(id, p, "reboot-hard", true));

    events.project(p, new InstanceDeleteRequested(id, p));
    apply();
    assertEquals("ACTIVE/active/deleting/1", state(id));
    Instant deletedAt = events.now();
    events.instance(p, id, new InstanceDeleted(id, p, "compute-1"));
    apply();
    assertTrue(views.catalog.server(ADMIN, id).isEmpty(), "a deleted server is not shown");
    assertTrue(views.catalog.projectOf(id).isEmpty());
    assertEquals(List.of(), views.catalog.list(query(p), true));
    List<ServerCatalog.Server> withDeleted = views.catalog.list(new ServerCatalog.Query(p, null, List.of(), null, null,
        null, requestedAt, null, null, true, List.of(), null, 1000), true);
    assertEquals(1, withDeleted.size(), "the row is kept, for changes-since");
    assertEquals("DELETED", withDeleted.get(0).status());
    assertEquals(deletedAt, withDeleted.get(0).deletedAt());
    assertEquals(List.of(), withDeleted.get(0).ports(), "its ports are gone");
  }

  @Test
  void aFailedBootIsErrorWithItsFaultAndWithoutTheAddressesItsPortsHad() {
    String p = "proj-fail";
    String id = "bbbb0001-0000-0000-0000-000000000001";
    events.project(p, requested(id, p, "doomed", 1, null));
    events.instance(p, id, new InstanceScheduled(id, p, "compute-2", "nova"));
    events.instance(p, id, networked(id, p, "port-f", "fa:16:3e:00:00:0f", "10.1.0.9"));
    Instant failedAt = events.now();
    events.instance(p, id, new InstanceFailed(id, p, 500, "Build of instance aborted: host died", "spawning", "trace"));
    apply();
    ServerCatalog.Server s = get(id);
    assertEquals("ERROR/error/null/0", state(id));
    assertEquals(new ServerCatalog.Fault(500, "Build of instance aborted: host died", "trace", failedAt), s.fault());
    assertEquals(List.of(), s.ports());
    assertNull(s.imageId());

    events.project(p, new InstanceDeleteRequested(id, p));
    apply();
    assertEquals("ERROR/error/deleting/0", state(id));
  }

  @Test
  void listsFilterSortAndPageAsNova() {
    String p = "proj-list";
    List<String> names = List.of("alpha-1", "alpha-2", "beta-1", "gamma", "delta");
    for (int i = 0; i < names.size(); i++) {
      String id = "cccc000" + i + "-0000-0000-0000-000000000001";
      events.project(p, requested(id, p, names.get(i), 1, i == 3 ? "img-other" : "img-1"));
    }
    String beta = "cccc0002-0000-0000-0000-000000000001";
    events.instance(p, beta, new InstanceScheduled(beta, p, "compute-9", "nova"));
    events.instance(p, beta, networked(beta, p, "port-b", "fa:16:3e:00:00:0b", "10.7.0.3"));
    events.instance(p, beta, new InstanceActive(beta, p, "compute-9"));
    events.project("proj-other", requested("dddd0001-0000-0000-0000-000000000001", "proj-other", "alpha-9", 0, "img-1"));
    apply();
    ServerCatalog catalog = views.catalog;
    ServerCatalog.Query all = query(p);

    assertEquals(List.of("delta", "gamma", "beta-1", "alpha-2", "alpha-1"), names(catalog.list(all, false)), "newest first");
    assertEquals(List.of("alpha-2", "alpha-1"), names(catalog.list(with(all, "name", "^alpha"), false)));
    ApiException badRegex = assertThrows(ApiException.class, () -> catalog.list(with(all, "name", "alpha["), false));
    assertEquals(400, badRegex.status());
    assertThrows(ApiException.class, () -> catalog.list(with(query("proj-without-servers"), "ip", "("), false),
        "refused also when no server would be compared with it");
    assertEquals(List.of("beta-1"), names(catalog.list(with(all, "status", "ACTIVE"), false)));
    assertEquals(List.of("gamma"), names(catalog.list(with(all, "image", "img-other"), false)));
    assertEquals(5, catalog.list(with(all, "flavor", "1"), false).size());
    assertEquals(List.of(), catalog.list(with(all, "flavor", "2"), false));
    assertEquals(List.of("beta-1"), names(catalog.list(with(all, "host", "compute-9"), false)));
    assertEquals(List.of("beta-1"), names(catalog.list(with(all, "ip", "10\\.7\\."), false)));
    assertEquals(List.of(), catalog.list(with(all, "ip", "0\\.3"), false), "an ip filter matches from the start");
    assertEquals(List.of(), catalog.list(with(all, "ip6", "10"), false));
    assertEquals(List.of(), catalog.list(with(all, "changes-since", events.now().toString()), false));
    assertEquals(List.of("alpha-9", "alpha-2", "alpha-1"), names(catalog.list(with(query(null), "name", "^alpha"), false)),
        "every project's (an admin's all_tenants)");

    // pages: each after the last server of the one before
    List<ServerCatalog.Server> page = catalog.list(page(all, List.of(), null, 2), false);
    assertEquals(List.of("delta", "gamma"), names(page));
    page = catalog.list(page(all, List.of(), page.get(1).id(), 2), false);
    assertEquals(List.of("beta-1", "alpha-2"), names(page));
    assertEquals(List.of("alpha-1"), names(catalog.list(page(all, List.of(), page.get(1).id(), 2), false)));
    ApiException unknown = assertThrows(ApiException.class, () -> catalog.list(page(all, List.of(), "nope", 2), false));
    assertEquals("marker [nope] not found", unknown.getMessage());
    assertThrows(ApiException.class, () -> catalog.list(page(all, List.of(), "dddd0001-0000-0000-0000-000000000001", 2),
        false), "another project's server is no marker");

    List<ServerCatalog.Sort> byName = List.of(new ServerCatalog.Sort("display_name", true));
    assertEquals(List.of("alpha-1", "alpha-2", "beta-1", "delta", "gamma"), names(catalog.list(page(all, byName, null, 10), false)));
    // mixed directions: vm_state ascending (active before building), then names descending
    List<ServerCatalog.Sort> mixed = List.of(new ServerCatalog.Sort("vm_state", true), new ServerCatalog.Sort("display_name", false));
    assertEquals(List.of("beta-1", "gamma", "delta", "alpha-2", "alpha-1"), names(catalog.list(page(all, mixed, null, 10), false)));
    page = catalog.list(page(all, mixed, null, 2), false);
    page = catalog.list(page(all, mixed, page.get(1).id(), 2), false);
    assertEquals(List.of("delta", "alpha-2"), names(page));

    List<ServerCatalog.Server> detail = catalog.list(with(all, "status", "ACTIVE"), true);
    assertEquals("10.7.0.3", detail.get(0).ports().get(0).fixedIps().get(0).ipAddress(), "a detailed page has its ports");
  }

  private static ServerCatalog.Query with(ServerCatalog.Query q, String filter, String value) {
    return new ServerCatalog.Query(q.projectId(), filter.equals("name") ? value : q.name(),
        filter.equals("status") ? List.of(value) : q.statuses(), filter.equals("image") ? value : q.imageId(),
        filter.equals("flavor") ? value : q.flavorId(), filter.equals("host") ? value : q.host(),
        filter.equals("changes-since") ? Instant.parse(value) : q.changesSince(), filter.equals("ip") ? value : q.ip(),
        filter.equals("ip6") ? value : q.ip6(), q.includeDeleted() || filter.equals("changes-since"), q.sort(), q.marker(),
        q.limit());
  }

  private static ServerCatalog.Query page(ServerCatalog.Query q, List<ServerCatalog.Sort> sort, String marker, int limit) {
    return new ServerCatalog.Query(q.projectId(), q.name(), q.statuses(), q.imageId(), q.flavorId(), q.host(),
        q.changesSince(), q.ip(), q.ip6(), q.includeDeleted(), sort, marker, limit);
  }
}
