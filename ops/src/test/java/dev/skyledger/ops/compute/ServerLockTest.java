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
 * os-lock-server against a real broker, database and simulated host: a locked server refuses its
 * owner's actions with Nova's 409 until unlocked, an administrator may still act on it, a lock an
 * administrator set is the administrators' to lift (403), another project's server is not found,
 * {@code locked} shows it from 2.9, and the lock and unlock are instance actions of their own.
 */
@ExtendWith(SkyTestKit.class)
class ServerLockTest {
  static OneHostServers fx;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped carol;

  @BeforeAll
  static void start(TestEnvironment env) {
    fx = new OneHostServers(env, "lock", "10.31.0.0/24");
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

  static boolean locked(String id) {
    return http.compute("2.9", "GET", "/compute/v2.1/servers/" + id, alice.token(), null)
        .json().path("server").path("locked").asBoolean();
  }

  @Test
  void aLockedServerRefusesItsOwnersActionsUntilUnlockedButNotAnAdmins() throws Exception {
    String id = activeServer("locked");
    assertEquals(false, locked(id));
    assertEquals(202, act(alice.token(), id, "{\"lock\":null}").status());
    assertEquals(true, locked(id), "read-your-writes: locked at once");
    assertTrue(!http.send("GET", "/compute/v2.1/servers/" + id, alice.token(), null).json().path("server").has("locked"),
        "before 2.9 Nova does not show it");

    var stop = act(alice.token(), id, "{\"os-stop\":null}");
    assertEquals(409, stop.status(), stop.raw().body());
    assertEquals("Instance " + id + " is locked", stop.json().path("conflict").path("message").asText(),
        stop.raw().body());
    assertEquals(409, act(alice.token(), id, "{\"createImage\":{\"name\":\"snap\"}}").status(), "no snapshot either");

    var reboot = act(admin.token(), id, "{\"reboot\":{\"type\":\"HARD\"}}");
    assertEquals(202, reboot.status(), "an administrator may act on a locked server: " + reboot.raw().body());
    http.await(alice.token(), "/compute/v2.1/servers/" + id, s -> s.path("server").path("OS-EXT-STS:task_state").isNull());

    assertEquals(202, act(alice.token(), id, "{\"unlock\":null}").status());
    assertEquals(false, locked(id));
    assertEquals(202, act(alice.token(), id, "{\"os-stop\":null}").status(), "unlocked: the owner may stop it");
    http.await(alice.token(), "/compute/v2.1/servers/" + id, s -> s.path("server").path("status").asText().equals("SHUTOFF"));

    JsonNode actions = http.await(alice.token(), "/compute/v2.1/servers/" + id + "/os-instance-actions",
        a -> a.path("instanceActions").size() >= 5);
    java.util.List<String> names = new java.util.ArrayList<>();
    for (JsonNode a : actions.path("instanceActions")) names.add(a.path("action").asText());
    assertTrue(names.containsAll(java.util.List.of("create", "lock", "reboot", "unlock", "stop")), names.toString());
  }

  @Test
  void aLockAnAdministratorSetIsTheAdministratorsToLift() throws Exception {
    String id = activeServer("admin-locked");
    assertEquals(202, act(admin.token(), id, "{\"lock\":{}}").status());
    assertEquals(true, locked(id));
    var unlock = act(alice.token(), id, "{\"unlock\":null}");
    assertEquals(403, unlock.status(), unlock.raw().body());
    assertEquals(true, locked(id));
    assertEquals(202, act(admin.token(), id, "{\"unlock\":null}").status());
    assertEquals(false, locked(id));
  }

  @Test
  void anotherProjectsServerIsNotFound() throws Exception {
    String id = activeServer("not-carols");
    var lock = act(carol.token(), id, "{\"lock\":null}");
    assertEquals(404, lock.status(), lock.raw().body());
    assertTrue(lock.json().has("itemNotFound"), lock.raw().body());
    assertEquals(false, locked(id));
  }
}
