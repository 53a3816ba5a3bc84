package dev.skyledger.ops.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Host aggregates over HTTP against a real broker and database with two simulated hosts: their
 * lifecycle and Nova's refusals, an aggregate's zone becoming its hosts' zone (and a server asking
 * for it landing there), and the admin reads beside them: the instance usage audit log and
 * migrations.
 */
@ExtendWith(SkyTestKit.class)
class AggregatesApiTest {
  private static final String AGGREGATES = "/compute/v2.1/os-aggregates";
  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped member;

  @BeforeAll
  static void start(TestEnvironment env) throws Exception {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    member = admin.userWithRole("agg-member", "member");
    cloud.startSimulatedHosts(2, Map.of("SKY_HOST_HEARTBEAT_SECONDS", "1", "SKY_SIM_HOST_VCPUS", "4",
        "SKY_SIM_HOST_RAM_MB", "8192", "SKY_SIM_HOST_DISK_GB", "200", "SKY_SIM_SPAWN_MS", "0"));
    http.await(admin.token(), "/compute/v2.1/os-hypervisors/detail", h -> h.path("hypervisors").size() == 2);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  private static HttpClientForTests.Response post(String path, String body) {
    return http.send("POST", path, admin.token(), body);
  }

  private static void assertNovaError(int status, String fault, HttpClientForTests.Response r) {
    assertEquals(status, r.status(), r.raw().body());
    assertEquals(status, r.json().path(fault).path("code").asInt(), r.raw().body());
  }

  @Test
  void anAggregateIsCreatedShownUpdatedGivenHostsAndMetadataAndDeleted() {
    var created = post(AGGREGATES, "{\"aggregate\":{\"name\":\"rack-1\"}}");
    assertEquals(200, created.status(), created.raw().body());
    JsonNode a = created.json().path("aggregate");
    int id = a.path("id").asInt();
    assertTrue(a.path("availability_zone").isNull());
    assertFalse(a.has("hosts"), "the create answer has no hosts, as Nova's");
    assertEquals(false, a.path("deleted").asBoolean());

    JsonNode shown = http.send("GET", AGGREGATES + "/" + id, admin.token(), null).json().path("aggregate");
    assertEquals("rack-1", shown.path("name").asText());
    assertEquals(0, shown.path("hosts").size());
    assertEquals(0, shown.path("metadata").size());

    var added = post(AGGREGATES + "/" + id + "/action", "{\"add_host\":{\"host\":\"compute-1\"}}");
    assertEquals(200, added.status(), added.raw().body());
    assertEquals("compute-1", added.json().path("aggregate").path("hosts").get(0).asText());
    assertNovaError(409, "conflict", post(AGGREGATES + "/" + id + "/action", "{\"add_host\":{\"host\":\"compute-1\"}}"));
    assertNovaError(404, "itemNotFound", post(AGGREGATES + "/" + id + "/action", "{\"add_host\":{\"host\":\"nowhere\"}}"));
    assertNovaError(400, "badRequest", http.send("DELETE", AGGREGATES + "/" + id, admin.token(), null));

    var meta = post(AGGREGATES + "/" + id + "/action", "{\"set_metadata\":{\"metadata\":{\"ssd\":\"true\",\"gpu\":\"1\"}}}");
    assertEquals(Map.of("ssd", "true", "gpu", "1").size(), meta.json().path("aggregate").path("metadata").size());
    meta = post(AGGREGATES + "/" + id + "/action", "{\"set_metadata\":{\"metadata\":{\"gpu\":null}}}");
    assertEquals("{\"ssd\":\"true\"}", meta.json().path("aggregate").path("metadata").toString());

    var renamed = http.send("PUT", AGGREGATES + "/" + id, admin.token(), "{\"aggregate\":{\"name\":\"rack-one\"}}");
    assertEquals(200, renamed.status(), renamed.raw().body());
    assertEquals("rack-one", renamed.json().path("aggregate").path("name").asText());
    assertFalse(renamed.json().path("aggregate").path("updated_at").isNull());
    boolean listed = false;
    for (JsonNode x : http.send("GET", AGGREGATES, admin.token(), null).json().path("aggregates")) {
      listed |= x.path("id").asInt() == id && x.path("name").asText().equals("rack-one");
    }
    assertTrue(listed);

    var removed = post(AGGREGATES + "/" + id + "/action", "{\"remove_host\":{\"host\":\"compute-1\"}}");
    assertEquals(0, removed.json().path("aggregate").path("hosts").size());
    assertNovaError(404, "itemNotFound", post(AGGREGATES + "/" + id + "/action", "{\"remove_host\":{\"host\":\"compute-1\"}}"));
    assertEquals(200, http.send("DELETE", AGGREGATES + "/" + id, admin.token(), null).status());
    assertNovaError(404, "itemNotFound", http.send("GET", AGGREGATES + "/" + id, admin.token(), null));
  }

  @Test
  void badInputAndOtherCallersAreRefusedInNovasWords() {
    assertNovaError(400, "badRequest", post(AGGREGATES, "{\"aggregate\":{\"name\":\"\"}}"));
    assertNovaError(400, "badRequest", post(AGGREGATES, "{\"aggregate\":{\"name\":\"" + "a".repeat(256) + "\"}}"));
    assertNovaError(400, "badRequest", post(AGGREGATES, "{\"aggregate\":{\"name\":\"x\",\"availability_zone\":\"\"}}"));
    assertNovaError(400, "badRequest", post(AGGREGATES, "{\"aggregate\":{\"name\":\"x\",\"other\":1}}"));
    assertNovaError(400, "badRequest", post(AGGREGATES, "{\"aggregate\":{\"name\":\"a\\u0000b\"}}"));
    assertNovaError(404, "itemNotFound", http.send("GET", AGGREGATES + "/-1", admin.token(), null));
    assertNovaError(404, "itemNotFound", http.send("DELETE", AGGREGATES + "/abc", admin.token(), null));

    assertEquals(200, post(AGGREGATES, "{\"aggregate\":{\"name\":\"unique\"}}").status());
    assertNovaError(409, "conflict", post(AGGREGATES, "{\"aggregate\":{\"name\":\"unique\"}}"));
    int id = http.send("GET", AGGREGATES, admin.token(), null).json().path("aggregates").findValues("id").stream()
        .mapToInt(JsonNode::asInt).max().orElseThrow();
    assertNovaError(400, "badRequest", post(AGGREGATES + "/" + id + "/action", "{\"explode\":{}}"));

    assertNovaError(403, "forbidden", http.send("GET", AGGREGATES, member.token(), null));
    assertNovaError(403, "forbidden", http.send("POST", AGGREGATES, member.token(), "{\"aggregate\":{\"name\":\"mine\"}}"));
    assertNovaError(403, "forbidden", http.send("POST", AGGREGATES + "/" + id + "/action", member.token(),
        "{\"add_host\":{\"host\":\"compute-2\"}}"));
    assertNovaError(403, "forbidden", http.send("DELETE", AGGREGATES + "/" + id, member.token(), null));
    assertEquals(200, http.send("DELETE", AGGREGATES + "/" + id, admin.token(), null).status());
  }

  @Test
  void anAggregatesZoneIsItsHostsZoneAndAHostIsInOneZoneOnly() {
    int east = post(AGGREGATES, "{\"aggregate\":{\"name\":\"east\",\"availability_zone\":\"az-east\"}}")
        .json().path("aggregate").path("id").asInt();
    int west = post(AGGREGATES, "{\"aggregate\":{\"name\":\"west\",\"availability_zone\":\"az-west\"}}")
        .json().path("aggregate").path("id").asInt();
    assertEquals(200, post(AGGREGATES + "/" + east + "/action", "{\"add_host\":{\"host\":\"compute-2\"}}").status());

    assertNovaError(409, "conflict", post(AGGREGATES + "/" + west + "/action", "{\"add_host\":{\"host\":\"compute-2\"}}"));
    JsonNode hosts = http.send("GET", "/compute/v2.1/os-hosts?zone=az-east", admin.token(), null).json().path("hosts");
    assertEquals(1, hosts.size(), hosts.toString());
    assertEquals("compute-2", hosts.get(0).path("host_name").asText());
    JsonNode zones = http.send("GET", "/compute/v2.1/os-availability-zone", member.token(), null).json();
    assertTrue(zones.toString().contains("\"zoneName\":\"az-east\""), zones.toString());
    assertTrue(zones.toString().contains("\"zoneName\":\"nova\""), "compute-1 is in no zoned aggregate: " + zones);

    assertEquals(200, post(AGGREGATES + "/" + east + "/action", "{\"remove_host\":{\"host\":\"compute-2\"}}").status());
    assertEquals(0, http.send("GET", "/compute/v2.1/os-hosts?zone=az-east", admin.token(), null).json().path("hosts").size());
    var cleared = http.send("PUT", AGGREGATES + "/" + west, admin.token(), "{\"aggregate\":{\"availability_zone\":null}}");
    assertEquals(200, cleared.status(), cleared.raw().body());
    assertTrue(cleared.json().path("aggregate").path("availability_zone").isNull(), cleared.raw().body());
    assertEquals("west", cleared.json().path("aggregate").path("name").asText());
    assertEquals(200, http.send("DELETE", AGGREGATES + "/" + east, admin.token(), null).status());
    assertEquals(200, http.send("DELETE", AGGREGATES + "/" + west, admin.token(), null).status());
  }

  @Test
  void aServerAskingForAnAggregatesZoneLandsOnItsHost() throws Exception {
    var image = http.send("POST", "/image/v2/images", member.token(),
        "{\"name\":\"cirros\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}");
    String imageId = image.json().path("id").asText();
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + imageId + "/file", member.token(), new byte[4096],
        Map.of("Content-Type", "application/octet-stream")).statusCode());
    String net = http.send("POST", "/network/v2.0/networks", member.token(), "{\"network\":{\"name\":\"agg-net\"}}")
        .json().path("network").path("id").asText();
    assertEquals(201, http.send("POST", "/network/v2.0/subnets", member.token(), "{\"subnet\":{\"network_id\":\"" + net
        + "\",\"cidr\":\"10.7.0.0/24\",\"ip_version\":4}}").status());
    int id = post(AGGREGATES, "{\"aggregate\":{\"name\":\"edge\",\"availability_zone\":\"az-edge\"}}")
        .json().path("aggregate").path("id").asInt();
    assertEquals(200, post(AGGREGATES + "/" + id + "/action", "{\"add_host\":{\"host\":\"compute-1\"}}").status());

