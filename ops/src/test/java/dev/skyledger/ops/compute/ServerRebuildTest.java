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
 * Rebuild against a real broker, database and simulated host: the server is spawned again from the
 * new image on the same host with the same addresses, renamed and with its metadata replaced; a
 * stopped server is stopped again; a server an administrator reset to ERROR is rebuilt to ACTIVE;
 * bad input is Nova's 400, another project's server 404, and the rebuild is an instance action.
 */
@ExtendWith(SkyTestKit.class)
class ServerRebuildTest {
  static OneHostServers fx;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped carol;
  static String altImageId;

  @BeforeAll
  static void start(TestEnvironment env) {
    fx = new OneHostServers(env, "rebuild", "10.33.0.0/24");
    http = fx.http;
    admin = fx.admin;
    alice = fx.alice;
    carol = fx.carol;
    altImageId = fx.image("alt", 8192);
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
    return http.send("GET", "/compute/v2.1/servers/" + id, alice.token(), null).json().path("server");
  }

  static JsonNode awaitStatus(String id, String status) throws InterruptedException {
    return http.await(alice.token(), "/compute/v2.1/servers/" + id, s -> s.path("server").path("status").asText().equals(status)
        && s.path("server").path("OS-EXT-STS:task_state").isNull()).path("server");
  }

  @Test
  void aServerIsRebuiltFromTheNewImageKeepingItsAddresses() throws Exception {
    String id = activeServer("rebuild-me");
    JsonNode before = show(id);
    var rebuilt = act(alice.token(), id, "{\"rebuild\":{\"imageRef\":\"" + altImageId
        + "\",\"name\":\"rebuilt\",\"metadata\":{\"rebuild\":\"server\"},\"adminPass\":\"rebuildPassw0rd\"}}");
    assertEquals(202, rebuilt.status(), rebuilt.raw().body());
    JsonNode answer = rebuilt.json().path("server");
    assertEquals(altImageId, answer.path("image").path("id").asText(), "the answer shows the new image: " + answer);
    assertEquals("rebuildPassw0rd", answer.path("adminPass").asText());
    assertEquals("rebuilt", answer.path("name").asText());
    assertEquals("server", answer.path("metadata").path("rebuild").asText());

    JsonNode after = awaitStatus(id, "ACTIVE");
    assertEquals(altImageId, after.path("image").path("id").asText());
    assertEquals(before.path("addresses"), after.path("addresses"), "the same ports");
    assertEquals(before.path("OS-EXT-SRV-ATTR:host"), after.path("OS-EXT-SRV-ATTR:host"));

    JsonNode actions = http.await(alice.token(), "/compute/v2.1/servers/" + id + "/os-instance-actions",
        a -> a.path("instanceActions").size() == 2);
    assertEquals("rebuild", actions.path("instanceActions").path(0).path("action").asText(), actions.toString());
  }

  @Test
  void aStoppedServerIsStoppedAgainAfterItsRebuild() throws Exception {
    String id = activeServer("rebuild-stopped");
    assertEquals(202, act(alice.token(), id, "{\"os-stop\":null}").status());
    awaitStatus(id, "SHUTOFF");
    var rebuilt = act(alice.token(), id, "{\"rebuild\":{\"imageRef\":\"" + altImageId + "\"}}");
    assertEquals(202, rebuilt.status(), rebuilt.raw().body());
    assertTrue(rebuilt.json().path("server").path("adminPass").asText().length() >= 8, "a password is made");
    JsonNode after = awaitStatus(id, "SHUTOFF");
    assertEquals(altImageId, after.path("image").path("id").asText());
    assertEquals(202, act(alice.token(), id, "{\"os-start\":null}").status());
    awaitStatus(id, "ACTIVE");
  }

  @Test
  void aServerResetToErrorIsRebuiltToActive() throws Exception {
    String id = activeServer("rebuild-error");
    assertEquals(202, act(admin.token(), id, "{\"os-resetState\":{\"state\":\"error\"}}").status());
    assertEquals("ERROR", show(id).path("status").asText());
    assertEquals(202, act(alice.token(), id, "{\"rebuild\":{\"imageRef\":\"" + altImageId + "\"}}").status());
    assertEquals(altImageId, awaitStatus(id, "ACTIVE").path("image").path("id").asText());
  }

  @Test
  void badInputIsNovas400AndAnotherProjectsServer404() throws Exception {
    String id = activeServer("rebuild-bad");
    assertEquals(400, act(alice.token(), id, "{\"rebuild\":{}}").status(), "imageRef is required");
    var unknown = act(alice.token(), id, "{\"rebuild\":{\"imageRef\":\"" + java.util.UUID.randomUUID() + "\"}}");
    assertEquals(400, unknown.status(), unknown.raw().body());
    assertEquals(400, act(alice.token(), id, "{\"rebuild\":{\"imageRef\":\"" + altImageId + "\",\"x\":1}}").status());
    assertEquals(400, act(alice.token(), id, "{\"rebuild\":{\"imageRef\":\"" + altImageId
        + "\",\"OS-DCF:diskConfig\":\"SOMETIMES\"}}").status());
    assertEquals(404, act(carol.token(), id, "{\"rebuild\":{\"imageRef\":\"" + fx.imageId + "\"}}").status());
    assertEquals(fx.imageId, show(id).path("image").path("id").asText(), "nothing was rebuilt");
  }

  @Test
  void theDiskConfigIsKeptAsCreatedUpdatedAndRebuilt() throws Exception {
    var created = http.send("POST", "/compute/v2.1/servers", alice.token(), "{\"server\":{\"name\":\"dcf\",\"imageRef\":\""
        + fx.imageId + "\",\"flavorRef\":\"1\",\"OS-DCF:diskConfig\":\"AUTO\",\"networks\":[{\"uuid\":\"" + fx.networkId + "\"}]}}");
    assertEquals(202, created.status(), created.raw().body());
    assertEquals("AUTO", created.json().path("server").path("OS-DCF:diskConfig").asText());
    String id = created.json().path("server").path("id").asText();
    assertEquals("AUTO", awaitStatus(id, "ACTIVE").path("OS-DCF:diskConfig").asText());

    var updated = http.send("PUT", "/compute/v2.1/servers/" + id, alice.token(), "{\"server\":{\"OS-DCF:diskConfig\":\"MANUAL\"}}");
    assertEquals(200, updated.status(), updated.raw().body());
    assertEquals("MANUAL", updated.json().path("server").path("OS-DCF:diskConfig").asText());
    assertEquals("MANUAL", show(id).path("OS-DCF:diskConfig").asText());
    assertEquals(400, http.send("PUT", "/compute/v2.1/servers/" + id, alice.token(),
        "{\"server\":{\"OS-DCF:diskConfig\":\"auto\"}}").status(), "Nova's two values, as spelled");

    var rebuilt = act(alice.token(), id, "{\"rebuild\":{\"imageRef\":\"" + altImageId + "\",\"OS-DCF:diskConfig\":\"AUTO\"}}");
    assertEquals(202, rebuilt.status(), rebuilt.raw().body());
    assertEquals("AUTO", rebuilt.json().path("server").path("OS-DCF:diskConfig").asText());
    assertEquals("AUTO", awaitStatus(id, "ACTIVE").path("OS-DCF:diskConfig").asText());

    String plain = activeServer("dcf-default");
    assertEquals("MANUAL", show(plain).path("OS-DCF:diskConfig").asText(), "Nova's default for an image that does not say");
  }
}
