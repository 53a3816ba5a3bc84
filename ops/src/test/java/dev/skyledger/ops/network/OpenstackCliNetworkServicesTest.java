package dev.skyledger.ops.network;

import static dev.skyledger.ops.OpenstackCli.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.OpenstackCli;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Security groups, routers, floating IPs and quotas with the real {@code openstack} client: the
 * issue's scenario from {@code security group create} to {@code floating ip unset} and {@code quota show}.
 */
@ExtendWith(SkyTestKit.class)
class OpenstackCliNetworkServicesTest {
  static Cloud cloud;
  static OpenstackCli cli;
  static KeystoneAdmin.Scoped alice;
  static HttpClientForTests http;
  static String adminToken;

  @BeforeAll
  static void start(TestEnvironment env) {
    assertTrue(OpenstackCli.installed(), "the openstack CLI is not installed: apt-get install python3-openstackclient");
    cloud = TestClouds.start(env, "admin-secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    adminToken = http.token("admin", "admin-secret", "admin");
    KeystoneAdmin admin = new KeystoneAdmin(http, adminToken);
    alice = admin.userWithRole("clinet-alice", "member");
    cli = new OpenstackCli(cloud.config().publicUrl() + "/identity/v3");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  private static OpenstackCli.Result alice(String... args) {
    return cli.as(alice, args);
  }

  private static OpenstackCli.Result admin(String... args) {
    return cli.as("admin", "admin-secret", "admin", args);
  }

  @Test
  void securityGroupsRoutersFloatingIpsAndQuotas() {
    ok(admin("network", "create", "--external", "public"));
    ok(admin("subnet", "create", "--network", "public", "--subnet-range", "198.51.100.0/24", "--no-dhcp", "public-subnet"));

    JsonNode sg = ok(alice("security", "group", "create", "web", "-f", "json")).json();
    JsonNode rule = ok(alice("security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22", "web",
        "-f", "json")).json();
    assertEquals("tcp", rule.path("protocol").asText());
    assertEquals(22, rule.path("port_range_min").asInt());
    assertEquals(sg.path("id").asText(), rule.path("security_group_id").asText());
    ok(alice("security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "80:81", "default"));
    OpenstackCli.Result badRange = alice("security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "90:80", "web");
    assertNotEquals(0, badRange.rc(), "an impossible port range is refused");
    assertTrue(ok(alice("security", "group", "list", "-f", "json")).out().contains("default"));

    ok(alice("network", "create", "private"));
    ok(alice("subnet", "create", "--network", "private", "--subnet-range", "10.9.0.0/24", "private-subnet"));
    ok(alice("router", "create", "r1"));
    ok(alice("router", "add", "subnet", "r1", "private-subnet"));
    ok(alice("router", "set", "--external-gateway", "public", "r1"));
    JsonNode router = ok(alice("router", "show", "r1", "-f", "json")).json();
    assertTrue(router.toString().contains("198.51.100."), router.toString());

    JsonNode port = ok(alice("port", "create", "--network", "private", "--security-group", "web", "vm-port", "-f", "json")).json();
    JsonNode fip = ok(alice("floating", "ip", "create", "public", "-f", "json")).json();
    String address = fip.path("floating_ip_address").asText();
    assertTrue(address.startsWith("198.51.100."), fip.toString());
    ok(alice("floating", "ip", "set", "--port", "vm-port", address));
    JsonNode associated = ok(alice("floating", "ip", "show", address, "-f", "json")).json();
    assertEquals(port.path("id").asText(), associated.path("port_id").asText());
    ok(alice("floating", "ip", "unset", "--port", address));
    JsonNode released = ok(alice("floating", "ip", "show", address, "-f", "json")).json();
    assertTrue(released.path("port_id").isNull() || released.path("port_id").asText().isEmpty(), released.toString());

    ok(admin("quota", "set", "--routers", "7", alice.projectId()));
    JsonNode shown = ok(alice("quota", "show", "-f", "json")).json();
    assertEquals(7, shown.path("routers").asInt(), shown.toString());
    JsonNode quota = ok(alice("quota", "list", "--network", "--detail", "--project", alice.projectId(), "-f", "json")).json();
    assertTrue(quota.toString().contains("7"), quota.toString());
    assertTrue(ok(admin("quota", "list", "--network", "-f", "json")).out().contains(alice.projectId()));

    ok(alice("floating", "ip", "delete", address));
    ok(alice("port", "delete", "vm-port"));
    ok(alice("router", "remove", "subnet", "r1", "private-subnet"));
    ok(alice("router", "unset", "--external-gateway", "r1"));
    ok(alice("router", "delete", "r1"));
    ok(alice("security", "group", "delete", "web"));
  }
}
