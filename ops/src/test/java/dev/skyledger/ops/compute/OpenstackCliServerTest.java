package dev.skyledger.ops.compute;

import static dev.skyledger.ops.OpenstackCli.anyMatches;
import static dev.skyledger.ops.OpenstackCli.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The tenant scenario of the seed documents with the real {@code openstack} client, against simulated hosts. */
@ExtendWith(SkyTestKit.class)
class OpenstackCliServerTest {
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
    alice = admin.userWithRole("clisrv-alice", "member");
    bob = admin.userWithRole("clisrv-bob", "member");
    cli = new OpenstackCli(cloud.config().publicUrl() + "/identity/v3");
    cloud.startSimulatedHosts(2, Map.of("SKY_HOST_HEARTBEAT_SECONDS", "2", "SKY_SIM_SPAWN_MS", "200"));
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
  void aTenantBootsAServerWithAnAddressSeesItAndDeletesIt() throws Exception {
    Path image = files.resolve("cirros.raw");
    byte[] data = new byte[2 << 20];
    new Random(1).nextBytes(data);
    Files.write(image, data);
    ok(alice("image", "create", "--disk-format", "raw", "--container-format", "bare", "--file", image.toString(), "cirros"));
    ok(alice("network", "create", "private"));
    ok(alice("subnet", "create", "--network", "private", "--subnet-range", "10.20.0.0/24", "private-subnet"));
    ok(alice("keypair", "create", "--public-key", writeKey().toString(), "mykey"));

    JsonNode server = ok(alice("server", "create", "--image", "cirros", "--flavor", "m1.tiny", "--network", "private",
        "--key-name", "mykey", "--wait", "-f", "json", "web")).json();
    assertEquals("ACTIVE", server.path("status").asText(), server.toString());
    assertTrue(server.path("addresses").toString().contains("10.20.0."), server.toString());
    String id = server.path("id").asText();

    JsonNode list = ok(alice("server", "list", "-f", "json")).json();
    assertTrue(anyMatches(list, "Name", "web"), list.toString());
    assertTrue(list.get(0).path("Networks").toString().contains("10.20.0."), list.toString());
    JsonNode shown = ok(alice("server", "show", "web", "-f", "json")).json();
    assertEquals(id, shown.path("id").asText());
    assertEquals("mykey", shown.path("key_name").asText());
    assertEquals("m1.tiny", shown.path("flavor").asText().split(" ")[0], shown.toString());

    assertNotEquals(0, bob("server", "show", id).rc(), "another tenant cannot see the server");
    assertFalse(anyMatches(ok(bob("server", "list", "-f", "json")).json(), "Name", "web"));

    String console = ok(alice("console", "log", "show", "web")).out();
    assertTrue(console.contains("Cloud-init") || console.contains("cloud-init"), console);
    assertTrue(console.contains("web login:"), console);

    ok(alice("server", "reboot", "--wait", "web"));
    assertEquals("ACTIVE", status("web"));
    ok(alice("server", "stop", "web"));
    awaitStatus("web", "SHUTOFF");
    OpenstackCli.Result again = alice("server", "stop", "web");
    assertNotEquals(0, again.rc(), "stopping a stopped server is a conflict");
    assertTrue(again.err().contains("409") || again.err().contains("Cannot 'stop'"), again.err());
    ok(alice("server", "start", "web"));
    awaitStatus("web", "ACTIVE");

    JsonNode snapshot = ok(alice("server", "image", "create", "--name", "web-snap", "--wait", "-f", "json", "web")).json();
    assertEquals("active", snapshot.path("status").asText(), snapshot.toString());
    JsonNode snapImage = ok(alice("image", "show", "web-snap", "-f", "json")).json();
    assertTrue(snapImage.path("properties").toString().contains(id), "a snapshot names its server: " + snapImage);
    assertTrue(ok(alice("image", "list", "-f", "json")).json().toString().contains("web-snap"));

    ok(admin("quota", "set", "--instances", "1", alice.projectName()));
    OpenstackCli.Result over = alice("server", "create", "--image", "cirros", "--flavor", "m1.tiny", "--network", "private",
        "second");
    assertNotEquals(0, over.rc());
    assertTrue(over.err().contains("Quota exceeded for instances") && over.err().contains("403"), over.err());

    ok(alice("server", "delete", "--wait", "web"));
    assertFalse(anyMatches(ok(alice("server", "list", "-f", "json")).json(), "Name", "web"));
    assertEquals(0, ok(alice("port", "list", "--device-owner", "compute:nova", "-f", "json")).json().size(),
        "the server's port went with it");
  }

  private static String status(String server) {
    return ok(alice("server", "show", server, "-f", "json")).json().path("status").asText();
  }

  private static void awaitStatus(String server, String wanted) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    String last = null;
    while (System.nanoTime() < deadline) {
      last = status(server);
      if (wanted.equals(last)) return;
      Thread.sleep(300);
    }
    throw new AssertionError(server + " is " + last + ", not " + wanted);
  }

  private static Path writeKey() throws Exception {
    Path key = files.resolve("id_ed25519.pub");
    Files.writeString(key, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl alice@laptop\n");
    return key;
  }
}
