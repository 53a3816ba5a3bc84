package dev.skyledger.processors.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.events.core.CommandRejected;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.identity.BootstrapIdentity;
import dev.skyledger.events.identity.CreateProject;
import dev.skyledger.events.identity.ProjectCreated;
import dev.skyledger.events.identity.RoleAssigned;
import dev.skyledger.events.identity.RoleCreated;
import dev.skyledger.events.identity.UserCreated;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.TopologyDrivers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity processor as Kafka Streams runs it, on {@link TopologyTestDriver}: no broker. */
class IdentityTopologyTest {
  private static final String STREAM = "default";
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final String ADMIN_USER = "u-admin";
  private static final String ADMIN_PROJECT = "p-admin";

  @TempDir
  Path tmp;

  private final SkyConfig config = new SkyConfig("unused:9092", "t.", 1, "jdbc:unused", "sky", "", Path.of("unused"),
      "http://localhost:8780", "RegionOne", Duration.ofHours(1), 1_000, Path.of("unused"), "test", Path.of("unused"), 1L, 1, 1L,
      SkyConfig.Security.defaults(), SkyConfig.Compute.defaults());
  private final Envelopes envelopes = new Envelopes(new PayloadCodec());
  private final List<TopologyTestDriver> drivers = new java.util.ArrayList<>();

  @AfterEach
  void closeDrivers() {
    drivers.forEach(TopologyTestDriver::close);
  }

  @Test
  void givenEmptyLog_whenSystemBootstraps_thenEventsAreNumberedFromOneAndTracedToTheCommand() {
    Processor processor = newProcessor("a");
    Envelope command = bootstrapCommand("req-1");

    processor.commands.pipeInput(STREAM, command);

    List<KeyValue<String, Envelope>> events = processor.events.readKeyValuesToList();
    assertEquals(List.of(RoleCreated.class, RoleCreated.class, RoleCreated.class, ProjectCreated.class,
        UserCreated.class, RoleAssigned.class, RoleAssigned.class), events.stream().map(e -> envelopes.open(e.value).getClass()).toList());
    assertEquals(LongStream.rangeClosed(1, 7).boxed().toList(), events.stream().map(e -> e.value.getSequence()).toList());
    for (KeyValue<String, Envelope> event : events) {
      assertEquals(STREAM, event.key);
      assertEquals(STREAM, event.value.getStreamKey());
      assertEquals("req-1", event.value.getRequestId());
      assertEquals("req-1", event.value.getCorrelationId());
      assertEquals(command.getEventId(), event.value.getCausationId());
      assertEquals(Envelopes.system(), event.value.getActor());
      assertEquals(NOW, event.value.getTime());
    }
    assertEquals(7, events.stream().map(e -> e.value.getEventId()).distinct().count(), "event ids must be unique");
    assertEquals(ADMIN_USER, events.get(4).value.getAggregateId());
    assertEquals(ADMIN_PROJECT, events.get(5).value.getProjectId());
  }

  @Test
  void givenEmptyLog_whenSystemBootstraps_thenOneAcceptedReplyKeyedByRequestIdUpToTheLastEvent() {
    Processor processor = newProcessor("a");
    Envelope command = bootstrapCommand("req-1");

    processor.commands.pipeInput(STREAM, command);

    List<KeyValue<String, Envelope>> replies = processor.replies.readKeyValuesToList();
    assertEquals(1, replies.size(), "exactly one reply per command");
    assertEquals("req-1", replies.get(0).key);
    assertEquals(command.getEventId(), replies.get(0).value.getCausationId());
    CommandAccepted accepted = assertInstanceOf(CommandAccepted.class, envelopes.open(replies.get(0).value));
    assertEquals(STREAM, accepted.getStreamKey());
    assertEquals(7L, accepted.getSequence());
    assertEquals(7, accepted.getEventCount());
    assertEquals(ADMIN_USER, accepted.getResourceId());
  }

