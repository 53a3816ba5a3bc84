package dev.skyledger.ops.compute;

import static dev.skyledger.ops.KeystoneAdmin.json;
import static dev.skyledger.ops.KeystoneAdmin.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.hostagent.HostAgent;
import dev.skyledger.hostagent.HostCommandLoop;
import dev.skyledger.hostagent.driver.HypervisorDriver;
import dev.skyledger.hostagent.driver.SimulatedDriver;
import dev.skyledger.hostagent.image.ImageCache;
import dev.skyledger.hostagent.image.StoreImageSource;
import dev.skyledger.hostagent.image.StoreImageUploads;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.image.FileImageStore;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A host agent that dies in the middle of a spawn or of a snapshot leaves nothing transitional
 * behind once the bounds have passed: the server being built is in ERROR, the snapshotted server
 * is ACTIVE with no task, and the half-uploaded image is queued again (its upload judged dead).
 */
@ExtendWith(SkyTestKit.class)
class HostCrashTest {
  static final int SPAWN_BOUND_SECONDS = 4;
  static final Duration UPLOAD_BOUND = Duration.ofSeconds(3);

  private Cloud cloud;
  private final List<AutoCloseable> opened = new java.util.ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : opened) c.close();
    if (cloud != null) cloud.close();
  }

  /** A simulated hypervisor whose snapshots never finish reading (the agent dies while copying the disk). */
  private static final class HangingSnapshots implements HypervisorDriver {
    private final SimulatedDriver inner;

    HangingSnapshots(SimulatedDriver inner) {
      this.inner = inner;
    }

    public String type() { return inner.type(); }
    public String version() { return inner.version(); }
    public Capacity capacity() { return inner.capacity(); }
    public Usage usage() { return inner.usage(); }
    public void spawn(DomainSpec spec) throws DriverException { inner.spawn(spec); }
    public void destroy(String id) throws DriverException { inner.destroy(id); }
    public void reboot(String id, boolean hard) throws DriverException { inner.reboot(id, hard); }
    public void powerOff(String id) throws DriverException { inner.powerOff(id); }
    public void powerOn(String id) throws DriverException { inner.powerOn(id); }
    public Optional<DomainState> state(String id) { return inner.state(id); }
    public List<String> domains() { return inner.domains(); }
    public String consoleLog(String id, int lines) throws DriverException { return inner.consoleLog(id, lines); }

    public InputStream snapshot(String id) {
      return new InputStream() {
        @Override
        public int read() throws java.io.IOException {
          try {
            Thread.sleep(Long.MAX_VALUE);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new java.io.InterruptedIOException("the copy was interrupted");
        }
      };
    }
  }

  /** One host agent of its own, started as a host process starts one, and how to kill it (no goodbye). */
  private Runnable startHost(TestEnvironment env, String hostId, HypervisorDriver driver) {
    Envelopes envelopes = new Envelopes(new PayloadCodec());
    KafkaProducer<String, Envelope> producer = new KafkaClients(env.config()).producer(hostId);
    FileImageStore store = new FileImageStore(cloud.config().imageDir());
    HostAgent agent = new HostAgent(new HostAgent.Settings(hostId, "nova", "127.0.0.1", Duration.ofSeconds(1), 16.0,
        1.5, 1.0), driver, new ImageCache(env.dir().resolve("cache-" + hostId), new StoreImageSource(store)),
        new StoreImageUploads(store), producer, envelopes, env.config(), Clock.systemUTC());
    ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
    agent.start(heartbeats);
    HostCommandLoop loop = new HostCommandLoop(env.config(), "crash-" + hostId, List.of(agent));
    return () -> {
      // a crash: nothing more is reported (not even what the interrupted work would say), the heartbeats stop
      producer.close(Duration.ZERO);
      heartbeats.shutdownNow();
      loop.close();
    };
  }

  @Test
  void anAgentKilledMidSpawnAndMidSnapshotLeavesNothingTransitional(TestEnvironment env) throws Exception {
    cloud = TestClouds.start(env, "secret", env.config().withCompute(new SkyConfig.Compute(Duration.ofSeconds(10),
        Duration.ofSeconds(SPAWN_BOUND_SECONDS), Duration.ofSeconds(5), UPLOAD_BOUND)));
    HttpClientForTests http = new HttpClientForTests(cloud.config().publicUrl());
    String token = http.token("admin", "secret", "admin");
    var image = http.send("POST", "/image/v2/images", token,
        json(obj("name", "crash-img", "disk_format", "raw", "container_format", "bare")));
    String imageId = image.json().path("id").asText();
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + imageId + "/file", token, new byte[4096],
        Map.of("Content-Type", "application/octet-stream")).statusCode());
    HypervisorDriver.Capacity capacity = new HypervisorDriver.Capacity(8, 8192, 100);

    // mid-spawn: the only host takes a minute to start a domain and dies after a second
    Runnable killSlow = startHost(env, "slow-host",
        new SimulatedDriver(capacity, Duration.ofSeconds(60), Clock.systemUTC()));
    http.await(token, "/compute/v2.1/os-hypervisors/detail", h -> h.path("hypervisors").size() == 1
        && h.path("hypervisors").get(0).path("state").asText().equals("up"));
    String building = server(http, token, imageId, "building");
    http.await(token, "/compute/v2.1/servers/" + building,
        s -> s.path("server").path("OS-EXT-SRV-ATTR:host").asText().equals("slow-host"));
    Thread.sleep(1000);
    killSlow.run();
    JsonNode failed = http.await(token, "/compute/v2.1/servers/" + building,
        s -> !s.path("server").path("status").asText().equals("BUILD")).path("server");
    assertEquals("ERROR", failed.path("status").asText(), failed.toString());
    assertTrue(failed.path("OS-EXT-STS:task_state").isNull(), failed.toString());

    // mid-snapshot: another host runs a server, starts copying its disk for a snapshot, and dies
    Runnable killHanging = startHost(env, "hanging-host",
        new HangingSnapshots(new SimulatedDriver(capacity, Duration.ofMillis(50), Clock.systemUTC())));
    String running = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (running == null && System.nanoTime() < deadline) {
      // the dead host is judged down within a few heartbeats; until then a boot may still go to it
      String id = server(http, token, imageId, "snapshotted");
      JsonNode s = http.await(token, "/compute/v2.1/servers/" + id,
          v -> !v.path("server").path("status").asText().equals("BUILD")).path("server");
      if (s.path("status").asText().equals("ACTIVE")) running = id;
    }
    assertTrue(running != null, "a server runs on the second host");
    var snapshot = http.send("POST", "/compute/v2.1/servers/" + running + "/action", token,
        json(obj("createImage", obj("name", "half-snap"))));
    assertEquals(202, snapshot.status(), snapshot.raw().body());
    String snapId = snapshot.header("Location").substring(snapshot.header("Location").lastIndexOf('/') + 1);
    http.await(token, "/image/v2/images/" + snapId, i -> i.path("status").asText().equals("saving"));
    killHanging.run();

    JsonNode after = http.await(token, "/compute/v2.1/servers/" + running,
        s -> s.path("server").path("OS-EXT-STS:task_state").isNull()).path("server");
    assertEquals("ACTIVE", after.path("status").asText(), after.toString());
    http.await(token, "/image/v2/images/" + snapId, i -> i.path("status").asText().equals("queued"));
    String metrics = http.send("GET", "/metrics", null, null).raw().body();
    assertTrue(metrics.contains("sky_saga_open_boots 0.0"), "no boot left open");
  }

  private static String server(HttpClientForTests http, String token, String imageId, String name) {
    var r = http.send("POST", "/compute/v2.1/servers", token, json(obj("server", obj("name", name, "imageRef", imageId,
        "flavorRef", "1"))));
    assertEquals(202, r.status(), r.raw().body());
    return r.json().path("server").path("id").asText();
  }
}
