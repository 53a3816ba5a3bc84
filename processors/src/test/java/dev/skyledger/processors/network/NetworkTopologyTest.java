package dev.skyledger.processors.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.events.core.CommandRejected;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.network.CreateNetwork;
import dev.skyledger.events.network.CreatePort;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.SecurityGroup;
import dev.skyledger.events.network.SecurityGroupCreated;
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
 * The network decider in its topology: a port naming a security group another partition decided
 * for another project is refused by the decider itself, whoever sent the command (not only the API).
 */
class NetworkTopologyTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final Actor BOB = new Actor("u-bob", "bob", "p-demo", List.of("member"));

  @TempDir
  Path tmp;

  private final SkyConfig config = TopologyDrivers.config();
  private final Envelopes envelopes = new Envelopes(new PayloadCodec());
  private TopologyTestDriver driver;
  private TestInputTopic<String, Envelope> commands;
  private TestInputTopic<String, Envelope> events;
  private TestOutputTopic<String, Envelope> replies;

  @BeforeEach
  void start() {
    driver = TopologyDrivers.start(new NetworkTopology(config, envelopes).build(), "network-topology-test", tmp);
    commands = driver.createInputTopic(config.topic(Topics.NETWORK_COMMANDS), new StringSerializer(),
        Topics.NETWORK_COMMANDS.valueSerde().serializer());
    events = driver.createInputTopic(config.topic(Topics.NETWORK_EVENTS), new StringSerializer(),
        Topics.NETWORK_EVENTS.valueSerde().serializer());
    replies = driver.createOutputTopic(config.topic(Topics.COMMAND_REPLIES), new StringDeserializer(),
        Topics.COMMAND_REPLIES.valueSerde().deserializer());
  }

  @AfterEach
  void close() {
    driver.close();
  }

  private SpecificRecord send(SpecificRecord command, String key, String aggregate) {
    Envelope e = envelopes.command(command, aggregate, "p-demo", BOB, "req-" + aggregate, key, NOW);
    commands.pipeInput(key, e, NOW);
    List<Envelope> out = replies.readValuesToList();
    return envelopes.open(out.get(out.size() - 1));
  }

  @Test
  void aPortNamingAnotherProjectsSecurityGroupIsRefusedByTheDecider() {
    assertInstanceOf(CommandAccepted.class, send(new CreateNetwork(new Network("net-1", "p-demo", "net", "", true, false,
        false, 1500)), "net-1", "net-1"));
    // decided on another partition, for another project
    SecurityGroupCreated theirs = new SecurityGroupCreated(SecurityGroup.newBuilder().setSecurityGroupId("sg-theirs")
        .setProjectId("p-other").setName("default").setDescription("").setStateful(true).build(), List.of());
    events.pipeInput("project/p-other", envelopes.command(theirs, "sg-theirs", "p-other", Envelopes.system(), "req-sg",
        "project/p-other", NOW), NOW);

    SpecificRecord refused = send(new CreatePort("port-1", "net-1", "p-demo", "", "", null, List.of(), "", "",
        List.of("sg-theirs"), "", true, true, ""), "net-1", "port-1");
    CommandRejected rejection = assertInstanceOf(CommandRejected.class, refused);
    assertEquals(404, rejection.getStatus());
    assertEquals("SecurityGroupNotFound", rejection.getTitle());
  }
}