  @Test
  void givenBootstrapped_whenAdminCreatesProject_thenItsEventContinuesTheSequence() {
    Processor processor = newProcessor("a");
    processor.commands.pipeInput(STREAM, bootstrapCommand("req-1"));
    processor.events.readKeyValuesToList();
    processor.replies.readKeyValuesToList();
    Actor admin = new Actor(ADMIN_USER, "admin", ADMIN_PROJECT, List.of("admin"));

    processor.commands.pipeInput(STREAM, createProjectCommand("req-2", admin));

    List<KeyValue<String, Envelope>> events = processor.events.readKeyValuesToList();
    assertEquals(1, events.size());
    assertEquals(8L, events.get(0).value.getSequence());
    assertEquals(admin, events.get(0).value.getActor());
    assertInstanceOf(ProjectCreated.class, envelopes.open(events.get(0).value));
    CommandAccepted accepted = assertInstanceOf(CommandAccepted.class,
        envelopes.open(processor.replies.readValue()));
    assertEquals(8L, accepted.getSequence());
    assertEquals("p-web", accepted.getResourceId());
  }

  @Test
  void givenBootstrapped_whenNonAdminCreatesProject_thenRejectedWith403AndNoEvents() {
    Processor processor = newProcessor("a");
    processor.commands.pipeInput(STREAM, bootstrapCommand("req-1"));
    processor.events.readKeyValuesToList();
    processor.replies.readKeyValuesToList();
    Actor stranger = new Actor("u-mallory", "mallory", ADMIN_PROJECT, List.of("admin"));

    processor.commands.pipeInput(STREAM, createProjectCommand("req-2", stranger));

    assertTrue(processor.events.isEmpty(), "a rejected command must not write events");
    List<KeyValue<String, Envelope>> replies = processor.replies.readKeyValuesToList();
    assertEquals(1, replies.size());
    assertEquals("req-2", replies.get(0).key);
    CommandRejected rejected = assertInstanceOf(CommandRejected.class, envelopes.open(replies.get(0).value));
    assertEquals(403, rejected.getStatus());
  }

  @Test
  void givenSameCommand_whenDecidedByTwoFreshProcessors_thenTheyDecideTheSameEventIds() {
    Envelope command = bootstrapCommand("req-1");
    Processor first = newProcessor("first");
    Processor second = newProcessor("second");

    first.commands.pipeInput(STREAM, command);
    second.commands.pipeInput(STREAM, command);

    List<String> firstIds = eventIds(first.events.readValuesToList());
    List<String> secondIds = eventIds(second.events.readValuesToList());
    assertEquals(7, firstIds.size());
    assertEquals(firstIds, secondIds);
  }

  // ---- plumbing --------------------------------------------------------------------------------

  /** One identity processor with its own state directory, and its topics. */
  private record Processor(TestInputTopic<String, Envelope> commands, TestOutputTopic<String, Envelope> events,
                           TestOutputTopic<String, Envelope> replies) {}

  private Processor newProcessor(String name) {
    TopologyTestDriver driver = TopologyDrivers.start(new IdentityTopology(config, envelopes).build(), "identity-test-" + name,
        tmp.resolve(name));
    drivers.add(driver);
    return new Processor(
        driver.createInputTopic(config.topic(Topics.IDENTITY_COMMANDS), new StringSerializer(),
            Topics.IDENTITY_COMMANDS.valueSerde().serializer()),
        driver.createOutputTopic(config.topic(Topics.IDENTITY_EVENTS), new StringDeserializer(),
            Topics.IDENTITY_EVENTS.valueSerde().deserializer()),
        driver.createOutputTopic(config.topic(Topics.COMMAND_REPLIES), new StringDeserializer(),
            Topics.COMMAND_REPLIES.valueSerde().deserializer()));
  }

  private Envelope bootstrapCommand(String requestId) {
    BootstrapIdentity bootstrap = BootstrapIdentity.newBuilder()
        .setDomainId("default")
        .setAdminUserId(ADMIN_USER)
        .setAdminUserName("admin")
        .setAdminPasswordHash("hash")
        .setAdminProjectId(ADMIN_PROJECT)
        .setAdminProjectName("admin")
        .setAdminRoleId("r-admin")
        .setMemberRoleId("r-member")
        .setReaderRoleId("r-reader")
        .build();
    return envelopes.command(bootstrap, ADMIN_USER, null, Envelopes.system(), requestId, STREAM, NOW);
  }

  private Envelope createProjectCommand(String requestId, Actor actor) {
    CreateProject create = new CreateProject("p-web", "default", "web", "web servers", true, List.of(), null);
    return envelopes.command(create, "p-web", "p-web", actor, requestId, STREAM, NOW);
  }

  private static List<String> eventIds(List<Envelope> events) {
    return events.stream().map(Envelope::getEventId).collect(Collectors.toList());
  }
}
