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
 * os-server-external-events against a real broker, database and simulated host: for
 * administrators only, each event answered for its server (200 placed, 404 unknown), the whole
 * 200, 207 or 404 as Nova answers, bad events Nova's 400.
 */
@ExtendWith(SkyTestKit.class)
class ServerExternalEventsTest {
  static OneHostServers fx;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped carol;

  @BeforeAll
  static void start(TestEnvironment env) {
    fx = new OneHostServers(env, "events", "10.34.0.0/24");
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
