package dev.skyledger.ops.compute;

import static dev.skyledger.ops.OpenstackCli.anyMatches;
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
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Flavors, key pairs and quotas with the real {@code openstack} client. */
@ExtendWith(SkyTestKit.class)
class OpenstackCliComputeTest {
  static Cloud cloud;
  static OpenstackCli cli;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped bob;

  @TempDir
  static Path files;

  @BeforeAll
  static void start(TestEnvironment env) {
    assertTrue(OpenstackCli.installed(), "the openstack CLI is not installed: apt-get install python3-openstackclient");
    cloud = TestClouds.start(env, "admin-secret");
    HttpClientForTests http = new HttpClientForTests(cloud.config().publicUrl());
    KeystoneAdmin admin = new KeystoneAdmin(http, http.token("admin", "admin-secret", "admin"));
    alice = admin.userWithRole("clicomp-alice", "member");
    bob = admin.userWithRole("clicomp-bob", "member");
    cli = new OpenstackCli(cloud.config().publicUrl() + "/identity/v3");
    cloud.startSimulatedHosts(2, java.util.Map.of("SKY_HOST_HEARTBEAT_SECONDS", "2"));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  private static OpenstackCli.Result alice(String... args) {
    return cli.as(alice, args);
  }

  private static OpenstackCli.Result bob(String... args) {
    return cli.as(bob, args);
  }

  private static OpenstackCli.Result admin(String... args) {
    return cli.as("admin", "admin-secret", "admin", args);
  }

  @Test
  void theClassicFlavorsAndPrivateOnesForSomeProjects() {
    JsonNode flavors = ok(alice("flavor", "list", "-f", "json")).json();
    for (String name : new String[] {"m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"}) {
      assertTrue(anyMatches(flavors, "Name", name), name + " in " + flavors);
    }
    JsonNode small = ok(alice("flavor", "show", "m1.small", "-f", "json")).json();
    assertEquals(2048, small.path("ram").asInt());
    assertEquals(20, small.path("disk").asInt());
    assertEquals(1, small.path("vcpus").asInt());

    assertNotEquals(0, alice("flavor", "create", "--vcpus", "1", "--ram", "256", "--disk", "1", "mine").rc(),
        "only an admin creates flavors");
    ok(admin("flavor", "create", "--vcpus", "2", "--ram", "1024", "--disk", "10", "--private",
        "--property", "hw:cpu_policy=dedicated", "gold"));
    assertNotEquals(0, alice("flavor", "show", "gold").rc(), "a private flavor is invisible without access");
    ok(admin("flavor", "set", "--project", alice.projectId(), "gold"));
    JsonNode gold = ok(alice("flavor", "show", "gold", "-f", "json")).json();
    assertTrue(gold.path("properties").toString().contains("dedicated"), gold.toString());
    assertNotEquals(0, bob("flavor", "show", "gold").rc(), "access is per project");
    ok(admin("flavor", "delete", "gold"));
  }

  @Test
  void keyPairsAreGeneratedOrImportedPerUser() throws Exception {
    OpenstackCli.Result generated = ok(alice("keypair", "create", "alice-key"));
    assertTrue(generated.out().contains("PRIVATE KEY"), "the private key is printed once");
    JsonNode shown = ok(alice("keypair", "show", "alice-key", "-f", "json")).json();
    assertTrue(shown.path("fingerprint").asText().matches("([0-9a-f]{2}:){15}[0-9a-f]{2}"), shown.toString());
    assertTrue(!shown.toString().contains("PRIVATE KEY"), "the private key is never kept");

    Path key = files.resolve("id_ed25519");
    Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()).start();
    assertEquals(0, keygen.waitFor());
    Process md5 = new ProcessBuilder("ssh-keygen", "-l", "-E", "md5", "-f", key + ".pub").start();
    String expected = new String(md5.getInputStream().readAllBytes()).split("\\s+")[1].replace("MD5:", "");
    JsonNode imported = ok(alice("keypair", "create", "--public-key", key + ".pub", "laptop", "-f", "json")).json();
    assertEquals(expected, imported.path("fingerprint").asText());
    Files.writeString(files.resolve("bad.pub"), "ssh-ed25519 not-base64 me@host\n");
    assertNotEquals(0, alice("keypair", "create", "--public-key", files.resolve("bad.pub").toString(), "bad").rc());
    assertNotEquals(0, alice("keypair", "create", "--public-key", key + ".pub", "laptop").rc(), "a name is unique per user");

    assertTrue(anyMatches(ok(alice("keypair", "list", "-f", "json")).json(), "Name", "laptop"));
    assertTrue(!anyMatches(ok(bob("keypair", "list", "-f", "json")).json(), "Name", "laptop"), "key pairs are per user");
    ok(alice("keypair", "delete", "laptop"));
    assertNotEquals(0, alice("keypair", "show", "laptop").rc());
  }

