package dev.skyledger.projectors.compute;

import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.InstanceNetworked;
import dev.skyledger.events.compute.InstanceRequested;
import dev.skyledger.events.compute.ServerNetwork;
import dev.skyledger.events.compute.ServerSpec;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.Port;
import dev.skyledger.platform.kafka.Envelopes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * compute.events as a test writes them: the projects' streams on partition 0, the servers' own
 * streams on partition 1 (as two keys may land), each event a second after the one before.
 */
final class ServerEvents {
  static final String TOPIC = "compute.events";
  static final Instant START = Instant.parse("2026-11-22T04:30:00Z");
  static final Envelopes ENVELOPES = new Envelopes(new PayloadCodec());

  private final List<ConsumerRecord<String, Envelope>> records = new ArrayList<>();
  private final long[] next = new long[2];
  private Instant time = START;

  /** When the next event happens. */
  Instant now() {
    return time;
  }

  ServerEvents project(String projectId, SpecificRecord event) {
    return add(0, "project/" + projectId, projectId, event);
  }

  ServerEvents instance(String projectId, String instanceId, SpecificRecord event) {
    return add(1, "instance/" + instanceId, projectId, event);
  }

  private ServerEvents add(int partition, String key, String projectId, SpecificRecord event) {
    Envelope e = ENVELOPES.command(event, key, projectId, Envelopes.system(), "req-test", key, time);
    records.add(new ConsumerRecord<>(TOPIC, partition, next[partition]++, key, e));
    time = time.plusSeconds(1);
    return this;
  }

  /** Everything, in the order it was written. */
  List<ConsumerRecord<String, Envelope>> inOrder() {
    return Collections.unmodifiableList(records);
  }

  /** What a replay may read: all of the servers' streams before any of the projects'. */
  List<ConsumerRecord<String, Envelope>> serverStreamsFirst() {
    List<ConsumerRecord<String, Envelope>> out = new ArrayList<>();
    records.stream().filter(r -> r.partition() == 1).forEach(out::add);
    records.stream().filter(r -> r.partition() == 0).forEach(out::add);
    return out;
  }

  static InstanceRequested requested(String id, String projectId, String name, int networks, String imageId) {
    Flavor tiny = Flavor.newBuilder().setFlavorId("1").setName("m1.tiny").setVcpus(1).setRamMb(512).setDiskGb(1).build();
    List<ServerNetwork> nets = new ArrayList<>();
    for (int i = 0; i < networks; i++) nets.add(new ServerNetwork("net-private", null, null));
    return new InstanceRequested(ServerSpec.newBuilder().setInstanceId(id).setProjectId(projectId).setUserId("user-1")
        .setName(name).setHostname(name).setFlavor(tiny).setImageId(imageId).setImageName("cirros").setNetworks(nets)
        .setSecurityGroups(List.of("sg-default")).setKeyName("key-1").setMetadata(Map.of("role", "web"))
        .setRequestedAt(START.toEpochMilli()).build());
  }

  static InstanceNetworked networked(String id, String projectId, String portId, String mac, String ip) {
    Port port = Port.newBuilder().setPortId(portId).setNetworkId("net-private").setProjectId(projectId).setName("")
        .setMacAddress(mac).setFixedIps(List.of(new FixedIp("subnet-1", ip))).setDeviceId(id)
        .setDeviceOwner("compute:nova").build();
    return new InstanceNetworked(id, projectId, port);
  }
}
