package dev.skyledger.ops.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.InstanceActive;
import dev.skyledger.events.compute.InstanceNetworked;
import dev.skyledger.events.compute.InstanceRequested;
import dev.skyledger.events.compute.InstanceScheduled;
import dev.skyledger.events.compute.ServerNetwork;
import dev.skyledger.events.compute.ServerSpec;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.NetworkCreated;
import dev.skyledger.events.network.Port;
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
import dev.skyledger.queryapi.compute.ServerReadRoutes;
import dev.skyledger.views.compute.ComputeProjection;
import dev.skyledger.views.compute.ServerCatalog;
import dev.skyledger.views.compute.ServerJson;
import dev.skyledger.views.network.NetworkCatalog;
import dev.skyledger.views.network.NetworkProjection;
import io.javalin.Javalin;
import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
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
 * Nova's server read routes over HTTP, on views the real projections wrote from compute events
 * (no write API, no saga): the list and detail forms, pages with their next links, one server and
 * its metadata, who sees what, and Nova's error bodies for what a client gets wrong.
 */
@ExtendWith(SkyTestKit.class)
class ServerReadApiTest {
  private static final String P1 = "proj-one";
  private static final String P2 = "proj-two";
  private static final ObjectMapper JSON = Json.newMapper();
  private static final Envelopes ENVELOPES = new Envelopes(new PayloadCodec());
  private static final List<String> P1_SERVERS = new ArrayList<>();
  private static String p2Server;

  private static Database db;
  private static Javalin app;
  private static HttpClientForTests http;
  private static String member;
  private static String other;
  private static String admin;

