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
 * Server diagnostics against a real broker, database and simulated host: an administrator reads
 * what the server's host reports of it (through the URL the host registered); members are refused
 * (403), another project's server is not found.
 */
@ExtendWith(SkyTestKit.class)
class ServerDiagnosticsTest {
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
    alice = admin.userWithRole("diag-alice", "member");
    carol = admin.userWithRole("diag-carol", "member");
    var image = http.send("POST", "/image/v2/images", alice.token(),
        "{\"name\":\"cirros\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}");
    assertEquals(201, image.status(), image.raw().body());
    imageId = image.json().path("id").asText();
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + imageId + "/file", alice.token(), new byte[4096],
        Map.of("Content-Type", "application/octet-stream")).statusCode());
    networkId = http.send("POST", "/network/v2.0/networks", alice.token(), "{\"network\":{\"name\":\"private\"}}")
        .json().path("network").path("id").asText();
    assertEquals(201, http.send("POST", "/network/v2.0/subnets", alice.token(), "{\"subnet\":{\"network_id\":\"" + networkId
        + "\",\"cidr\":\"10.35.0.0/24\",\"ip_version\":4}}").status());
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

  @Test
  void anAdministratorReadsWhatTheHostReportsOfTheServer() throws Exception {
    String id = activeServer("diag");
    var d = http.send("GET", "/compute/v2.1/servers/" + id + "/diagnostics", admin.token(), null);
    assertEquals(200, d.status(), d.raw().body());
    JsonNode body = d.json();
    assertEquals("running", body.path("state").asText(), body.toString());
    assertEquals(1, body.path("num_cpus").asInt(), "m1.tiny's vCPU, as the host runs it");
    assertEquals(512 * 1024, body.path("memory").asLong());
    assertEquals(1, body.path("num_nics").asInt());

    assertEquals(202, http.send("POST", "/compute/v2.1/servers/" + id + "/action", alice.token(), "{\"os-stop\":null}").status());
    http.await(alice.token(), "/compute/v2.1/servers/" + id, s -> s.path("server").path("status").asText().equals("SHUTOFF"));
    assertEquals("shutoff", http.send("GET", "/compute/v2.1/servers/" + id + "/diagnostics", admin.token(), null)
        .json().path("state").asText(), "the host's own view of it");
  }

  @Test
  void membersAreRefusedAndAnotherProjectsServerIsNotFound() throws Exception {
    String id = activeServer("diag-refused");
    assertEquals(403, http.send("GET", "/compute/v2.1/servers/" + id + "/diagnostics", alice.token(), null).status());
    assertEquals(404, http.send("GET", "/compute/v2.1/servers/" + id + "/diagnostics", carol.token(), null).status());
    assertEquals(404, http.send("GET", "/compute/v2.1/servers/" + java.util.UUID.randomUUID() + "/diagnostics",
        admin.token(), null).status());
  }
}
