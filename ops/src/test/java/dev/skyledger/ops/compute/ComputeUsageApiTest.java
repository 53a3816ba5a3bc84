package dev.skyledger.ops.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.InstanceActive;
import dev.skyledger.events.compute.InstanceDeleteRequested;
import dev.skyledger.events.compute.InstanceDeleted;
import dev.skyledger.events.compute.InstanceFailed;
import dev.skyledger.events.compute.InstancePowerActionDone;
import dev.skyledger.events.compute.InstancePowerActionStarted;
import dev.skyledger.events.compute.InstanceRequested;
import dev.skyledger.events.compute.InstanceScheduled;
import dev.skyledger.events.compute.QuotaReleased;
import dev.skyledger.events.compute.QuotaReserved;
import dev.skyledger.events.compute.ServerSpec;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.RevocationList;
import dev.skyledger.platform.auth.Role;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.auth.TokenCodec;
import dev.skyledger.platform.auth.TokenKeys;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import dev.skyledger.platform.http.HttpSetup;
import dev.skyledger.platform.http.Json;
import dev.skyledger.platform.identity.ServiceCatalog;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import dev.skyledger.projectors.core.ProjectionSchemas;
import dev.skyledger.projectors.core.ProjectionWriter;
import dev.skyledger.queryapi.compute.AggregateReadRoutes;
import dev.skyledger.queryapi.compute.ComputeReadRoutes;
import dev.skyledger.queryapi.compute.MigrationRoutes;
import dev.skyledger.queryapi.compute.UsageAuditLogRoutes;
import dev.skyledger.views.compute.AggregateCatalog;
import dev.skyledger.queryapi.compute.HostReadRoutes;
import dev.skyledger.queryapi.compute.InstanceActionRoutes;
import dev.skyledger.queryapi.compute.ServerReadRoutes;
import dev.skyledger.queryapi.compute.TenantUsageRoutes;
import dev.skyledger.views.audit.AuditProjection;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.compute.ComputeJson;
import dev.skyledger.views.compute.ComputeProjection;
import dev.skyledger.views.compute.ComputeUsage;
import dev.skyledger.views.compute.InstanceActionLog;
import dev.skyledger.views.compute.ServerCatalog;
import dev.skyledger.views.compute.ServerJson;
import dev.skyledger.views.core.Projection;
import dev.skyledger.views.hosts.HostDirectory;
import dev.skyledger.views.network.NetworkCatalog;
import dev.skyledger.views.network.NetworkProjection;
import io.javalin.Javalin;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * os-instance-actions, os-simple-tenant-usage and the used counts of /limits and the quota set
 * detail over HTTP, on what the real compute and audit projections wrote from compute events with
 * the envelopes the API and the boot saga give them (no write API, no saga). The clock is fixed at
 * 2026-11-23T12:00:00Z; project one's servers: {@code A} created by alice, rebooted by bob,
 * deleted by carol after two hours; {@code B} failed for want of a host; {@code C} running since
 * 05:00 the day before. Project two has one running server.
 */
@ExtendWith(SkyTestKit.class)
class ComputeUsageApiTest {
  private static final String P1 = "proj-one";
  private static final String P2 = "proj-two";
  private static final String A = "aaaaaaaa-0000-0000-0000-000000000001";
  private static final String B = "bbbbbbbb-0000-0000-0000-000000000001";
  private static final String C = "cccccccc-0000-0000-0000-000000000001";
  private static final String D = "dddddddd-0000-0000-0000-000000000001";
  private static final Instant T = Instant.parse("2026-11-22T04:30:00Z");
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final ObjectMapper JSON = Json.newMapper();
  private static final Envelopes ENVELOPES = new Envelopes(new PayloadCodec());

  private static Database db;
  private static Javalin app;
  private static HttpClientForTests http;
  private static String alice;
  private static String dave;
  private static String admin;

