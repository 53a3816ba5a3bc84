package dev.skyledger.processors.compute.boot;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.events.core.CommandRejected;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.compute.InstanceDeleteRequested;
import dev.skyledger.events.compute.InstanceRequested;
import dev.skyledger.events.host.HostRegistered;
import dev.skyledger.events.host.InstanceSpawned;
import dev.skyledger.events.network.PortCreated;
import dev.skyledger.events.network.PortUpdated;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** What the compute and network deciders put into the saga's inbox themselves. */
class BootSagaInboxTest {
  private static Envelope of(Schema type, String correlation) {
    return Envelope.newBuilder().setEventId("e").setType(type.getFullName()).setAggregateId("a").setProjectId("p")
        .setActor(new Actor("u", "u", "p", List.of("member"))).setRequestId("req-1").setCorrelationId(correlation)
        .setTime(Instant.EPOCH).setSchemaVersion(1).setPayload(ByteBuffer.allocate(0)).build();
  }

  @Test
  void requestsAndDeletesOfServersGoInWhateverTheirCorrelation() {
    assertTrue(BootSagaTopology.wanted(of(InstanceRequested.getClassSchema(), "req-1")));
    assertTrue(BootSagaTopology.wanted(of(InstanceDeleteRequested.getClassSchema(), "req-1")));
  }

  @Test
  void hostAggregatesGoInSoTheSchedulerKnowsEachHostsZone() {
    assertTrue(BootSagaTopology.wanted(of(dev.skyledger.events.compute.AggregateCreated.getClassSchema(), "req-1")));
    assertTrue(BootSagaTopology.wanted(of(dev.skyledger.events.compute.AggregateUpdated.getClassSchema(), "req-1")));
    assertTrue(BootSagaTopology.wanted(of(dev.skyledger.events.compute.AggregateDeleted.getClassSchema(), "req-1")));
  }

  @Test
  void portsAndRefusalsGoInOnlyWhenTheSagaAskedForThem() {
    for (Schema type : List.of(PortCreated.getClassSchema(), PortUpdated.getClassSchema(), CommandRejected.getClassSchema())) {
      assertTrue(BootSagaTopology.wanted(of(type, "instance/s-1")), type.getName());
      assertFalse(BootSagaTopology.wanted(of(type, "req-1")), "a tenant's own " + type.getName());
    }
  }

  @Test
  void acceptancesAndTheHostsFactsDoNotGoIn() {
    assertFalse(BootSagaTopology.wanted(of(CommandAccepted.getClassSchema(), "instance/s-1")));
    // the hosts' facts come through the feeder from host.events, never from a decider
    assertFalse(BootSagaTopology.wanted(of(HostRegistered.getClassSchema(), "instance/s-1")));
    assertFalse(BootSagaTopology.wanted(of(InstanceSpawned.getClassSchema(), "instance/s-1")));
  }
}
