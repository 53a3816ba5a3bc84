package dev.skyledger.ops.compute;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.host.DestroyInstance;
import dev.skyledger.events.host.SpawnInstance;
import dev.skyledger.hostagent.HostAgent;
import dev.skyledger.hostagent.HostCommandLoop;
import dev.skyledger.hostagent.driver.HypervisorDriver;
import dev.skyledger.hostagent.driver.SimulatedDriver;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The host command loop serves each host in its own lane, against a real broker: a slow spawn on
 * one host holds back neither a delete on another host nor the loop itself.
 */
@ExtendWith(SkyTestKit.class)
class HostCommandLanesTest {
  static final Duration SLOW_SPAWN = Duration.ofSeconds(8);

  @Test
  void aSlowSpawnOnOneHostDoesNotHoldBackADestroyOnAnother(TestEnvironment env) throws Exception {
    new KafkaClients(env.config()).ensureTopics();
    Envelopes envelopes = new Envelopes(new PayloadCodec());
    HypervisorDriver.Capacity capacity = new HypervisorDriver.Capacity(8, 8192, 100);
    try (KafkaProducer<String, Envelope> producer = new KafkaClients(env.config()).producer("lanes")) {
      HostAgent slow = agent("slow-host", new SimulatedDriver(capacity, SLOW_SPAWN, Clock.systemUTC()), producer,
          envelopes, env);
      HostAgent fast = agent("fast-host", new SimulatedDriver(capacity, Duration.ofMillis(10), Clock.systemUTC()),
          producer, envelopes, env);
      try (HostCommandLoop loop = new HostCommandLoop(env.config(), "lanes-test", List.of(slow, fast))) {
        send(producer, envelopes, env, "slow-host", SpawnInstance.newBuilder().setInstanceId("vm-slow")
            .setHostId("slow-host").setName("vm-slow").setVcpus(1).setMemoryMb(512).setRootGb(1).setImagePath(null)
            .setNics(List.of()).setUserData(null).setProjectId("p1").setImageId(null).setImageChecksum(null)
            .setImageSize(0).setImageLocation(null).setPublicKey(null).build());
        Thread.sleep(500); // the slow spawn is under way
        send(producer, envelopes, env, "fast-host", new DestroyInstance("vm-other", "fast-host"));
        Map<String, Instant> facts = awaitFacts(env, envelopes, Duration.ofSeconds(30));
        Instant destroyed = facts.get("InstanceDestroyed");
        Instant spawned = facts.get("InstanceSpawned");
        assertNotNull(destroyed, "the destroy was answered: " + facts);
        assertNotNull(spawned, "the spawn was answered: " + facts);
        assertTrue(destroyed.isBefore(spawned), "the destroy did not wait for the spawn: " + facts);
      }
    }
  }

  private static HostAgent agent(String id, SimulatedDriver driver, KafkaProducer<String, Envelope> producer,
                                 Envelopes envelopes, TestEnvironment env) {
    return new HostAgent(new HostAgent.Settings(id, "nova", "127.0.0.1", Duration.ofSeconds(10), 16.0, 1.5, 1.0),
        driver, producer, envelopes, env.config(), Clock.systemUTC());
  }

  private static void send(KafkaProducer<String, Envelope> producer, Envelopes envelopes, TestEnvironment env,
                           String host, org.apache.avro.specific.SpecificRecord command) throws Exception {
    Envelope e = envelopes.command(command, host, "p1", Envelopes.system(), "req-lanes", host, Instant.now());
    producer.send(new ProducerRecord<>(env.config().topic(Topics.HOST_COMMANDS), host, e)).get();
  }

  /** When each type of host fact was first reported (its record's time on host.events). */
  private static Map<String, Instant> awaitFacts(TestEnvironment env, Envelopes envelopes, Duration within) {
    Map<String, Instant> seen = new HashMap<>();
    try (KafkaConsumer<String, Envelope> c = new KafkaClients(env.config()).reader("lanes-facts")) {
      String topic = env.config().topic(Topics.HOST_EVENTS);
      List<TopicPartition> partitions = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(partitions);
      c.seekToBeginning(partitions);
      long deadline = System.nanoTime() + within.toNanos();
      while (seen.size() < 2 && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, Envelope> r : c.poll(Duration.ofMillis(100))) {
          String type = r.value().getType().substring(r.value().getType().lastIndexOf('.') + 1);
          seen.putIfAbsent(type, Instant.ofEpochMilli(r.timestamp()));
        }
      }
    }
    return seen;
  }
}
