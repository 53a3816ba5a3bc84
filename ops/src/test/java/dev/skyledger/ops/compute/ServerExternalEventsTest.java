package dev.skyledger.ops.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.http.HttpSetup;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * os-server-external-events against a real broker, database and simulated host: for
 * administrators only, each event answered for its server (200 placed, 404 unknown), the whole
 * 200, 207 or 404 as Nova answers, bad events Nova's 400.
 */
@ExtendWith(SkyTestKit.class)
class ServerExternalEventsTest {
  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped carol;
  static String imageId;
  static String networkId;

  @BeforeAll
  static void start(TestEnvironment env) {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    cloud.startSimulatedHosts(1, Map.of("SKY_HOST_HEARTBEAT_SECONDS", "1", "SKY_SIM_SPAWN_MS", "50"));
    alice = admin.userWithRole("events-alice", "member");
    carol = admin.userWithRole("events-carol", "member");
    var image = http.send("POST", "/image/v2/images", alice.token(),
        "{\"name\":\"cirros\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}");
    assertEquals(201, image.status(), image.raw().body());
    imageId = image.json().path("id").asText();
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + imageId + "/file", alice.token(), new byte[4096],
        Map.of("Content-Type", "application/octet-stream")).statusCode());
    networkId = http.send("POST", "/network/v2.0/networks", alice.token(), "{\"network\":{\"name\":\"private\"}}")
        .json().path("network").path("id").asText();
    assertEquals(201, http.send("POST", "/network/v2.0/subnets", alice.token(), "{\"subnet\":{\"network_id\":\"" + networkId
        + "\",\"cidr\":\"10.34.0.0/24\",\"ip_version\":4}}").status());
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  static String activeServer(String name) throws InterruptedException {
    var created = http.send("POST", "/compute/v2.1/servers", alice.token(), "{\"server\":{\"name\":\"" + name
        + "\",\"imageRef\":\"" + imageId + "\",\"flavorRef\":\"1\",\"networks\":[{\"uuid\":\"" + networkId + "\"}]}}");
    assertEquals(202, created.status(), created.raw().body());
    assertEquals(created.header(HttpSetup.REQUEST_ID_HEADER), created.header("x-compute-request-id"),
        "Nova's older name for the request id, which clients read");
    String id = created.json().path("server").path("id").asText();
    http.await(alice.token(), "/compute/v2.1/servers/" + id, s -> s.path("server").path("status").asText().equals("ACTIVE"));
    return id;
  }

  static HttpClientForTests.Response events(String token, String body) {
    return http.send("POST", "/compute/v2.1/os-server-external-events", token, body);
  }

  static String event(String name, String server) {
    return "{\"name\":\"" + name + "\",\"server_uuid\":\"" + server + "\"}";
  }

  @Test
  void eachEventIsAnsweredForItsServer() throws Exception {
    String id = activeServer("events");
    var one = events(admin.token(), "{\"events\":[" + event("network-vif-plugged", id) + "]}");
    assertEquals(200, one.status(), one.raw().body());
    JsonNode e = one.json().path("events").path(0);
    assertEquals(id, e.path("server_uuid").asText());
    assertEquals("network-vif-plugged", e.path("name").asText());
    assertEquals("completed", e.path("status").asText());
    assertEquals(200, e.path("code").asInt());

    String unknown = java.util.UUID.randomUUID().toString();
    var mixed = events(admin.token(), "{\"events\":[" + event("network-changed", id) + "," + event("network-changed", unknown) + "]}");
    assertEquals(207, mixed.status(), mixed.raw().body());
    assertEquals(404, mixed.json().path("events").path(1).path("code").asInt());
    assertEquals("failed", mixed.json().path("events").path(1).path("status").asText());
    assertEquals(404, events(admin.token(), "{\"events\":[" + event("network-changed", unknown) + "]}").status());
  }

  @Test
  void membersAreRefusedAndBadEventsAreNovas400() throws Exception {
    String id = activeServer("events-bad");
    assertEquals(403, events(alice.token(), "{\"events\":[" + event("network-changed", id) + "]}").status());
    assertEquals(400, events(admin.token(), "{\"events\":[]}").status());
    assertEquals(400, events(admin.token(), "{\"events\":[" + event("volume-extended", id) + "]}").status(),
        "not an event of 2.1");
    assertEquals(400, events(admin.token(), "{\"events\":[{\"name\":\"network-changed\"}]}").status());
    assertEquals(400, events(admin.token(), "{\"events\":[{\"name\":\"network-changed\",\"server_uuid\":\"" + id
        + "\",\"status\":\"done\"}]}").status());
  }
}