  @BeforeAll
  static void start(TestEnvironment env) {
    SkyConfig config = env.config();
    db = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), 8);
    ProjectionSchemas schemas = new ProjectionSchemas(db);
    schemas.migrateRegistry();
    ProjectionRegistry registry = new ProjectionRegistry(db);
    schemas.activeOrCreate(new NetworkProjection(JSON));

    Records r = new Records();
    Actor aliceActor = actor("alice", P1);
    // A: created, rebooted by bob, deleted by carol; what the saga records carries the creator's request
    r.project(A, P1, requested(A, P1, "vm-a"), aliceActor, "req-a-create", T)
        .project(A, P1, new QuotaReserved(A, P1, 1, 1, 512), aliceActor, "req-a-create", T)
        .instance(A, new InstanceScheduled(A, P1, "compute-1", "nova"), aliceActor, "req-a-create", T.plusSeconds(5))
        .instance(A, new InstanceActive(A, P1, "compute-1"), aliceActor, "req-a-create", T.plusSeconds(10))
        .instance(A, new InstancePowerActionStarted(A, P1, "reboot-soft"), actor("bob", P1), "req-a-reboot", T.plusSeconds(3600))
        .instance(A, new InstancePowerActionDone(A, P1, "reboot-soft", true), actor("bob", P1), "req-a-reboot", T.plusSeconds(3605))
        .project(A, P1, new InstanceDeleteRequested(A, P1), actor("carol", P1), "req-a-delete", T.plusSeconds(7200))
        .project(A, P1, new QuotaReleased(A, P1, 1, 1, 512, "deleted"), actor("carol", P1), "req-a-delete", T.plusSeconds(7200))
        .instance(A, new InstanceDeleted(A, P1, "compute-1"), Envelopes.system(), "req-a-create", T.plusSeconds(7210));
    // B: no host could take it; its quota is given back
    r.project(B, P1, requested(B, P1, "vm-b"), aliceActor, "req-b-create", T.plusSeconds(20))
        .project(B, P1, new QuotaReserved(B, P1, 1, 1, 512), aliceActor, "req-b-create", T.plusSeconds(20))
        .instance(B, new InstanceFailed(B, P1, 500, "No valid host was found. There are not enough hosts available.",
            "scheduling", ""), aliceActor, "req-b-create", T.plusSeconds(21))
        .project(B, P1, new QuotaReleased(B, P1, 1, 1, 512, "boot failed while scheduling"), Envelopes.system(),
            "req-b-create", T.plusSeconds(22));
    // C: running since 05:00
    r.project(C, P1, requested(C, P1, "vm-c"), aliceActor, "req-c-create", T.plusSeconds(1700))
        .project(C, P1, new QuotaReserved(C, P1, 1, 1, 512), aliceActor, "req-c-create", T.plusSeconds(1700))
        .instance(C, new InstanceScheduled(C, P1, "compute-2", "nova"), aliceActor, "req-c-create", T.plusSeconds(1750))
        .instance(C, new InstanceActive(C, P1, "compute-2"), aliceActor, "req-c-create", T.plusSeconds(1800));
    Actor daveActor = actor("dave", P2);
    r.project(D, P2, requested(D, P2, "vm-d"), daveActor, "req-d-create", T)
        .project(D, P2, new QuotaReserved(D, P2, 1, 1, 512), daveActor, "req-d-create", T)
        .instance(D, new InstanceActive(D, P2, "compute-1"), daveActor, "req-d-create", T.plusSeconds(1800));
    for (Projection p : List.of(new ComputeProjection(JSON), new AuditProjection(JSON))) {
      new ProjectionWriter(p, db, ENVELOPES, schemas.activeOrCreate(p).schema()).apply(r.records);
    }

    KeyPair keys = TokenKeys.generate();
    TokenCodec tokens = new TokenCodec(JSON, keys.getPublic(), keys.getPrivate());
    Authenticator auth = new Authenticator(tokens, new RevocationList(), Clock.systemUTC());
    alice = tokens.sign(claims("alice", P1, "member"));
    dave = tokens.sign(claims("dave", P2, "member"));
    admin = tokens.sign(claims("admin", "proj-admin", "admin"));

    int port = env.freePort();
    ServiceCatalog services = new ServiceCatalog("http://127.0.0.1:" + port, "RegionOne", ServiceCatalog.deployed());
    String compute = services.url("/compute/v2.1");
    ComputeUsage usage = new ComputeUsage(db, registry, JSON);
    ComputeReadRoutes routes = new ComputeReadRoutes(auth, new ComputeCatalog(db, registry, JSON),
        new NetworkCatalog(db, registry, JSON), new ComputeJson(JSON, compute), services, new HostReadRoutes(auth, new HostDirectory(db, registry, Clock.systemUTC()), JSON,
            hostId -> List.of()),
        new ServerReadRoutes(auth, new ServerCatalog(db, registry, JSON), new ServerJson(JSON, compute,
            new NetworkCatalog(db, registry, JSON), Map::of), services), usage,
        new InstanceActionRoutes(auth, new InstanceActionLog(db, registry, JSON), JSON),
        new TenantUsageRoutes(auth, usage, JSON, Clock.fixed(NOW, ZoneOffset.UTC)),
        new ComputeReadRoutes.Admin(new AggregateReadRoutes(auth, new AggregateCatalog(db, registry, JSON), JSON),
            new UsageAuditLogRoutes(auth, new HostDirectory(db, registry, Clock.systemUTC()), usage, JSON,
                Clock.fixed(NOW, ZoneOffset.UTC)), new MigrationRoutes(auth, JSON)));
    app = Javalin.create(cfg -> {
      HttpSetup.apply(cfg, JSON);
      routes.routes(cfg);
    }).start("127.0.0.1", port);
    http = new HttpClientForTests("http://127.0.0.1:" + port);
  }

  @AfterAll
  static void stop() {
    if (app != null) app.stop();
    if (db != null) db.close();
  }

  /** compute.events as the API and the saga write them: projects' streams on partition 0, servers' on 1. */
  private static final class Records {
    final List<ConsumerRecord<String, Envelope>> records = new ArrayList<>();
    private final long[] next = new long[2];

    Records project(String server, String project, SpecificRecord event, Actor actor, String requestId, Instant t) {
      return add(0, "project/" + project, server, project, event, actor, requestId, t);
    }

    Records instance(String server, SpecificRecord event, Actor actor, String requestId, Instant t) {
      String project = server.equals(D) ? P2 : P1;
      return add(1, "instance/" + server, server, project, event, actor, requestId, t);
    }

    private Records add(int partition, String key, String server, String project, SpecificRecord event, Actor actor,
                        String requestId, Instant t) {
      Envelope e = ENVELOPES.command(event, server, project, actor, requestId, key, t);
      records.add(new ConsumerRecord<>("compute.events", partition, next[partition]++, key, e));
      return this;
    }
  }

  private static Actor actor(String user, String project) {
    return Actor.newBuilder().setUserId(user).setUserName(user).setProjectId(project).setRoles(List.of("member")).build();
  }

  private static InstanceRequested requested(String id, String project, String name) {
    Flavor tiny = Flavor.newBuilder().setFlavorId("1").setName("m1.tiny").setVcpus(1).setRamMb(512).setDiskGb(1).build();
    return new InstanceRequested(ServerSpec.newBuilder().setInstanceId(id).setProjectId(project).setUserId("alice")
        .setName(name).setHostname(name).setFlavor(tiny).setImageId("img-1").build());
  }

  private static TokenClaims claims(String user, String project, String role) {
    Instant now = Instant.now();
    return new TokenClaims(UUID.randomUUID().toString(), user, user, "default", project, project, "default",
        List.of(new Role("role-" + role, role)), List.of("password"), now, now.plusSeconds(3600));
  }

  private static JsonNode ok(String path, String token) {
    var r = http.send("GET", path, token, null);
    assertEquals(200, r.status(), path + " → " + r.raw().body());
    return r.json();
  }

  private static String fault(String path, String token, int status, String fault) {
    var r = http.send("GET", path, token, null);
    assertEquals(status, r.status(), path + " → " + r.raw().body());
    assertTrue(r.json().has(fault), r.raw().body());
    return r.json().path(fault).path("message").asText();
  }

  private static String actions(String server) {
    return "/compute/v2.1/servers/" + server + "/os-instance-actions";
  }

  // ---- os-instance-actions ----------------------------------------------------------------------

  @Test
  void aDeletedServersActionsSayWhoCreatedRebootedAndDeletedItNewestFirst() {
    assertEquals(404, http.send("GET", "/compute/v2.1/servers/" + A, alice, null).status(), "the server is gone");
    JsonNode list = ok(actions(A), alice).path("instanceActions");
    assertEquals(3, list.size(), list.toString());
    JsonNode delete = list.get(0);
    assertEquals("delete", delete.path("action").asText());
    assertEquals("carol", delete.path("user_id").asText());
    assertEquals("req-a-delete", delete.path("request_id").asText());
    assertEquals(A, delete.path("instance_uuid").asText());
    assertEquals(P1, delete.path("project_id").asText());
    assertEquals("2026-11-22T06:30:00.000000", delete.path("start_time").asText());
    assertTrue(delete.path("message").isNull());
    assertEquals("reboot", list.get(1).path("action").asText());
    assertEquals("bob", list.get(1).path("user_id").asText());
    assertEquals("req-a-reboot", list.get(1).path("request_id").asText());
    assertEquals("create", list.get(2).path("action").asText());
    assertEquals("alice", list.get(2).path("user_id").asText());
    List<String> fields = new ArrayList<>();
    delete.fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("action", "instance_uuid", "message", "project_id", "request_id", "start_time", "user_id"), fields);
  }

  @Test
  void oneActionShowsItsStepsWithTheTracebackOfAFailureForAdminsOnly() {
    JsonNode create = ok(actions(A) + "/req-a-create", alice).path("instanceAction");
    assertEquals("create", create.path("action").asText());
    JsonNode events = create.path("events");
    assertEquals(2, events.size(), events.toString());
    assertEquals("compute__do_build_and_run_instance", events.get(0).path("event").asText());
    assertEquals("2026-11-22T04:30:05.000000", events.get(0).path("start_time").asText());
    assertEquals("2026-11-22T04:30:10.000000", events.get(0).path("finish_time").asText());
    assertEquals("Success", events.get(0).path("result").asText());
    assertEquals("conductor_schedule_and_build_instances", events.get(1).path("event").asText());
    assertTrue(events.get(0).path("traceback").isNull(), "a member's events have no traceback");
    List<String> fields = new ArrayList<>();
    events.get(0).fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("event", "start_time", "finish_time", "result", "traceback"), fields, "what Nova's 2.1 schema requires");

    JsonNode delete = ok(actions(A) + "/req-a-delete", alice).path("instanceAction");
    assertEquals("compute_terminate_instance", delete.path("events").get(0).path("event").asText());
    assertEquals("2026-11-22T06:30:10.000000", delete.path("events").get(0).path("finish_time").asText());

    JsonNode failed = ok(actions(B) + "/req-b-create", alice).path("instanceAction");
    assertEquals("Error", failed.path("message").asText());
    assertEquals("Error", failed.path("events").get(0).path("result").asText());
    assertTrue(failed.path("events").get(0).path("traceback").isNull(), "the reason of a failure is for admins");
    JsonNode asAdmin = ok(actions(B) + "/req-b-create", admin).path("instanceAction");
    assertTrue(asAdmin.path("events").get(0).path("traceback").asText().startsWith("No valid host was found"), asAdmin.toString());
    assertTrue(ok(actions(A) + "/req-a-create", admin).path("instanceAction").path("events").get(0).path("traceback").isNull());
  }

  @Test
  void anotherProjectsServerOrAnUnknownRequestIsNotFoundButAdminsSeeAll() {
    assertEquals("Instance " + A + " could not be found.", fault(actions(A), dave, 404, "itemNotFound"));
    assertEquals("Instance " + A + " could not be found.", fault(actions(A) + "/req-a-create", dave, 404, "itemNotFound"));
    assertEquals("Instance nope could not be found.", fault(actions("nope"), alice, 404, "itemNotFound"));
    assertEquals("Action req-nope not found", fault(actions(A) + "/req-nope", alice, 404, "itemNotFound"));
    assertEquals(3, ok(actions(A), admin).path("instanceActions").size());
    assertEquals(1, ok(actions(D), dave).path("instanceActions").size());
    assertEquals(401, http.send("GET", actions(A), null, null).status());
  }

  // ---- limits and quota detail ------------------------------------------------------------------

  @Test
  void limitsAndTheQuotaDetailCountTheServersThatHoldQuota() {
    JsonNode absolute = ok("/compute/v2.1/limits", alice).path("limits").path("absolute");
    assertEquals(10, absolute.path("maxSecurityGroups").asInt(), "the network service's quota, as Nova shows it before 2.36");
    assertEquals(0, absolute.path("totalFloatingIpsUsed").asInt());
    assertEquals(1, absolute.path("totalInstancesUsed").asInt(), "C only: A was deleted, B's failed boot gave its quota back");
    assertEquals(1, absolute.path("totalCoresUsed").asInt());
    assertEquals(512, absolute.path("totalRAMUsed").asInt());
    JsonNode detail = ok("/compute/v2.1/os-quota-sets/" + P1 + "/detail", alice).path("quota_set");
    assertEquals(1, detail.path("instances").path("in_use").asInt(), detail.toString());
    assertEquals(1, detail.path("cores").path("in_use").asInt());
    assertEquals(512, detail.path("ram").path("in_use").asInt());
    assertEquals(0, ok("/compute/v2.1/limits", admin).path("limits").path("absolute").path("totalInstancesUsed").asInt());
    assertEquals(1, ok("/compute/v2.1/limits?tenant_id=" + P2, admin).path("limits").path("absolute")
        .path("totalInstancesUsed").asInt());
  }

  // ---- os-simple-tenant-usage -------------------------------------------------------------------

  @Test
  void anAdminListsEveryProjectsUsageOfADayPerServerWhenDetailed() {
    JsonNode usages = ok("/compute/v2.1/os-simple-tenant-usage?start=2026-11-22T00:00:00&end=2026-11-23T00:00:00"
        + "&detailed=1", admin).path("tenant_usages");
    assertEquals(2, usages.size(), usages.toString());
    JsonNode one = usages.get(0);
    assertEquals(P1, one.path("tenant_id").asText());
    assertEquals("2026-11-22T00:00:00.000000", one.path("start").asText());
    assertEquals("2026-11-23T00:00:00.000000", one.path("stop").asText());
    // A: 04:30:10 to 06:30:10; C: 05:00 to the end of the day; B never ran
    assertEquals(21.0, one.path("total_hours").asDouble(), 1e-6);
    assertEquals(21.0, one.path("total_vcpus_usage").asDouble(), 1e-6);
    assertEquals(21.0 * 512, one.path("total_memory_mb_usage").asDouble(), 1e-6);
    assertEquals(21.0, one.path("total_local_gb_usage").asDouble(), 1e-6);
    JsonNode servers = one.path("server_usages");
    assertEquals(2, servers.size());
    JsonNode a = servers.get(0);
    assertEquals(A, a.path("instance_id").asText());
    assertEquals("vm-a", a.path("name").asText());
    assertEquals("m1.tiny", a.path("flavor").asText());
    assertEquals(2.0, a.path("hours").asDouble(), 1e-6);
    assertEquals(1, a.path("vcpus").asInt());
    assertEquals(512, a.path("memory_mb").asInt());
    assertEquals(1, a.path("local_gb").asInt());
    assertEquals("terminated", a.path("state").asText());
    assertEquals("2026-11-22T04:30:10.000000", a.path("started_at").asText());
    assertEquals("2026-11-22T06:30:10.000000", a.path("ended_at").asText());
    assertEquals(7200, a.path("uptime").asLong());
    assertEquals(P1, a.path("tenant_id").asText());
    JsonNode c = servers.get(1);
    assertEquals("active", c.path("state").asText());
    assertTrue(c.path("ended_at").isNull());
    assertEquals(31 * 3600, c.path("uptime").asLong(), "to now");
    assertEquals(P2, usages.get(1).path("tenant_id").asText());

    JsonNode brief = ok("/compute/v2.1/os-simple-tenant-usage?start=2026-11-22T00:00:00.000000&end=2026-11-23T00:00:00",
        admin).path("tenant_usages");
    assertFalse(brief.get(0).has("server_usages"), "without detailed=1");
    assertEquals(21.0, brief.get(0).path("total_hours").asDouble(), 1e-6);
  }

  @Test
  void aMemberSeesTheirProjectsUsageUpToNowAndNoOtherProjects() {
    JsonNode usage = ok("/compute/v2.1/os-simple-tenant-usage/" + P1 + "?start=2026-11-22T00:00:00", alice).path("tenant_usage");
    assertEquals("2026-11-23T12:00:00.000000", usage.path("stop").asText(), "no end: now");
    assertEquals(2.0 + 31.0, usage.path("total_hours").asDouble(), 1e-6);
    assertEquals(2, usage.path("server_usages").size());
    JsonNode future = ok("/compute/v2.1/os-simple-tenant-usage/" + P1 + "?start=2026-11-23T00:00:00&end=2027-01-01T00:00:00",
        alice).path("tenant_usage");
    assertEquals("2026-11-23T12:00:00.000000", future.path("stop").asText(), "an end after now is now");
    assertEquals(12.0, future.path("total_hours").asDouble(), 1e-6);
    assertEquals(0, ok("/compute/v2.1/os-simple-tenant-usage/proj-idle?start=2026-11-22T00:00:00", admin)
        .path("tenant_usage").size(), "nothing ran: an empty object");

    assertTrue(fault("/compute/v2.1/os-simple-tenant-usage/" + P2, alice, 403, "forbidden").contains("simple-tenant-usage"));
    assertTrue(fault("/compute/v2.1/os-simple-tenant-usage", alice, 403, "forbidden").contains("simple-tenant-usage:list"));
  }

  @Test
  void aBadPeriodIsA400ThatNamesTheParameter() {
    String bad = fault("/compute/v2.1/os-simple-tenant-usage/" + P1 + "?start=yesterday", alice, 400, "badRequest");
    assertTrue(bad.contains("start") && bad.contains("yesterday"), bad);
    assertTrue(fault("/compute/v2.1/os-simple-tenant-usage?start=2026-11-22T00:00:00Z", admin, 400, "badRequest")
        .contains("start"));
    assertEquals("Invalid start time. The start time cannot occur after the end time.",
        fault("/compute/v2.1/os-simple-tenant-usage?start=2026-11-23T00:00:00&end=2026-11-22T00:00:00", admin, 400,
            "badRequest"));
  }
}
