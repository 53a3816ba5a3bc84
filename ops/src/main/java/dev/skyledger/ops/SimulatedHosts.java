package dev.skyledger.ops;

import dev.skyledger.events.core.Envelope;
import dev.skyledger.hostagent.ConsoleServer;
import dev.skyledger.hostagent.HostAgent;
import dev.skyledger.hostagent.HostCommandLoop;
import dev.skyledger.hostagent.driver.HypervisorDriver;
import dev.skyledger.hostagent.driver.SimulatedDriver;
import dev.skyledger.hostagent.image.ImageCache;
import dev.skyledger.hostagent.image.StoreImageSource;
import dev.skyledger.hostagent.image.StoreImageUploads;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.image.FileImageStore;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The all-in-one's simulated compute hosts ({@code compute-1} ...): agents in this process, each
 * registering and reporting as a separate agent would, sharing one producer, one heartbeat timer
 * (a thousand hosts, one thread), one image cache beside the image store, one console server and
 * one command loop. They reach the rest of the cloud only through Kafka and the console URL they
 * register, as agents on other machines do.
 */
final class SimulatedHosts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimulatedHosts.class);

  /**
   * Each host's capacity, how long a spawn takes and how often it beats: SKY_SIM_HOST_VCPUS (16),
   * SKY_SIM_HOST_RAM_MB (32768), SKY_SIM_HOST_DISK_GB (500), SKY_SIM_SPAWN_MS (500),
   * SKY_HOST_HEARTBEAT_SECONDS (10).
   */
  record Settings(HypervisorDriver.Capacity capacity, Duration spawn, Duration heartbeat) {
    static Settings fromEnvironment(Map<String, String> env) {
      return new Settings(new HypervisorDriver.Capacity(
          Integer.parseInt(env.getOrDefault("SKY_SIM_HOST_VCPUS", "16")),
          Integer.parseInt(env.getOrDefault("SKY_SIM_HOST_RAM_MB", "32768")),
          Integer.parseInt(env.getOrDefault("SKY_SIM_HOST_DISK_GB", "500"))),
          Duration.ofMillis(Long.parseLong(env.getOrDefault("SKY_SIM_SPAWN_MS", "500"))),
          Duration.ofSeconds(Long.parseLong(env.getOrDefault("SKY_HOST_HEARTBEAT_SECONDS", "10"))));
    }
  }

  /** What runs, in the order it is stopped. */
  private final List<AutoCloseable> running = new ArrayList<>();
  private final List<HostAgent> agents = new ArrayList<>();

  private SimulatedHosts() {}

  static SimulatedHosts start(SkyConfig config, Envelopes envelopes, int count, Settings settings) {
    SimulatedHosts hosts = new SimulatedHosts();
    try {
      hosts.startAll(config, envelopes, count, settings);
    } catch (RuntimeException e) {
      hosts.close();
      throw e;
    }
    return hosts;
  }

  private void startAll(SkyConfig config, Envelopes envelopes, int count, Settings settings) {
    Producer<String, Envelope> producer = new KafkaClients(config).producer("hosts");
    running.add(0, producer::close);
    ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "simulated-host-heartbeats");
      t.setDaemon(true);
      return t;
    });
    running.add(0, heartbeats::shutdownNow);
    ConsoleServer consoles = ConsoleServer.start("127.0.0.1", 0);
    running.add(0, consoles);
    Path hostsDir = config.imageDir().resolveSibling("hosts");
    // the hosts of this process share one cache beside the image store, and read the store directly
    ImageCache images = new ImageCache(hostsDir.resolve("image-cache"), new StoreImageSource(new FileImageStore(config.imageDir())));
    StoreImageUploads uploads = new StoreImageUploads(new FileImageStore(config.imageDir()));
    for (int i = 1; i <= count; i++) {
      String hostId = "compute-" + i;
      HostAgent.Settings host = new HostAgent.Settings(hostId, "nova", "127.0.0.1", settings.heartbeat(), 16.0, 1.5, 1.0)
          .withConsoleUrl(consoles.urlOf(hostId));
      HostAgent agent = new HostAgent(host, new SimulatedDriver(settings.capacity(), settings.spawn(), Clock.systemUTC(),
          hostsDir.resolve(hostId).resolve("domains")), images, uploads, producer, envelopes, config, Clock.systemUTC());
      consoles.serve(agent);
      agent.start(heartbeats);
      running.add(0, agent);
      agents.add(agent);
    }
    running.add(0, new HostCommandLoop(config, "host-agents-" + config.instanceId(), agents));
    log.info("{} simulated compute host(s) registered", count);
  }

  List<HostAgent> agents() {
    return List.copyOf(agents);
  }

  @Override
  public void close() {
    for (AutoCloseable c : running) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("error while stopping a simulated host", e);
      }
    }
    running.clear();
  }
}
