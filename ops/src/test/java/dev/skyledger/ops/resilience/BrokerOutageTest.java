package dev.skyledger.ops.resilience;

import static dev.skyledger.ops.KeystoneAdmin.json;
import static dev.skyledger.ops.KeystoneAdmin.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.embedded.EmbeddedKafka;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * The broker stopped for 20 s under a write load, then started again, with no restart of the
 * cloud: meanwhile writes are answered 503 (or, for one caught in flight, 504 "may still take
 * effect") within a bound (never a 500, never a minutes-long hang), and afterwards the processors, projectors and readers resume by themselves, every
 * acknowledged write is there exactly once, and new writes are served.
 */
@ExtendWith(SkyTestKit.class)
class BrokerOutageTest {
  static final Duration OUTAGE = Duration.ofSeconds(20);

  private EmbeddedKafka broker;
  private Cloud cloud;

  @AfterEach
  void stop() {
    if (cloud != null) cloud.close();
    if (broker != null) broker.close();
  }

  @Test
  void acknowledgedWritesSurviveABrokerOutageWithoutARestartOfTheCloud(TestEnvironment env) throws Exception {
    Path dir = env.dir().resolve("outage-kafka");
    int port = env.freePorts(2);
    int controller = port + 1;
    broker = new EmbeddedKafka(dir, port, controller).start();
    cloud = TestClouds.start(env, "secret", env.config().withKafkaBootstrap(broker.bootstrapServers()));
    HttpClientForTests http = new HttpClientForTests(cloud.config().publicUrl());
    String token = http.token("admin", "secret", "admin");

    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger next = new AtomicInteger();
    java.util.concurrent.atomic.AtomicLong slowest = new java.util.concurrent.atomic.AtomicLong();
    Thread writer = new Thread(() -> {
      while (writing.get()) {
        String name = "proj-" + next.incrementAndGet();
        long started = System.nanoTime();
        var r = http.send("POST", "/identity/v3/projects", token, json(obj("project", obj("name", name))));
        long took = (System.nanoTime() - started) / 1_000_000;
        statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
        slowest.accumulateAndGet(took, Math::max);
        if (r.status() == 201) acknowledged.add(name);
        // 503: not published; 504: published as the broker went away and not decided within the bus's
        // 30 s (it may still take effect, and says so)
        else if (r.status() != 503 && r.status() != 504) wrong.add(name + ": " + r.status() + " " + r.raw().body());
        if (took > 45_000) wrong.add(name + ": answered after " + took + " ms");
        try {
          Thread.sleep(r.status() == 201 ? 20 : 200);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    writer.start();
    Thread.sleep(2000);
    broker.close();
    Thread.sleep(OUTAGE.toMillis());
    int before = acknowledged.size();
    broker = new EmbeddedKafka(dir, port, controller).start();

    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (acknowledged.size() < before + 10 && System.nanoTime() < deadline) Thread.sleep(200);
    writing.set(false);
    writer.join(60_000);
    System.out.println("broker outage: answers " + statuses + ", slowest " + slowest.get() + " ms");
    assertTrue(acknowledged.size() >= before + 10, "writes are served again after the broker came back: " + statuses);
    // a write in flight may simply wait the outage out (the bus waits 30 s for its decision)
    assertTrue(statuses.containsKey(503) || statuses.containsKey(504) || slowest.get() >= OUTAGE.toMillis() / 2,
        "the outage was felt: " + statuses + ", slowest " + slowest.get() + " ms");
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));

    JsonNode listed = http.send("GET", "/identity/v3/projects", token, null).json().path("projects");
    Map<String, Integer> seen = new HashMap<>();
    for (JsonNode p : listed) seen.merge(p.path("name").asText(), 1, Integer::sum);
    for (String name : acknowledged) assertEquals(1, seen.getOrDefault(name, 0), "project " + name);
  }
}
