package dev.skyledger.ops.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.platform.embedded.FreePorts;
import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.ops.HttpClientForTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost: {@code ./sky up} (the real all-in-one, as its own process) is killed with SIGKILL
 * while clients are creating projects, then started again. Every project whose creation was
 * answered 201 is there, exactly once, and the audit trail holds exactly one event for each.
 */
class CrashRecoveryTest {
  @TempDir
  Path home;
  private Process cloud;

  @AfterEach
  void stop() throws InterruptedException {
    if (cloud != null && cloud.isAlive()) {
      cloud.destroy();
      if (!cloud.waitFor(60, TimeUnit.SECONDS)) cloud.destroyForcibly();
    }
  }

  @Test
  void acknowledgedWritesSurviveAKillDashNine() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("SKY_HOME", home.toString());
    FreePorts free = new FreePorts();
    env.put("SKY_PORT", String.valueOf(free.next()));
    // the broker's controller listens on the next port (UpCommand): both must be free
    env.put("SKY_KAFKA_PORT", String.valueOf(free.block(2)));
    env.put("SKY_PG_PORT", String.valueOf(free.next()));
    env.put("SKY_ADMIN_PASSWORD", "crash-secret");
    env.put("SKY_PASSWORD_ITERATIONS", "1000");
    env.put("SKY_SIM_SPAWN_MS", "200");
    String base = "http://127.0.0.1:" + env.get("SKY_PORT");

    cloud = start(env, home.resolve("first.log"));
    HttpClientForTests http = new HttpClientForTests(base);
    String token = http.token("admin", "crash-secret", "admin");

    String net = http.send("POST", "/network/v2.0/networks", token, "{\"network\":{\"name\":\"crash-net\"}}")
        .json().path("network").path("id").asText();
    assertEquals(201, http.send("POST", "/network/v2.0/subnets", token, "{\"subnet\":{\"network_id\":\"" + net
        + "\",\"cidr\":\"10.99.0.0/20\",\"ip_version\":4}}").status());

    // a server that is ACTIVE before the kill, and one on its way when it comes
    var image = http.send("POST", "/image/v2/images", token,
        "{\"name\":\"crash-img\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}");
    String imageId = image.json().path("id").asText();
    http.bytes("PUT", "/image/v2/images/" + imageId + "/file", token, new byte[8192],
        Map.of("Content-Type", "application/octet-stream"));
    String serverBody = "{\"server\":{\"name\":\"NAME\",\"imageRef\":\"" + imageId
        + "\",\"flavorRef\":\"1\",\"networks\":[{\"uuid\":\"" + net + "\"}]}}";
    String active = http.send("POST", "/compute/v2.1/servers", token, serverBody.replace("NAME", "before"))
        .json().path("server").path("id").asText();
    awaitServer(http, token, active, "ACTIVE");

    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Map<String, String> ports = new ConcurrentHashMap<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger next = new AtomicInteger();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      boolean portWriter = w % 2 == 0;
      Thread writer = new Thread(() -> {
        while (writing.get()) {
          String name = "crash-" + next.getAndIncrement();
          try {
            if (portWriter) {
              var r = http.send("POST", "/network/v2.0/ports", token, "{\"port\":{\"network_id\":\"" + net
                  + "\",\"name\":\"" + name + "\"}}");
              if (r.status() == 201) {
                ports.put(r.json().path("port").path("id").asText(),
                    r.json().path("port").path("fixed_ips").path(0).path("ip_address").asText());
              }
            } else {
              var r = http.send("POST", "/identity/v3/projects", token, "{\"project\":{\"name\":\"" + name + "\"}}");
              if (r.status() == 201) acknowledged.add(name);
            }
          } catch (RuntimeException e) {
            return; // the cloud is gone
          }
        }
      });
      writer.start();
      writers.add(writer);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while ((acknowledged.size() < 20 || ports.size() < 20) && System.nanoTime() < deadline) Thread.sleep(50);
    var during = http.send("POST", "/compute/v2.1/servers", token, serverBody.replace("NAME", "during"));
    assertEquals(202, during.status(), during.raw().body());
    String inFlight = during.json().path("server").path("id").asText();
    cloud.destroyForcibly();
    assertTrue(cloud.waitFor(30, TimeUnit.SECONDS));
    writing.set(false);
    for (Thread writer : writers) writer.join(30_000);
    assertTrue(acknowledged.size() >= 20, "only " + acknowledged.size() + " projects were acknowledged before the kill");
    assertTrue(ports.size() >= 20, "only " + ports.size() + " ports were acknowledged before the kill");

