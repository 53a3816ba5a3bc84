package dev.skyledger.ops.network;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Security groups, routers, floating IPs and quotas over HTTP, as Neutron v2.0 answers them. */
@ExtendWith(SkyTestKit.class)
class NetworkServicesTest {
  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped bob;
  static String publicNet;

  @BeforeAll
  static void start(TestEnvironment env) {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    alice = admin.userWithRole("svc-alice", "member");
    bob = admin.userWithRole("svc-bob", "member");
    publicNet = create(admin.token(), "networks", "{\"network\":{\"name\":\"public\",\"router:external\":true}}")
        .path("id").asText();
    create(admin.token(), "subnets", "{\"subnet\":{\"network_id\":\"" + publicNet
        + "\",\"cidr\":\"203.0.113.0/24\",\"ip_version\":4,\"enable_dhcp\":false}}");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  private static JsonNode create(String token, String collection, String body) {
    var r = http.send("POST", "/network/v2.0/" + collection, token, body);
    assertEquals(201, r.status(), r.raw().body());
    return r.json().elements().next();
  }

  private static String network(String token, String name) {
    return create(token, "networks", "{\"network\":{\"name\":\"" + name + "\"}}").path("id").asText();
  }

  private static String subnet(String token, String network, String cidr) {
    return create(token, "subnets", "{\"subnet\":{\"network_id\":\"" + network + "\",\"cidr\":\"" + cidr
        + "\",\"ip_version\":4}}").path("id").asText();
  }

  @Test
  void everyNewProjectGetsExactlyOneDefaultSecurityGroupWithTheUsualRules() {
    // a fresh project that has never touched the network API: its group comes from its ProjectCreated event
    KeystoneAdmin.Scoped carol = admin.userWithRole("svc-carol", "member");
    var list = KeystoneAdmin.await(() -> {
      var r = http.send("GET", "/network/v2.0/security-groups?name=default", carol.token(), null);
      return r.json().path("security_groups").size() == 1 ? r : new HttpClientForTests.Response(0, r.raw(), r.json());
    }, 200, Duration.ofSeconds(10)).last();
    assertEquals(200, list.status(), "no default group appeared: " + list.raw().body());
    JsonNode group = list.json().path("security_groups").path(0);
    assertEquals(carol.projectId(), group.path("project_id").asText());
    assertEquals(4, group.path("security_group_rules").size(), group.toString());
    int ingressFromGroup = 0;
    for (JsonNode rule : group.path("security_group_rules")) {
      if (rule.path("direction").asText().equals("ingress")) {
        assertEquals(group.path("id").asText(), rule.path("remote_group_id").asText());
        ingressFromGroup++;
      }
    }
    assertEquals(2, ingressFromGroup);
  }

  @Test
  void rulesAreValidatedAndUnique() {
    JsonNode sg = create(alice.token(), "security-groups", "{\"security_group\":{\"name\":\"web\"}}");
    String id = sg.path("id").asText();
    assertEquals(2, sg.path("security_group_rules").size(), "a new group lets everything out");
    String ssh = "{\"security_group_rule\":{\"security_group_id\":\"" + id + "\",\"direction\":\"ingress\",\"protocol\":\"tcp\","
        + "\"port_range_min\":22,\"port_range_max\":22,\"remote_ip_prefix\":\"0.0.0.0/0\",\"ethertype\":\"IPv4\"}}";
    JsonNode rule = create(alice.token(), "security-group-rules", ssh);
    assertEquals("tcp", rule.path("protocol").asText());
    var dup = http.send("POST", "/network/v2.0/security-group-rules", alice.token(), ssh);
    assertEquals(409, dup.status());
    assertEquals("SecurityGroupRuleExists", dup.json().path("NeutronError").path("type").asText());
    String[] bad = {
        "\"protocol\":\"tcp\",\"port_range_min\":80,\"port_range_max\":22",
        "\"protocol\":\"tcp\",\"port_range_min\":0,\"port_range_max\":22",
        "\"protocol\":\"tcp\",\"port_range_min\":22,\"port_range_max\":70000",
        "\"port_range_min\":22,\"port_range_max\":22",
        "\"protocol\":\"bogus\"",
        "\"protocol\":\"icmp\",\"port_range_min\":300",
        "\"remote_ip_prefix\":\"fd00::/8\"",
        "\"remote_ip_prefix\":\"10.0.0.0/8\",\"remote_group_id\":\"" + id + "\"",
    };
    for (String b : bad) {
      var r = http.send("POST", "/network/v2.0/security-group-rules", alice.token(), "{\"security_group_rule\":{"
          + "\"security_group_id\":\"" + id + "\",\"direction\":\"ingress\",\"ethertype\":\"IPv4\"," + b + "}}");
      assertEquals(400, r.status(), b + " → " + r.raw().body());
    }
    var noMinimum = http.send("POST", "/network/v2.0/security-group-rules", alice.token(), "{\"security_group_rule\":{"
        + "\"security_group_id\":\"" + id + "\",\"direction\":\"ingress\",\"protocol\":\"tcp\",\"port_range_max\":6}}");
    assertTrue(noMinimum.raw().body().contains("port_range_min must be <= port_range_max"), "Neutron's words, which clients match");
    var badSource = http.send("POST", "/network/v2.0/security-group-rules", alice.token(), "{\"security_group_rule\":{"
        + "\"security_group_id\":\"" + id + "\",\"direction\":\"ingress\",\"remote_group_id\":\"bad_group_id\"}}");
    assertEquals(404, badSource.status(), "as Neutron: a source group that cannot exist does not");
    assertEquals(3, http.send("GET", "/network/v2.0/security-group-rules?security_group_id=" + id, alice.token(), null)
        .json().path("security_group_rules").size(), "nothing half-written");
    assertEquals(404, http.send("GET", "/network/v2.0/security-groups/" + id, bob.token(), null).status());
  }

  @Test
  void aPortGetsTheDefaultGroupAndAGroupInUseCannotBeDeleted() {
    String net = network(alice.token(), "sg-net");
    subnet(alice.token(), net, "10.40.0.0/24");
    JsonNode sg = create(alice.token(), "security-groups", "{\"security_group\":{\"name\":\"db\"}}");
    JsonNode plain = create(alice.token(), "ports", "{\"port\":{\"network_id\":\"" + net + "\"}}");
    assertEquals(1, plain.path("security_groups").size());
    JsonNode withDb = create(alice.token(), "ports", "{\"port\":{\"network_id\":\"" + net + "\",\"security_groups\":[\""
        + sg.path("id").asText() + "\"]}}");
    assertEquals(sg.path("id").asText(), withDb.path("security_groups").path(0).asText());
    var inUse = http.send("DELETE", "/network/v2.0/security-groups/" + sg.path("id").asText(), alice.token(), null);
    assertEquals(409, inUse.status());
    assertEquals(204, http.send("DELETE", "/network/v2.0/ports/" + withDb.path("id").asText(), alice.token(), null).status());
    assertEquals(204, http.send("DELETE", "/network/v2.0/security-groups/" + sg.path("id").asText(), alice.token(), null).status());
  }

  @Test
  void routerWithGatewayAndInterfaceCarriesAFloatingIpToAPort() {
    String net = network(alice.token(), "fip-net");
    String sub = subnet(alice.token(), net, "10.50.0.0/24");
    JsonNode router = create(alice.token(), "routers", "{\"router\":{\"name\":\"r1\"}}");
    String rid = router.path("id").asText();
    var gw = http.send("PUT", "/network/v2.0/routers/" + rid, alice.token(),
        "{\"router\":{\"external_gateway_info\":{\"network_id\":\"" + publicNet + "\"}}}");
    assertEquals(200, gw.status(), gw.raw().body());
    String gatewayIp = gw.json().path("router").path("external_gateway_info").path("external_fixed_ips").path(0).path("ip_address").asText();
    assertTrue(gatewayIp.startsWith("203.0.113."), gw.raw().body());
    var added = http.send("PUT", "/network/v2.0/routers/" + rid + "/add_router_interface", alice.token(), "{\"subnet_id\":\"" + sub + "\"}");
    assertEquals(200, added.status(), added.raw().body());
    String interfacePort = added.json().path("port_id").asText();
    assertEquals("10.50.0.1", http.send("GET", "/network/v2.0/ports/" + interfacePort, alice.token(), null).json()
        .path("port").path("fixed_ips").path(0).path("ip_address").asText());
    var direct = http.send("DELETE", "/network/v2.0/ports/" + interfacePort, alice.token(), null);
    assertEquals(409, direct.status(), "a router's port goes with its interface");

    JsonNode vm = create(alice.token(), "ports", "{\"port\":{\"network_id\":\"" + net + "\"}}");
    JsonNode fip = create(alice.token(), "floatingips", "{\"floatingip\":{\"floating_network_id\":\"" + publicNet + "\"}}");
    assertTrue(fip.path("floating_ip_address").asText().startsWith("203.0.113."));
    assertEquals("DOWN", fip.path("status").asText());
    var set = http.send("PUT", "/network/v2.0/floatingips/" + fip.path("id").asText(), alice.token(),
        "{\"floatingip\":{\"port_id\":\"" + vm.path("id").asText() + "\"}}");
    assertEquals(200, set.status(), set.raw().body());
    assertEquals(vm.path("fixed_ips").path(0).path("ip_address").asText(), set.json().path("floatingip").path("fixed_ip_address").asText());
    assertEquals(rid, set.json().path("floatingip").path("router_id").asText());
    var busy = http.send("PUT", "/network/v2.0/routers/" + rid + "/remove_router_interface", alice.token(), "{\"subnet_id\":\"" + sub + "\"}");
    assertEquals(409, busy.status(), busy.raw().body());
    var unset = http.send("PUT", "/network/v2.0/floatingips/" + fip.path("id").asText(), alice.token(), "{\"floatingip\":{\"port_id\":null}}");
    assertEquals(200, unset.status());
    assertTrue(unset.json().path("floatingip").path("port_id").isNull());
    assertEquals(204, http.send("DELETE", "/network/v2.0/floatingips/" + fip.path("id").asText(), alice.token(), null).status());
    var removed = http.send("PUT", "/network/v2.0/routers/" + rid + "/remove_router_interface", alice.token(), "{\"subnet_id\":\"" + sub + "\"}");
    assertEquals(200, removed.status(), removed.raw().body());
    assertEquals(404, http.send("GET", "/network/v2.0/ports/" + interfacePort, alice.token(), null).status());
    assertEquals(204, http.send("DELETE", "/network/v2.0/routers/" + rid, alice.token(), null).status());
  }

  @Test
  void aRouterRefusesOverlappingInterfacesAndRoutesItCannotReach() {
    String rid = create(alice.token(), "routers", "{\"router\":{\"name\":\"overlap\"}}").path("id").asText();
    String wide = subnet(alice.token(), network(alice.token(), "wide"), "10.70.0.0/24");
    String narrowNet = network(alice.token(), "narrow");
    String narrow = subnet(alice.token(), narrowNet, "10.70.0.0/28");
    assertEquals(200, http.send("PUT", "/network/v2.0/routers/" + rid + "/add_router_interface", alice.token(),
        "{\"subnet_id\":\"" + wide + "\"}").status());
    var overlapping = http.send("PUT", "/network/v2.0/routers/" + rid + "/add_router_interface", alice.token(),
        "{\"subnet_id\":\"" + narrow + "\"}");
    assertEquals(400, overlapping.status(), overlapping.raw().body());
    assertEquals("Bad router request: Cidr 10.70.0.0/28 of subnet " + narrow + " overlaps with cidr 10.70.0.0/24 of subnet "
        + wide + ".", overlapping.json().path("NeutronError").path("message").asText());
    assertEquals(0, http.send("GET", "/network/v2.0/ports?network_id=" + narrowNet, alice.token(), null).json()
        .path("ports").size(), "the refused interface's port is given back");
    JsonNode own = create(alice.token(), "ports", "{\"port\":{\"network_id\":\"" + narrowNet + "\"}}");
    var byPort = http.send("PUT", "/network/v2.0/routers/" + rid + "/add_router_interface", alice.token(),
        "{\"port_id\":\"" + own.path("id").asText() + "\"}");
    assertEquals(400, byPort.status(), byPort.raw().body());
    var ownAfter = http.send("GET", "/network/v2.0/ports/" + own.path("id").asText(), alice.token(), null).json().path("port");
    assertEquals("", ownAfter.path("device_id").asText(), "the tenant's port is its own again");
    assertEquals(own.path("security_groups"), ownAfter.path("security_groups"));

    var routesOnCreate = http.send("POST", "/network/v2.0/routers", alice.token(), "{\"router\":{\"name\":\"r\",\"routes\":[]}}");
    assertEquals(400, routesOnCreate.status(), "Neutron sets routes by an update only");
    String routes = "/network/v2.0/routers/" + rid;
    var set = http.send("PUT", routes, alice.token(),
        "{\"router\":{\"routes\":[{\"destination\":\"192.168.9.0/24\",\"nexthop\":\"10.70.0.9\"}]}}");
    assertEquals(200, set.status(), set.raw().body());
    assertEquals("10.70.0.9", set.json().path("router").path("routes").path(0).path("nexthop").asText());
    var unreachable = http.send("PUT", routes, alice.token(),
        "{\"router\":{\"routes\":[{\"destination\":\"192.168.9.0/24\",\"nexthop\":\"10.99.0.9\"}]}}");
    assertEquals(400, unreachable.status(), unreachable.raw().body());
    assertEquals("InvalidRoutes", unreachable.json().path("NeutronError").path("type").asText());
    assertTrue(unreachable.json().path("NeutronError").path("message").asText().endsWith("the nexthop is not connected with router."));
    var cleared = http.send("PUT", routes, alice.token(), "{\"router\":{\"routes\":null}}");
    assertEquals(200, cleared.status(), cleared.raw().body());
    assertEquals(0, cleared.json().path("router").path("routes").size());
    assertEquals(0, http.send("GET", routes, alice.token(), null).json().path("router").path("routes").size());
  }

  @Test
  void deletingAnExternalNetworkTakesItsUnassociatedFloatingIpsWithIt() {
    String ext = create(admin.token(), "networks", "{\"network\":{\"name\":\"ext-gone\",\"router:external\":true}}")
        .path("id").asText();
    create(admin.token(), "subnets", "{\"subnet\":{\"network_id\":\"" + ext
        + "\",\"cidr\":\"198.51.100.0/24\",\"ip_version\":4,\"enable_dhcp\":false}}");
    String fip = create(alice.token(), "floatingips", "{\"floatingip\":{\"floating_network_id\":\"" + ext + "\"}}")
        .path("id").asText();

    var deleted = http.send("DELETE", "/network/v2.0/networks/" + ext, admin.token(), null);

    assertEquals(204, deleted.status(), deleted.raw().body());
    assertEquals(404, http.send("GET", "/network/v2.0/floatingips/" + fip, alice.token(), null).status());
    assertEquals(0, http.send("GET", "/network/v2.0/ports?network_id=" + ext, admin.token(), null).json().path("ports").size());
  }

  @Test
  void adminsListTheProjectsWhoseQuotasDifferFromTheDefaults() {
    var member = http.send("GET", "/network/v2.0/quotas", alice.token(), null);
    assertEquals(403, member.status());
    String project = alice.projectId();
    assertEquals(200, http.send("PUT", "/network/v2.0/quotas/" + project, admin.token(), "{\"quota\":{\"port\":7}}").status());
    JsonNode listed = null;
    for (JsonNode q : http.send("GET", "/network/v2.0/quotas", admin.token(), null).json().path("quotas")) {
      if (q.path("project_id").asText().equals(project)) listed = q;
    }
    assertTrue(listed != null, "a project with a limit of its own is listed");
    assertEquals(7, listed.path("port").asInt());
    assertEquals(100, listed.path("network").asInt());
    assertEquals(204, http.send("DELETE", "/network/v2.0/quotas/" + project, admin.token(), null).status());
    for (JsonNode q : http.send("GET", "/network/v2.0/quotas", admin.token(), null).json().path("quotas")) {
      assertFalse(q.path("project_id").asText().equals(project), "a project reset to the defaults is not listed");
    }
  }

  @Test
  void agentsAreTheRegisteredHostsForAdminsAndNoneForOthers() {
    var mine = http.send("GET", "/network/v2.0/agents", alice.token(), null);
    assertEquals(200, mine.status(), mine.raw().body());
    assertEquals(0, mine.json().path("agents").size());
    var all = http.send("GET", "/network/v2.0/agents", admin.token(), null);
    assertEquals(200, all.status());
    int hosts = http.send("GET", "/compute/v2.1/os-hypervisors", admin.token(), null).json().path("hypervisors").size();
    assertEquals(hosts, all.json().path("agents").size());
    if (hosts > 0) {
      JsonNode agent = all.json().path("agents").path(0);
      var shown = http.send("GET", "/network/v2.0/agents/" + agent.path("id").asText(), admin.token(), null);
      assertEquals(agent.path("host").asText(), shown.json().path("agent").path("host").asText());
      assertEquals(404, http.send("GET", "/network/v2.0/agents/" + agent.path("id").asText(), alice.token(), null).status());
    }
  }

  @Test
  void eachHostGetsItsPortsRulesDhcpAndNatAsText() {
    String net = network(alice.token(), "host-net");
    String sub = subnet(alice.token(), net, "10.70.0.0/24");
    JsonNode sg = create(alice.token(), "security-groups", "{\"security_group\":{\"name\":\"ssh\"}}");
    create(alice.token(), "security-group-rules", "{\"security_group_rule\":{\"security_group_id\":\"" + sg.path("id").asText()
        + "\",\"direction\":\"ingress\",\"protocol\":\"tcp\",\"port_range_min\":22,\"port_range_max\":22}}");
    JsonNode vm = create(alice.token(), "ports", "{\"port\":{\"network_id\":\"" + net + "\",\"security_groups\":[\""
        + sg.path("id").asText() + "\"]}}");
    var bind = http.send("PUT", "/network/v2.0/ports/" + vm.path("id").asText(), alice.token(),
        "{\"port\":{\"binding:host_id\":\"compute-7\"}}");
    assertEquals(403, bind.status(), "only an admin binds ports to hosts");
    bind = http.send("PUT", "/network/v2.0/ports/" + vm.path("id").asText(), admin.token(), "{\"port\":{\"binding:host_id\":\"compute-7\"}}");
    assertEquals(200, bind.status(), bind.raw().body());
    assertEquals("ACTIVE", bind.json().path("port").path("status").asText());
    String router = create(alice.token(), "routers", "{\"router\":{\"name\":\"hr\",\"external_gateway_info\":{\"network_id\":\""
        + publicNet + "\"}}}").path("id").asText();
    assertEquals(200, http.send("PUT", "/network/v2.0/routers/" + router + "/add_router_interface", alice.token(),
        "{\"subnet_id\":\"" + sub + "\"}").status());
    JsonNode fip = create(alice.token(), "floatingips", "{\"floatingip\":{\"floating_network_id\":\"" + publicNet
        + "\",\"port_id\":\"" + vm.path("id").asText() + "\"}}");

    String ip = vm.path("fixed_ips").path(0).path("ip_address").asText();
    String chain = "sky-i" + vm.path("id").asText().substring(0, 10);
    assertEquals(403, http.send("GET", "/ops/v1/hosts/compute-7/network/iptables", alice.token(), null).status());
    var iptables = http.send("GET", "/ops/v1/hosts/compute-7/network/iptables", admin.token(), null);
    assertEquals(200, iptables.status());
    String text = iptables.raw().body();
    assertTrue(text.contains("-A " + chain + " -p tcp -m tcp --dport 22 -j RETURN\n"), text);
    assertTrue(text.contains("-m mac --mac-source " + vm.path("mac_address").asText().toUpperCase()), text);
    assertTrue(text.contains("-A sky-PREROUTING -d " + fip.path("floating_ip_address").asText() + "/32 -j DNAT --to-destination "
        + ip + "\n"), text);
    String dhcp = http.send("GET", "/ops/v1/hosts/compute-7/network/dhcp-hosts/" + net, admin.token(), null).raw().body();
    assertTrue(dhcp.contains(vm.path("mac_address").asText() + ",host-" + ip.replace('.', '-') + ".openstacklocal.," + ip), dhcp);
    assertFalse(dhcp.contains("10.70.0.1"), "the router's port gets no DHCP entry");
    assertFalse(http.send("GET", "/ops/v1/hosts/compute-8/network/iptables", admin.token(), null).raw().body().contains(chain));
  }

  @Test
  void aFloatingIpOnANetworkThatIsNotExternalIsRefused() {
    String net = network(alice.token(), "not-external");
    subnet(alice.token(), net, "10.60.0.0/24");
    var r = http.send("POST", "/network/v2.0/floatingips", alice.token(), "{\"floatingip\":{\"floating_network_id\":\"" + net + "\"}}");
    assertEquals(400, r.status(), r.raw().body());
    assertTrue(r.json().path("NeutronError").path("message").asText().contains("external"));
  }

  @Test
  void quotasAreShownSetByTheAdminAndEnforced() {
    var shown = http.send("GET", "/network/v2.0/quotas/" + bob.projectId(), bob.token(), null);
    assertEquals(200, shown.status());
    assertEquals(100, shown.json().path("quota").path("network").asInt());
    assertEquals(403, http.send("PUT", "/network/v2.0/quotas/" + bob.projectId(), bob.token(), "{\"quota\":{\"router\":1}}").status());
    var set = http.send("PUT", "/network/v2.0/quotas/" + bob.projectId(), admin.token(), "{\"quota\":{\"router\":1,\"network\":1}}");
    assertEquals(200, set.status(), set.raw().body());
    assertEquals(1, set.json().path("quota").path("router").asInt());
    create(bob.token(), "routers", "{\"router\":{\"name\":\"only\"}}");
    var over = http.send("POST", "/network/v2.0/routers", bob.token(), "{\"router\":{\"name\":\"second\"}}");
    assertEquals(409, over.status());
    assertEquals("OverQuota", over.json().path("NeutronError").path("type").asText());
    network(bob.token(), "one");
    assertEquals(409, http.send("POST", "/network/v2.0/networks", bob.token(), "{\"network\":{\"name\":\"two\"}}").status());
    var details = http.send("GET", "/network/v2.0/quotas/" + bob.projectId() + "/details", bob.token(), null);
    assertEquals(1, details.json().path("quota").path("router").path("used").asInt());
  }
}
