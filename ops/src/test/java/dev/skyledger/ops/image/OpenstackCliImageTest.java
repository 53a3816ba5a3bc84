package dev.skyledger.ops.image;

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
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The image service with the real {@code openstack} client: upload, list, show, save, set, delete, visibility. */
@ExtendWith(SkyTestKit.class)
class OpenstackCliImageTest {
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
    alice = admin.userWithRole("cli-alice", "member");
    bob = admin.userWithRole("cli-bob", "member");
    cli = new OpenstackCli(cloud.config().publicUrl() + "/identity/v3");
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
  void aTenantUploadsListsSavesChangesAndDeletesAPrivateImage() throws Exception {
    byte[] data = new byte[20 * 1024 * 1024];
    new Random(42).nextBytes(data);
    Path upload = files.resolve("disk.raw");
    Files.write(upload, data);
    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));

    ok(alice("image", "create", "--disk-format", "raw", "--container-format", "bare", "--private",
        "--file", upload.toString(), "alice-disk"));
    JsonNode shown = ok(alice("image", "show", "alice-disk", "-f", "json")).json();
    assertEquals("active", shown.path("status").asText());
    assertEquals(md5, shown.path("checksum").asText());
    assertEquals(data.length, shown.path("size").asLong());
    assertEquals("private", shown.path("visibility").asText());
    assertTrue(anyMatches(ok(alice("image", "list", "-f", "json")).json(), "Name", "alice-disk"));

    Path saved = files.resolve("saved.raw");
    ok(alice("image", "save", "--file", saved.toString(), "alice-disk"));
    assertEquals(md5, HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(saved))));

    ok(alice("image", "set", "--property", "os_distro=cirros", "alice-disk"));
    assertTrue(ok(alice("image", "show", "alice-disk", "-f", "json")).json().path("properties").toString().contains("cirros"));

    OpenstackCli.Result hidden = bob("image", "show", "alice-disk");
    assertNotEquals(0, hidden.rc(), "another project's private image is invisible");
    assertFalse(anyMatches(ok(bob("image", "list", "-f", "json")).json(), "Name", "alice-disk"));

    ok(alice("image", "delete", "alice-disk"));
    assertFalse(anyMatches(ok(alice("image", "list", "-f", "json")).json(), "Name", "alice-disk"));
  }

  @Test
  void aProjectSharesAnImageAndTheOtherAcceptsIt() throws Exception {
    Path small = files.resolve("shared.raw");
    Files.write(small, new byte[8192]);
    String id = ok(alice("image", "create", "--disk-format", "raw", "--container-format", "bare", "--shared",
        "--file", small.toString(), "shared-disk", "-f", "value", "-c", "id")).out().strip();
    assertNotEquals(0, bob("image", "show", id).rc());
    ok(alice("image", "add", "project", id, bob.projectId()));
    ok(bob("image", "set", "--accept", id));
    assertTrue(anyMatches(ok(bob("image", "list", "-f", "json")).json(), "Name", "shared-disk"));
    ok(alice("image", "remove", "project", id, bob.projectId()));
    assertFalse(anyMatches(ok(bob("image", "list", "-f", "json")).json(), "Name", "shared-disk"));
  }

  @Test
  void onlyTheAdministratorPublishesImagesForEveryone() throws Exception {
    Path small = files.resolve("small.raw");
    Files.write(small, new byte[4096]);
    OpenstackCli.Result refused = alice("image", "create", "--disk-format", "raw", "--container-format", "bare",
        "--public", "--file", small.toString(), "alice-public");
    assertNotEquals(0, refused.rc());
    assertTrue(refused.err().contains("403") || refused.err().toLowerCase().contains("forbidden"), refused.err());

    ok(admin("image", "create", "--disk-format", "raw", "--container-format", "bare", "--public",
        "--file", small.toString(), "everyones-disk"));
    assertTrue(anyMatches(ok(bob("image", "list", "-f", "json")).json(), "Name", "everyones-disk"));
    assertEquals("public", ok(bob("image", "show", "everyones-disk", "-f", "json")).json().path("visibility").asText());
  }
}
