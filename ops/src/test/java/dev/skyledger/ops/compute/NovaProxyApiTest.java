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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nova's 2.1 proxy APIs over HTTP against a real cloud: security groups and rules, a server's
 * groups and the add/removeSecurityGroup actions, floating IPs from a pool bound to a server,
 * images and their metadata, and tenant networks; each what the network or image service holds,
 * in Nova's shape, with Nova's answers to bad input and another project's resources invisible.
 */
@ExtendWith(SkyTestKit.class)
class NovaProxyApiTest {
  static final String V21 = "/compute/v2.1";
  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped carol;
  static String imageId;
  static String networkId;
  static String serverId;

  @BeforeAll
  static void start(TestEnvironment env) throws Exception {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    cloud.startSimulatedHosts(1, Map.of("SKY_HOST_HEARTBEAT_SECONDS", "1", "SKY_SIM_SPAWN_MS", "50"));
    alice = admin.userWithRole("proxy-alice", "member");
    carol = admin.userWithRole("proxy-carol", "member");

    var image = http.send("POST", "/image/v2/images", alice.token(),
        "{\"name\":\"cirros\",\"disk_format\":\"raw\",\"container_format\":\"bare\",\"role\":\"base\"}");
    imageId = image.json().path("id").asText();
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + imageId + "/file", alice.token(), new byte[4096],
        ServerLifecycleTest.OCTETS).statusCode());

    String publicNet = created(http.send("POST", "/network/v2.0/networks", admin.token(),
        "{\"network\":{\"name\":\"public\",\"router:external\":true,\"shared\":true}}"), "network");
    created(http.send("POST", "/network/v2.0/subnets", admin.token(), "{\"subnet\":{\"network_id\":\"" + publicNet
        + "\",\"cidr\":\"172.24.4.0/24\",\"ip_version\":4,\"enable_dhcp\":false}}"), "subnet");
    networkId = created(http.send("POST", "/network/v2.0/networks", alice.token(), "{\"network\":{\"name\":\"private\"}}"),
        "network");
    String subnet = created(http.send("POST", "/network/v2.0/subnets", alice.token(), "{\"subnet\":{\"network_id\":\""
        + networkId + "\",\"cidr\":\"10.8.0.0/24\",\"ip_version\":4}}"), "subnet");
    String router = created(http.send("POST", "/network/v2.0/routers", alice.token(), "{\"router\":{\"name\":\"r1\","
        + "\"external_gateway_info\":{\"network_id\":\"" + publicNet + "\"}}}"), "router");
    var added = http.send("PUT", "/network/v2.0/routers/" + router + "/add_router_interface", alice.token(),
        "{\"subnet_id\":\"" + subnet + "\"}");
    assertEquals(200, added.status(), added.raw().body());

    var server = http.send("POST", V21 + "/servers", alice.token(), "{\"server\":{\"name\":\"web\",\"imageRef\":\""
        + imageId + "\",\"flavorRef\":\"1\",\"networks\":[{\"uuid\":\"" + networkId + "\"}]}}");
    assertEquals(202, server.status(), server.raw().body());
    serverId = server.json().path("server").path("id").asText();
    http.await(alice.token(), V21 + "/servers/" + serverId, s -> s.path("server").path("status").asText().equals("ACTIVE"));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  private static String created(HttpClientForTests.Response r, String resource) {
    assertEquals(201, r.status(), r.raw().body());
    return r.json().path(resource).path("id").asText();
  }

  @Test
  void securityGroupsAreTheNetworkServicesInNovasShape() {
    var created = http.send("POST", V21 + "/os-security-groups", alice.token(),
        "{\"security_group\":{\"name\":\" web \",\"description\":\"web servers\"}}");
    assertEquals(200, created.status(), created.raw().body());
    JsonNode group = created.json().path("security_group");
    String id = group.path("id").asText();
    assertEquals(" web ", group.path("name").asText(), "the name as given, as Nova keeps it");
    assertEquals(alice.projectId(), group.path("tenant_id").asText());
    assertEquals(200, http.send("GET", "/network/v2.0/security-groups/" + id, alice.token(), null).status(),
        "it is the network service's group");

    var rule = http.send("POST", V21 + "/os-security-group-rules", alice.token(), "{\"security_group_rule\":{"
        + "\"parent_group_id\":\"" + id + "\",\"ip_protocol\":\"tcp\",\"from_port\":80,\"to_port\":80,"
        + "\"cidr\":\"10.2.3.124/24\"}}");
    assertEquals(200, rule.status(), rule.raw().body());
    assertEquals("10.2.3.0/24", rule.json().path("security_group_rule").path("ip_range").path("cidr").asText());
    String ruleId = rule.json().path("security_group_rule").path("id").asText();
    var shown = http.send("GET", V21 + "/os-security-groups/" + id, alice.token(), null).json().path("security_group");
    assertEquals(1, shown.path("rules").size(), "ingress rules only: " + shown);
    assertEquals(80, shown.path("rules").get(0).path("from_port").asInt());
    assertEquals(400, http.send("POST", V21 + "/os-security-group-rules", alice.token(), "{\"security_group_rule\":{"
        + "\"parent_group_id\":\"" + id + "\",\"ip_protocol\":\"tcp\",\"from_port\":80,\"to_port\":80,"
        + "\"cidr\":\"10.2.3.0/24\"}}").status(), "a duplicate rule is Nova's 400");

    List<String> wrong = new ArrayList<>();
    Map<String, String> bad = Map.of(
        "{\"security_group\":{\"name\":\" \",\"description\":\"d\"}}", "os-security-groups",
        "{\"security_group_rule\":{\"parent_group_id\":\"not-a-uuid\",\"ip_protocol\":\"tcp\",\"from_port\":1,\"to_port\":2}}",
        "os-security-group-rules",
        "{\"security_group_rule\":{\"parent_group_id\":\"" + id + "\",\"ip_protocol\":\"gre9\",\"from_port\":1,\"to_port\":2}}",
        "os-security-group-rules",
        "{\"security_group_rule\":{\"parent_group_id\":\"" + id + "\",\"ip_protocol\":\"tcp\",\"from_port\":22,\"to_port\":21}}",
        "os-security-group-rules",
        "{\"security_group_rule\":{\"parent_group_id\":\"" + id + "\",\"ip_protocol\":\"tcp\",\"from_port\":1,\"to_port\":70000}}",
        "os-security-group-rules");
    bad.forEach((body, path) -> {
      var r = http.send("POST", V21 + "/" + path, alice.token(), body);
      if (r.status() != 400 || !r.json().has("badRequest")) wrong.add(body + " → " + r.status() + " " + r.raw().body());
    });
    assertEquals(List.of(), wrong);

    assertEquals(404, http.send("GET", V21 + "/os-security-groups/" + id, carol.token(), null).status());
    assertEquals(404, http.send("DELETE", V21 + "/os-security-groups/" + id, carol.token(), null).status());
    assertFalse(http.send("GET", V21 + "/os-security-groups", carol.token(), null).raw().body().contains(id));
    String defaultId = null;
    for (JsonNode g : http.send("GET", V21 + "/os-security-groups", alice.token(), null).json().path("security_groups")) {
      if (g.path("name").asText().equals("default")) defaultId = g.path("id").asText();
    }
    assertEquals(400, http.send("DELETE", V21 + "/os-security-groups/" + defaultId, alice.token(), null).status());

    assertEquals(202, http.send("DELETE", V21 + "/os-security-group-rules/" + ruleId, alice.token(), null).status());
    assertEquals(202, http.send("DELETE", V21 + "/os-security-groups/" + id, alice.token(), null).status());
    assertEquals(404, http.send("GET", V21 + "/os-security-groups/" + id, alice.token(), null).status());
  }

  @Test
  void aServerGainsAndLosesAGroupOnItsPorts() {
    String id = http.send("POST", V21 + "/os-security-groups", alice.token(),
        "{\"security_group\":{\"name\":\"extra\",\"description\":\"d\"}}").json().path("security_group").path("id").asText();
    var add = http.send("POST", V21 + "/servers/" + serverId + "/action", alice.token(), "{\"addSecurityGroup\":{\"name\":\"extra\"}}");
    assertEquals(202, add.status(), add.raw().body());
    JsonNode groups = http.send("GET", V21 + "/servers/" + serverId + "/os-security-groups", alice.token(), null).json();
    assertTrue(groups.toString().contains(id), groups.toString());
    JsonNode shown = http.send("GET", V21 + "/servers/" + serverId, alice.token(), null).json().path("server");
    assertTrue(shown.path("security_groups").toString().contains("\"extra\""),
        "the server shows the groups its ports have now: " + shown.path("security_groups"));
    assertEquals(404, http.send("GET", V21 + "/servers/" + serverId + "/os-security-groups", carol.token(), null).status());
    assertEquals(404, http.send("POST", V21 + "/servers/" + serverId + "/action", carol.token(),
        "{\"addSecurityGroup\":{\"name\":\"extra\"}}").status());
    assertEquals(404, http.send("POST", V21 + "/servers/" + serverId + "/action", alice.token(),
        "{\"addSecurityGroup\":{\"name\":\"no-such-group\"}}").status());
    var remove = http.send("POST", V21 + "/servers/" + serverId + "/action", alice.token(),
        "{\"removeSecurityGroup\":{\"name\":\"extra\"}}");
    assertEquals(202, remove.status(), remove.raw().body());
    assertFalse(http.send("GET", V21 + "/servers/" + serverId + "/os-security-groups", alice.token(), null).raw().body()
        .contains(id));
    assertFalse(http.send("GET", V21 + "/servers/" + serverId, alice.token(), null).json().path("server")
        .path("security_groups").toString().contains("\"extra\""));
  }

  @Test
  void aFloatingIpComesFromAPoolAndFollowsTheServer() {
    var pools = http.send("GET", V21 + "/os-floating-ip-pools", alice.token(), null);
    assertEquals("public", pools.json().path("floating_ip_pools").get(0).path("name").asText(), pools.raw().body());
    var created = http.send("POST", V21 + "/os-floating-ips", alice.token(), "{\"pool\":\"public\"}");
    assertEquals(200, created.status(), created.raw().body());
    JsonNode fip = created.json().path("floating_ip");
    assertTrue(fip.path("ip").asText().startsWith("172.24.4."), fip.toString());
    assertTrue(fip.path("instance_id").isNull());
    assertEquals(404, http.send("POST", V21 + "/os-floating-ips", alice.token(), "{\"pool\":\"nowhere\"}").status());

    var bound = http.send("POST", V21 + "/servers/" + serverId + "/action", alice.token(),
        "{\"addFloatingIp\":{\"address\":\"" + fip.path("ip").asText() + "\"}}");
    assertEquals(202, bound.status(), bound.raw().body());
    JsonNode shown = http.send("GET", V21 + "/os-floating-ips/" + fip.path("id").asText(), alice.token(), null).json()
        .path("floating_ip");
    assertEquals(serverId, shown.path("instance_id").asText());
    assertTrue(shown.path("fixed_ip").asText().startsWith("10.8.0."), shown.toString());
    assertEquals(404, http.send("POST", V21 + "/servers/" + serverId + "/action", alice.token(),
        "{\"addFloatingIp\":{\"address\":\"0.0.0.0\"}}").status());
    assertEquals(404, http.send("GET", V21 + "/os-floating-ips/" + fip.path("id").asText(), carol.token(), null).status());

    assertEquals(202, http.send("POST", V21 + "/servers/" + serverId + "/action", alice.token(),
        "{\"removeFloatingIp\":{\"address\":\"" + fip.path("ip").asText() + "\"}}").status());
    assertEquals(202, http.send("DELETE", V21 + "/os-floating-ips/" + fip.path("id").asText(), alice.token(), null).status());
    assertEquals(404, http.send("GET", V21 + "/os-floating-ips/" + fip.path("id").asText(), alice.token(), null).status());
  }

  @Test
  void imagesAreTheImageServicesWithTheirPropertiesAsMetadata() {
    JsonNode image = http.send("GET", V21 + "/images/" + imageId, alice.token(), null).json().path("image");
    assertEquals("ACTIVE", image.path("status").asText());
    assertEquals(100, image.path("progress").asInt());
    assertEquals("base", image.path("metadata").path("role").asText());
    assertTrue(http.send("GET", V21 + "/images/detail?status=ACTIVE", alice.token(), null).raw().body().contains(imageId));
    assertFalse(http.send("GET", V21 + "/images?name=nothing-like-it", alice.token(), null).raw().body().contains(imageId));

    var set = http.send("POST", V21 + "/images/" + imageId + "/metadata", alice.token(), "{\"metadata\":{\"os\":\"linux\"}}");
    assertEquals(200, set.status(), set.raw().body());
    assertEquals("linux", set.json().path("metadata").path("os").asText());
    assertEquals("base", set.json().path("metadata").path("role").asText(), "POST merges");
    assertEquals("linux", http.send("GET", "/image/v2/images/" + imageId, alice.token(), null).json().path("os").asText(),
        "the image service's property");
    assertEquals(204, http.send("DELETE", V21 + "/images/" + imageId + "/metadata/os", alice.token(), null).status());
    assertEquals(404, http.send("GET", V21 + "/images/" + imageId + "/metadata/os", alice.token(), null).status());
    assertEquals(404, http.send("GET", V21 + "/images/00000000-0000-0000-0000-000000000000", alice.token(), null).status());
    assertEquals(404, http.send("GET", V21 + "/images/" + imageId, carol.token(), null).status(), "a private image");
  }

  @Test
  void tenantNetworksAreTheNetworksTheProjectSees() {
    JsonNode networks = http.send("GET", V21 + "/os-tenant-networks", alice.token(), null).json().path("networks");
    boolean found = false;
    for (JsonNode n : networks) {
      if (n.path("id").asText().equals(networkId)) {
        found = true;
        assertEquals("private", n.path("label").asText());
        assertEquals("10.8.0.0/24", n.path("cidr").asText());
      }
    }
    assertTrue(found, networks.toString());
    assertEquals(404, http.send("GET", V21 + "/os-tenant-networks/" + networkId, carol.token(), null).status());
  }
}
