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

/** A decider writes the outcomes an inbox wants into it as well, unchanged, and nothing else. */
class DeciderInboxTest {
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
  private TestOutputTopic<String, Envelope> inbox;

  /** Accepts a project by recording it as is, and refuses one named "refuse". */
  private static Decision decide(org.apache.avro.specific.SpecificRecord command, Actor actor, Object state) {
    ProjectCreated p = (ProjectCreated) command;
    return p.getName().equals("refuse") ? Decision.conflict("refused: " + p.getProjectId()) : Decision.accept(p.getProjectId(), p);
  }

  @BeforeEach
  void start() {
    Inbox wantsCorrelated = new Inbox(Topics.COMPUTE_SAGA, e -> e.getCorrelationId().startsWith("wanted/")
        && !e.getType().equals(CommandAccepted.getClassSchema().getFullName()));
    var decider = Deciders.<Object>of(kv -> new Object(), DeciderInboxTest::decide, (s, e) -> { },
        e -> ((ProjectCreated) e).getProjectId(), e -> null);
    driver = TopologyDrivers.start(DeciderTopology.build(config, envelopes, Topics.IDENTITY_COMMANDS, Topics.IDENTITY_EVENTS,
        "inbox-test-state", decider, null, List.of(wantsCorrelated)), "inbox-test", tmp);
    commands = driver.createInputTopic(config.topic(Topics.IDENTITY_COMMANDS), new StringSerializer(),
        Topics.IDENTITY_COMMANDS.valueSerde().serializer());
    events = driver.createOutputTopic(config.topic(Topics.IDENTITY_EVENTS), new StringDeserializer(),
        Topics.IDENTITY_EVENTS.valueSerde().deserializer());
    replies = driver.createOutputTopic(config.topic(Topics.COMMAND_REPLIES), new StringDeserializer(),
        Topics.COMMAND_REPLIES.valueSerde().deserializer());
    inbox = driver.createOutputTopic(config.topic(Topics.COMPUTE_SAGA), new StringDeserializer(),
        Topics.COMPUTE_SAGA.valueSerde().deserializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  private void send(String id, String name, String correlation) {
    Envelope command = envelopes.command(new ProjectCreated(id, "default", name, "", true, List.of(), null), id, id, ADMIN,
        "req-" + id, "stream-" + id, NOW);
    commands.pipeInput("stream-" + id, Envelope.newBuilder(command).setCorrelationId(correlation).build());
  }

  @Test
  void anAcceptedCommandsEventGoesToTheInboxUnchangedAndOnTheSameKey() {
    send("p-1", "one", "wanted/p-1");

    TestRecord<String, Envelope> event = events.readRecord();
    TestRecord<String, Envelope> copy = inbox.readRecord();
    assertEquals(event.getValue(), copy.getValue(), "the same envelope: id, stream, sequence, payload");
    assertEquals(event.getKey(), copy.getKey());
    assertInstanceOf(ProjectCreated.class, envelopes.open(copy.getValue()));
    assertInstanceOf(CommandAccepted.class, envelopes.open(replies.readValue()));
    assertTrue(inbox.isEmpty(), "the inbox did not want the acceptance");
  }

  @Test
  void aRefusalTheInboxWantsGoesThereBesideTheReply() {
    send("p-2", "refuse", "wanted/p-2");

    Envelope reply = replies.readValue();
    Envelope copy = inbox.readValue();
    assertEquals(reply, copy);
    assertEquals(409, assertInstanceOf(CommandRejected.class, envelopes.open(copy)).getStatus());
    assertTrue(events.isEmpty());
  }

  @Test
  void outcomesTheInboxDoesNotWantStayOutOfIt() {
    send("p-3", "three", "req-p-3");
    send("p-4", "refuse", "req-p-4");

    assertEquals(1, events.readValuesToList().size());
    assertEquals(2, replies.readValuesToList().size());
    assertTrue(inbox.isEmpty());
  }
}
