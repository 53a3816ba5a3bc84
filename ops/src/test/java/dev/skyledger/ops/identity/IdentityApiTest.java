package dev.skyledger.ops.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The identity API end to end over HTTP against a real broker and a real database. */
@ExtendWith(SkyTestKit.class)
class IdentityApiTest {
  static Cloud cloud;
  static HttpClientForTests http;
  static String admin;

  @BeforeAll
  static void start(TestEnvironment env) {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = http.token("admin", "secret", "admin");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  @Test
  void createdProjectIsVisibleOnTheNextGet() {
    var created = http.send("POST", "/identity/v3/projects", admin, "{\"project\":{\"name\":\"ryw\",\"description\":\"d\"}}");
    assertEquals(201, created.status(), created.raw().body());
    String id = created.json().path("project").path("id").asText();
    var shown = http.send("GET", "/identity/v3/projects/" + id, admin, null);
    assertEquals(200, shown.status());
    assertEquals("ryw", shown.json().path("project").path("name").asText());
    assertNotNull(created.header("x-openstack-request-id"));
  }
}