    for (String name : List.of("edge-1", "edge-2")) {
      var created = http.send("POST", "/compute/v2.1/servers", member.token(), "{\"server\":{\"name\":\"" + name
          + "\",\"imageRef\":\"" + imageId + "\",\"flavorRef\":\"1\",\"availability_zone\":\"az-edge\","
          + "\"networks\":[{\"uuid\":\"" + net + "\"}]}}");
      assertEquals(202, created.status(), created.raw().body());
      String server = "/compute/v2.1/servers/" + created.json().path("server").path("id").asText();
      JsonNode shown = http.await(admin.token(), server, s -> s.path("server").path("status").asText().matches("ACTIVE|ERROR"))
          .path("server");
      assertEquals("ACTIVE", shown.path("status").asText(), shown.toString());
      assertEquals("compute-1", shown.path("OS-EXT-SRV-ATTR:host").asText(), "only compute-1 is in az-edge");
      assertEquals("az-edge", shown.path("OS-EXT-AZ:availability_zone").asText());
      assertEquals(204, http.send("DELETE", server, member.token(), null).status());
      http.await(admin.token(), "/compute/v2.1/servers?all_tenants=1&name=" + name, s -> s.path("servers").isEmpty());
    }
    var unknown = http.send("POST", "/compute/v2.1/servers", member.token(), "{\"server\":{\"name\":\"nowhere\","
        + "\"imageRef\":\"" + imageId + "\",\"flavorRef\":\"1\",\"availability_zone\":\"az-none\"}}");
    assertEquals(400, unknown.status(), unknown.raw().body());
    assertEquals(200, post(AGGREGATES + "/" + id + "/action", "{\"remove_host\":{\"host\":\"compute-1\"}}").status());
    assertEquals(200, http.send("DELETE", AGGREGATES + "/" + id, admin.token(), null).status());
  }

  @Test
  void theUsageAuditLogShowsTheLastCompletedMonthForAdmins() {
    var now = http.send("GET", "/compute/v2.1/os-instance_usage_audit_log", admin.token(), null);
    assertEquals(200, now.status(), now.raw().body());
    JsonNode log = now.json().path("instance_usage_audit_logs");
    assertEquals(2, log.path("num_hosts").asInt(), log.toString());
    assertTrue(log.path("period_ending").asText().endsWith("-01 00:00:00"), log.toString());

    String before = URLEncoder.encode("2031-07-15 10:00:00", StandardCharsets.UTF_8).replace("+", "%20");
    JsonNode later = http.send("GET", "/compute/v2.1/os-instance_usage_audit_log/" + before, admin.token(), null).json()
        .path("instance_usage_audit_log");
    assertEquals("2031-06-01 00:00:00", later.path("period_beginning").asText());
    assertEquals("2031-07-01 00:00:00", later.path("period_ending").asText());
    assertEquals(2, later.path("num_hosts_done").asInt(), later.toString());
    assertEquals("ALL hosts done. 0 errors.", later.path("overall_status").asText());
    assertEquals("DONE", later.path("log").path("compute-1").path("state").asText());

    JsonNode earlier = http.send("GET", "/compute/v2.1/os-instance_usage_audit_log/2001-01-15%2000:00:00", admin.token(), null)
        .json().path("instance_usage_audit_log");
    assertEquals(2, earlier.path("num_hosts_not_run").asInt(), "the hosts were not registered then: " + earlier);

    assertNovaError(400, "badRequest", http.send("GET", "/compute/v2.1/os-instance_usage_audit_log/invalid_time",
        admin.token(), null));
    assertNovaError(403, "forbidden", http.send("GET", "/compute/v2.1/os-instance_usage_audit_log", member.token(), null));
  }

  @Test
  void migrationsAreListedForAdminsOnly() {
    var list = http.send("GET", "/compute/v2.1/os-migrations?status=finished&host=compute-1", admin.token(), null);
    assertEquals(200, list.status(), list.raw().body());
    assertEquals("{\"migrations\":[]}", list.json().toString(), "nothing resizes or migrates yet");
    assertNovaError(403, "forbidden", http.send("GET", "/compute/v2.1/os-migrations", member.token(), null));
  }
}