  @BeforeAll
  static void start(TestEnvironment env) {
    SkyConfig config = env.config();
    db = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), 8);
    ProjectionSchemas schemas = new ProjectionSchemas(db);
    schemas.migrateRegistry();
    ProjectionRegistry registry = new ProjectionRegistry(db);
    Instant t = Instant.parse("2026-11-22T04:30:00Z");

    NetworkProjection network = new NetworkProjection(JSON);
    new ProjectionWriter(network, db, ENVELOPES, schemas.activeOrCreate(network).schema()).apply(List.of(
        record("network.events", 0, 0, new NetworkCreated(Network.newBuilder().setNetworkId("net-1").setProjectId(P1)
            .setName("private").build()), t)));

    ComputeProjection compute = new ComputeProjection(JSON);
    List<ConsumerRecord<String, Envelope>> records = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = UUID.randomUUID().toString();
      P1_SERVERS.add(id);
      records.add(record("compute.events", 0, records.size(), requested(id, P1, "web-" + i), t.plusSeconds(i)));
    }
    String first = P1_SERVERS.get(0);
    records.add(record("compute.events", 0, records.size(), new InstanceScheduled(first, P1, "compute-1", "nova"), t.plusSeconds(10)));
    records.add(record("compute.events", 0, records.size(), new InstanceNetworked(first, P1, Port.newBuilder()
        .setPortId("port-1").setNetworkId("net-1").setProjectId(P1).setName("").setMacAddress("fa:16:3e:00:00:01")
        .setFixedIps(List.of(new FixedIp("subnet-1", "10.0.0.7"))).build()), t.plusSeconds(11)));
    records.add(record("compute.events", 0, records.size(), new InstanceActive(first, P1, "compute-1"), t.plusSeconds(12)));
    p2Server = UUID.randomUUID().toString();
    records.add(record("compute.events", 0, records.size(), requested(p2Server, P2, "web-0"), t.plusSeconds(20)));
    new ProjectionWriter(compute, db, ENVELOPES, schemas.activeOrCreate(compute).schema()).apply(records);

    KeyPair keys = TokenKeys.generate();
    TokenCodec tokens = new TokenCodec(JSON, keys.getPublic(), keys.getPrivate());
    Authenticator auth = new Authenticator(tokens, new RevocationList(), Clock.systemUTC());
    member = tokens.sign(claims(P1, "member"));
    other = tokens.sign(claims(P2, "member"));
    admin = tokens.sign(claims("proj-admin", "admin"));

    int port = env.freePort();
    ServiceCatalog services = new ServiceCatalog("http://127.0.0.1:" + port, "RegionOne", ServiceCatalog.deployed());
    ServerReadRoutes routes = new ServerReadRoutes(auth, new ServerCatalog(db, registry, JSON),
        new ServerJson(JSON, services.url("/compute/v2.1"), new NetworkCatalog(db, registry, JSON), Map::of),
        services);
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

  private static TokenClaims claims(String project, String role) {
    Instant now = Instant.now();
    return new TokenClaims(UUID.randomUUID().toString(), "user-" + project, "user", "default", project, project, "default",
        List.of(new Role("role-" + role, role)), List.of("password"), now, now.plusSeconds(3600));
  }

  private static InstanceRequested requested(String id, String project, String name) {
    Flavor tiny = Flavor.newBuilder().setFlavorId("1").setName("m1.tiny").setVcpus(1).setRamMb(512).setDiskGb(1).build();
    return new InstanceRequested(ServerSpec.newBuilder().setInstanceId(id).setProjectId(project).setUserId("user-" + project)
        .setName(name).setHostname(name).setFlavor(tiny).setImageId("img-1").setImageName("cirros")
        .setNetworks(List.of(new ServerNetwork("net-1", null, null))).setMetadata(Map.of("role", "web")).build());
  }

  private static ConsumerRecord<String, Envelope> record(String topic, int partition, long offset, SpecificRecord event,
                                                         Instant t) {
    return new ConsumerRecord<>(topic, partition, offset, "k",
        ENVELOPES.command(event, "k", null, Envelopes.system(), "req-test", "k", t));
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

  @Test
  void theListHoldsIdNameAndLinksAndTheDetailTheWholeServerNewestFirst() {
    JsonNode list = ok("/compute/v2.1/servers", member).path("servers");
    assertEquals(3, list.size());
    assertEquals(P1_SERVERS.get(2), list.get(0).path("id").asText());
    List<String> fields = new ArrayList<>();
    list.get(0).fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("id", "name", "links"), fields);

    JsonNode detail = ok("/compute/v2.1/servers/detail?status=ACTIVE", member).path("servers");
    assertEquals(1, detail.size());
    assertEquals("10.0.0.7", detail.get(0).path("addresses").path("private").get(0).path("addr").asText());
    assertEquals("BUILD", ok("/compute/v2.1/servers/detail?name=web-1", member).path("servers").get(0).path("status").asText());
  }

  @Test
  void aFullPageLinksToTheNextWhichEndsTheList() {
    JsonNode page = ok("/compute/v2.1/servers/detail?limit=2&name=web", member);
    assertEquals(2, page.path("servers").size());
    String next = page.path("servers_links").get(0).path("href").asText();
    assertEquals("next", page.path("servers_links").get(0).path("rel").asText());
    assertTrue(next.contains("/compute/v2.1/servers/detail?") && next.contains("name=web") && next.contains("limit=2")
        && next.contains("marker=" + P1_SERVERS.get(1)), next);
    URI uri = URI.create(next);
    JsonNode last = ok(uri.getPath() + "?" + uri.getQuery(), member);
    assertEquals(P1_SERVERS.get(0), last.path("servers").get(0).path("id").asText());
    assertFalse(last.has("servers_links"));
    JsonNode none = ok("/compute/v2.1/servers/detail?limit=0", member);
    assertEquals(0, none.path("servers").size(), "as Nova: a limit of 0 is an empty page");
    assertFalse(none.has("servers_links"));
  }

  @Test
  void oneServerIsShownToItsProjectAndAdminsAndIsNotFoundForOthersOrByName() {
    String id = P1_SERVERS.get(0);
    JsonNode server = ok("/compute/v2.1/servers/" + id, member).path("server");
    assertEquals("ACTIVE", server.path("status").asText());
    assertFalse(server.has("OS-EXT-SRV-ATTR:host"));
    assertEquals("compute-1", ok("/compute/v2.1/servers/" + id, admin).path("server").path("OS-EXT-SRV-ATTR:host").asText());
    assertEquals("Instance " + id + " could not be found.", fault("/compute/v2.1/servers/" + id, other, 404, "itemNotFound"));
    assertEquals("Instance web-0 could not be found.", fault("/compute/v2.1/servers/web-0", member, 404, "itemNotFound"));

    assertEquals("web", ok("/compute/v2.1/servers/" + id + "/metadata", member).path("metadata").path("role").asText());
    assertEquals("web", ok("/compute/v2.1/servers/" + id + "/metadata/role", member).path("meta").path("role").asText());
    assertEquals("Metadata item was not found",
        fault("/compute/v2.1/servers/" + id + "/metadata/nope", member, 404, "itemNotFound"));
  }

  @Test
  void allTenantsIsForAdminsWhoMayNarrowItToAProject() {
    assertEquals(0, ok("/compute/v2.1/servers", admin).path("servers").size(), "without all_tenants: the admin's own project");
    assertEquals(4, ok("/compute/v2.1/servers?all_tenants=1", admin).path("servers").size());
    JsonNode two = ok("/compute/v2.1/servers?all_tenants&project_id=" + P2, admin).path("servers");
    assertEquals(1, two.size());
    assertEquals(p2Server, two.get(0).path("id").asText());
    assertEquals(3, ok("/compute/v2.1/servers?all_tenants=1", member).path("servers").size(), "ignored for others");
    assertEquals(1, ok("/compute/v2.1/servers?host=compute-1&all_tenants=1", admin).path("servers").size());
  }

  @Test
  void whatAClientGetsWrongIsA400OrA403WithNovasBody() {
    assertTrue(fault("/compute/v2.1/servers?name=(", member, 400, "badRequest").contains("regular expression"));
    assertEquals("marker [nope] not found", fault("/compute/v2.1/servers?marker=nope", member, 400, "badRequest"));
    assertTrue(fault("/compute/v2.1/servers?sort_key=bogus", member, 400, "badRequest").contains("sort_key"));
    assertTrue(fault("/compute/v2.1/servers?sort_dir=up", member, 400, "badRequest").contains("sort_dir"));
    assertTrue(fault("/compute/v2.1/servers?limit=-1", member, 400, "badRequest").contains("limit"));
    assertTrue(fault("/compute/v2.1/servers?changes-since=yesterday", member, 400, "badRequest").contains("changes-since"));
    assertEquals("Only administrators may list deleted instances",
        fault("/compute/v2.1/servers?status=DELETED", member, 403, "forbidden"));
    assertEquals(401, http.send("GET", "/compute/v2.1/servers", null, null).status());
  }
}
