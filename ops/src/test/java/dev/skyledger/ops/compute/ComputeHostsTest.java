package dev.skyledger.ops.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.Topics;
import dev.skyledger.events.host.HostLivenessChanged;
import dev.skyledger.hostagent.HostAgent;
import dev.skyledger.hostagent.driver.HypervisorDriver;
import dev.skyledger.hostagent.driver.SimulatedDriver;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Host agents register and send heartbeats; os-services and os-hypervisors show them up or down, with capacity and usage. */
@ExtendWith(SkyTestKit.class)
class ComputeHostsTest {
  static Cloud cloud;
  static HttpClientForTests http;
  static String admin;
  static List<HostAgent> agents;

  @BeforeAll
  static void start(TestEnvironment env) {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = http.token("admin", "secret", "admin");
    agents = cloud.startSimulatedHosts(2, Map.of("SKY_HOST_HEARTBEAT_SECONDS", "1", "SKY_SIM_HOST_VCPUS", "8",
        "SKY_SIM_HOST_RAM_MB", "16384", "SKY_SIM_HOST_DISK_GB", "200", "SKY_SIM_SPAWN_MS", "0"));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  /** Polls a GET until the predicate holds (heartbeats are asynchronous). */
  private static JsonNode await(String path, Predicate<JsonNode> until) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      var r = http.send("GET", path, admin, null);
      assertEquals(200, r.status(), r.raw().body());
      last = r.json();
      if (until.test(last)) return last;
      Thread.sleep(200);
    }
    throw new AssertionError("not reached in 20 s: " + last);
  }

  private static JsonNode service(JsonNode services, String host) {
    for (JsonNode s : services.path("services")) if (s.path("host").asText().equals(host)) return s;
    return null;
  }

  @Test
  void registeredHostsAreUpWithTheirCapacityAndUsage() throws Exception {
    JsonNode services = await("/compute/v2.1/os-services", s -> service(s, "compute-1") != null && service(s, "compute-2") != null);
    assertEquals("nova-compute", service(services, "compute-1").path("binary").asText());
    assertEquals("up", service(services, "compute-2").path("state").asText());

    HostAgent second = agents.get(1);
    second.driver().spawn(new HypervisorDriver.DomainSpec("vm-1", "vm-1", 2, 2048, 20, null, List.of(), null));
    JsonNode detail = await("/compute/v2.1/os-hypervisors/detail", h -> {
      for (JsonNode x : h.path("hypervisors")) {
        if (x.path("hypervisor_hostname").asText().equals("compute-2") && x.path("memory_mb_used").asInt() == 2048) return true;
      }
      return false;
    });
    for (JsonNode x : detail.path("hypervisors")) {
      if (!x.path("hypervisor_hostname").asText().matches("compute-[12]")) continue;
      assertEquals(8, x.path("vcpus").asInt());
      assertEquals(16384, x.path("memory_mb").asInt());
      assertEquals(200, x.path("local_gb").asInt());
      assertEquals("simulated", x.path("hypervisor_type").asText());
    }
    assertTrue(second.driver().consoleLog("vm-1", 0).contains("login:"));
    var member = new KeystoneAdmin(http, admin).userWithRole("hosts-member", "member");
    assertEquals(403, http.send("GET", "/compute/v2.1/os-hypervisors", member.token(), null).status(), "admins only");

    JsonNode found = http.send("GET", "/compute/v2.1/os-hypervisors/compute-1/search", admin, null).json().path("hypervisors");
    assertEquals("compute-1", found.get(0).path("hypervisor_hostname").asText(), found.toString());
    assertEquals(404, http.send("GET", "/compute/v2.1/os-hypervisors/no-such-host/search", admin, null).status());
    assertEquals(403, http.send("GET", "/compute/v2.1/os-hypervisors/compute-1/servers", member.token(), null).status());
    JsonNode uptime = http.send("GET", "/compute/v2.1/os-hypervisors/" + found.get(0).path("id").asText() + "/uptime", admin,
        null).json().path("hypervisor");
    assertTrue(uptime.path("uptime").asText().contains(" up "), uptime.toString());

    JsonNode hostList = http.send("GET", "/compute/v2.1/os-hosts?zone=nova", admin, null).json().path("hosts");
    assertTrue(hostList.toString().contains("\"host_name\":\"compute-1\""), hostList.toString());
    assertEquals(0, http.send("GET", "/compute/v2.1/os-hosts?zone=xxx", admin, null).json().path("hosts").size());
    assertEquals(403, http.send("GET", "/compute/v2.1/os-hosts", member.token(), null).status());
    JsonNode hostDetail = http.send("GET", "/compute/v2.1/os-hosts/compute-1", admin, null).json().path("host");
    assertEquals("(total)", hostDetail.get(0).path("resource").path("project").asText(), hostDetail.toString());
    assertEquals(8, hostDetail.get(0).path("resource").path("cpu").asInt());
    assertEquals(404, http.send("GET", "/compute/v2.1/os-hosts/nonexistent", admin, null).status());
    assertEquals(501, http.send("GET", "/compute/v2.1/os-hosts/compute-1/reboot", admin, null).status());
    assertEquals(400, http.send("PUT", "/compute/v2.1/os-hosts/compute-1", admin, "{\"status\":\"invalid\"}").status());
    assertEquals(400, http.send("PUT", "/compute/v2.1/os-hosts/compute-1", admin, "{}").status());
    assertEquals(403, http.send("PUT", "/compute/v2.1/os-hosts/compute-1", member.token(), "{\"status\":\"disable\"}").status());
    var disabled = http.send("PUT", "/compute/v2.1/os-hosts/compute-1", admin, "{\"status\":\"disable\"}");
    assertEquals("disabled", disabled.json().path("status").asText(), disabled.raw().body());
    assertEquals(200, http.send("PUT", "/compute/v2.1/os-hosts/compute-1", admin, "{\"status\":\"enable\"}").status());
    var extensions = http.send("GET", "/compute/v2.1/extensions", member.token(), null).json().path("extensions");
    assertTrue(extensions.toString().contains("\"alias\":\"os-hosts\""), extensions.toString());
    assertEquals(404, http.send("GET", "/compute/v2.1/extensions/os-nothing", member.token(), null).status());

    JsonNode zones = http.send("GET", "/compute/v2.1/os-availability-zone", member.token(), null).json();
    JsonNode nova = zones.path("availabilityZoneInfo").get(0);
    assertEquals("nova", nova.path("zoneName").asText(), zones.toString());
    assertTrue(nova.path("zoneState").path("available").asBoolean());
    assertTrue(nova.path("hosts").isNull(), "hosts are in the detail");
    assertEquals(403, http.send("GET", "/compute/v2.1/os-availability-zone/detail", member.token(), null).status());
    JsonNode detailed = http.send("GET", "/compute/v2.1/os-availability-zone/detail", admin, null).json()
        .path("availabilityZoneInfo").get(0).path("hosts");
    assertTrue(detailed.path("compute-1").path("nova-compute").path("available").asBoolean(), detailed.toString());
  }

  /** Sends one command to a host and waits for the fact it causes on host.events. */
  private static dev.skyledger.events.core.Envelope command(String host, org.apache.avro.specific.SpecificRecord payload,
                                                             String instanceId) throws Exception {
    Envelopes envelopes = new Envelopes(new PayloadCodec());
    KafkaClients kafka = new KafkaClients(cloud.config());
    var sent = envelopes.command(payload, instanceId, "p-1", Envelopes.system(), "req-" + java.util.UUID.randomUUID(), host,
        java.time.Instant.now());
    try (var producer = kafka.producer("test-host-commands"); var reader = kafka.reader("test-host-events")) {
      producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(cloud.config().topic(dev.skyledger.events.Topics.HOST_COMMANDS),
          host, sent)).get();
      var partitions = reader.partitionsFor(cloud.config().topic(dev.skyledger.events.Topics.HOST_EVENTS)).stream()
          .map(p -> new org.apache.kafka.common.TopicPartition(p.topic(), p.partition())).toList();
      reader.assign(partitions);
      reader.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline) {
        for (var r : reader.poll(Duration.ofMillis(200))) {
          if (sent.getEventId().equals(r.value().getCausationId())) return r.value();
        }
      }
    }
    throw new AssertionError("no answer from " + host + " to " + payload);
  }

  @Test
  void aHostCarriesOutItsCommandsAndReportsWhatHappened() throws Exception {
    Envelopes envelopes = new Envelopes(new PayloadCodec());
    var nic = new dev.skyledger.events.host.Nic("port-9", "fa:16:3e:00:00:09", "tapport-9");
    var spawn = dev.skyledger.events.host.SpawnInstance.newBuilder().setInstanceId("vm-9").setHostId("compute-1")
        .setName("web-9").setVcpus(1).setMemoryMb(1024).setRootGb(10).setNics(List.of(nic)).build();
    var spawned = envelopes.open(command("compute-1", spawn, "vm-9"));
    assertEquals(new dev.skyledger.events.host.InstanceSpawned("vm-9", "compute-1"), spawned);
    assertTrue(agents.get(0).driver().consoleLog("vm-9", 0).contains("fa:16:3e:00:00:09"));
    assertEquals(spawned, envelopes.open(command("compute-1", spawn, "vm-9")), "a command that comes again changes nothing");

    var tooBig = dev.skyledger.events.host.SpawnInstance.newBuilder().setInstanceId("vm-10").setHostId("compute-1")
        .setName("big").setVcpus(1).setMemoryMb(1_000_000).setRootGb(10).build();
    var failed = (dev.skyledger.events.host.InstanceSpawnFailed) envelopes.open(command("compute-1", tooBig, "vm-10"));
    assertTrue(failed.getReason().contains("memory"), failed.getReason());

    var stop = envelopes.open(command("compute-1", new dev.skyledger.events.host.PowerInstance("vm-9", "compute-1", "stop"), "vm-9"));
    assertEquals("SHUTOFF", ((dev.skyledger.events.host.InstancePowerChanged) stop).getPowerState());
    var destroyed = envelopes.open(command("compute-1", new dev.skyledger.events.host.DestroyInstance("vm-9", "compute-1"), "vm-9"));
    assertEquals(new dev.skyledger.events.host.InstanceDestroyed("vm-9", "compute-1"), destroyed);
    assertTrue(agents.get(0).driver().state("vm-9").isEmpty());
  }

  @Test
  void aStoppedHostIsDownAtOnceAndACrashedOneWhenItsHeartbeatsStop(TestEnvironment env) throws Exception {
    KafkaClients kafka = new KafkaClients(cloud.config());
    var producer = kafka.producer("crashing-host");
    HostAgent crashing = new HostAgent(new HostAgent.Settings("compute-crash", "nova", "127.0.0.1", Duration.ofSeconds(1),
        16.0, 1.5, 1.0), new SimulatedDriver(new HypervisorDriver.Capacity(4, 4096, 40), Duration.ZERO, Clock.systemUTC()),
        producer, new Envelopes(new PayloadCodec()), cloud.config(), Clock.systemUTC()).start();
    HostAgent stopping = new HostAgent(new HostAgent.Settings("compute-stop", "nova", "127.0.0.1", Duration.ofSeconds(1),
        16.0, 1.5, 1.0), new SimulatedDriver(new HypervisorDriver.Capacity(4, 4096, 40), Duration.ZERO, Clock.systemUTC()),
        producer, new Envelopes(new PayloadCodec()), cloud.config(), Clock.systemUTC()).start();
    await("/compute/v2.1/os-services", s -> service(s, "compute-crash") != null && service(s, "compute-stop") != null
        && service(s, "compute-crash").path("state").asText().equals("up"));

    stopping.close();
    await("/compute/v2.1/os-services", s -> service(s, "compute-stop").path("state").asText().equals("down"));

    producer.close(Duration.ZERO); // as a crash: no goodbye, the heartbeats just stop
    long crashedAt = System.nanoTime();
    JsonNode after = await("/compute/v2.1/os-services", s -> service(s, "compute-crash").path("state").asText().equals("down"));
    assertTrue(System.nanoTime() - crashedAt >= Duration.ofSeconds(2).toNanos(), "down only after missed heartbeats");
    assertEquals("up", service(after, "compute-1").path("state").asText(), "the others stay up");

    // and the liveness processor wrote it down for the scheduler and the audit trail, saying why
    HostLivenessChanged down = livenessChange("compute-crash", false);
    assertTrue(down.getReason().startsWith("no heartbeat for "), down.getReason());
  }

  /** Reads host.events from the start until the liveness processor has written this change of this host. */
  static HostLivenessChanged livenessChange(String hostId, boolean up) {
    Envelopes envelopes = new Envelopes(new PayloadCodec());
    try (var reader = new KafkaClients(cloud.config()).reader("liveness-check")) {
      var partitions = reader.partitionsFor(cloud.config().topic(Topics.HOST_EVENTS)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      reader.assign(partitions);
      reader.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        for (var r : reader.poll(Duration.ofMillis(500))) {
          if (!r.value().getType().equals(HostLivenessChanged.getClassSchema().getFullName())) continue;
          HostLivenessChanged change = (HostLivenessChanged) envelopes.open(r.value());
          if (change.getHostId().equals(hostId) && change.getUp() == up) return change;
        }
      }
    }
    throw new AssertionError("no HostLivenessChanged(up=" + up + ") for " + hostId + " on host.events within 30 s");
  }
}
