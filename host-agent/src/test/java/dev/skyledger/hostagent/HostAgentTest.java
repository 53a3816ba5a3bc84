package dev.skyledger.hostagent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.EnvelopeSerde;
import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.host.ImageCached;
import dev.skyledger.events.host.InstanceSpawnFailed;
import dev.skyledger.events.host.InstanceSpawned;
import dev.skyledger.events.host.Nic;
import dev.skyledger.events.host.SpawnInstance;
import dev.skyledger.hostagent.driver.HypervisorDriver;
import dev.skyledger.hostagent.driver.SimulatedDriver;
import dev.skyledger.hostagent.image.ImageCache;
import dev.skyledger.hostagent.image.StoreImageSource;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.image.FileImageStore;
import dev.skyledger.platform.image.ImageStore;
import dev.skyledger.platform.kafka.Envelopes;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HostAgent.handle on plain objects: a simulated driver, a cache in a temporary directory, a mock producer. */
class HostAgentTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  private static final byte[] IMAGE = "cirros disk ".repeat(10_000).getBytes(StandardCharsets.UTF_8);
  private static final String PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHQ4zq6MSkJ7ldu1Mz5wU0fGf6xZb3W4rK1Q9tTTuw2G alice@laptop";

  @TempDir
  Path tmp;

  private final Envelopes envelopes = new Envelopes(new PayloadCodec());
  private final MockProducer<String, Envelope> producer =
      new MockProducer<>(true, null, new StringSerializer(), new EnvelopeSerde());
  private final SkyConfig config = SkyConfig.fromEnvironment(Map.of());
  private final RecordingDriver driver = new RecordingDriver();
  private ImageCache cache;
  private HostAgent agent;
  private ImageStore.Staged image;
  private String location;

  @BeforeEach
  void setUp() throws Exception {
    ImageStore store = new FileImageStore(tmp.resolve("images"));
    image = store.stage("img-1", new ByteArrayInputStream(IMAGE), Long.MAX_VALUE);
    location = store.commit(image);
    cache = new ImageCache(tmp.resolve("hosts/image-cache"), new StoreImageSource(store));
    agent = new HostAgent(new HostAgent.Settings("compute-1", "nova", "127.0.0.1", Duration.ofSeconds(10), 16, 1.5, 1),
        driver, cache, producer, envelopes, config, CLOCK);
  }

  private SpawnInstance.Builder spawn(String instanceId) {
    return SpawnInstance.newBuilder().setInstanceId(instanceId).setHostId("compute-1").setName("web-" + instanceId)
        .setVcpus(1).setMemoryMb(512).setRootGb(1)
        .setNics(List.of(new Nic("port-1", "fa:16:3e:00:00:01", "tapport-1")));
  }

  private SpawnInstance.Builder fromImage(String instanceId) {
    return spawn(instanceId).setImageId("img-1").setImageChecksum(image.md5()).setImageSize(image.size())
        .setImageLocation(location).setPublicKey(PUBLIC_KEY);
  }

  private Envelope command(SpecificRecord payload, String instanceId) {
    return envelopes.command(payload, instanceId, "p-1", Envelopes.system(), "req-" + instanceId, "compute-1", CLOCK.instant());
  }

  /** What the agent reported since the last call. */
  private List<Envelope> reported() {
    List<Envelope> facts = producer.history().stream().map(ProducerRecord::value).toList();
    producer.clear();
    return facts;
  }

  @Test
  void givenAnImage_whenSpawn_thenImageCachedThenInstanceSpawnedFromTheCachedFile() throws Exception {
    Envelope first = command(fromImage("vm-1").build(), "vm-1");
    agent.handle(first);

    List<Envelope> facts = reported();
    assertEquals(2, facts.size(), facts.toString());
    assertEquals(new ImageCached("compute-1", "img-1", "vm-1", (long) IMAGE.length, true), envelopes.open(facts.get(0)));
    assertEquals(new InstanceSpawned("vm-1", "compute-1"), envelopes.open(facts.get(1)));
    assertNotEquals(facts.get(0).getEventId(), facts.get(1).getEventId());
    for (Envelope f : facts) {
      assertEquals(first.getEventId(), f.getCausationId());
      assertEquals("vm-1", f.getAggregateId());
      assertEquals("p-1", f.getProjectId());
    }
    Path cached = cache.directory().resolve("img-1");
    assertEquals(cached.toString(), driver.spawned.imagePath(), "the domain boots from the cached copy");
    assertArrayEquals(IMAGE, Files.readAllBytes(cached));
    String console = driver.consoleLog("vm-1", 0);
    assertTrue(console.contains("fa:16:3e:00:00:01") && console.contains("Setting hostname to web-vm-1")
        && console.contains("alice@laptop") && console.contains("web-vm-1 login:"), console);

    agent.handle(first);
    List<Envelope> again = reported();
    assertEquals(1, again.size(), "the domain runs: nothing is fetched or spawned again");
    assertEquals(new InstanceSpawned("vm-1", "compute-1"), envelopes.open(again.get(0)));
    assertEquals(facts.get(1).getEventId(), again.get(0).getEventId(), "the same fact gets the same id");

    agent.handle(command(fromImage("vm-2").build(), "vm-2"));
    assertEquals(new ImageCached("compute-1", "img-1", "vm-2", (long) IMAGE.length, false), envelopes.open(reported().get(0)),
        "the second domain from the image finds it cached");
  }

  @Test
  void givenABadChecksum_whenSpawn_thenInstanceSpawnFailedNamingBothChecksums() throws Exception {
    String wrong = "ffffffffffffffffffffffffffffffff";
    agent.handle(command(fromImage("vm-1").setImageChecksum(wrong).build(), "vm-1"));

    List<Envelope> facts = reported();
    assertEquals(1, facts.size(), facts.toString());
    InstanceSpawnFailed failed = (InstanceSpawnFailed) envelopes.open(facts.get(0));
    assertEquals("vm-1", failed.getInstanceId());
    assertTrue(failed.getReason().contains("expected MD5 " + wrong) && failed.getReason().contains("got " + image.md5()),
        failed.getReason());
    assertEquals(Optional.empty(), driver.state("vm-1"));
    assertTrue(Files.notExists(cache.directory().resolve("img-1")), "nothing was cached");
  }

  @Test
  void givenAnImageTheStoreDoesNotHave_whenSpawn_thenInstanceSpawnFailed() {
    agent.handle(command(fromImage("vm-1").setImageLocation(location + "-gone").build(), "vm-1"));

    InstanceSpawnFailed failed = (InstanceSpawnFailed) envelopes.open(reported().get(0));
    assertTrue(failed.getReason().startsWith("could not fetch image img-1"), failed.getReason());
    assertEquals(Optional.empty(), driver.state("vm-1"));
  }

  @Test
  void givenNoImage_whenSpawn_thenOnlyInstanceSpawnedAsBefore() {
    Envelope c = command(spawn("vm-1").build(), "vm-1");
    agent.handle(c);

    List<Envelope> facts = reported();
    assertEquals(1, facts.size());
    assertEquals(new InstanceSpawned("vm-1", "compute-1"), envelopes.open(facts.get(0)));
    assertEquals(envelopes.derived(c, 0, new InstanceSpawned("vm-1", "compute-1"), "vm-1", "p-1", 0).getEventId(),
        facts.get(0).getEventId());
    assertTrue(driver.consoleLog("vm-1", 0).contains("ci-info: no authorized SSH keys"));
  }

  @Test
  void givenARunningDomain_whenSnapshot_thenTheDiskIsUploadedThroughTheImageServicesCommandsAndReported() throws Exception {
    agent.handle(command(fromImage("vm-1").build(), "vm-1"));
    reported();
    ImageStore store = new FileImageStore(tmp.resolve("images"));
    HostAgent snapshotting = new HostAgent(new HostAgent.Settings("compute-1", "nova", "127.0.0.1", Duration.ofSeconds(10),
        16, 1.5, 1), driver, cache, new dev.skyledger.hostagent.image.StoreImageUploads(store), producer, envelopes, config,
        CLOCK);

    snapshotting.handle(command(new dev.skyledger.events.host.SnapshotInstance("vm-1", "compute-1", "snap-1", "p-1", "raw"),
        "vm-1"));

    List<ProducerRecord<String, Envelope>> sent = producer.history();
    List<SpecificRecord> payloads = sent.stream().map(r -> envelopes.open(r.value())).toList();
    assertEquals(new dev.skyledger.events.image.StartImageUpload("snap-1"), payloads.get(0));
    var complete = (dev.skyledger.events.image.CompleteImageUpload) payloads.get(1);
    assertEquals(IMAGE.length, complete.getSize());
    assertEquals(image.md5(), complete.getChecksum(), "the simulated disk is its base image");
    assertEquals("p-1", sent.get(1).key(), "image commands are keyed by the image's owner");
    assertEquals(new dev.skyledger.events.host.InstanceSnapshotted("vm-1", "compute-1", "snap-1", (long) IMAGE.length),
        payloads.get(2));
    try (var in = store.open(complete.getLocation(), 0, IMAGE.length)) {
      assertEquals(IMAGE.length, in.read(java.nio.ByteBuffer.allocate(IMAGE.length + 1)) > 0 ? IMAGE.length : 0);
    }

    producer.clear();
    snapshotting.handle(command(new dev.skyledger.events.host.SnapshotInstance("vm-404", "compute-1", "snap-2", "p-1", "raw"),
        "vm-404"));
    List<SpecificRecord> failed = producer.history().stream().map(r -> envelopes.open(r.value())).toList();
    assertTrue(failed.get(1) instanceof dev.skyledger.events.image.AbortImageUpload, failed.toString());
    assertEquals("snapshot", ((dev.skyledger.events.host.InstanceActionFailed) failed.get(2)).getAction());
  }

  /** The simulated driver, remembering the last spec it was asked to spawn. */
  private static final class RecordingDriver implements HypervisorDriver {
    private final SimulatedDriver simulated =
        new SimulatedDriver(new Capacity(4, 4096, 100), Duration.ZERO, CLOCK);
    volatile DomainSpec spawned;

    @Override public String type() { return simulated.type(); }
    @Override public String version() { return simulated.version(); }
    @Override public Capacity capacity() { return simulated.capacity(); }
    @Override public Usage usage() { return simulated.usage(); }
    @Override public void destroy(String id) throws DriverException { simulated.destroy(id); }
    @Override public void reboot(String id, boolean hard) throws DriverException { simulated.reboot(id, hard); }
    @Override public void powerOff(String id) throws DriverException { simulated.powerOff(id); }
    @Override public void powerOn(String id) throws DriverException { simulated.powerOn(id); }
    @Override public Optional<DomainState> state(String id) { return simulated.state(id); }
    @Override public List<String> domains() { return simulated.domains(); }
    @Override public java.io.InputStream snapshot(String id) throws DriverException { return simulated.snapshot(id); }

    @Override
    public String consoleLog(String id, int lines) {
      try {
        return simulated.consoleLog(id, lines);
      } catch (DriverException e) {
        throw new AssertionError(e.getMessage());
      }
    }

    @Override
    public void spawn(DomainSpec spec) throws DriverException {
      spawned = spec;
      simulated.spawn(spec);
    }
  }
}
