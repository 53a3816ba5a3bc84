package dev.skyledger.ops.compute;

import static dev.skyledger.ops.OpenstackCli.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.OpenstackCli;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.http.HttpSetup;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server's life as its project and the cloud's admin account for it afterwards, against a real
 * broker, database and simulated hosts: /limits counts it while it lives; its instance actions
 * (create, reboot, delete) carry the request ids the client was given and the users who asked,
 * also once it is deleted; {@code openstack usage show} and {@code usage list} (the real client)
 * count its hours.
 */
@ExtendWith(SkyTestKit.class)
class ServerActionsAndUsageTest {
  static Cloud cloud;
  static HttpClientForTests http;
  static OpenstackCli cli;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped carol;
  static String imageId;
  static String networkId;

  @BeforeAll
  static void start(TestEnvironment env) {
    assertTrue(OpenstackCli.installed(), "the openstack CLI is not installed: apt-get install python3-openstackclient");
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    cli = new OpenstackCli(cloud.config().publicUrl() + "/identity/v3");
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    cloud.startSimulatedHosts(1, Map.of("SKY_HOST_HEARTBEAT_SECONDS", "1", "SKY_SIM_SPAWN_MS", "50"));
    alice = admin.userWithRole("act-alice", "member");
    carol = admin.userWithRole("act-carol", "member");

    var image = http.send("POST", "/image/v2/images", alice.token(),
        "{\"name\":\"cirros\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}");
    assertEquals(201, image.status(), image.raw().body());
    imageId = image.json().path("id").asText();
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + imageId + "/file", alice.token(), new byte[4096],
        Map.of("Content-Type", "application/octet-stream")).statusCode());
    networkId = http.send("POST", "/network/v2.0/networks", alice.token(), "{\"network\":{\"name\":\"private\"}}")
        .json().path("network").path("id").asText();
    assertEquals(201, http.send("POST", "/network/v2.0/subnets", alice.token(), "{\"subnet\":{\"network_id\":\"" + networkId
        + "\",\"cidr\":\"10.30.0.0/24\",\"ip_version\":4}}").status());
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  static JsonNode await(String token, String path, Predicate<JsonNode> until) throws InterruptedException {
    return http.await(token, path, until);
  }

  static JsonNode absolute(String token) {
    return http.send("GET", "/compute/v2.1/limits", token, null).json().path("limits").path("absolute");
  }

  static JsonNode action(JsonNode actions, String name) {
    for (JsonNode a : actions.path("instanceActions")) if (a.path("action").asText().equals(name)) return a;
    throw new AssertionError("no " + name + " in " + actions);
  }

  static List<String> names(JsonNode actions) {
    List<String> names = new ArrayList<>();
    for (JsonNode a : actions.path("instanceActions")) names.add(a.path("action").asText());
    return names;
  }

  /** Waits until the server is gone (GET answers 404); returns 404. */
  static int awaitGone(String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (http.send("GET", "/compute/v2.1/servers/" + id, alice.token(), null).status() == 404) return 404;
      Thread.sleep(100);
    }
    return 0;
  }

  static boolean has(JsonNode actions, String name) {
    for (JsonNode a : actions.path("instanceActions")) if (a.path("action").asText().equals(name)) return true;
    return false;
  }

  @Test
  void aServerIsCountedWhileItLivesAndItsActionsAndUsageOutliveIt() throws Exception {
    var created = http.send("POST", "/compute/v2.1/servers", alice.token(), "{\"server\":{\"name\":\"acct\",\"imageRef\":\""
        + imageId + "\",\"flavorRef\":\"1\",\"networks\":[{\"uuid\":\"" + networkId + "\"}]}}");
    assertEquals(202, created.status(), created.raw().body());
    String createRequest = created.header(HttpSetup.REQUEST_ID_HEADER);
    String id = created.json().path("server").path("id").asText();
    JsonNode used = absolute(alice.token());
    assertEquals(1, used.path("totalInstancesUsed").asInt(), "read-your-writes: counted at once " + used);
    assertEquals(1, used.path("totalCoresUsed").asInt());
    assertEquals(512, used.path("totalRAMUsed").asInt());
    await(alice.token(), "/compute/v2.1/servers/" + id, s -> s.path("server").path("status").asText().equals("ACTIVE"));
    String actions = "/compute/v2.1/servers/" + id + "/os-instance-actions";
    JsonNode built = await(alice.token(), actions + "/" + createRequest, a -> "Success".equals(
        a.path("instanceAction").path("events").path(0).path("result").asText(null))).path("instanceAction");
    assertEquals("create", built.path("action").asText());
    assertEquals(alice.userId(), built.path("user_id").asText());
    assertEquals(alice.projectId(), built.path("project_id").asText());
    assertEquals("compute__do_build_and_run_instance", built.path("events").get(0).path("event").asText(), built.toString());
    assertEquals("conductor_schedule_and_build_instances", built.path("events").get(1).path("event").asText());

    var reboot = http.send("POST", "/compute/v2.1/servers/" + id + "/action", alice.token(), "{\"reboot\":{\"type\":\"SOFT\"}}");
    assertEquals(202, reboot.status(), reboot.raw().body());
    await(alice.token(), actions, a -> has(a, "reboot"));
    await(alice.token(), "/compute/v2.1/servers/" + id, s -> s.path("server").path("status").asText().equals("ACTIVE"));

    // carol, of another project, cannot see it; the admin deletes it
    assertEquals(404, http.send("GET", actions, carol.token(), null).status());
    var delete = http.send("DELETE", "/compute/v2.1/servers/" + id, admin.token(), null);
    assertEquals(204, delete.status(), delete.raw().body());
    String deleteRequest = delete.header(HttpSetup.REQUEST_ID_HEADER);
    assertEquals(0, absolute(alice.token()).path("totalInstancesUsed").asInt(), "its quota is given back at once");
    assertEquals(404, awaitGone(id), "the server is gone");

    JsonNode all = await(alice.token(), actions, a -> has(a, "delete"));
    assertEquals(List.of("delete", "reboot", "create"), names(all), "newest first: " + all);
    JsonNode deleted = action(all, "delete");
    assertEquals(deleteRequest, deleted.path("request_id").asText(), "who deleted it, and through which request");
    assertEquals("admin", userName(deleted.path("user_id").asText()));
    assertEquals(createRequest, action(all, "create").path("request_id").asText());
    assertEquals(reboot.header(HttpSetup.REQUEST_ID_HEADER), action(all, "reboot").path("request_id").asText(),
        "the reboot is recorded under its own request");
    JsonNode terminate = await(alice.token(), actions + "/" + deleteRequest,
        a -> "Success".equals(a.path("instanceAction").path("events").path(0).path("result").asText(null)));
    assertEquals("compute_terminate_instance", terminate.path("instanceAction").path("events").get(0).path("event").asText());

    // the real client: the project's own usage, and every project's for the admin
    JsonNode shown = ok(cli.as(alice, "usage", "show", "-f", "json")).json();
    assertEquals(alice.projectId(), shown.path("Project").asText(), shown.toString());
    assertEquals(1, shown.path("Servers").size(), shown.toString());
    assertEquals(id, shown.path("Servers").get(0).path("instance_id").asText());
    assertEquals("terminated", shown.path("Servers").get(0).path("state").asText());
    assertTrue(shown.path("CPU Hours").asDouble() > 0, shown.toString());
    JsonNode listed = ok(cli.as("admin", "secret", "admin", "usage", "list", "-f", "json")).json();
    boolean found = false;
    for (JsonNode row : listed) found |= row.path("Project").asText().equals(alice.projectId()) && row.path("Servers").size() == 1;
    assertTrue(found, listed.toString());
  }

  /**
   * The types of the events the audit trail holds for one request, once every expected one is
   * there (the audit projector reads each topic at its own pace).
   */
  static List<String> caused(String requestId, List<String> expected) throws InterruptedException {
    List<String> types = new ArrayList<>();
    await(admin.token(), "/ops/v1/audit/events?limit=1000&request_id=" + requestId, a -> {
      types.clear();
      for (JsonNode e : a.path("events")) types.add(e.path("type").asText());
      return types.containsAll(expected);
    });
    return types;
  }

  static void causedExactly(String what, String requestId, List<String> expected) throws InterruptedException {
    List<String> types = caused(requestId, expected);
    assertEquals(expected.stream().sorted().toList(), types.stream().sorted().toList(),
        what + " (request " + requestId + ") caused exactly these events: " + types);
  }

  /**
   * Each request is followed to every event it caused, through the saga's steps and the host's
   * answers, and to nothing another request caused: a reboot's end names the reboot, a deletion's
   * teardown names the deletion, not the server's creation.
   */
  @Test
  void everyRequestIsFollowedToEveryEventItCausedAndNoOther() throws Exception {
    var port = http.send("POST", "/network/v2.0/ports", alice.token(), "{\"port\":{\"network_id\":\"" + networkId + "\"}}");
    assertEquals(201, port.status(), port.raw().body());
    causedExactly("a port", port.header(HttpSetup.REQUEST_ID_HEADER), List.of("PortCreated"));

    var image = http.send("POST", "/image/v2/images", alice.token(),
        "{\"name\":\"followed\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}");
    String image2 = image.json().path("id").asText();
    var upload = http.bytes("PUT", "/image/v2/images/" + image2 + "/file", alice.token(), new byte[2048],
        Map.of("Content-Type", "application/octet-stream"));
    assertEquals(204, upload.statusCode());
    causedExactly("an image", image.header(HttpSetup.REQUEST_ID_HEADER), List.of("ImageCreated"));
    causedExactly("an image upload", upload.headers().firstValue(HttpSetup.REQUEST_ID_HEADER).orElseThrow(),
        List.of("ImageUploadStarted", "ImageActivated"));

    var created = http.send("POST", "/compute/v2.1/servers", alice.token(), "{\"server\":{\"name\":\"followed\","
        + "\"imageRef\":\"" + image2 + "\",\"flavorRef\":\"1\",\"networks\":[{\"uuid\":\"" + networkId + "\"}]}}");
    assertEquals(202, created.status(), created.raw().body());
    String id = created.json().path("server").path("id").asText();
    await(alice.token(), "/compute/v2.1/servers/" + id, s -> s.path("server").path("status").asText().equals("ACTIVE"));
    causedExactly("a server's creation", created.header(HttpSetup.REQUEST_ID_HEADER), List.of("InstanceRequested",
        "QuotaReserved", "InstanceScheduled", "PortCreated", "InstanceNetworked", "ImageCached", "InstanceSpawned", "InstanceActive"));

    // the admin reboots alice's server: the reboot's events name the admin, not the server's creator
    var reboot = http.send("POST", "/compute/v2.1/servers/" + id + "/action", admin.token(),
        "{\"reboot\":{\"type\":\"HARD\"}}");
    assertEquals(202, reboot.status(), reboot.raw().body());
    String rebootRequest = reboot.header(HttpSetup.REQUEST_ID_HEADER);
    causedExactly("a reboot", rebootRequest, List.of("InstancePowerActionStarted", "InstancePowerChanged",
        "InstancePowerActionDone"));
    JsonNode done = http.send("GET", "/ops/v1/audit/events?limit=1000&request_id=" + rebootRequest, admin.token(), null)
        .json().path("events");
    for (JsonNode e : done) {
      assertEquals("admin", e.path("actor").path("user_name").asText(), "the reboot is the admin's doing: " + e);
    }
    await(alice.token(), "/compute/v2.1/servers/" + id, s -> s.path("server").path("status").asText().equals("ACTIVE"));

    var snapshot = http.send("POST", "/compute/v2.1/servers/" + id + "/action", alice.token(),
        "{\"createImage\":{\"name\":\"followed-snap\"}}");
    assertEquals(202, snapshot.status(), snapshot.raw().body());
    causedExactly("a snapshot", snapshot.header(HttpSetup.REQUEST_ID_HEADER), List.of("ImageCreated",
        "InstanceSnapshotStarted", "ImageUploadStarted", "ImageActivated", "InstanceSnapshotted", "InstanceSnapshotDone"));
    await(alice.token(), "/compute/v2.1/servers/" + id, s -> s.path("server").path("OS-EXT-STS:task_state").isNull());

    var delete = http.send("DELETE", "/compute/v2.1/servers/" + id, alice.token(), null);
    assertEquals(204, delete.status(), delete.raw().body());
    String metrics = http.send("GET", "/metrics", null, null).raw().body();
    assertTrue(metrics.contains("sky_hosts{state=\"up\"} 1.0") && metrics.contains("sky_hosts{state=\"down\"} 0.0"),
        "hosts up and down: " + metrics.lines().filter(l -> l.startsWith("sky_")).toList());
    assertTrue(metrics.contains("sky_saga_open_boots 0.0") && metrics.contains("sky_saga_open_deletions"),
        metrics.lines().filter(l -> l.startsWith("sky_")).toList().toString());
        causedExactly("a server's deletion", delete.header(HttpSetup.REQUEST_ID_HEADER), List.of("InstanceDeleteRequested",
        "QuotaReleased", "PortDeleted", "InstanceDestroyed", "InstanceDeleted"));

    // once all is done, every view is 0 behind its log (transaction markers are not lag)
    await(admin.token(), "/readyz", r -> {
      for (JsonNode p : r.path("projections")) if (p.path("lag").asLong(-1) != 0) return false;
      return r.path("projections").size() > 0;
    });
  }

  private String userName(String userId) {
    var user = http.send("GET", "/identity/v3/users/" + userId, admin.token(), null);
    return user.json() == null ? "" : user.json().path("user").path("name").asText();
  }
}
