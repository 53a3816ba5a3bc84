package dev.skyledger.ops.resilience;

import static dev.skyledger.ops.KeystoneAdmin.json;
import static dev.skyledger.ops.KeystoneAdmin.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.embedded.EmbeddedDatabase;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL stopped for 30 s under a write load, then started again, with no restart of the
 * cloud: meanwhile writes are answered 503 with a request id (never a 500, never a hang), and
 * afterwards every write that was acknowledged is there exactly once and new writes are served.
 */
@ExtendWith(SkyTestKit.class)
class DatabaseOutageTest {
  static final Duration OUTAGE = Duration.ofSeconds(30);

  private EmbeddedDatabase database;
  private Cloud cloud;

  @AfterEach
  void stop() {
    if (cloud != null) cloud.close();
    if (database != null) database.close();
  }

  @Test
  void acknowledgedWritesSurviveADatabaseOutageWithoutARestartOfTheCloud(TestEnvironment env) throws Exception {
    Path dataDir = env.dir().resolve("outage-pg/data");
    int port = env.freePort();
    // not "clean": a clean embedded database deletes its data when stopped
    database = new EmbeddedDatabase(dataDir, port, false).start();
    cloud = TestClouds.start(env, "secret", env.config().withJdbcUrl(database.database("sky")));
    HttpClientForTests http = new HttpClientForTests(cloud.config().publicUrl());
    KeystoneAdmin admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    KeystoneAdmin.Scoped member = admin.userWithRole("outage", "member");

    Set<String> projects = ConcurrentHashMap.newKeySet();
    Set<String> networks = ConcurrentHashMap.newKeySet();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger next = new AtomicInteger();
    java.util.concurrent.atomic.AtomicLong slowest = new java.util.concurrent.atomic.AtomicLong();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      boolean identity = w == 0;
      Thread t = new Thread(() -> {
        while (writing.get()) {
          String name = (identity ? "proj-" : "net-") + next.incrementAndGet();
          long started = System.nanoTime();
          var r = identity
              ? http.send("POST", "/identity/v3/projects", admin.token(), json(obj("project", obj("name", name))))
              : http.send("POST", "/network/v2.0/networks", member.token(), json(obj("network", obj("name", name))));
          long took = (System.nanoTime() - started) / 1_000_000;
          statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
          slowest.accumulateAndGet(took, Math::max);
          if (r.status() == 201) {
            (identity ? projects : networks).add(name);
          } else if (r.status() != 503) {
            wrong.add(name + ": " + r.status() + " " + r.raw().body());
          } else if (!r.raw().body().contains("req-")) {
            wrong.add(name + ": a 503 without its request id: " + r.raw().body());
          }
          if (took > 35_000) wrong.add(name + ": answered after " + took + " ms");
          try {
            Thread.sleep(r.status() == 201 ? 20 : 200);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      t.start();
      writers.add(t);
    }
    Thread.sleep(2000);
    database.close();
    Thread.sleep(OUTAGE.toMillis());
    int acknowledgedBefore = projects.size() + networks.size();
    database = new EmbeddedDatabase(dataDir, port, false).start();

    // served again without restarting anything
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (projects.size() + networks.size() < acknowledgedBefore + 10 && System.nanoTime() < deadline) Thread.sleep(200);
    writing.set(false);
    for (Thread t : writers) t.join(60_000);
    System.out.println("database outage: answers " + statuses + ", slowest " + slowest.get() + " ms");
    assertTrue(projects.size() + networks.size() >= acknowledgedBefore + 10,
        "writes are served again after the database came back: " + statuses);
    assertTrue(statuses.containsKey(503), "the outage was seen as 503s: " + statuses);
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));

    // every acknowledged write is there, exactly once
    String token = http.token("admin", "secret", "admin");
    JsonNode listed = http.send("GET", "/identity/v3/projects", token, null).json().path("projects");
    Map<String, Integer> seen = new java.util.HashMap<>();
    for (JsonNode p : listed) seen.merge(p.path("name").asText(), 1, Integer::sum);
    for (String name : projects) assertEquals(1, seen.getOrDefault(name, 0), "project " + name);
    JsonNode nets = http.send("GET", "/network/v2.0/networks", member.token(), null).json().path("networks");
    Map<String, Integer> seenNets = new java.util.HashMap<>();
    for (JsonNode n : nets) seenNets.merge(n.path("name").asText(), 1, Integer::sum);
    for (String name : networks) assertEquals(1, seenNets.getOrDefault(name, 0), "network " + name);
    var ready = http.send("GET", "/readyz", null, null);
    assertEquals(200, ready.status(), ready.raw().body());
  }
}
