package dev.skyledger.processors.network;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.identity.ProjectCreated;
import dev.skyledger.events.network.EnsureDefaultSecurityGroup;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.network.DefaultSecurityGroup;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * identity.events → network.commands: every new project gets its {@code default} security group
 * (Neutron creates one per project). The group's and its rules' ids are derived from the project id,
 * so sending the command twice (a replay, or the API's own check before a port) changes nothing.
 */
public final class DefaultSecurityGroupTopology {
  private static final Logger log = LoggerFactory.getLogger(DefaultSecurityGroupTopology.class);
  private final SkyConfig config;
  private final Envelopes envelopes;

  public DefaultSecurityGroupTopology(SkyConfig config, Envelopes envelopes) {
    this.config = config;
    this.envelopes = envelopes;
  }

  public Topology build() {
    var serde = Topics.IDENTITY_EVENTS.valueSerde();
    Topology topology = new Topology();
    topology.addSource("identity-events", Serdes.String().deserializer(), serde.deserializer(),
        config.topic(Topics.IDENTITY_EVENTS));
    topology.addProcessor("default-security-groups", () -> new Provisioner(envelopes), "identity-events");
    topology.addSink("network-commands", config.topic(Topics.NETWORK_COMMANDS), Serdes.String().serializer(),
        Topics.NETWORK_COMMANDS.valueSerde().serializer(), "default-security-groups");
    return topology;
  }

  private static final class Provisioner implements Processor<String, Envelope, String, Envelope> {
    private final Envelopes envelopes;
    private ProcessorContext<String, Envelope> context;

    Provisioner(Envelopes envelopes) {
      this.envelopes = envelopes;
    }

    @Override
    public void init(ProcessorContext<String, Envelope> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, Envelope> record) {
      if (record.value() == null || !record.value().getType().equals(ProjectCreated.getClassSchema().getFullName())) return;
      SpecificRecord event;
      try {
        event = envelopes.open(record.value());
      } catch (RuntimeException e) {
        log.warn("skipping undecodable identity event {}", record.value().getEventId(), e);
        return;
      }
      if (!(event instanceof ProjectCreated created)) return;
      String project = created.getProjectId();
      EnsureDefaultSecurityGroup command = new EnsureDefaultSecurityGroup(project, DefaultSecurityGroup.idOf(project),
          DefaultSecurityGroup.ruleIdsOf(project));
      String key = DefaultSecurityGroup.streamKey(project);
      Envelope envelope = Envelope.newBuilder(envelopes.derived(record.value(), 0, command, command.getSecurityGroupId(),
          project, 0)).setStreamKey(key).build();
      context.forward(new Record<>(key, envelope, record.timestamp()));
    }
  }
}
