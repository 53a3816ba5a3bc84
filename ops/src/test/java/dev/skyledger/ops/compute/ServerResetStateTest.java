package dev.skyledger.ops.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
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
  static OneHostServers fx;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped carol;

  @BeforeAll
  static void start(TestEnvironment env) {
    fx = new OneHostServers(env, "reset", "10.32.0.0/24");
    http = fx.http;
    admin = fx.admin;
    alice = fx.alice;
    carol = fx.carol;
  }

  @AfterAll
  static void stop() {
    if (fx != null) fx.close();
  }

  static String activeServer(String name) throws InterruptedException {
    return fx.activeServer(name);
  }

  static HttpClientForTests.Response act(String token, String id, String body) {
    return fx.act(token, id, body);
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
