package dev.skyledger.hostagent;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.host.HostHeartbeat;
import dev.skyledger.events.host.HostRegistered;
import dev.skyledger.events.host.HostStopped;
import dev.skyledger.events.host.DestroyInstance;
import dev.skyledger.events.host.InstanceActionFailed;
import dev.skyledger.events.host.InstanceDestroyed;
import dev.skyledger.events.host.InstancePowerChanged;
import dev.skyledger.events.host.InstanceSpawnFailed;
import dev.skyledger.events.host.InstanceSpawned;
import dev.skyledger.events.host.PowerInstance;
import dev.skyledger.events.host.SpawnInstance;
import dev.skyledger.hostagent.driver.HypervisorDriver;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.runtime.BackgroundLoop;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon of one compute node: it registers its host with what its hypervisor has, and then
 * reports a heartbeat with what the hypervisor uses, every {@code heartbeat} (os-services shows the
 * host down when they stop). Its facts go to {@code host.events}, keyed by host id. Many agents may
 * share one producer (the all-in-one runs N simulated hosts in one JVM).
 */
public final class HostAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostAgent.class);

  /** Where the host is and how it reports. */
  public record Settings(String hostId, String availabilityZone, String hostIp, Duration heartbeat,
                         double cpuAllocationRatio, double ramAllocationRatio, double diskAllocationRatio) {}

  private final Settings settings;
  private final HypervisorDriver driver;
  private final Producer<String, Envelope> producer;
  private final Envelopes envelopes;
  private final SkyConfig config;
  private final Clock clock;
  private BackgroundLoop heartbeats;

  public HostAgent(Settings settings, HypervisorDriver driver, Producer<String, Envelope> producer, Envelopes envelopes,
                   SkyConfig config, Clock clock) {
    this.settings = settings;
    this.driver = driver;
    this.producer = producer;
    this.envelopes = envelopes;
    this.config = config;
    this.clock = clock;
  }

  public String hostId() {
    return settings.hostId();
  }

  public HypervisorDriver driver() {
    return driver;
  }

  /** Registers the host (waiting until the broker has it) and starts the heartbeats. */
  public HostAgent start() {
    HypervisorDriver.Capacity c = driver.capacity();
    publish(new HostRegistered(settings.hostId(), driver.type(), driver.version(), settings.availabilityZone(),
        settings.hostIp(), c.vcpus(), c.memoryMb(), c.localGb(), settings.cpuAllocationRatio(),
        settings.ramAllocationRatio(), settings.diskAllocationRatio(), "skyledger-0.1.0",
        (int) Math.max(1, settings.heartbeat().toSeconds())), true);
    heartbeats = BackgroundLoop.start("heartbeat-" + settings.hostId(), loop -> {
      long every = settings.heartbeat().toMillis();
      long next = System.currentTimeMillis() + every;
      while (loop.running()) {
        if (System.currentTimeMillis() >= next) {
          beat();
          next += every;
        }
        if (!loop.pause(Math.min(100, Math.max(1, next - System.currentTimeMillis())))) return;
      }
    }, () -> { }, log);
    return this;
  }

  /** Reports one heartbeat now. */
  public void beat() {
    HypervisorDriver.Usage u = driver.usage();
    publish(new HostHeartbeat(settings.hostId(), u.vcpus(), u.memoryMb(), u.localGb(), u.domains(),
        (int) Math.max(1, settings.heartbeat().toSeconds())), false);
  }

  private void publish(SpecificRecord fact, boolean wait) {
    Envelope envelope = envelopes.command(fact, settings.hostId(), null, actor(), "req-" + UUID.randomUUID(),
        settings.hostId(), clock.instant());
    var sent = producer.send(new ProducerRecord<>(config.topic(Topics.HOST_EVENTS), settings.hostId(), envelope), (m, e) -> {
      if (e != null) log.warn("host {} could not report {}: {}", settings.hostId(), fact.getSchema().getName(), e.getMessage());
    });
    if (wait) {
      try {
        sent.get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("host " + settings.hostId() + " could not register: " + e.getMessage(), e);
      }
    }
  }

  private Actor actor() {
    return Actor.newBuilder().setUserId(null).setUserName("host-agent:" + settings.hostId()).setProjectId(null)
        .setRoles(List.of("service")).build();
  }

  /**
   * Carries out one command for this host and reports what happened as a fact caused by it.
   * Commands may come again after a crash, so each is idempotent: spawning a domain that runs
   * reports it spawned, destroying one that is gone reports it destroyed.
   */
  public void handle(Envelope command) {
    SpecificRecord payload = envelopes.open(command);
    SpecificRecord fact;
    if (payload instanceof SpawnInstance c) {
      fact = spawn(c);
    } else if (payload instanceof DestroyInstance c) {
      try {
        driver.destroy(c.getInstanceId());
        fact = new InstanceDestroyed(c.getInstanceId(), settings.hostId());
      } catch (HypervisorDriver.DriverException e) {
        fact = new InstanceActionFailed(c.getInstanceId(), settings.hostId(), "destroy", e.getMessage());
      }
    } else if (payload instanceof PowerInstance c) {
      fact = power(c);
    } else {
      log.warn("host {} ignores unknown command {}", settings.hostId(), command.getType());
      return;
    }
    report(command, fact);
  }

  private void report(Envelope command, SpecificRecord fact) {
    Envelope envelope = envelopes.derived(command, 0, fact, command.getAggregateId(), command.getProjectId(), 0);
    producer.send(new ProducerRecord<>(config.topic(Topics.HOST_EVENTS), settings.hostId(), envelope), (m, e) -> {
      if (e != null) log.warn("host {} could not report {}: {}", settings.hostId(), fact.getSchema().getName(), e.getMessage());
    });
  }

  private SpecificRecord spawn(SpawnInstance c) {
    if (driver.state(c.getInstanceId()).isPresent()) return new InstanceSpawned(c.getInstanceId(), settings.hostId());
    List<HypervisorDriver.Nic> nics = c.getNics().stream()
        .map(n -> new HypervisorDriver.Nic(n.getPortId(), n.getMacAddress(), n.getDevice())).toList();
    try {
      driver.spawn(new HypervisorDriver.DomainSpec(c.getInstanceId(), c.getName(), c.getVcpus(), c.getMemoryMb(),
          c.getRootGb(), c.getImagePath(), nics, c.getUserData()));
      return new InstanceSpawned(c.getInstanceId(), settings.hostId());
    } catch (HypervisorDriver.DriverException e) {
      return new InstanceSpawnFailed(c.getInstanceId(), settings.hostId(), e.getMessage());
    }
  }

  private SpecificRecord power(PowerInstance c) {
    try {
      switch (c.getAction()) {
        case "stop" -> driver.powerOff(c.getInstanceId());
        case "start" -> driver.powerOn(c.getInstanceId());
        case "reboot-soft" -> driver.reboot(c.getInstanceId(), false);
        case "reboot-hard" -> driver.reboot(c.getInstanceId(), true);
        default -> throw new HypervisorDriver.DriverException("unknown power action " + c.getAction());
      }
      String state = driver.state(c.getInstanceId()).map(Enum::name).orElse("NOSTATE");
      return new InstancePowerChanged(c.getInstanceId(), settings.hostId(), c.getAction(), state);
    } catch (HypervisorDriver.DriverException e) {
      return new InstanceActionFailed(c.getInstanceId(), settings.hostId(), c.getAction(), e.getMessage());
    }
  }

  /** Stops the heartbeats and says the host stopped (a crash says nothing: the heartbeats just stop). */
  @Override
  public void close() {
    if (heartbeats != null) heartbeats.close();
    try {
      publish(new HostStopped(settings.hostId()), true);
    } catch (RuntimeException e) {
      log.warn("host {} could not report that it stopped: {}", settings.hostId(), e.getMessage());
    }
  }
}