    cloud = start(env, home.resolve("second.log"));
    String again = http.token("admin", "crash-secret", "admin");
    JsonNode projects = http.send("GET", "/identity/v3/projects", again, null).json().path("projects");
    Map<String, Integer> seen = new HashMap<>();
    for (JsonNode p : projects) seen.merge(p.path("name").asText(), 1, Integer::sum);
    for (String name : acknowledged) assertEquals(1, seen.getOrDefault(name, 0), name + " after the restart");

    JsonNode audit = http.send("GET", "/ops/v1/audit/events?user=admin&limit=1000", again, null).json().path("events");
    Map<String, Integer> created = new HashMap<>();
    for (JsonNode e : audit) {
      if (e.path("type").asText().equals("ProjectCreated")) created.merge(e.path("payload").path("name").asText(), 1, Integer::sum);
    }
    for (String name : acknowledged) assertEquals(1, created.getOrDefault(name, 0), "audit events for " + name);

    // every acknowledged port is there with the address it was given, no address is held twice,
    // and the decider, restored, hands out an address nobody holds
    JsonNode listed = http.send("GET", "/network/v2.0/ports?network_id=" + net, again, null).json().path("ports");
    Map<String, String> after = new HashMap<>();
    Set<String> addresses = new java.util.HashSet<>();
    for (JsonNode p : listed) {
      String ip = p.path("fixed_ips").path(0).path("ip_address").asText();
      after.put(p.path("id").asText(), ip);
      assertTrue(addresses.add(ip), ip + " is held twice after the restart");
    }
    ports.forEach((id, ip) -> assertEquals(ip, after.get(id), "port " + id + " after the restart"));
    var fresh = http.send("POST", "/network/v2.0/ports", again, "{\"port\":{\"network_id\":\"" + net + "\"}}");
    assertEquals(201, fresh.status(), fresh.raw().body());
    String freshIp = fresh.json().path("port").path("fixed_ips").path(0).path("ip_address").asText();
    assertTrue(addresses.add(freshIp), "the restored decider handed out " + freshIp + " again");

    // the server that was ACTIVE still is, on a host that resumed it; the one on its way did not stay in BUILD
    awaitServer(http, again, active, "ACTIVE");
    assertEquals(202, http.send("POST", "/compute/v2.1/servers/" + active + "/action", again,
        "{\"reboot\":{\"type\":\"SOFT\"}}").status());
    awaitServer(http, again, active, "ACTIVE");
    assertTrue(http.send("POST", "/compute/v2.1/servers/" + active + "/action", again, "{\"os-getConsoleOutput\":{}}")
        .json().path("output").asText().contains("before login:"), "the resumed domain has a console");
    String end = awaitServer(http, again, inFlight, "ACTIVE", "ERROR");
    assertEquals("ACTIVE", end, "the boot in flight at the kill went on after the restart");
    String after2 = http.send("POST", "/compute/v2.1/servers", again, serverBody.replace("NAME", "after"))
        .json().path("server").path("id").asText();
    awaitServer(http, again, after2, "ACTIVE");
  }

  /** Polls a server until its status is one of {@code wanted}; returns it. */
  private static String awaitServer(HttpClientForTests http, String token, String id, String... wanted) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      var r = http.send("GET", "/compute/v2.1/servers/" + id, token, null);
      last = r.status() + " " + (r.json() == null ? "" : r.json().path("server").path("status").asText());
      for (String w : wanted) if (last.equals("200 " + w)) return w;
      Thread.sleep(200);
    }
    throw new AssertionError("server " + id + " is " + last + ", not " + String.join(" or ", wanted));
  }

  private static Process start(Map<String, String> env, Path log) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
        "dev.skyledger.ops.Sky", "up");
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      String out = Files.exists(log) ? Files.readString(log) : "";
      if (out.contains("Skyledger is up")) return process;
      if (!process.isAlive() || out.contains("failed to start")) break;
      Thread.sleep(200);
    }
    process.destroyForcibly();
    throw new AssertionError("./sky up did not come up:\n" + Files.readString(log));
  }

}
