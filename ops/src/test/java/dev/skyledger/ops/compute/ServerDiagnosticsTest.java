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
 * Server diagnostics against a real broker, database and simulated host: an administrator reads
 * what the server's host reports of it (through the URL the host registered); members are refused
 * (403), another project's server is not found.
 */
@ExtendWith(SkyTestKit.class)
class ServerDiagnosticsTest {
  static OneHostServers fx;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped carol;

  @BeforeAll
  static void start(TestEnvironment env) {
    fx = new OneHostServers(env, "diag", "10.35.0.0/24");
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
