package dev.skyledger.ops.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Networks, subnets and ports over HTTP, as Neutron v2.0 answers them. */
@ExtendWith(SkyTestKit.class)
class NetworkApiTest {
  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped bob;

  @BeforeAll
  static void start(TestEnvironment env) {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    alice = admin.userWithRole("net-alice", "member");
    bob = admin.userWithRole("net-bob", "member");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  static JsonNode create(String token, String collection, String body) {
    var r = http.send("POST", "/network/v2.0/" + collection, token, body);
    assertEquals(201, r.status(), r.raw().body());
    return r.json().elements().next();
  }

  static String network(String token, String name) {
    return create(token, "networks", "{\"network\":{\"name\":\"" + name + "\"}}").path("id").asText();
  }

  static String subnet(String token, String network, String cidr) {
    return create(token, "subnets", "{\"subnet\":{\"network_id\":\"" + network + "\",\"cidr\":\"" + cidr + "\",\"ip_version\":4}}")
        .path("id").asText();
  }

  @Test
  void bulkCreatesEveryItemOrNone() {
    String a = network(alice.token(), "bulk-a");
    String b = network(alice.token(), "bulk-b");
    var nets = http.send("POST", "/network/v2.0/networks", alice.token(),
        "{\"networks\":[{\"name\":\"bulk-1\"},{\"name\":\"bulk-2\",\"admin_state_up\":false}]}");
    assertEquals(201, nets.status(), nets.raw().body());
    assertEquals(2, nets.json().path("networks").size());
    assertEquals("bulk-2", nets.json().path("networks").path(1).path("name").asText());
    assertFalse(nets.json().path("networks").path(1).path("admin_state_up").asBoolean());
    var subs = http.send("POST", "/network/v2.0/subnets", alice.token(), "{\"subnets\":[{\"network_id\":\"" + a
        + "\",\"cidr\":\"10.31.0.0/24\",\"ip_version\":4},{\"network_id\":\"" + b + "\",\"cidr\":\"10.32.0.0/24\",\"ip_version\":4}]}");
    assertEquals(201, subs.status(), subs.raw().body());
    assertEquals(b, subs.json().path("subnets").path(1).path("network_id").asText());
    var ports = http.send("POST", "/network/v2.0/ports", alice.token(), "{\"ports\":[{\"network_id\":\"" + a
        + "\"},{\"network_id\":\"" + b + "\",\"name\":\"second\"}]}");
    assertEquals(201, ports.status(), ports.raw().body());
    assertEquals("10.32.0.2", ports.json().path("ports").path(1).path("fixed_ips").path(0).path("ip_address").asText());

    // the second port asks for an address the first one of this request takes: the first is given back
    var refused = http.send("POST", "/network/v2.0/ports", alice.token(), "{\"ports\":[{\"network_id\":\"" + a
        + "\",\"name\":\"undone\",\"fixed_ips\":[{\"ip_address\":\"10.31.0.50\"}]},{\"network_id\":\"" + a
        + "\",\"fixed_ips\":[{\"ip_address\":\"10.31.0.50\"}]}]}");
    assertEquals(409, refused.status(), refused.raw().body());
    assertEquals("IpAddressAlreadyAllocated", refused.json().path("NeutronError").path("type").asText());
    assertEquals(0, http.send("GET", "/network/v2.0/ports?name=undone", alice.token(), null).json().path("ports").size());

    // an item that is not valid refuses the whole request before anything is created
    var invalid = http.send("POST", "/network/v2.0/networks", alice.token(),
        "{\"networks\":[{\"name\":\"never\"},{\"name\":\"bad\",\"mtu\":1}]}");
    assertEquals(400, invalid.status(), invalid.raw().body());
    assertEquals(0, http.send("GET", "/network/v2.0/networks?name=never", alice.token(), null).json().path("networks").size());
    assertEquals(400, http.send("POST", "/network/v2.0/networks", alice.token(), "{\"networks\":[]}").status());
    assertEquals(400, http.send("POST", "/network/v2.0/networks", alice.token(), "{\"networks\":[\"x\"]}").status());
  }

  @Test
  void versionDiscoveryAndExtensions() {
    var versions = http.send("GET", "/network", null, null);
    assertEquals(200, versions.status());
    assertEquals("v2.0", versions.json().path("versions").path(0).path("id").asText());
    var ext = http.send("GET", "/network/v2.0/extensions", alice.token(), null);
    assertEquals(200, ext.status());
    assertTrue(ext.raw().body().contains("external-net"));
  }

  @Test
  void networkSubnetPortLifecycle() {
    String net = network(alice.token(), "life");
    JsonNode sub = create(alice.token(), "subnets", "{\"subnet\":{\"network_id\":\"" + net
        + "\",\"cidr\":\"10.10.0.0/24\",\"ip_version\":4,\"name\":\"life-sub\",\"dns_nameservers\":[\"8.8.8.8\"]}}");
    assertEquals("10.10.0.1", sub.path("gateway_ip").asText());
    assertEquals("10.10.0.2", sub.path("allocation_pools").path(0).path("start").asText());
    assertEquals("10.10.0.254", sub.path("allocation_pools").path(0).path("end").asText());
    JsonNode port = create(alice.token(), "ports", "{\"port\":{\"network_id\":\"" + net + "\",\"name\":\"p1\"}}");
    assertEquals("10.10.0.2", port.path("fixed_ips").path(0).path("ip_address").asText());
    assertTrue(port.path("mac_address").asText().startsWith("fa:16:3e:"));
    assertEquals("DOWN", port.path("status").asText());
    var shown = http.send("GET", "/network/v2.0/networks/" + net, alice.token(), null);
    assertEquals(sub.path("id").asText(), shown.json().path("network").path("subnets").path(0).asText());

    var inUse = http.send("DELETE", "/network/v2.0/networks/" + net, alice.token(), null);
    assertEquals(409, inUse.status());
    assertEquals("NetworkInUse", inUse.json().path("NeutronError").path("type").asText());

    var renamed = http.send("PUT", "/network/v2.0/ports/" + port.path("id").asText(), alice.token(), "{\"port\":{\"name\":\"p1b\"}}");
    assertEquals(200, renamed.status(), renamed.raw().body());
    assertEquals("p1b", renamed.json().path("port").path("name").asText());
    assertEquals(2, renamed.json().path("port").path("revision_number").asInt());

    assertEquals(204, http.send("DELETE", "/network/v2.0/ports/" + port.path("id").asText(), alice.token(), null).status());
    assertEquals(204, http.send("DELETE", "/network/v2.0/networks/" + net, alice.token(), null).status());
    assertEquals(404, http.send("GET", "/network/v2.0/networks/" + net, alice.token(), null).status());
    assertEquals(404, http.send("GET", "/network/v2.0/subnets/" + sub.path("id").asText(), alice.token(), null).status());
  }

  @Test
  void requestedAddressesAndMacsAreUniqueAndReleasedOnesComeBack() {
    String net = network(alice.token(), "addr");
    String sub = subnet(alice.token(), net, "10.20.0.0/24");
    JsonNode fixed = create(alice.token(), "ports", "{\"port\":{\"network_id\":\"" + net
        + "\",\"fixed_ips\":[{\"ip_address\":\"10.20.0.50\"}],\"mac_address\":\"fa:16:3e:00:00:01\"}}");
    assertEquals("10.20.0.50", fixed.path("fixed_ips").path(0).path("ip_address").asText());
    assertEquals(sub, fixed.path("fixed_ips").path(0).path("subnet_id").asText());
    var taken = http.send("POST", "/network/v2.0/ports", alice.token(), "{\"port\":{\"network_id\":\"" + net
        + "\",\"fixed_ips\":[{\"ip_address\":\"10.20.0.50\"}]}}");
    assertEquals(409, taken.status());
    assertEquals("IpAddressAlreadyAllocated", taken.json().path("NeutronError").path("type").asText());
    var mac = http.send("POST", "/network/v2.0/ports", alice.token(), "{\"port\":{\"network_id\":\"" + net
        + "\",\"mac_address\":\"FA:16:3E:00:00:01\"}}");
    assertEquals(409, mac.status());
    assertEquals("MacAddressInUse", mac.json().path("NeutronError").path("type").asText());
    var outside = http.send("POST", "/network/v2.0/ports", alice.token(), "{\"port\":{\"network_id\":\"" + net
        + "\",\"fixed_ips\":[{\"subnet_id\":\"" + sub + "\",\"ip_address\":\"10.99.0.5\"}]}}");
    assertEquals(400, outside.status());
    assertEquals(204, http.send("DELETE", "/network/v2.0/ports/" + fixed.path("id").asText(), alice.token(), null).status());
    JsonNode again = create(alice.token(), "ports", "{\"port\":{\"network_id\":\"" + net
        + "\",\"fixed_ips\":[{\"ip_address\":\"10.20.0.50\"}],\"mac_address\":\"fa:16:3e:00:00:01\"}}");
    assertEquals("10.20.0.50", again.path("fixed_ips").path(0).path("ip_address").asText());
  }

  @Test
  void badSubnetsAreRefusedWithNeutronErrors() {
    String net = network(alice.token(), "bad");
    String[][] cases = {
        {"{\"subnet\":{\"network_id\":\"" + net + "\",\"cidr\":\"10.0.0.300/24\",\"ip_version\":4}}", "400"},
        {"{\"subnet\":{\"network_id\":\"" + net + "\",\"cidr\":\"10.0.0.5/24\",\"ip_version\":4}}", "400"},
        {"{\"subnet\":{\"network_id\":\"" + net + "\",\"cidr\":\"10.0.0.0/24\",\"ip_version\":4,\"gateway_ip\":\"10.1.0.1\"}}", "400"},
        {"{\"subnet\":{\"network_id\":\"" + net + "\",\"cidr\":\"10.0.0.0/24\",\"ip_version\":4,\"allocation_pools\":"
            + "[{\"start\":\"10.0.0.10\",\"end\":\"10.0.0.20\"},{\"start\":\"10.0.0.15\",\"end\":\"10.0.0.30\"}]}}", "400"},
        {"{\"subnet\":{\"network_id\":\"" + net + "\",\"cidr\":\"10.0.0.0/24\",\"ip_version\":6}}", "400"},
        {"{\"subnet\":{\"network_id\":\"" + net + "\",\"cidr\":\"10.0.0.0/24\",\"bogus\":1}}", "400"},
        {"{\"subnet\":{\"cidr\":\"10.0.0.0/24\"}}", "400"},
        {"{\"subnet\":{\"network_id\":\"9f0b5c1e-0000-4000-8000-000000000000\",\"cidr\":\"10.0.0.0/24\"}}", "404"},
    };
    for (String[] c : cases) {
      var r = http.send("POST", "/network/v2.0/subnets", alice.token(), c[0]);
      assertEquals(Integer.parseInt(c[1]), r.status(), c[0] + " → " + r.raw().body());
      assertFalse(r.json().path("NeutronError").path("message").asText().isEmpty(), r.raw().body());
    }
    subnet(alice.token(), net, "10.0.0.0/24");
    var overlap = http.send("POST", "/network/v2.0/subnets", alice.token(),
        "{\"subnet\":{\"network_id\":\"" + net + "\",\"cidr\":\"10.0.0.128/25\",\"ip_version\":4}}");
    assertEquals(400, overlap.status());
    assertTrue(overlap.json().path("NeutronError").path("message").asText().contains("overlaps"));
    assertEquals(0, http.send("GET", "/network/v2.0/subnets?network_id=" + net + "&cidr=10.0.0.128/25", alice.token(), null)
        .json().path("subnets").size(), "nothing half-written");
  }

  @Test
  void anotherProjectsPrivateNetworkIsInvisibleButASharedOneIsUsable() {
    String priv = network(alice.token(), "alice-private");
    assertEquals(404, http.send("GET", "/network/v2.0/networks/" + priv, bob.token(), null).status());
    var port = http.send("POST", "/network/v2.0/ports", bob.token(), "{\"port\":{\"network_id\":\"" + priv + "\"}}");
    assertEquals(404, port.status());
    assertEquals("NetworkNotFound", port.json().path("NeutronError").path("type").asText());
    var sharing = http.send("POST", "/network/v2.0/networks", alice.token(), "{\"network\":{\"name\":\"x\",\"shared\":true}}");
    assertEquals(403, sharing.status(), "only an admin shares a network");

    JsonNode shared = create(admin.token(), "networks", "{\"network\":{\"name\":\"shared-net\",\"shared\":true}}");
    subnet(admin.token(), shared.path("id").asText(), "172.16.0.0/24");
    var names = new HashSet<String>();
    http.send("GET", "/network/v2.0/networks", bob.token(), null).json().path("networks").forEach(n -> names.add(n.path("name").asText()));
    assertTrue(names.contains("shared-net"));
    assertFalse(names.contains("alice-private"));
    JsonNode bobsPort = create(bob.token(), "ports", "{\"port\":{\"network_id\":\"" + shared.path("id").asText() + "\"}}");
    assertEquals(bob.projectId(), bobsPort.path("project_id").asText());
    assertEquals(404, http.send("GET", "/network/v2.0/ports/" + bobsPort.path("id").asText(), alice.token(), null).status());
  }

  @Test
  void aPortCarriesOnlyItsOwnProjectsSecurityGroups() {
    JsonNode shared = create(admin.token(), "networks", "{\"network\":{\"name\":\"shared-sg\",\"shared\":true}}");
    String net = shared.path("id").asText();
    subnet(admin.token(), net, "172.17.0.0/24");
    // alice's default group: its id is derived from her project id, so bob can know it
    JsonNode alicesPort = create(alice.token(), "ports", "{\"port\":{\"network_id\":\"" + net + "\"}}");
    String alicesDefault = alicesPort.path("security_groups").path(0).asText();
    String alicesOwn = create(alice.token(), "security-groups", "{\"security_group\":{\"name\":\"web\"}}")
        .path("id").asText();

    for (String group : new String[] {alicesDefault, alicesOwn}) {
      var port = http.send("POST", "/network/v2.0/ports", bob.token(),
          "{\"port\":{\"network_id\":\"" + net + "\",\"security_groups\":[\"" + group + "\"]}}");
      assertEquals(404, port.status(), port.raw().body());
      assertEquals("SecurityGroupNotFound", port.json().path("NeutronError").path("type").asText());
    }
    JsonNode bobsPort = create(bob.token(), "ports", "{\"port\":{\"network_id\":\"" + net + "\"}}");
    String bobsPortId = bobsPort.path("id").asText();
    var update = http.send("PUT", "/network/v2.0/ports/" + bobsPortId, bob.token(),
        "{\"port\":{\"security_groups\":[\"" + alicesDefault + "\"]}}");
    assertEquals(404, update.status(), update.raw().body());
    assertEquals(bobsPort.path("security_groups"),
        http.send("GET", "/network/v2.0/ports/" + bobsPortId, bob.token(), null).json().path("port").path("security_groups"),
        "nothing changed");
    var unknown = http.send("POST", "/network/v2.0/ports", bob.token(), "{\"port\":{\"network_id\":\"" + net
        + "\",\"security_groups\":[\"" + java.util.UUID.randomUUID() + "\"]}}");
    assertEquals(404, unknown.status(), "a group that does not exist at all, as Neutron answers");
    // not even an admin puts bob's port into alice's group
    var byAdmin = http.send("PUT", "/network/v2.0/ports/" + bobsPortId, admin.token(),
        "{\"port\":{\"security_groups\":[\"" + alicesOwn + "\"]}}");
    assertEquals(404, byAdmin.status(), byAdmin.raw().body());
  }

  @Test
  void listsFilterPageAndCutFields() {
    String net = network(alice.token(), "pages");
    subnet(alice.token(), net, "10.30.0.0/24");
    Set<String> ips = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      ips.add(create(alice.token(), "ports", "{\"port\":{\"network_id\":\"" + net + "\",\"name\":\"pg\"}}")
          .path("fixed_ips").path(0).path("ip_address").asText());
    }
    assertEquals(5, ips.size());
    var page = http.send("GET", "/network/v2.0/ports?network_id=" + net + "&limit=2&fields=id&fields=name", alice.token(), null);
    assertEquals(2, page.json().path("ports").size());
    assertEquals(2, page.json().path("ports").path(0).size(), "only the fields asked for");
    String next = page.json().path("ports_links").path(0).path("href").asText();
    assertTrue(next.contains("marker="), next);
    var second = http.send("GET", next.substring(next.indexOf("/network/")), alice.token(), null);
    assertEquals(2, second.json().path("ports").size());
    assertNotEquals(page.json().path("ports").path(0).path("id"), second.json().path("ports").path(0).path("id"));
    var byIp = http.send("GET", "/network/v2.0/ports?fixed_ips=ip_address%3D10.30.0.3", alice.token(), null);
    assertEquals(1, byIp.json().path("ports").size(), byIp.raw().body());
  }
}
