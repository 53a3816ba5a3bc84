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
 * os-resetState against a real broker, database and simulated host: an administrator sets a server
 * to ERROR (it refuses its owner's actions, lists under status=error, and can still be deleted,
 * which gives its host and ports back) or to ACTIVE again; members are refused (403), bad states
 * are Nova's 400.
 */
@ExtendWith(SkyTestKit.class)
class ServerResetStateTest {
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
    alice = admin.userWithRole("reset-alice", "member");
    carol = admin.userWithRole("reset-carol", "member");
    var image = http.send("POST", "/image/v2/images", alice.token(),
        "{\"name\":\"cirros\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}");
    assertEquals(201, image.status(), image.raw().body());
    imageId = image.json().path("id").asText();
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + imageId + "/file", alice.token(), new byte[4096],
        Map.of("Content-Type", "application/octet-stream")).statusCode());
    networkId = http.send("POST", "/network/v2.0/networks", alice.token(), "{\"network\":{\"name\":\"private\"}}")
        .json().path("network").path("id").asText();
    assertEquals(201, http.send("POST", "/network/v2.0/subnets", alice.token(), "{\"subnet\":{\"network_id\":\"" + networkId
        + "\",\"cidr\":\"10.32.0.0/24\",\"ip_version\":4}}").status());
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

  static HttpClientForTests.Response act(String token, String id, String body) {
    return http.send("POST", "/compute/v2.1/servers/" + id + "/action", token, body);
  }

  static JsonNode show(String id) {
    return http.send("GET", "/compute/v2.1/servers/" + id, admin.token(), null).json().path("server");
  }

  @Test
  void anAdministratorResetsAServerToErrorAndBackToActive() throws Exception {
    String id = activeServer("reset");
    var reset = act(admin.token(), id, "{\"os-resetState\":{\"state\":\"error\"}}");
    assertEquals(202, reset.status(), reset.raw().body());
    JsonNode server = show(id);
    assertEquals("ERROR", server.path("status").asText(), "read-your-writes: " + server);
    assertEquals("error", server.path("OS-EXT-STS:vm_state").asText());
    assertTrue(server.path("OS-EXT-STS:task_state").isNull());
    assertTrue(!server.has("fault"), "a reset is no fault: " + server);
    JsonNode errors = http.send("GET", "/compute/v2.1/servers?status=error", alice.token(), null).json();
    assertTrue(errors.toString().contains(id), errors.toString());
    var stop = act(alice.token(), id, "{\"os-stop\":null}");
    assertEquals(409, stop.status(), stop.raw().body());

    assertEquals(202, act(admin.token(), id, "{\"os-resetState\":{\"state\":\"active\"}}").status());
    assertEquals("ACTIVE", show(id).path("status").asText());
    assertEquals(202, act(alice.token(), id, "{\"os-stop\":null}").status(), "active again: its owner may stop it");
  }

  @Test
  void aServerResetToErrorIsDeletedWithItsPorts() throws Exception {
    String id = activeServer("reset-delete");
    assertEquals(202, act(admin.token(), id, "{\"os-resetState\":{\"state\":\"error\"}}").status());
    assertEquals(204, http.send("DELETE", "/compute/v2.1/servers/" + id, alice.token(), null).status());
    http.await(alice.token(), "/network/v2.0/ports?device_id=" + id, p -> p.path("ports").size() == 0);
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    int status = 0;
    while (System.nanoTime() < deadline && (status = http.send("GET", "/compute/v2.1/servers/" + id, alice.token(), null)
        .status()) != 404) {
      Thread.sleep(100);
    }
    assertEquals(404, status, "the server is gone");
  }

  @Test
  void membersAreRefusedAndBadStatesAreNovas400() throws Exception {
    String id = activeServer("reset-refused");
    var member = act(alice.token(), id, "{\"os-resetState\":{\"state\":\"error\"}}");
    assertEquals(403, member.status(), member.raw().body());
    var bad = act(admin.token(), id, "{\"os-resetState\":{\"state\":\"paused\"}}");
    assertEquals(400, bad.status(), bad.raw().body());
    assertTrue(bad.json().path("badRequest").path("message").asText().contains("is not one of ['active', 'error']"),
        bad.raw().body());
    assertEquals(400, act(admin.token(), id, "{\"os-resetState\":{}}").status());
    assertEquals(400, act(admin.token(), id, "{\"os-resetState\":{\"state\":\"error\",\"x\":1}}").status());
    assertEquals(404, act(carol.token(), id, "{\"os-resetState\":{\"state\":\"error\"}}").status(),
        "another project's server is not found");
    assertEquals("ACTIVE", show(id).path("status").asText());
  }

  @Test
  void restoreIsRefusedForAServerThatIsNotSoftDeletedAndForceDeleteDeletes() throws Exception {
    String id = activeServer("restore");
    var restore = act(alice.token(), id, "{\"restore\":null}");
    assertEquals(409, restore.status(), restore.raw().body());
    assertEquals("Cannot 'restore' instance " + id + " while it is in vm_state active",
        restore.json().path("conflict").path("message").asText());
    assertEquals(404, act(alice.token(), java.util.UUID.randomUUID().toString(), "{\"restore\":null}").status());
    assertEquals(404, act(carol.token(), id, "{\"forceDelete\":null}").status(), "another project's server");
    assertEquals(202, act(alice.token(), id, "{\"forceDelete\":null}").status());
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    int status = 0;
    while (System.nanoTime() < deadline && (status = http.send("GET", "/compute/v2.1/servers/" + id, alice.token(), null)
        .status()) != 404) {
      Thread.sleep(100);
    }
    assertEquals(404, status, "the server is gone");
  }
}
