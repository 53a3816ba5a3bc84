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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A server's life over HTTP against a real broker, database and two simulated hosts: create →
 * BUILD → ACTIVE with an address from the subnet on a host, hidden from another project, deleted
 * with its port and claim released; bad requests refused with nothing left allocated; a boot no
 * host can take ends in ERROR with a fault and gives its quota back.
 */
@ExtendWith(SkyTestKit.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerLifecycleTest {
  static final Map<String, String> OCTETS = Map.of("Content-Type", "application/octet-stream");
  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped carol;
  static String imageId;
  static String networkId;

  @BeforeAll
  static void start(TestEnvironment env) throws Exception {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    cloud.startSimulatedHosts(2, Map.of("SKY_HOST_HEARTBEAT_SECONDS", "1", "SKY_SIM_HOST_VCPUS", "4",
        "SKY_SIM_HOST_RAM_MB", "8192", "SKY_SIM_HOST_DISK_GB", "200", "SKY_SIM_SPAWN_MS", "50"));
    alice = admin.userWithRole("srv-alice", "member");
    carol = admin.userWithRole("srv-carol", "member");

    var image = http.send("POST", "/image/v2/images", alice.token(),
        "{\"name\":\"cirros\",\"disk_format\":\"raw\",\"container_format\":\"bare\",\"min_disk\":1}");
    assertEquals(201, image.status(), image.raw().body());
    imageId = image.json().path("id").asText();
    byte[] data = new byte[1 << 20];
    new java.util.Random(7).nextBytes(data);
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + imageId + "/file", alice.token(), data, OCTETS).statusCode());

    var net = http.send("POST", "/network/v2.0/networks", alice.token(), "{\"network\":{\"name\":\"private\"}}");
    networkId = net.json().path("network").path("id").asText();
    var subnet = http.send("POST", "/network/v2.0/subnets", alice.token(), "{\"subnet\":{\"network_id\":\"" + networkId
        + "\",\"cidr\":\"10.9.0.0/24\",\"ip_version\":4}}");
    assertEquals(201, subnet.status(), subnet.raw().body());
    await(admin.token(), "/compute/v2.1/os-hypervisors/detail", h -> h.path("hypervisors").size() == 2
        && h.path("hypervisors").get(0).path("state").asText().equals("up"));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  static JsonNode await(String token, String path, Predicate<JsonNode> until) throws InterruptedException {
    return http.await(token, path, until);
  }

  static int awaitStatus(String token, String path, int status) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int last = 0;
    while (System.nanoTime() < deadline) {
      last = http.send("GET", path, token, null).status();
      if (last == status) return last;
      Thread.sleep(100);
    }
    throw new AssertionError("GET " + path + " did not answer " + status + " in 30 s (last " + last + ")");
  }

  static String body(String name, String flavor, String extra) {
    return "{\"server\":{\"name\":\"" + name + "\",\"imageRef\":\"" + imageId + "\",\"flavorRef\":\"" + flavor
        + "\",\"networks\":[{\"uuid\":\"" + networkId + "\"}]" + extra + "}}";
  }

  static int ports(String token) {
    return http.send("GET", "/network/v2.0/ports?device_owner=compute:nova", token, null).json().path("ports").size();
  }

  /** First, while the hosts are empty: what the host reports is exactly this server, and then nothing. */
  @Test
  @Order(1)
  void aServerBootsToActiveWithAnAddressIsHiddenFromOthersAndIsDeletedWithItsPort() throws Exception {
    var created = http.send("POST", "/compute/v2.1/servers", alice.token(), body("web-1", "1",
        ",\"accessIPv4\":\"192.0.2.10\",\"metadata\":{\"role\":\"web\"},\"user_data\":\"" + Base64.getEncoder().encodeToString("#!/bin/sh\necho hi\n".getBytes()) + "\""));
    assertEquals(202, created.status(), created.raw().body());
    String id = created.json().path("server").path("id").asText();
    assertEquals("default", created.json().path("server").path("security_groups").get(0).path("name").asText());

    var first = http.send("GET", "/compute/v2.1/servers/" + id, alice.token(), null);
    assertEquals(200, first.status(), "read-your-writes: the server is there at once");
    JsonNode server = await(alice.token(), "/compute/v2.1/servers/" + id,
        s -> s.path("server").path("status").asText().equals("ACTIVE")).path("server");
    assertEquals("web-1", server.path("name").asText());
    assertEquals("active", server.path("OS-EXT-STS:vm_state").asText());
    assertEquals(1, server.path("OS-EXT-STS:power_state").asInt());
    assertEquals("web", server.path("metadata").path("role").asText());
    String addr = server.path("addresses").path("private").get(0).path("addr").asText();
    assertTrue(addr.startsWith("10.9.0."), server.toString());
    assertFalse(server.has("OS-EXT-SRV-ATTR:host"), "the host is for admins");
    assertEquals("192.0.2.10", server.path("accessIPv4").asText());
    assertEquals("", server.path("accessIPv6").asText());
    var updated = http.send("PUT", "/compute/v2.1/servers/" + id, alice.token(), "{\"server\":{\"accessIPv6\":\"2001:0db8:0:0:0:0:0:0010\"}}");
    assertEquals(200, updated.status(), updated.raw().body());
    assertEquals("2001:db8::10", updated.json().path("server").path("accessIPv6").asText());
    assertEquals("192.0.2.10", updated.json().path("server").path("accessIPv4").asText());
    assertEquals("web-1", updated.json().path("server").path("name").asText());
    var ips = http.send("GET", "/compute/v2.1/servers/" + id + "/ips", alice.token(), null);
    assertEquals(addr, ips.json().path("addresses").path("private").get(0).path("addr").asText(), ips.raw().body());
    assertEquals(addr, http.send("GET", "/compute/v2.1/servers/" + id + "/ips/private", alice.token(), null).json()
        .path("private").get(0).path("addr").asText());
    assertEquals(404, http.send("GET", "/compute/v2.1/servers/" + id + "/ips/elsewhere", alice.token(), null).status());
    assertEquals(404, http.send("GET", "/compute/v2.1/servers/" + id + "/ips", carol.token(), null).status());
    assertFalse(server.path("hostId").asText().isEmpty());

    var asAdmin = http.send("GET", "/compute/v2.1/servers/" + id, admin.token(), null).json().path("server");
    String host = asAdmin.path("OS-EXT-SRV-ATTR:host").asText();
    assertTrue(host.startsWith("compute-"), asAdmin.toString());
    JsonNode onHost = http.send("GET", "/compute/v2.1/os-hypervisors/" + host + "/servers", admin.token(), null).json();
    assertTrue(onHost.toString().contains(id), onHost.toString());

    var port = http.send("GET", "/network/v2.0/ports?device_id=" + id, alice.token(), null).json().path("ports").get(0);
    assertEquals(addr, port.path("fixed_ips").get(0).path("ip_address").asText());
    assertEquals("compute:nova", port.path("device_owner").asText());

    assertEquals(404, http.send("GET", "/compute/v2.1/servers/" + id, carol.token(), null).status());
    assertEquals(0, http.send("GET", "/compute/v2.1/servers/detail", carol.token(), null).json().path("servers").size());
    assertEquals(404, http.send("DELETE", "/compute/v2.1/servers/" + id, carol.token(), null).status());
    assertEquals(404, http.send("GET", "/compute/v2.1/servers/web-1", alice.token(), null).status(),
        "a name is not an id: clients then list with ?name=");
    var byName = http.send("GET", "/compute/v2.1/servers?name=web-1", alice.token(), null).json().path("servers");
    assertEquals(id, byName.get(0).path("id").asText());

    assertEquals(512, memoryUsed(host), "the host reports the server's memory (m1.tiny)");
    assertEquals(204, http.send("DELETE", "/compute/v2.1/servers/" + id, alice.token(), null).status());
    awaitStatus(alice.token(), "/compute/v2.1/servers/" + id, 404);
    assertEquals(0, http.send("GET", "/network/v2.0/ports?device_id=" + id, alice.token(), null).json().path("ports").size(),
        "the port is released");
    await(admin.token(), "/compute/v2.1/os-hypervisors/detail", h -> {
      for (JsonNode x : h.path("hypervisors")) {
        if (x.path("hypervisor_hostname").asText().equals(host)) return x.path("memory_mb_used").asInt() == 0;
      }
      return false;
    });
  }

  /** What a host's heartbeats say it uses, once they report at least one server there. */
  static int memoryUsed(String host) throws InterruptedException {
    JsonNode h = await(admin.token(), "/compute/v2.1/os-hypervisors/detail", d -> {
      for (JsonNode x : d.path("hypervisors")) {
        if (x.path("hypervisor_hostname").asText().equals(host) && x.path("memory_mb_used").asInt() > 0) return true;
      }
      return false;
    });
    for (JsonNode x : h.path("hypervisors")) if (x.path("hypervisor_hostname").asText().equals(host)) return x.path("memory_mb_used").asInt();
    throw new AssertionError(host);
  }

  @Test
  void aServerBootsOnTheTenantsOwnPortWhichOutlivesItUnbound() throws Exception {
    var created = http.send("POST", "/network/v2.0/ports", alice.token(), "{\"port\":{\"network_id\":\"" + networkId
        + "\",\"name\":\"mine\",\"fixed_ips\":[{\"ip_address\":\"10.9.0.77\"}]}}");
    assertEquals(201, created.status(), created.raw().body());
    String portId = created.json().path("port").path("id").asText();
    String onPort = "{\"server\":{\"name\":\"on-port\",\"imageRef\":\"" + imageId + "\",\"flavorRef\":\"1\","
        + "\"networks\":[{\"port\":\"" + portId + "\"}]%s}}";

    // carol may use the image (community), but not alice's port
    String patch = "application/openstack-images-v2.1-json-patch";
    assertEquals(200, http.send("PATCH", "/image/v2/images/" + imageId, alice.token(),
        "[{\"op\":\"replace\",\"path\":\"/visibility\",\"value\":\"community\"}]", patch).status());
    var refused = http.send("POST", "/compute/v2.1/servers", carol.token(), String.format(onPort, ""));
    assertEquals(200, http.send("PATCH", "/image/v2/images/" + imageId, alice.token(),
        "[{\"op\":\"replace\",\"path\":\"/visibility\",\"value\":\"private\"}]", patch).status());
    assertEquals(400, refused.status(), "another project's port cannot be found: " + refused.raw().body());
    assertTrue(refused.raw().body().contains("Port " + portId + " could not be found."), refused.raw().body());
    var many = http.send("POST", "/compute/v2.1/servers", alice.token(), String.format(onPort, ",\"max_count\":2"));
    assertEquals(400, many.status(), many.raw().body());
    assertTrue(many.json().path("badRequest").path("message").asText().contains("single configured port"), many.raw().body());

    var boot = http.send("POST", "/compute/v2.1/servers", alice.token(), String.format(onPort, ""));
    assertEquals(202, boot.status(), boot.raw().body());
    String id = boot.json().path("server").path("id").asText();
    JsonNode server = await(alice.token(), "/compute/v2.1/servers/" + id,
        x -> x.path("server").path("status").asText().equals("ACTIVE")).path("server");
    assertEquals("10.9.0.77", server.path("addresses").path("private").get(0).path("addr").asText(), server.toString());
    JsonNode bound = http.send("GET", "/network/v2.0/ports/" + portId, admin.token(), null).json().path("port");
    assertEquals(id, bound.path("device_id").asText());
    assertEquals("compute:nova", bound.path("device_owner").asText());
    assertTrue(bound.path("binding:host_id").asText().startsWith("compute-"), bound.toString());

    var taken = http.send("POST", "/compute/v2.1/servers", alice.token(), String.format(onPort, ""));
    assertEquals(409, taken.status(), taken.raw().body());
    assertTrue(taken.raw().body().contains("Port " + portId + " is still in use."), taken.raw().body());

    assertEquals(204, http.send("DELETE", "/compute/v2.1/servers/" + id, alice.token(), null).status());
    awaitStatus(alice.token(), "/compute/v2.1/servers/" + id, 404);
    JsonNode kept = await(admin.token(), "/network/v2.0/ports/" + portId,
        x -> x.path("port").path("device_id").asText().isEmpty()).path("port");
    assertEquals("", kept.path("device_owner").asText(), "the tenant's port is unbound, not deleted");
    assertEquals("", kept.path("binding:host_id").asText());
    assertEquals("10.9.0.77", kept.path("fixed_ips").get(0).path("ip_address").asText(), "and keeps its address");
  }

  @Test
  void badRequestsAreRefusedWithNovasBodyAndLeaveNothingAllocated() {
    int before = ports(alice.token());
    record Case(String body, String mentions) {}
    List<Case> cases = List.of(
        new Case(body("x", "no-such-flavor", ""), "flavorRef"),
        new Case(body("x", "1", "").replace(imageId, "00000000-0000-0000-0000-000000000000"), "imageRef"),
        new Case(body("x", "1", "").replace(networkId, "00000000-0000-0000-0000-000000000001"), "networks"),
        new Case(body("x", "1", ",\"key_name\":\"nope\""), "key_name"),
        new Case(body("x", "1", ",\"user_data\":\"not base64!!\""), "base 64"),
        new Case(body("x", "1", ",\"user_data\":\"" + "A".repeat(70000) + "\""), "User data too large"),
        new Case(body("x", "1", ",\"min_count\":3,\"max_count\":2"), "min_count"),
        new Case(body("", "1", ""), "name"),
        new Case(body("x", "1", ",\"bogus\":1"), "bogus"),
        new Case(body("x", "1", ",\"accessIPv4\":\"2001:db8::1\""), "accessIPv4"),
        new Case(body("x", "1", ",\"accessIPv6\":\"1.2.3\""), "accessIPv6"));
    List<String> wrong = new ArrayList<>();
    for (Case c : cases) {
      var r = http.send("POST", "/compute/v2.1/servers", alice.token(), c.body());
      String message = r.json() == null ? "" : r.json().path("badRequest").path("message").asText();
      if (r.status() != 400 || !message.contains(c.mentions())) wrong.add(c.mentions() + " → " + r.status() + " " + r.raw().body());
    }
    assertEquals(List.of(), wrong);

    var tooSmall = http.send("POST", "/compute/v2.1/servers", alice.token(), body("x", "1", ""));
    assertEquals(202, tooSmall.status(), "m1.tiny has 1 GB, the image needs min_disk 1: it fits");
    var small = http.send("PATCH", "/image/v2/images/" + imageId, alice.token(),
        "[{\"op\":\"replace\",\"path\":\"/min_disk\",\"value\":2}]", "application/openstack-images-v2.1-json-patch");
    assertEquals(200, small.status(), small.raw().body());
    var refused = http.send("POST", "/compute/v2.1/servers", alice.token(), body("x", "1", ""));
    assertEquals(400, refused.status());
    assertTrue(refused.json().path("badRequest").path("message").asText().contains("min_disk"), refused.raw().body());
    http.send("PATCH", "/image/v2/images/" + imageId, alice.token(),
        "[{\"op\":\"replace\",\"path\":\"/min_disk\",\"value\":1}]", "application/openstack-images-v2.1-json-patch");
    http.send("DELETE", "/compute/v2.1/servers/" + tooSmall.json().path("server").path("id").asText(), alice.token(), null);
    assertTrue(ports(alice.token()) <= before + 1);
  }

  @Test
  void aBootBeyondTheQuotaIsRefusedAndOneNoHostCanTakeEndsInErrorWithItsQuotaBack() throws Exception {
    KeystoneAdmin.Scoped dave = admin.userWithRole("srv-dave", "member");
    var quota = http.send("PUT", "/compute/v2.1/os-quota-sets/" + dave.projectId(), admin.token(),
        "{\"quota_set\":{\"instances\":1,\"ram\":-1}}");
    assertEquals(200, quota.status(), quota.raw().body());
    var flavor = http.send("POST", "/compute/v2.1/flavors", admin.token(),
        "{\"flavor\":{\"name\":\"huge\",\"vcpus\":4,\"ram\":100000,\"disk\":10}}");
    assertEquals(200, flavor.status(), flavor.raw().body());
    String huge = flavor.json().path("flavor").path("id").asText();
    String shared = http.send("POST", "/network/v2.0/networks", admin.token(),
        "{\"network\":{\"name\":\"shared-net\",\"shared\":true}}").json().path("network").path("id").asText();
    http.send("POST", "/network/v2.0/subnets", admin.token(), "{\"subnet\":{\"network_id\":\"" + shared
        + "\",\"cidr\":\"10.10.0.0/24\",\"ip_version\":4}}");
    var img = http.send("POST", "/image/v2/images", admin.token(),
        "{\"name\":\"public-img\",\"disk_format\":\"raw\",\"container_format\":\"bare\",\"visibility\":\"public\"}");
    String publicImage = img.json().path("id").asText();
    http.bytes("PUT", "/image/v2/images/" + publicImage + "/file", admin.token(), new byte[4096], OCTETS);
    String daveBody = "{\"server\":{\"name\":\"big\",\"imageRef\":\"" + publicImage + "\",\"flavorRef\":\"" + huge
        + "\",\"networks\":[{\"uuid\":\"" + shared + "\"}]}}";

    var created = http.send("POST", "/compute/v2.1/servers", dave.token(), daveBody);
    assertEquals(202, created.status(), created.raw().body());
    String id = created.json().path("server").path("id").asText();
    JsonNode failed = await(dave.token(), "/compute/v2.1/servers/" + id,
        s -> s.path("server").path("status").asText().equals("ERROR")).path("server");
    assertTrue(failed.path("fault").path("message").asText().startsWith("No valid host was found"), failed.toString());

    // the failed boot gave its quota back: a second server fits the quota of one (and fails the same way)
    var second = http.send("POST", "/compute/v2.1/servers", dave.token(), daveBody.replace("\"big\"", "\"big-2\""));
    assertEquals(202, second.status(), second.raw().body());
    String secondId = second.json().path("server").path("id").asText();
    await(dave.token(), "/compute/v2.1/servers/" + secondId, s -> s.path("server").path("status").asText().equals("ERROR"));

    String tiny = "{\"server\":{\"name\":\"t\",\"imageRef\":\"" + publicImage + "\",\"flavorRef\":\"1\",\"networks\":[{\"uuid\":\""
        + shared + "\"}]}}";
    var ok = http.send("POST", "/compute/v2.1/servers", dave.token(), tiny);
    assertEquals(202, ok.status(), ok.raw().body());
    var over = http.send("POST", "/compute/v2.1/servers", dave.token(), tiny.replace("\"t\"", "\"t2\""));
    assertEquals(403, over.status(), over.raw().body());
    assertEquals("Quota exceeded for instances: Requested 1, but already used 1 of 1 instances",
        over.json().path("forbidden").path("message").asText());

    assertEquals(204, http.send("DELETE", "/compute/v2.1/servers/" + id, dave.token(), null).status(), "an ERROR server is deleted");
    awaitStatus(dave.token(), "/compute/v2.1/servers/" + id, 404);
  }

  @Test
  void anAntiAffinityGroupSpreadsItsServersAndRefusesOneTooMany() throws Exception {
    KeystoneAdmin.Scoped erin = admin.userWithRole("srv-erin", "member");
    var created = http.send("POST", "/compute/v2.1/os-server-groups", erin.token(),
        "{\"server_group\":{\"name\":\"spread\",\"policies\":[\"anti-affinity\"]}}");
    assertEquals(200, created.status(), created.raw().body());
    String group = created.json().path("server_group").path("id").asText();
    assertEquals("anti-affinity", created.json().path("server_group").path("policies").get(0).asText());
    assertEquals(400, http.send("POST", "/compute/v2.1/os-server-groups", erin.token(),
        "{\"server_group\":{\"name\":\"x\",\"policies\":[\"soft-affinity\"]}}").status());
    assertEquals(404, http.send("GET", "/compute/v2.1/os-server-groups/" + group, carol.token(), null).status());

    var image = http.send("POST", "/image/v2/images", admin.token(),
        "{\"name\":\"grp-img\",\"disk_format\":\"raw\",\"container_format\":\"bare\",\"visibility\":\"public\"}");
    String img = image.json().path("id").asText();
    http.bytes("PUT", "/image/v2/images/" + img + "/file", admin.token(), new byte[2048], OCTETS);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      var r = http.send("POST", "/compute/v2.1/servers", erin.token(), "{\"server\":{\"name\":\"g" + i
          + "\",\"imageRef\":\"" + img + "\",\"flavorRef\":\"1\",\"networks\":[]},\"os:scheduler_hints\":{\"group\":\""
          + group + "\"}}");
      assertEquals(202, r.status(), r.raw().body());
      String id = r.json().path("server").path("id").asText();
      ids.add(id);
      await(erin.token(), "/compute/v2.1/servers/" + id, x -> !x.path("server").path("status").asText().equals("BUILD"));
    }
    List<String> hosts = new ArrayList<>();
    for (String id : ids.subList(0, 2)) {
      JsonNode s = http.send("GET", "/compute/v2.1/servers/" + id, admin.token(), null).json().path("server");
      assertEquals("ACTIVE", s.path("status").asText(), s.toString());
      hosts.add(s.path("OS-EXT-SRV-ATTR:host").asText());
    }
    assertFalse(hosts.get(0).equals(hosts.get(1)), "anti-affinity: " + hosts);
    JsonNode third = http.send("GET", "/compute/v2.1/servers/" + ids.get(2), erin.token(), null).json().path("server");
    assertEquals("ERROR", third.path("status").asText());
    assertTrue(third.path("fault").path("message").asText().contains("anti-affinity"), third.toString());
    JsonNode shown = http.send("GET", "/compute/v2.1/os-server-groups/" + group, erin.token(), null).json().path("server_group");
    assertEquals(3, shown.path("members").size(), "a server in ERROR is still a member until it is deleted");

    var badHint = http.send("POST", "/compute/v2.1/servers", carol.token(), "{\"server\":{\"name\":\"h\",\"imageRef\":\""
        + img + "\",\"flavorRef\":\"1\",\"networks\":[]},\"os:scheduler_hints\":{\"group\":\"" + group + "\"}}");
    assertEquals(400, badHint.status(), "another project's group is not there");
    for (String id : ids) http.send("DELETE", "/compute/v2.1/servers/" + id, erin.token(), null);
    assertEquals(204, http.send("DELETE", "/compute/v2.1/os-server-groups/" + group, erin.token(), null).status());
    assertEquals(404, http.send("GET", "/compute/v2.1/os-server-groups/" + group, erin.token(), null).status());
  }
}
