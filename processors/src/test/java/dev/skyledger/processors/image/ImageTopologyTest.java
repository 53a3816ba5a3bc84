package dev.skyledger.processors.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.events.core.CommandRejected;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.identity.ProjectCreated;
import dev.skyledger.events.identity.RoleAssigned;
import dev.skyledger.events.identity.RoleCreated;
import dev.skyledger.events.identity.RoleUnassigned;
import dev.skyledger.events.identity.UserCreated;
import dev.skyledger.events.image.CreateImage;
import dev.skyledger.events.image.CreateMetadefNamespace;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.TopologyDrivers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

/** The image processor re-checks the caller's roles against the identity events it has seen. */
class ImageTopologyTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final Actor BOB_AS_MEMBER = new Actor("u-bob", "bob", "p-demo", List.of("member"));

  @TempDir
  Path tmp;

  private final SkyConfig config = TopologyDrivers.config();
  private final Envelopes envelopes = new Envelopes(new PayloadCodec());
  private TopologyTestDriver driver;
  private TestInputTopic<String, Envelope> identityEvents;
  private TestInputTopic<String, Envelope> commands;
  private TestOutputTopic<String, Envelope> replies;

  @BeforeEach
  void start() {
    driver = TopologyDrivers.start(new ImageTopology(config, envelopes).build(), "image-test", tmp);
    identityEvents = driver.createInputTopic(config.topic(Topics.IDENTITY_EVENTS), new StringSerializer(),
        Topics.IDENTITY_EVENTS.valueSerde().serializer());
    commands = driver.createInputTopic(config.topic(Topics.IMAGE_COMMANDS), new StringSerializer(),
        Topics.IMAGE_COMMANDS.valueSerde().serializer());
    replies = driver.createOutputTopic(config.topic(Topics.COMMAND_REPLIES), new StringDeserializer(),
        Topics.COMMAND_REPLIES.valueSerde().deserializer());
    identity(new RoleCreated("r-member", "member", null, null),
        new ProjectCreated("p-demo", "default", "demo", "", true, List.of(), null),
        new UserCreated("u-bob", "default", "bob", "hash", null, null, true, "p-demo", null),
        new RoleAssigned("p-demo", "u-bob", "r-member", null, null, false, false));
  }

  @AfterEach
  void close() {
    driver.close();
  }

  @Test
  void givenMemberRoleHeld_whenCreateImage_thenAccepted() {
    assertInstanceOf(CommandAccepted.class, create("img-1", BOB_AS_MEMBER));
  }

  @Test
  void givenMemberRoleRevoked_whenCreateImageWithTheOldToken_thenRejected403() {
    identity(new RoleUnassigned("p-demo", "u-bob", "r-member", null, null, false, false));

    CommandRejected rejected = assertInstanceOf(CommandRejected.class, create("img-1", BOB_AS_MEMBER));
    assertEquals(403, rejected.getStatus());
  }

  @Test
  void givenMemberRoleRevokedAndGrantedAgain_whenCreateImage_thenAccepted() {
    identity(new RoleUnassigned("p-demo", "u-bob", "r-member", null, null, false, false), new RoleAssigned("p-demo", "u-bob", "r-member", null, null, false, false));

    assertInstanceOf(CommandAccepted.class, create("img-1", BOB_AS_MEMBER));
  }

  @Test
  void givenAMemberWhoIsNoAdministrator_whenCreateMetadefNamespace_thenRejected403AndASystemCommandIsAccepted() {
    CreateMetadefNamespace create = new CreateMetadefNamespace("ns-1", null, null, "public", false, "p-demo", List.of(),
        Map.of(), Map.of(), List.of());
    commands.pipeInput(StreamKeys.METADEFS, envelopes.command(create, "ns-1", "p-demo", BOB_AS_MEMBER, "req-ns-1",
        StreamKeys.METADEFS, NOW));
    assertEquals(403, assertInstanceOf(CommandRejected.class, envelopes.open(replies.readValue())).getStatus());

    commands.pipeInput(StreamKeys.METADEFS, envelopes.command(create, "ns-1", null, Envelopes.system(), "req-ns-2",
        StreamKeys.METADEFS, NOW));
    assertInstanceOf(CommandAccepted.class, envelopes.open(replies.readValue()));
  }

  private SpecificRecord create(String imageId, Actor actor) {
    CreateImage create = new CreateImage(imageId, "p-demo", "cirros", "qcow2", "bare", "private", false, 0, 0,
        List.of(), Map.of());
    commands.pipeInput("p-demo", envelopes.command(create, imageId, "p-demo", actor, "req-" + imageId, "p-demo", NOW));
    return envelopes.open(replies.readValue());
  }

  private void identity(SpecificRecord... events) {
    for (SpecificRecord event : events) {
      Envelope command = envelopes.command(event, "x", null, Envelopes.system(), "req-id", "default", NOW);
      identityEvents.pipeInput("default", command);
    }
  }
}
