package dev.skyledger.processors.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.identity.ProjectCreated;
import dev.skyledger.events.identity.ProjectDeleted;
import dev.skyledger.events.identity.RoleCreated;
import dev.skyledger.events.identity.UserCreated;
import dev.skyledger.events.network.EnsureDefaultSecurityGroup;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.TopologyDrivers;
import dev.skyledger.platform.network.DefaultSecurityGroup;
import java.nio.file.Path;
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

/** identity.events → network.commands: each new project gets one EnsureDefaultSecurityGroup, keyed by project. */
class DefaultSecurityGroupTopologyTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  @TempDir
  Path tmp;

  private final SkyConfig config = TopologyDrivers.config();
  private final Envelopes envelopes = new Envelopes(new PayloadCodec());
  private TopologyTestDriver driver;
  private TestInputTopic<String, Envelope> identityEvents;
  private TestOutputTopic<String, Envelope> networkCommands;

  @BeforeEach
  void start() {
    driver = TopologyDrivers.start(new DefaultSecurityGroupTopology(config, envelopes).build(), "default-sg-test", tmp);
    identityEvents = driver.createInputTopic(config.topic(Topics.IDENTITY_EVENTS), new StringSerializer(),
        Topics.IDENTITY_EVENTS.valueSerde().serializer());
    networkCommands = driver.createOutputTopic(config.topic(Topics.NETWORK_COMMANDS), new StringDeserializer(),
        Topics.NETWORK_COMMANDS.valueSerde().deserializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void givenProjectCreated_whenProcessed_thenOneEnsureDefaultSecurityGroupKeyedByTheProject() {
    Envelope cause = identity(new ProjectCreated("p-demo", "default", "demo", "", true, List.of(), null));

    List<TestRecord<String, Envelope>> out = networkCommands.readRecordsToList();

    assertEquals(1, out.size(), () -> "expected one command, got " + out);
    TestRecord<String, Envelope> record = out.get(0);
    assertEquals("project/p-demo", record.key());
    Envelope envelope = record.value();
    assertEquals("project/p-demo", envelope.getStreamKey());
    assertEquals("p-demo", envelope.getProjectId());
    assertEquals(DefaultSecurityGroup.idOf("p-demo"), envelope.getAggregateId());
    assertEquals(cause.getEventId(), envelope.getCausationId());
    assertEquals(cause.getCorrelationId(), envelope.getCorrelationId());
    EnsureDefaultSecurityGroup command = assertInstanceOf(EnsureDefaultSecurityGroup.class, envelopes.open(envelope));
    assertEquals(new EnsureDefaultSecurityGroup("p-demo", DefaultSecurityGroup.idOf("p-demo"),
        DefaultSecurityGroup.ruleIdsOf("p-demo")), command);
  }

  @Test
  void givenTwoProjectsCreated_whenProcessed_thenEachGetsItsOwnCommandWithItsOwnIds() {
    identity(new ProjectCreated("p-a", "default", "a", "", true, List.of(), null));
    identity(new ProjectCreated("p-b", "default", "b", "", true, List.of(), null));

    List<TestRecord<String, Envelope>> out = networkCommands.readRecordsToList();

    assertEquals(List.of("project/p-a", "project/p-b"), out.stream().map(TestRecord::key).toList());
    EnsureDefaultSecurityGroup b = (EnsureDefaultSecurityGroup) envelopes.open(out.get(1).value());
    assertEquals(DefaultSecurityGroup.idOf("p-b"), b.getSecurityGroupId());
    assertEquals(DefaultSecurityGroup.ruleIdsOf("p-b"), b.getRuleIds());
  }

  @Test
  void givenOtherIdentityEvents_whenProcessed_thenNoCommand() {
    identity(new RoleCreated("r-member", "member", null, null));
    identity(new UserCreated("u-bob", "default", "bob", "hash", null, null, true, "p-demo", null));
    identity(new ProjectDeleted("p-demo"));

    assertTrue(networkCommands.isEmpty());
  }

  private Envelope identity(SpecificRecord event) {
    Envelope envelope = envelopes.command(event, "x", null, Envelopes.system(), "req-id", "default", NOW);
    identityEvents.pipeInput("default", envelope);
    return envelope;
  }
}
