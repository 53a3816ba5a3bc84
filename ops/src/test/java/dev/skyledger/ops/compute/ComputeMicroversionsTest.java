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
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The compute API from microversion 2.1 to 2.16, through the whole cloud: each change appears at
 * its microversion and not before (key pair types and 201/204, extended attributes, locked, key
 * pairs of other users, forced-down services and host_status, server group owners and soft
 * policies, remote consoles, access to public flavors, the ip6 filter).
 */
@ExtendWith(SkyTestKit.class)
class ComputeMicroversionsTest {
  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped carol;
  static String imageId;

  @BeforeAll
  static void start(TestEnvironment env) throws Exception {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    cloud.startSimulatedHosts(2, Map.of("SKY_HOST_HEARTBEAT_SECONDS", "1", "SKY_SIM_HOST_VCPUS", "8",
        "SKY_SIM_HOST_RAM_MB", "16384", "SKY_SIM_HOST_DISK_GB", "200", "SKY_SIM_SPAWN_MS", "0"));
    alice = admin.userWithRole("mv-alice", "member");
    carol = admin.userWithRole("mv-carol", "member");
    assertEquals(200, http.send("PUT", "/compute/v2.1/os-quota-sets/" + alice.projectId(), admin.token(),
        "{\"quota_set\":{\"instances\":50,\"cores\":100,\"ram\":100000}}").status());
    var image = http.send("POST", "/image/v2/images", alice.token(),
        "{\"name\":\"mv-img\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}");
    imageId = image.json().path("id").asText();
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + imageId + "/file", alice.token(), new byte[4096],
        Map.of("Content-Type", "application/octet-stream")).statusCode());
    http.await(admin.token(), "/compute/v2.1/os-hypervisors/detail", h -> h.path("hypervisors").size() == 2
        && h.path("hypervisors").get(0).path("state").asText().equals("up")
        && h.path("hypervisors").get(1).path("state").asText().equals("up"));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  private static String boot(String name, String extra) {
    var r = http.send("POST", "/compute/v2.1/servers", alice.token(), "{\"server\":{\"name\":\"" + name
        + "\",\"imageRef\":\"" + imageId + "\",\"flavorRef\":\"1\",\"networks\":[]" + extra + "}}");
    assertEquals(202, r.status(), r.raw().body());
    return r.json().path("server").path("id").asText();
  }

  private static JsonNode active(String id) throws InterruptedException {
    return http.await(alice.token(), "/compute/v2.1/servers/" + id,
        s -> s.path("server").path("status").asText().equals("ACTIVE")).path("server");
  }

  private static JsonNode asAdmin(String microversion, String id) {
    var r = http.compute(microversion, "GET", "/compute/v2.1/servers/" + id, admin.token(), null);
    assertEquals(200, r.status(), r.raw().body());
    return r.json().path("server");
  }

  @Test
  void theVersionDocumentOffersUpTo216AndEachRequestGetsWhatItAsked() {
    JsonNode version = http.send("GET", "/compute/v2.1", null, null).json().path("version");
    assertEquals("2.16", version.path("version").asText());
    assertEquals("2.1", version.path("min_version").asText());
    var latest = http.compute("latest", "GET", "/compute/v2.1/flavors", alice.token(), null);
    assertEquals("compute 2.16", latest.header("OpenStack-API-Version"));
    var none = http.send("GET", "/compute/v2.1/flavors", alice.token(), null);
    assertEquals("compute 2.1", none.header("OpenStack-API-Version"));
    assertEquals(406, http.compute("2.17", "GET", "/compute/v2.1/flavors", alice.token(), null).status());
    assertEquals(406, http.compute("3.0", "GET", "/compute/v2.1/flavors", alice.token(), null).status());
    var bad = http.compute("2.x", "GET", "/compute/v2.1/flavors", alice.token(), null);
    assertEquals(400, bad.status());
    assertTrue(bad.json().path("badRequest").path("message").asText().contains("invalid format"), bad.raw().body());
  }

  @Test
  void keyPairsHaveTypesFrom22AndAnAdminManagesAnotherUsersFrom210() {
    var oldStyle = http.compute("2.1", "POST", "/compute/v2.1/os-keypairs", alice.token(),
        "{\"keypair\":{\"name\":\"k21\"}}");
    assertEquals(200, oldStyle.status(), oldStyle.raw().body());
    assertFalse(oldStyle.json().path("keypair").has("type"));
    assertEquals(400, http.compute("2.1", "POST", "/compute/v2.1/os-keypairs", alice.token(),
        "{\"keypair\":{\"name\":\"k21t\",\"type\":\"ssh\"}}").status(), "type is 2.2's");
    assertEquals(202, http.compute("2.1", "DELETE", "/compute/v2.1/os-keypairs/k21", alice.token(), null).status());

    var x509 = http.compute("2.2", "POST", "/compute/v2.1/os-keypairs", alice.token(),
        "{\"keypair\":{\"name\":\"cert\",\"type\":\"x509\"}}");
    assertEquals(201, x509.status(), x509.raw().body());
    JsonNode k = x509.json().path("keypair");
    assertEquals("x509", k.path("type").asText());
    assertTrue(k.path("public_key").asText().startsWith("-----BEGIN CERTIFICATE-----"), k.toString());
    assertTrue(k.path("private_key").asText().startsWith("-----BEGIN PRIVATE KEY-----"));
    assertTrue(k.path("fingerprint").asText().matches("([0-9a-f]{2}:){19}[0-9a-f]{2}"), k.toString());
    var imported = http.compute("2.2", "POST", "/compute/v2.1/os-keypairs", alice.token(),
        "{\"keypair\":{\"name\":\"cert2\",\"type\":\"x509\",\"public_key\":" + json(k.path("public_key").asText()) + "}}");
    assertEquals(201, imported.status(), imported.raw().body());
    assertEquals(k.path("fingerprint").asText(), imported.json().path("keypair").path("fingerprint").asText());
    assertFalse(imported.json().path("keypair").has("private_key"));
    assertEquals(400, http.compute("2.2", "POST", "/compute/v2.1/os-keypairs", alice.token(),
        "{\"keypair\":{\"name\":\"bad\",\"type\":\"x509\",\"public_key\":\"ssh-rsa AAAA\"}}").status());
    assertEquals(400, http.compute("2.2", "POST", "/compute/v2.1/os-keypairs", alice.token(),
        "{\"keypair\":{\"name\":\"bad\",\"type\":\"pgp\"}}").status());

    JsonNode list22 = http.compute("2.2", "GET", "/compute/v2.1/os-keypairs", alice.token(), null).json();
    assertEquals("x509", list22.path("keypairs").get(0).path("keypair").path("type").asText(), list22.toString());
    JsonNode list21 = http.compute("2.1", "GET", "/compute/v2.1/os-keypairs", alice.token(), null).json();
    assertFalse(list21.path("keypairs").get(0).path("keypair").has("type"));
    assertEquals("x509", http.compute("2.2", "GET", "/compute/v2.1/os-keypairs/cert", alice.token(), null).json()
        .path("keypair").path("type").asText());

    String aliceId = alice.userId();
    assertEquals(400, http.compute("2.9", "POST", "/compute/v2.1/os-keypairs", admin.token(),
        "{\"keypair\":{\"name\":\"for-alice\",\"user_id\":\"" + aliceId + "\"}}").status(), "user_id is 2.10's");
    var forAlice = http.compute("2.10", "POST", "/compute/v2.1/os-keypairs", admin.token(),
        "{\"keypair\":{\"name\":\"for-alice\",\"user_id\":\"" + aliceId + "\"}}");
    assertEquals(201, forAlice.status(), forAlice.raw().body());
    assertEquals(aliceId, forAlice.json().path("keypair").path("user_id").asText());
    assertEquals(200, http.compute("2.10", "GET", "/compute/v2.1/os-keypairs/for-alice", alice.token(), null).status());
    assertEquals(200, http.compute("2.10", "GET", "/compute/v2.1/os-keypairs/for-alice?user_id=" + aliceId,
        admin.token(), null).status());
    assertEquals(404, http.compute("2.9", "GET", "/compute/v2.1/os-keypairs/for-alice?user_id=" + aliceId,
        admin.token(), null).status(), "before 2.10 user_id is not read: the admin's own pairs");
    assertEquals(403, http.compute("2.10", "POST", "/compute/v2.1/os-keypairs", carol.token(),
        "{\"keypair\":{\"name\":\"for-alice\",\"user_id\":\"" + aliceId + "\"}}").status());
    assertEquals(204, http.compute("2.10", "DELETE", "/compute/v2.1/os-keypairs/for-alice?user_id=" + aliceId,
        admin.token(), null).status());
    assertEquals(404, http.compute("2.10", "GET", "/compute/v2.1/os-keypairs/for-alice", alice.token(), null).status());
    assertEquals(204, http.compute("2.2", "DELETE", "/compute/v2.1/os-keypairs/cert", alice.token(), null).status());
  }

  private static String json(String text) {
    return com.fasterxml.jackson.databind.node.TextNode.valueOf(text).toString();
  }

  @Test
  void serverGroupsShowTheirOwnersFrom213AndTakeSoftPoliciesFrom215() throws Exception {
    var old = http.compute("2.12", "POST", "/compute/v2.1/os-server-groups", alice.token(),
        "{\"server_group\":{\"name\":\"old\",\"policies\":[\"affinity\"]}}");
    assertEquals(200, old.status(), old.raw().body());
    assertFalse(old.json().path("server_group").has("project_id"));
    assertFalse(old.json().path("server_group").has("user_id"));
    String oldId = old.json().path("server_group").path("id").asText();
    JsonNode shown = http.compute("2.13", "GET", "/compute/v2.1/os-server-groups/" + oldId, alice.token(), null).json();
    assertEquals(alice.projectId(), shown.path("server_group").path("project_id").asText());
    assertEquals(alice.userId(), shown.path("server_group").path("user_id").asText());

    assertEquals(400, http.compute("2.14", "POST", "/compute/v2.1/os-server-groups", alice.token(),
        "{\"server_group\":{\"name\":\"soft\",\"policies\":[\"soft-anti-affinity\"]}}").status());
    var soft = http.compute("2.15", "POST", "/compute/v2.1/os-server-groups", alice.token(),
        "{\"server_group\":{\"name\":\"soft\",\"policies\":[\"soft-anti-affinity\"]}}");
    assertEquals(200, soft.status(), soft.raw().body());
    assertEquals("soft-anti-affinity", soft.json().path("server_group").path("policies").get(0).asText());
    String group = soft.json().path("server_group").path("id").asText();

    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = boot("soft-" + i, "},\"os:scheduler_hints\":{\"group\":\"" + group + "\"");
      active(id);
      hosts.add(asAdmin("2.1", id).path("OS-EXT-SRV-ATTR:host").asText());
    }
    assertEquals(2, new HashSet<>(hosts.subList(0, 2)).size(), "apart while there are hosts for it: " + hosts);
    assertEquals(3, http.compute("2.15", "GET", "/compute/v2.1/os-server-groups/" + group, alice.token(), null).json()
        .path("server_group").path("members").size(), "the third was placed, not refused: " + hosts);

    // the weigher alone spreads servers over the hosts by free RAM: only the policy keeps these together
    String together = http.compute("2.15", "POST", "/compute/v2.1/os-server-groups", alice.token(),
        "{\"server_group\":{\"name\":\"together\",\"policies\":[\"soft-affinity\"]}}").json()
        .path("server_group").path("id").asText();
    Set<String> sameHost = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      String id = boot("close-" + i, "},\"os:scheduler_hints\":{\"group\":\"" + together + "\"");
      active(id);
      sameHost.add(asAdmin("2.1", id).path("OS-EXT-SRV-ATTR:host").asText());
    }
    assertEquals(1, sameHost.size(), "soft-affinity keeps the group on one host while it has room: " + sameHost);
  }

  @Test
  void adminsSeeTheExtendedAttributesFrom23TheLockFrom29AndTheHostStatusFrom216() throws Exception {
    String userData = Base64.getEncoder().encodeToString("#!/bin/sh\necho hi\n".getBytes());
    String id = boot("web-attrs", ",\"user_data\":\"" + userData + "\"");
    active(id);

    JsonNode at21 = asAdmin("2.1", id);
    assertFalse(at21.has("OS-EXT-SRV-ATTR:reservation_id"));
    assertFalse(at21.has("locked"));
    assertFalse(at21.has("host_status"));
    JsonNode at23 = asAdmin("2.3", id);
    assertTrue(at23.path("OS-EXT-SRV-ATTR:reservation_id").asText().matches("r-[a-z0-9]{8}"), at23.toString());
    assertEquals(0, at23.path("OS-EXT-SRV-ATTR:launch_index").asInt());
    assertEquals("web-attrs", at23.path("OS-EXT-SRV-ATTR:hostname").asText());
    assertEquals(userData, at23.path("OS-EXT-SRV-ATTR:user_data").asText());
    assertEquals("/dev/vda", at23.path("OS-EXT-SRV-ATTR:root_device_name").asText());
    JsonNode own = http.compute("2.16", "GET", "/compute/v2.1/servers/" + id, alice.token(), null).json().path("server");
    assertFalse(own.has("OS-EXT-SRV-ATTR:user_data"), "the extended attributes are for admins");
    assertFalse(own.has("host_status"), "so is the host's status");
    assertFalse(own.path("locked").asBoolean(true));
    assertEquals("UP", asAdmin("2.16", id).path("host_status").asText());
    assertFalse(asAdmin("2.15", id).has("host_status"));
    JsonNode detail = http.compute("2.16", "GET", "/compute/v2.1/servers/detail?all_tenants=1", admin.token(), null).json();
    for (JsonNode s : detail.path("servers")) assertTrue(s.has("host_status"), s.toString());

    var updated = http.compute("2.9", "PUT", "/compute/v2.1/servers/" + id, alice.token(), "{\"server\":{\"name\":\"web-2\"}}");
    assertEquals(200, updated.status(), updated.raw().body());
    assertEquals("web-2", updated.json().path("server").path("name").asText());
    assertTrue(updated.json().path("server").has("locked"));
    assertFalse(updated.json().path("server").has("OS-EXT-STS:vm_state"), "an update answers without the extensions");
  }

  @Test
  void aHostForcedDownIsDownForItsServersAndTheSchedulerUntilTheOperatorLiftsIt() throws Exception {
    String id = boot("fenced", "");
    active(id);
    String host = asAdmin("2.1", id).path("OS-EXT-SRV-ATTR:host").asText();
    String body = "{\"host\":\"" + host + "\",\"binary\":\"nova-compute\"";

    assertEquals(404, http.compute("2.10", "PUT", "/compute/v2.1/os-services/force-down", admin.token(),
        body + ",\"forced_down\":true}").status(), "force-down is 2.11's");
    assertEquals(400, http.compute("2.11", "PUT", "/compute/v2.1/os-services/force-down", admin.token(),
        body + ",\"forced_down\":\"maybe\"}").status());
    assertEquals(403, http.compute("2.11", "PUT", "/compute/v2.1/os-services/force-down", alice.token(),
        body + ",\"forced_down\":true}").status());
    var forced = http.compute("2.11", "PUT", "/compute/v2.1/os-services/force-down", admin.token(),
        body + ",\"forced_down\":true}");
    assertEquals(200, forced.status(), forced.raw().body());
    assertTrue(forced.json().path("service").path("forced_down").asBoolean());
    try {
      assertEquals("DOWN", asAdmin("2.16", id).path("host_status").asText());
      JsonNode services = http.compute("2.11", "GET", "/compute/v2.1/os-services", admin.token(), null).json();
      for (JsonNode s : services.path("services")) {
        boolean fenced = s.path("host").asText().equals(host);
        assertEquals(fenced, s.path("forced_down").asBoolean(), s.toString());
        if (fenced) assertEquals("down", s.path("state").asText(), "a forced-down service is down whatever its heartbeats");
      }
      assertFalse(http.compute("2.10", "GET", "/compute/v2.1/os-services", admin.token(), null).json()
          .path("services").get(0).has("forced_down"));
      for (int i = 0; i < 3; i++) {
        String other = boot("while-fenced-" + i, "");
        active(other);
        assertFalse(host.equals(asAdmin("2.1", other).path("OS-EXT-SRV-ATTR:host").asText()), "no new server on a fenced host");
      }

      assertEquals(200, http.compute("2.11", "PUT", "/compute/v2.1/os-services/disable", admin.token(), body + "}").status());
      assertEquals("DOWN", asAdmin("2.16", id).path("host_status").asText(), "forced down outweighs disabled");
    } finally {
      assertEquals(200, http.compute("2.11", "PUT", "/compute/v2.1/os-services/force-down", admin.token(),
          body + ",\"forced_down\":false}").status());
    }
    assertEquals("MAINTENANCE", asAdmin("2.16", id).path("host_status").asText(), "still disabled");
    assertEquals(200, http.compute("2.11", "PUT", "/compute/v2.1/os-services/enable", admin.token(), body + "}").status());
    assertEquals("UP", asAdmin("2.16", id).path("host_status").asText());
  }

  @Test
  void aMultipleCreateIsOneReservationWithEachServersPlaceInIt() throws Exception {
    var r = http.send("POST", "/compute/v2.1/servers", alice.token(), "{\"server\":{\"name\":\"multi\",\"imageRef\":\""
        + imageId + "\",\"flavorRef\":\"1\",\"networks\":[],\"min_count\":2,\"max_count\":2,\"return_reservation_id\":true}}");
    assertEquals(202, r.status(), r.raw().body());
    String reservation = r.json().path("reservation_id").asText();
    assertTrue(reservation.matches("r-[a-z0-9]{8}"), r.raw().body());
    JsonNode servers = http.await(admin.token(), "/compute/v2.1/servers/detail?all_tenants=1&name=%5Emulti-", s ->
        s.path("servers").size() == 2);
    List<Integer> indexes = new ArrayList<>();
    for (JsonNode s : servers.path("servers")) {
      JsonNode shown = asAdmin("2.3", s.path("id").asText());
      assertEquals(reservation, shown.path("OS-EXT-SRV-ATTR:reservation_id").asText());
      indexes.add(shown.path("OS-EXT-SRV-ATTR:launch_index").asInt());
    }
    indexes.sort(null);
    assertEquals(List.of(0, 1), indexes);
    JsonNode sorted = http.compute("2.3", "GET", "/compute/v2.1/servers/detail?all_tenants=1&name=%5Emulti-"
        + "&sort_key=launch_index&sort_dir=asc", admin.token(), null).json();
    assertEquals("multi-1", sorted.path("servers").get(0).path("name").asText(), sorted.toString());
  }

  @Test
  void remoteConsolesAreCheckedAsNovaChecksThemAndNoHostOffersOne() throws Exception {
    String id = boot("console", "");
    active(id);
    String vnc = "{\"remote_console\":{\"protocol\":\"vnc\",\"type\":\"novnc\"}}";
    assertEquals(404, http.compute("2.5", "POST", "/compute/v2.1/servers/" + id + "/remote-consoles", alice.token(), vnc)
        .status(), "remote-consoles is 2.6's");
    var unavailable = http.compute("2.6", "POST", "/compute/v2.1/servers/" + id + "/remote-consoles", alice.token(), vnc);
    assertEquals(400, unavailable.status());
    assertEquals("Unavailable console type novnc.", unavailable.json().path("badRequest").path("message").asText());
    String mks = "{\"remote_console\":{\"protocol\":\"mks\",\"type\":\"webmks\"}}";
    assertTrue(http.compute("2.6", "POST", "/compute/v2.1/servers/" + id + "/remote-consoles", alice.token(), mks)
        .json().path("badRequest").path("message").asText().contains("protocol"), "mks is 2.8's");
    assertEquals("Unavailable console type webmks.", http.compute("2.8", "POST", "/compute/v2.1/servers/" + id
        + "/remote-consoles", alice.token(), mks).json().path("badRequest").path("message").asText());
    assertEquals(400, http.compute("2.6", "POST", "/compute/v2.1/servers/" + id + "/remote-consoles", alice.token(),
        "{\"remote_console\":{\"protocol\":\"vnc\",\"type\":\"spice-html5\"}}").status());
    assertEquals(404, http.compute("2.6", "POST", "/compute/v2.1/servers/" + id + "/remote-consoles", carol.token(), vnc)
        .status(), "another project's server");
    assertEquals(400, http.send("POST", "/compute/v2.1/servers/" + id + "/action", alice.token(),
        "{\"os-getVNCConsole\":{\"type\":\"novnc\"}}").status());
  }

  @Test
  void aPublicFlavorsAccessIsAConflictFrom27AndIp6FiltersForEveryoneFrom25() throws Exception {
    var conflict = http.compute("2.7", "POST", "/compute/v2.1/flavors/1/action", admin.token(),
        "{\"addTenantAccess\":{\"tenant\":\"" + alice.projectId() + "\"}}");
    assertEquals(409, conflict.status(), conflict.raw().body());

    String id = boot("ip4-only", "");
    active(id);
    JsonNode ignored = http.compute("2.4", "GET", "/compute/v2.1/servers?ip6=fd00", alice.token(), null).json();
    assertTrue(ignored.path("servers").size() > 0, "before 2.5 a member's ip6 filter is dropped");
    JsonNode filtered = http.compute("2.5", "GET", "/compute/v2.1/servers?ip6=fd00", alice.token(), null).json();
    assertEquals(0, filtered.path("servers").size(), filtered.toString());
  }
}
