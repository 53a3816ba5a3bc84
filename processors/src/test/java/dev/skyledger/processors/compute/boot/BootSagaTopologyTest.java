package dev.skyledger.processors.compute.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.Topics;
import dev.skyledger.events.compute.ChangeServerPower;
import dev.skyledger.events.compute.InstanceActive;
import dev.skyledger.events.compute.InstancePowerActionFailed;
import dev.skyledger.events.compute.InstancePowerActionStarted;
import dev.skyledger.events.compute.InstanceRequested;
import dev.skyledger.events.compute.InstanceScheduled;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.events.core.CommandRejected;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.host.HostHeartbeat;
import dev.skyledger.events.host.InstanceSpawned;
import dev.skyledger.events.host.PowerInstance;
import dev.skyledger.events.host.SpawnInstance;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.SettableClock;
import dev.skyledger.processors.TopologyDrivers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boot saga in Kafka Streams: the feeder copies a host's facts (not its heartbeats) into the
 * saga's topic, a server is booted through its host, an action is answered on command.replies, and
 * an action the host never answers fails at its deadline, judged by the wall-clock punctuation.
 */
class BootSagaTopologyTest {
  private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
  private static final Actor ALICE = new Actor("u-alice", "alice", "p1", List.of("member"));

  @TempDir
  Path tmp;

  private final SkyConfig config = TopologyDrivers.config();
  private final Envelopes envelopes = new Envelopes(new PayloadCodec());
  private final SettableClock clock = new SettableClock(T0);
  private TopologyTestDriver driver;
  private TestInputTopic<String, Envelope> hostEvents;
  private TestInputTopic<String, Envelope> saga;
  private TestOutputTopic<String, Envelope> computeEvents;
  private TestOutputTopic<String, Envelope> hostCommands;
  private TestOutputTopic<String, Envelope> replies;

  @BeforeEach
  void start() {
    BootSagaTopology topology = new BootSagaTopology(config.withCompute(new SkyConfig.Compute(Duration.ofSeconds(30),
        Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofHours(1))), envelopes, clock);
    driver = TopologyDrivers.start(topology.build(), "saga-test", tmp, T0);
    var serde = Topics.COMPUTE_SAGA.valueSerde();
    hostEvents = driver.createInputTopic(config.topic(Topics.HOST_EVENTS), new StringSerializer(), serde.serializer());
    saga = driver.createInputTopic(config.topic(Topics.COMPUTE_SAGA), new StringSerializer(), serde.serializer());
    computeEvents = driver.createOutputTopic(config.topic(Topics.COMPUTE_EVENTS), new StringDeserializer(), serde.deserializer());
    hostCommands = driver.createOutputTopic(config.topic(Topics.HOST_COMMANDS), new StringDeserializer(), serde.deserializer());
    replies = driver.createOutputTopic(config.topic(Topics.COMMAND_REPLIES), new StringDeserializer(), serde.deserializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  private void fromHost(SpecificRecord fact, String host) {
    Envelope e = envelopes.command(fact, host, null, Envelopes.system(), "req-host", host, clock.instant());
    hostEvents.pipeInput(new TestRecord<>(host, e, clock.instant()));
  }

  private void toSaga(SpecificRecord fact, String serverId, Actor actor, String requestId) {
    Envelope e = envelopes.command(fact, serverId, "p1", actor, requestId, StreamKeys.instance(serverId), clock.instant());
    saga.pipeInput(new TestRecord<>(StreamKeys.instance(serverId), e, clock.instant()));
  }

  private List<SpecificRecord> read(TestOutputTopic<String, Envelope> topic) {
    return topic.readValuesToList().stream().map(envelopes::open).toList();
  }

  private void advance(Duration d) {
    clock.advance(d);
    driver.advanceWallClockTime(d);
  }

  @Test
  void aServerIsBootedThroughItsHostAndAnActionItNeverAnswersFailsAtItsDeadline() {
    fromHost(BootSagaTest.registration("h1", 8, 8192), "h1");
    fromHost(new HostHeartbeat("h1", 0, 0, 0, 0, 10), "h1");
    toSaga(new InstanceRequested(BootSagaTest.spec("vm1", 0)), "vm1", ALICE, "req-boot");

    List<SpecificRecord> facts = read(computeEvents);
    assertInstanceOf(InstanceScheduled.class, facts.get(0), facts.toString());
    assertEquals("h1", ((InstanceScheduled) facts.get(0)).getHostId(), "the feeder brought the host's registration");
    List<SpecificRecord> commands = read(hostCommands);
    assertInstanceOf(SpawnInstance.class, commands.get(commands.size() - 1), commands.toString());

    fromHost(new InstanceSpawned("vm1", "h1"), "h1");
    assertTrue(read(computeEvents).stream().anyMatch(InstanceActive.class::isInstance));

    toSaga(new ChangeServerPower("vm1", "p1", "reboot-soft"), "vm1", ALICE, "req-reboot");
    Envelope reply = replies.readValue();
    assertEquals("req-reboot", reply.getRequestId());
    assertInstanceOf(CommandAccepted.class, envelopes.open(reply));
    assertInstanceOf(InstancePowerActionStarted.class, read(computeEvents).get(0));
    assertInstanceOf(PowerInstance.class, read(hostCommands).get(0));

    toSaga(new ChangeServerPower("vm1", "p1", "stop"), "vm1", ALICE, "req-stop");
    CommandRejected busy = (CommandRejected) envelopes.open(replies.readValue());
    assertEquals(409, busy.getStatus(), "one action at a time");

    advance(Duration.ofSeconds(25));
    List<SpecificRecord> late = read(computeEvents);
    assertEquals(1, late.size(), late.toString());
    assertTrue(((InstancePowerActionFailed) late.get(0)).getMessage().contains("did not answer"), late.toString());
  }
}