  @Test
  void computeServicesAndHypervisorsShowTheHostAgents() throws Exception {
    JsonNode services = null;
    for (int i = 0; i < 50; i++) {
      services = ok(admin("compute", "service", "list", "-f", "json")).json();
      if (services.size() == 2) break;
      Thread.sleep(200);
    }
    assertTrue(anyMatches(services, "Host", "compute-1") && anyMatches(services, "Host", "compute-2"), services.toString());
    for (JsonNode s : services) {
      assertEquals("nova-compute", s.path("Binary").asText());
      assertEquals("up", s.path("State").asText());
    }
    JsonNode hypervisors = ok(admin("hypervisor", "list", "-f", "json")).json();
    assertTrue(anyMatches(hypervisors, "Hypervisor Hostname", "compute-2"), hypervisors.toString());
    assertNotEquals(0, alice("hypervisor", "list").rc(), "hypervisors are for admins");

    ok(admin("compute", "service", "set", "--disable", "--disable-reason", "maintenance", "compute-2", "nova-compute"));
    JsonNode after = ok(admin("compute", "service", "list", "--long", "-f", "json")).json();
    for (JsonNode s : after) {
      if (s.path("Host").asText().equals("compute-2")) {
        assertEquals("disabled", s.path("Status").asText(), after.toString());
        assertEquals("maintenance", s.path("Disabled Reason").asText(), after.toString());
      } else {
        assertEquals("enabled", s.path("Status").asText(), after.toString());
      }
    }
    assertNotEquals(0, alice("compute", "service", "set", "--enable", "compute-2", "nova-compute").rc(), "admins only");
    ok(admin("compute", "service", "set", "--enable", "compute-2", "nova-compute"));
    assertTrue(ok(admin("compute", "service", "list", "-f", "json")).json().toString().contains("enabled"));
    assertNotEquals(0, admin("compute", "service", "set", "--enable", "no-such-host", "nova-compute").rc());
  }

  @Test
  void quotaShowListsComputeAndNetworkLimits() {
    ok(admin("quota", "set", "--instances", "7", "--routers", "3", bob.projectId()));
    JsonNode quota = ok(bob("quota", "show", "-f", "json")).json();
    assertEquals(7, quota.path("instances").asInt(), quota.toString());
    assertEquals(3, quota.path("routers").asInt(), quota.toString());
    assertEquals(100, quota.path("key-pairs").asInt(), quota.toString());
    assertEquals(100, quota.path("networks").asInt(), quota.toString());
    JsonNode limits = ok(bob("limits", "show", "--absolute", "-f", "json")).json();
    assertTrue(anyMatches(limits, "Name", "maxTotalInstances"), limits.toString());
    for (JsonNode l : limits) {
      if (l.path("Name").asText().equals("maxTotalInstances")) assertEquals(7, l.path("Value").asInt(), limits.toString());
    }
  }
}
