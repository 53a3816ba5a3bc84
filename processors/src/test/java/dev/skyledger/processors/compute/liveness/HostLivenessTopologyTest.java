package dev.skyledger.processors.compute.liveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.host.HostHeartbeat;
import dev.skyledger.events.host.HostLivenessChanged;
import dev.skyledger.events.host.HostRegistered;
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

/** The liveness processor in Kafka Streams: what it writes when a host registers and when it falls silent. */
class HostLivenessTopologyTest {
  private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");

  @TempDir
  Path tmp;

  private final SkyConfig config = TopologyDrivers.config();
  private final Envelopes envelopes = new Envelopes(new PayloadCodec());
  private final SettableClock clock = new SettableClock(T0);
  private TopologyTestDriver driver;
  private TestInputTopic<String, Envelope> hostEvents;
  private TestOutputTopic<String, Envelope> changes;

  @BeforeEach
  void start() {
    driver = TopologyDrivers.start(new HostLivenessTopology(config, envelopes, clock).build(), "liveness-test", tmp, T0);
    hostEvents = driver.createInputTopic(config.topic(Topics.HOST_EVENTS), new StringSerializer(),
        Topics.HOST_EVENTS.valueSerde().serializer());
    changes = driver.createOutputTopic(config.topic(Topics.HOST_EVENTS), new StringDeserializer(),
        Topics.HOST_EVENTS.valueSerde().deserializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  private void report(SpecificRecord fact, String host, Instant at) {
    Envelope e = envelopes.command(fact, host, null, Envelopes.system(), "req-" + host, host, at);
    hostEvents.pipeInput(new TestRecord<>(host, e, at));
  }

  private void advance(Duration d) {
    clock.advance(d);
    driver.advanceWallClockTime(d);
  }

  /** The changes written so far (the input records themselves are not echoed by the driver). */
  private List<TestRecord<String, Envelope>> written() {
    return changes.readRecordsToList().stream()
        .filter(r -> r.getValue().getType().equals(HostLivenessChanged.getClassSchema().getFullName())).toList();
  }

  @Test
  void aHostThatFallsSilentIsWrittenDownOnceWithACompleteEnvelopeAndComesBackWithItsHeartbeats() {
    report(HostRegistered.newBuilder().setHostId("h1").setHypervisorType("simulated").setVcpus(8).setMemoryMb(8192)
        .setLocalGb(100).setHeartbeatSeconds(10).build(), "h1", T0);
    List<TestRecord<String, Envelope>> up = written();
    assertEquals(1, up.size());
    assertTrue(assertInstanceOf(HostLivenessChanged.class, envelopes.open(up.get(0).getValue())).getUp());

    advance(Duration.ofSeconds(20));
    assertTrue(written().isEmpty(), "silent for less than three intervals");

    advance(Duration.ofSeconds(15));
    List<TestRecord<String, Envelope>> down = written();
    assertEquals(1, down.size(), "written down once");
    Envelope e = down.get(0).getValue();
    HostLivenessChanged change = assertInstanceOf(HostLivenessChanged.class, envelopes.open(e));
    assertFalse(change.getUp());
    assertEquals("h1", down.get(0).getKey());
    assertEquals("h1", e.getStreamKey());
    assertEquals("h1", e.getAggregateId());
    assertNotNull(e.getCorrelationId());
    assertEquals(e.getEventId(), e.getCorrelationId(), "no request caused it: it starts its own chain");

    advance(Duration.ofSeconds(5));
    assertTrue(written().isEmpty(), "not written down again");

    report(new HostHeartbeat("h1", 0, 0, 0, 0, 10), "h1", clock.instant());
    List<TestRecord<String, Envelope>> back = written();
    assertEquals(1, back.size());
    assertTrue(assertInstanceOf(HostLivenessChanged.class, envelopes.open(back.get(0).getValue())).getUp());
  }
}
