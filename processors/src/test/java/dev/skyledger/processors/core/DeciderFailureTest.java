package dev.skyledger.processors.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.events.core.CommandRejected;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.identity.ProjectCreated;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.TopologyDrivers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever a decide or evolve throws for one command is that command's answer: the caller gets a
 * 500 with the request id (a 400 for bad input) once, none of its events or state changes are
 * kept, the failure is counted, and the next command of any stream is decided as usual.
 */
class DeciderFailureTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
  private static final Actor ADMIN = new Actor("u-admin", "admin", "p-admin", List.of("admin"));

  @TempDir
  Path tmp;

  private final SkyConfig config = TopologyDrivers.config();
  private final Envelopes envelopes = new Envelopes(new PayloadCodec());
  private TopologyTestDriver driver;
  private TestInputTopic<String, Envelope> commands;
  private TestOutputTopic<String, Envelope> events;
  private TestOutputTopic<String, Envelope> replies;

  /** Names are kept in the state ("n/<name>"); the decider throws on "boom", evolve on "evolve-boom". */
  private static Decision decide(SpecificRecord command, Actor actor, KeyValues kv) {
    ProjectCreated p = (ProjectCreated) command;
    if (p.getName().equals("boom")) throw new IllegalStateException("a bug in decide");
    if (p.getName().equals("bad-input")) throw new IllegalArgumentException("'x' is not a CIDR");
    if (kv.get("n/" + p.getName()).isPresent()) return Decision.conflict("taken: " + p.getName());
    // two events: the first evolves, the second may throw, so a half-evolved state would show
    return Decision.accept(p.getProjectId(), p, p);
  }

  private static void evolve(KeyValues kv, SpecificRecord event) {
    ProjectCreated p = (ProjectCreated) event;
    if (kv.get("n/" + p.getName()).isPresent() && p.getName().equals("evolve-boom")) {
      throw new IllegalStateException("a bug in evolve");
    }
    kv.put("n/" + p.getName(), p.getProjectId());
  }

  @BeforeEach
  void start() {
    var decider = Deciders.<KeyValues>of(kv -> kv, DeciderFailureTest::decide, DeciderFailureTest::evolve,
        e -> ((ProjectCreated) e).getProjectId(), e -> null);
    driver = TopologyDrivers.start(DeciderTopology.build(config, envelopes, Topics.IDENTITY_COMMANDS,
        Topics.IDENTITY_EVENTS, "failure-test-state", decider), "failure-test", tmp);
    commands = driver.createInputTopic(config.topic(Topics.IDENTITY_COMMANDS), new StringSerializer(),
        Topics.IDENTITY_COMMANDS.valueSerde().serializer());
    events = driver.createOutputTopic(config.topic(Topics.IDENTITY_EVENTS), new StringDeserializer(),
        Topics.IDENTITY_EVENTS.valueSerde().deserializer());
    replies = driver.createOutputTopic(config.topic(Topics.COMMAND_REPLIES), new StringDeserializer(),
        Topics.COMMAND_REPLIES.valueSerde().deserializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  private void send(String id, String name) {
    commands.pipeInput("stream", envelopes.command(new ProjectCreated(id, "default", name, "", true, List.of(), null), id, id,
        ADMIN, "req-" + id, "stream", NOW));
  }

  private SpecificRecord reply() {
    return envelopes.open(replies.readValue());
  }

  private double failedTotal() {
    return driver.metrics().entrySet().stream()
        .filter(e -> e.getKey().name().equals("command-failed-total")
            && e.getKey().group().equals("stream-" + CommandFailures.SCOPE + "-metrics"))
        .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue()).sum();
  }

  @Test
  void givenDecideThrows_thenTheCallerGetsA500WithItsRequestId_andTheNextCommandIsDecided() {
    send("p-1", "boom");
    send("p-2", "fine");

    CommandRejected failed = assertInstanceOf(CommandRejected.class, reply());
    assertEquals(500, failed.getStatus());
    assertTrue(failed.getMessage().contains("req-p-1"), failed.getMessage());
    CommandAccepted next = assertInstanceOf(CommandAccepted.class, reply());
    assertEquals("p-2", next.getResourceId());
    assertEquals(2, next.getSequence(), "the failed command took no place in the stream");
    assertEquals(2, events.readValuesToList().size(), "only the second command's events");
    assertTrue(replies.isEmpty(), "answered once, never retried");
    assertEquals(1.0, failedTotal());
  }

  @Test
  void givenDecideThrowsOnItsInput_thenTheCallerGetsA400NamingIt() {
    send("p-1", "bad-input");

    CommandRejected failed = assertInstanceOf(CommandRejected.class, reply());
    assertEquals(400, failed.getStatus());
    assertTrue(failed.getMessage().contains("'x' is not a CIDR"), failed.getMessage());
  }

  @Test
  void givenEvolveThrowsOnTheSecondEvent_thenNothingOfTheCommandIsKept() {
    send("p-1", "evolve-boom");
    assertEquals(500, assertInstanceOf(CommandRejected.class, reply()).getStatus());
    assertTrue(events.isEmpty(), "no event of the failed command was written");

    // had the first event's evolve been kept, the name would now be taken: 409 instead of the same failure
    send("p-2", "evolve-boom");
    assertEquals(500, assertInstanceOf(CommandRejected.class, reply()).getStatus());
    send("p-3", "fine");
    assertEquals(2, assertInstanceOf(CommandAccepted.class, reply()).getSequence(), "its two events are the first");
    assertEquals(2.0, failedTotal());
  }
}
