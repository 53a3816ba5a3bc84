package dev.skyledger.ops.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Image quotas per project (here 3 images and 10,000 bytes): over quota is a 413 that says which, and nothing is kept. */
@ExtendWith(SkyTestKit.class)
class ImageQuotaTest {
  private static final Map<String, String> OCTETS = Map.of("Content-Type", "application/octet-stream");
  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin.Scoped carol;
  static KeystoneAdmin.Scoped dan;

  @BeforeAll
  static void start(TestEnvironment env) {
    cloud = TestClouds.start(env, "secret", env.config().withImageQuota(3, 10_000));
    http = new HttpClientForTests(cloud.config().publicUrl());
    KeystoneAdmin admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    carol = admin.userWithRole("quota-carol", "member");
    dan = admin.userWithRole("quota-dan", "member");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  private static String create(KeystoneAdmin.Scoped who, String name) {
    var r = http.send("POST", "/image/v2/images", who.token(),
        "{\"name\":\"" + name + "\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}");
    assertEquals(201, r.status(), r.raw().body());
    return r.json().path("id").asText();
  }

  @Test
  void theImageCountQuotaStopsTheFourthImageUntilOneIsDeleted() {
    String first = create(carol, "c1");
    create(carol, "c2");
    create(carol, "c3");
    var over = http.send("POST", "/image/v2/images", carol.token(), "{\"name\":\"c4\"}");
    assertEquals(413, over.status());
    assertTrue(over.raw().body().contains("quota"), over.raw().body());
    assertEquals(0, http.send("GET", "/image/v2/images?name=c4", carol.token(), null).json().path("images").size());
    assertEquals(204, http.send("DELETE", "/image/v2/images/" + first, carol.token(), null).status());
    create(carol, "c4");
  }

  @Test
  void theStorageQuotaRefusesDataBeyondItAndLeavesTheImageQueued() {
    String fits = create(dan, "d1");
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + fits + "/file", dan.token(), new byte[6_000], OCTETS).statusCode());
    String tooMuch = create(dan, "d2");
    var refused = http.bytes("PUT", "/image/v2/images/" + tooMuch + "/file", dan.token(), new byte[6_000], OCTETS);
    assertEquals(413, refused.statusCode());
    assertTrue(new String(refused.body()).contains("quota"), new String(refused.body()));
    assertEquals("queued", http.send("GET", "/image/v2/images/" + tooMuch, dan.token(), null).json().path("status").asText());
    assertEquals(204, http.send("DELETE", "/image/v2/images/" + fits, dan.token(), null).status());
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + tooMuch + "/file", dan.token(), new byte[6_000], OCTETS).statusCode(),
        "deleting an image frees its bytes");
  }
}
