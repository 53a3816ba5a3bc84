package dev.skyledger.hostagent;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.host.DestroyInstance;
import dev.skyledger.events.host.HostHeartbeat;
import dev.skyledger.events.host.HostInventoryReported;
import dev.skyledger.events.host.HostRegistered;
import dev.skyledger.events.host.HostStopped;
import dev.skyledger.events.host.ImageCached;
import dev.skyledger.events.host.InstanceActionFailed;
import dev.skyledger.events.host.InstanceDestroyed;
import dev.skyledger.events.host.InstancePowerChanged;
import dev.skyledger.events.host.InstanceSnapshotted;
import dev.skyledger.events.host.InstanceSpawnFailed;
import dev.skyledger.events.host.InstanceSpawned;
import dev.skyledger.events.host.PowerInstance;
import dev.skyledger.events.host.SnapshotInstance;
import dev.skyledger.events.host.SpawnInstance;
import dev.skyledger.events.image.AbortImageUpload;
import dev.skyledger.events.image.CompleteImageUpload;
import dev.skyledger.events.image.StartImageUpload;
import dev.skyledger.hostagent.driver.HypervisorDriver;
import dev.skyledger.hostagent.image.ImageCache;
import dev.skyledger.hostagent.image.ImageUploads;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.runtime.BackgroundLoop;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
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
 * share one producer (the all-in-one runs N simulated hosts in one JVM), and one image cache.
 */
