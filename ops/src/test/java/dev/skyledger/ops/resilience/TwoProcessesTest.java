package dev.skyledger.ops.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two Skyledger processes on one broker and one database, as a scaled-out deployment runs them:
 * a token issued by one works on the other (validated offline), a revocation decided through one
 * stops the token on the other within a second, a write through one is readable through the
 * other, and both projectors running side by side never apply an event twice.
 */
@ExtendWith(SkyTestKit.class)
class TwoProcessesTest {
  static Cloud first;
  static Cloud second;
  static HttpClientForTests one;
  static HttpClientForTests two;
  static KeystoneAdmin admin;

  @BeforeAll
  static void start(TestEnvironment env) {
    int portOne = env.freePort();
    int portTwo = env.freePort();
    SkyConfig base = env.config();
    first = new Cloud(base.withPublicUrl("http://127.0.0.1:" + portOne)).start("127.0.0.1", portOne);
    first.bootstrap("admin", "secret", "admin");
    SkyConfig other = new SkyConfig(base.kafkaBootstrap(), base.topicPrefix(), base.partitions(), base.jdbcUrl(),
        base.dbUser(), base.dbPassword(), base.keyDir(), "http://127.0.0.1:" + portTwo, base.region(),
        base.tokenLifetime(), base.passwordIterations(), env.dir().resolve("streams-2"), base.instanceId() + "-2",
        base.imageDir(), base.imageMaxBytes(), base.imageQuotaCount(), base.imageQuotaBytes(), base.security(), base.compute());
    second = new Cloud(other).start("127.0.0.1", portTwo);
    one = new HttpClientForTests("http://127.0.0.1:" + portOne);
    two = new HttpClientForTests("http://127.0.0.1:" + portTwo);
    admin = new KeystoneAdmin(one, one.token("admin", "secret", "admin"));
  }

  @AfterAll
  static void stop() {
    if (second != null) second.close();
    if (first != null) first.close();
  }

  @Test
  void aWriteThroughOneIsReadThroughTheOther() {
    String id = admin.createProject("shared").path("id").asText();
    var polled = KeystoneAdmin.await(() -> two.send("GET", "/identity/v3/projects/" + id, admin.token(), null), 200,
        Duration.ofSeconds(1));
    assertEquals(200, polled.last().status());
    assertEquals("shared", polled.last().json().path("project").path("name").asText());
  }

  @Test
  void aTokenRevokedThroughOneStopsWorkingOnTheOtherWithinASecond() {
    String token = one.token("admin", "secret", "admin");
    assertEquals(200, two.send("GET", "/identity/v3/projects", token, null).status());
    assertEquals(204, one.withSubject("DELETE", "/identity/v3/auth/tokens", admin.token(), token).status());
    var polled = KeystoneAdmin.await(() -> two.send("GET", "/identity/v3/projects", token, null), 401,
        Duration.ofSeconds(1));
    assertEquals(401, polled.last().status(), "still accepted after " + polled.took());
  }

  @Test
  void aUserDisabledThroughOneIsRefusedByTheOtherWithinASecond() {
    var bob = admin.userWithRole("bob", "member");
    assertEquals(200, two.send("GET", "/identity/v3/projects/" + bob.projectId(), bob.token(), null).status());
    assertEquals(200, one.send("PATCH", "/identity/v3/users/" + bob.userId(), admin.token(),
        "{\"user\":{\"enabled\":false}}").status());
    var polled = KeystoneAdmin.await(() -> two.send("GET", "/identity/v3/projects/" + bob.projectId(), bob.token(), null),
        401, Duration.ofSeconds(1));
    assertEquals(401, polled.last().status(), "still accepted after " + polled.took());
  }

  @Test
  void bothProjectorsTogetherApplyEachEventOnce() {
    for (int i = 0; i < 20; i++) admin.createProject("once-" + i);
    var list = KeystoneAdmin.await(() -> two.send("GET", "/identity/v3/projects?name=once-19", admin.token(), null),
        200, Duration.ofSeconds(1));
    assertEquals(1, list.last().json().path("projects").size());
    var all = one.send("GET", "/identity/v3/projects", admin.token(), null).json().path("projects");
    int count = 0;
    for (var p : all) if (p.path("name").asText().startsWith("once-")) count++;
    assertEquals(20, count);
  }
}