public final class HostAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostAgent.class);

  /** Where the host is and how it reports; {@code consoleUrl}: where it serves console logs ({@link ConsoleServer}; null: nowhere). */
  public record Settings(String hostId, String availabilityZone, String hostIp, Duration heartbeat,
                         double cpuAllocationRatio, double ramAllocationRatio, double diskAllocationRatio,
                         String consoleUrl) {
    public Settings(String hostId, String availabilityZone, String hostIp, Duration heartbeat,
                    double cpuAllocationRatio, double ramAllocationRatio, double diskAllocationRatio) {
      this(hostId, availabilityZone, hostIp, heartbeat, cpuAllocationRatio, ramAllocationRatio, diskAllocationRatio, null);
    }

    public Settings withConsoleUrl(String url) {
      return new Settings(hostId, availabilityZone, hostIp, heartbeat, cpuAllocationRatio, ramAllocationRatio,
          diskAllocationRatio, url);
    }
  }

  private final Settings settings;
  private final HypervisorDriver driver;
  /** Null: this host caches no images, and a spawn from an image fails. */
  private final ImageCache images;
  /** Null: this host cannot take snapshots. */
  private ImageUploads uploads;
  private final Producer<String, Envelope> producer;
  private final Envelopes envelopes;
  private final SkyConfig config;
  private final Clock clock;
  private BackgroundLoop heartbeats;
  /** The heartbeats on a timer shared with other agents (see {@link #start(ScheduledExecutorService)}). */
  private ScheduledFuture<?> sharedHeartbeats;

  /** A host without an image cache: it spawns domains that need no image (tests, heartbeat-only hosts). */
  public HostAgent(Settings settings, HypervisorDriver driver, Producer<String, Envelope> producer, Envelopes envelopes,
                   SkyConfig config, Clock clock) {
    this(settings, driver, null, producer, envelopes, config, clock);
  }

  /** As below, and {@code uploads}: where the host puts snapshots (null: it cannot take them). */
  public HostAgent(Settings settings, HypervisorDriver driver, ImageCache images, ImageUploads uploads,
                   Producer<String, Envelope> producer, Envelopes envelopes, SkyConfig config, Clock clock) {
    this(settings, driver, images, producer, envelopes, config, clock);
    this.uploads = uploads;
  }

  /** {@code images}: where the host keeps the images its domains boot from (hosts of one process may share it). */
  public HostAgent(Settings settings, HypervisorDriver driver, ImageCache images, Producer<String, Envelope> producer,
                   Envelopes envelopes, SkyConfig config, Clock clock) {
    this.settings = settings;
    this.driver = driver;
    this.images = images;
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

  /** Registers the host (waiting until the broker has it) and starts the heartbeats on a thread of its own. */
  public HostAgent start() {
    register();
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

  /**
   * Registers the host and sends its heartbeats from {@code timer}, which the agents of one process
   * share: a thousand simulated hosts then wake one thread between them, not a thousand threads ten
   * times a second each.
   */
  public HostAgent start(ScheduledExecutorService timer) {
    register();
    long every = settings.heartbeat().toMillis();
    sharedHeartbeats = timer.scheduleAtFixedRate(() -> {
      try {
        beat();
      } catch (RuntimeException e) {
        // a failed beat must not cancel the next ones (a timer task that throws is never run again)
        log.warn("host {} could not send a heartbeat: {}", settings.hostId(), e.getMessage());
      }
    }, every, every, TimeUnit.MILLISECONDS);
    return this;
  }

  private void register() {
    HypervisorDriver.Capacity c = driver.capacity();
    publish(new HostRegistered(settings.hostId(), driver.type(), driver.version(), settings.availabilityZone(),
        settings.hostIp(), c.vcpus(), c.memoryMb(), c.localGb(), settings.cpuAllocationRatio(),
        settings.ramAllocationRatio(), settings.diskAllocationRatio(), "skyledger-0.1.0",
        (int) Math.max(1, settings.heartbeat().toSeconds()), settings.consoleUrl()), true);
    // what is running here now: the saga destroys what no server of this host owns any more
    publish(new HostInventoryReported(settings.hostId(), driver.domains()), true);
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
   * reports it spawned, destroying one that is gone reports it destroyed. A spawn from an image
   * reports two facts: the image cached, then the outcome.
   */
  public void handle(Envelope command) {
    SpecificRecord payload = envelopes.open(command);
    SpecificRecord fact;
    if (payload instanceof SpawnInstance c) {
      spawn(command, c);
      return;
    } else if (payload instanceof DestroyInstance c) {
      try {
        driver.destroy(c.getInstanceId());
        fact = new InstanceDestroyed(c.getInstanceId(), settings.hostId());
      } catch (HypervisorDriver.DriverException e) {
        fact = new InstanceActionFailed(c.getInstanceId(), settings.hostId(), "destroy", e.getMessage());
      }
    } else if (payload instanceof PowerInstance c) {
      fact = power(c);
    } else if (payload instanceof SnapshotInstance c) {
      fact = snapshot(command, c);
    } else {
      log.warn("host {} ignores unknown command {}", settings.hostId(), command.getType());
      return;
    }
    report(command, 0, fact);
  }

  /**
   * Copies the domain's disk into the image service as the (queued) image the API created: the
   * upload is recorded with the image service's own commands, on behalf of whoever asked for the
   * snapshot (StartImageUpload, then CompleteImageUpload with size and checksums, or
   * AbortImageUpload), so the image goes queued → saving → active as an upload through the API does.
   */
  private SpecificRecord snapshot(Envelope command, SnapshotInstance c) {
    if (uploads == null) {
      return new InstanceActionFailed(c.getInstanceId(), settings.hostId(), "snapshot",
          "host " + settings.hostId() + " cannot upload images");
    }
    imageCommand(command, 10, c.getProjectId(), new StartImageUpload(c.getImageId()));
    try (InputStream disk = driver.snapshot(c.getInstanceId())) {
      ImageUploads.Uploaded up = uploads.upload(c.getImageId(), disk);
      // an agent being stopped mid-copy never declares a partial copy complete
      if (Thread.currentThread().isInterrupted()) throw new IOException("the snapshot was interrupted");
      imageCommand(command, 11, c.getProjectId(), new CompleteImageUpload(c.getImageId(), up.size(), up.size(), up.md5(),
          "sha512", up.sha512(), up.location()));
      return new InstanceSnapshotted(c.getInstanceId(), settings.hostId(), c.getImageId(), up.size());
    } catch (HypervisorDriver.DriverException | IOException e) {
      imageCommand(command, 11, c.getProjectId(), new AbortImageUpload(c.getImageId(), "snapshot failed: " + e.getMessage()));
      return new InstanceActionFailed(c.getInstanceId(), settings.hostId(), "snapshot", e.getMessage());
    }
  }

  /** A command to the image service, keyed by the image's owner, caused by (and on behalf of) a host command. */
  private void imageCommand(Envelope cause, int n, String owner, SpecificRecord command) {
    Envelope envelope = Envelope.newBuilder(envelopes.derived(cause, n, command, cause.getAggregateId(), owner, 0))
        .setStreamKey(owner).build();
    try {
      producer.send(new ProducerRecord<>(config.topic(Topics.IMAGE_COMMANDS), owner, envelope)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("host {} could not send {}: {}", settings.hostId(), command.getSchema().getName(), e.getMessage());
    }
  }

  /** {@code n}: which fact of the command this is; the same for the same fact when the command comes again. */
  private void report(Envelope command, int n, SpecificRecord fact) {
    Envelope envelope = envelopes.derived(command, n, fact, command.getAggregateId(), command.getProjectId(), 0);
    producer.send(new ProducerRecord<>(config.topic(Topics.HOST_EVENTS), settings.hostId(), envelope), (m, e) -> {
      if (e != null) log.warn("host {} could not report {}: {}", settings.hostId(), fact.getSchema().getName(), e.getMessage());
    });
  }

  /**
   * Caches the image (fact 0, when there is one), then creates the domain from the cached file
   * (the outcome: fact 1 with an image, 0 without, so that a command that comes again derives the
   * same ids whatever it finds).
   */
  private void spawn(Envelope command, SpawnInstance c) {
    String instanceId = c.getInstanceId();
    boolean fromImage = c.getImageId() != null;
    int outcome = fromImage ? 1 : 0;
    if (driver.state(instanceId).isPresent()) {
      report(command, outcome, new InstanceSpawned(instanceId, settings.hostId()));
      return;
    }
    String imagePath = c.getImagePath();
    if (fromImage) {
      try {
        if (images == null) throw new IOException("host " + settings.hostId() + " has no image cache");
        ImageCache.Cached cached = images.ensure(c.getImageId(), c.getImageChecksum(), c.getImageSize(), c.getImageLocation());
        report(command, 0, new ImageCached(settings.hostId(), c.getImageId(), instanceId, cached.bytes(), cached.fetched()));
        imagePath = cached.path().toString();
      } catch (IOException e) {
        log.warn("host {} could not cache image {} for {}: {}", settings.hostId(), c.getImageId(), instanceId, e.getMessage());
        report(command, outcome, new InstanceSpawnFailed(instanceId, settings.hostId(), e.getMessage()));
        return;
      }
    }
    List<HypervisorDriver.Nic> nics = c.getNics().stream()
        .map(n -> new HypervisorDriver.Nic(n.getPortId(), n.getMacAddress(), n.getDevice())).toList();
    SpecificRecord fact;
    try {
      driver.spawn(new HypervisorDriver.DomainSpec(instanceId, c.getName(), c.getVcpus(), c.getMemoryMb(),
          c.getRootGb(), imagePath, nics, c.getUserData(), c.getPublicKey()));
      fact = new InstanceSpawned(instanceId, settings.hostId());
    } catch (HypervisorDriver.DriverException e) {
      fact = new InstanceSpawnFailed(instanceId, settings.hostId(), e.getMessage());
    }
    report(command, outcome, fact);
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
    if (sharedHeartbeats != null) sharedHeartbeats.cancel(false);
    try {
      publish(new HostStopped(settings.hostId()), true);
    } catch (RuntimeException e) {
      log.warn("host {} could not report that it stopped: {}", settings.hostId(), e.getMessage());
    }
  }
}
