package dev.skyledger.processors.compute.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.InstanceActive;
import dev.skyledger.events.compute.InstanceDeleteRequested;
import dev.skyledger.events.compute.InstanceDeleted;
import dev.skyledger.events.compute.InstanceFailed;
import dev.skyledger.events.compute.InstanceNetworked;
import dev.skyledger.events.compute.InstanceRequested;
import dev.skyledger.events.compute.InstanceScheduled;
import dev.skyledger.events.compute.ReleaseServerQuota;
import dev.skyledger.events.compute.ServerNetwork;
import dev.skyledger.events.compute.ServerSpec;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.CommandRejected;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.host.DestroyInstance;
import dev.skyledger.events.host.HostLivenessChanged;
import dev.skyledger.events.host.HostRegistered;
import dev.skyledger.events.host.InstanceDestroyed;
import dev.skyledger.events.host.InstanceSpawnFailed;
import dev.skyledger.events.host.InstanceSpawned;
import dev.skyledger.events.host.SpawnInstance;
import dev.skyledger.events.network.CreatePort;
import dev.skyledger.events.network.DeletePort;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.Port;
import dev.skyledger.events.network.PortCreated;
import dev.skyledger.events.network.PortUpdated;
import dev.skyledger.events.network.UpdatePort;
import dev.skyledger.processors.core.MapKeyValues;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The boot saga's decisions, without Kafka: the happy path, every failure's compensation, deletion, deadlines. */
class BootSagaTest {
  static final long T0 = 1_000_000_000L;
  static final String NET = "net-1";

  final MapKeyValues kv = new MapKeyValues();
  BootState state = new BootState(kv);
  BootSaga saga = new BootSaga(state, new BootSaga.Settings(Duration.ofSeconds(30), Duration.ofSeconds(60),
      Duration.ofSeconds(20)));

  static Envelope envelope(String correlation, String aggregateId) {
    return Envelope.newBuilder().setEventId("e-" + System.nanoTime()).setType("t").setAggregateId(aggregateId)
        .setProjectId("p1").setActor(new Actor("u1", "alice", "p1", List.of("member"))).setRequestId("req-1")
        .setCorrelationId(correlation).setTime(Instant.EPOCH).setSchemaVersion(1).setStreamKey("k").setSequence(0)
        .setPayload(ByteBuffer.allocate(0)).build();
  }

  List<SagaOut> on(SpecificRecord fact, long now) {
    return saga.on(fact, envelope("instance/x", "x"), now);
  }

  void host(String id, int vcpus, int ramMb, long now) {
    on(registration(id, vcpus, ramMb), now);
    on(new HostLivenessChanged(id, true, java.time.Instant.ofEpochMilli(now), "registered"), now);
  }

  static HostRegistered registration(String id, int vcpus, int ramMb) {
    return HostRegistered.newBuilder().setHostId(id).setHypervisorType("simulated").setVcpus(vcpus).setMemoryMb(ramMb)
        .setLocalGb(100).setCpuAllocationRatio(1.0).setRamAllocationRatio(1.0).setDiskAllocationRatio(1.0)
        .setHeartbeatSeconds(10).build();
  }

  static ServerSpec spec(String id, int networks) {
    Flavor flavor = Flavor.newBuilder().setFlavorId("1").setName("m1.small").setVcpus(1).setRamMb(2048).setDiskGb(20).build();
    List<ServerNetwork> nets = networks == 0 ? List.of() : List.of(new ServerNetwork(NET, null, null));
    return ServerSpec.newBuilder().setInstanceId(id).setProjectId("p1").setUserId("u1").setName(id).setHostname(id)
        .setFlavor(flavor).setImageId("img").setImageChecksum("abc").setNetworks(nets).setSecurityGroups(List.of("sg"))
        .build();
  }

  static <T> List<T> of(List<SagaOut> outs, Class<T> type) {
    return outs.stream().map(SagaOut::payload).filter(type::isInstance).map(type::cast).toList();
  }

  PortCreated portCreated(String instanceId, String portId) {
    return new PortCreated(Port.newBuilder().setPortId(portId).setNetworkId(NET).setProjectId("p1").setName("")
        .setDescription("").setMacAddress("fa:16:3e:00:00:01").setFixedIps(List.of(new FixedIp("sub", "10.0.0.5")))
        .setDeviceId(instanceId).setDeviceOwner("compute:nova").setSecurityGroups(List.of()).setHostId("h1")
        .setAdminStateUp(true).setPortSecurityEnabled(true).build());
  }

  List<SagaOut> portArrives(String instanceId) {
    return saga.on(portCreated(instanceId, BootSaga.portIdOf(instanceId, 0)),
        envelope(StreamKeys.instance(instanceId), BootSaga.portIdOf(instanceId, 0)), T0 + 100);
  }

  /** The network service confirms the deletion the saga asked for of the server's first port. */
  List<SagaOut> portDeleted(String instanceId, long now) {
    String portId = BootSaga.portIdOf(instanceId, 0);
    return saga.on(new dev.skyledger.events.network.PortDeleted(portCreated(instanceId, portId).getPort()),
        envelope(StreamKeys.instance(instanceId), portId), now);
  }

  @Test
  void aServerIsScheduledNetworkedSpawnedAndActive() {
    host("h1", 8, 8192, T0);
    List<SagaOut> first = on(new InstanceRequested(spec("vm1", 1)), T0 + 10);
    assertEquals("h1", of(first, InstanceScheduled.class).get(0).getHostId());
    CreatePort create = of(first, CreatePort.class).get(0);
    assertEquals("vm1", create.getDeviceId());
    assertEquals("h1", create.getHostId());
    assertEquals(BootSaga.PORT_VIA, create.getViaService());
    assertEquals(List.of("sg"), create.getSecurityGroups());
    assertEquals(2048, state.host("h1").claimedMemoryMb(), "the claim is made when the host is chosen");

    List<SagaOut> second = portArrives("vm1");
    assertEquals(1, of(second, InstanceNetworked.class).size());
    SpawnInstance spawn = of(second, SpawnInstance.class).get(0);
    assertEquals("fa:16:3e:00:00:01", spawn.getNics().get(0).getMacAddress());
    assertEquals("abc", spawn.getImageChecksum());
    assertEquals("h1", second.stream().filter(o -> o.payload() instanceof SpawnInstance).findFirst().orElseThrow().key());

    List<SagaOut> third = on(new InstanceSpawned("vm1", "h1"), T0 + 200);
    assertEquals(1, of(third, InstanceActive.class).size());
    assertEquals(List.of(1L, 2L, 3L), java.util.stream.Stream.of(first, second, third).flatMap(List::stream)
        .filter(o -> o.target() == SagaOut.Target.COMPUTE_EVENTS).map(SagaOut::sequence).toList(),
        "the server's facts are numbered on its own stream");
    assertTrue(saga.timeouts(T0 + 3_600_000).isEmpty(), "an active server has no deadline");
  }

  // ---- booting on the tenant's own port ---------------------------------------------------------

  static ServerSpec onPort(String id, String portId) {
    return ServerSpec.newBuilder(spec(id, 0)).setNetworks(List.of(new ServerNetwork(NET, portId, null))).build();
  }

  /** The network service's answer to a binding (or an unbinding, with device ""). */
  List<SagaOut> portBound(String instanceId, String portId, String device, long now) {
    Port port = Port.newBuilder(portCreated(device, portId).getPort()).setMacAddress("fa:16:3e:00:00:99").build();
    return saga.on(new PortUpdated(port), envelope(StreamKeys.instance(instanceId), portId), now);
  }

  @Test
  void aServerAskingForAZoneLandsOnlyOnHostsOfAnAggregateWithThatZone() {
    host("h1", 8, 16384, T0);
    host("h2", 8, 8192, T0);
    dev.skyledger.events.compute.Aggregate rack = dev.skyledger.events.compute.Aggregate.newBuilder().setAggregateId(1)
        .setUuid("agg-1").setName("rack").setAvailabilityZone("az-1").setHosts(List.of("h2")).build();
    on(new dev.skyledger.events.compute.AggregateCreated(rack), T0);

    InstanceScheduled inZone = of(on(new InstanceRequested(zoned("vm1", "az-1")), T0), InstanceScheduled.class).get(0);
    assertEquals("h2", inZone.getHostId(), "h1 has more free RAM but is not in az-1");
    assertEquals("az-1", inZone.getAvailabilityZone());
    InstanceScheduled inDefault = of(on(new InstanceRequested(zoned("vm2", "nova")), T0), InstanceScheduled.class).get(0);
    assertEquals("h1", inDefault.getHostId(), "a host in no zoned aggregate stays in nova");

    on(new dev.skyledger.events.compute.AggregateDeleted(rack), T0);
    InstanceFailed failed = of(on(new InstanceRequested(zoned("vm3", "az-1")), T0), InstanceFailed.class).get(0);
    assertTrue(failed.getMessage().contains("availability zone az-1"), failed.getMessage());
  }

  static ServerSpec zoned(String id, String zone) {
    return ServerSpec.newBuilder(spec(id, 0)).setAvailabilityZone(zone).build();
  }

  @Test
  void anExistingPortIsBoundToTheServerAndItsHostThenUnboundNotDeletedOnDelete() {
    host("h1", 8, 8192, T0);
    List<SagaOut> first = on(new InstanceRequested(onPort("vm1", "my-port")), T0);
    assertTrue(of(first, CreatePort.class).isEmpty(), "no port is made");
    UpdatePort bind = of(first, UpdatePort.class).get(0);
    assertEquals("my-port", bind.getPortId());
    assertEquals("vm1", bind.getDeviceId());
    assertEquals("compute:nova", bind.getDeviceOwner());
    assertEquals("h1", bind.getHostId());
    assertEquals(BootSaga.PORT_VIA, bind.getViaService());
    assertEquals(null, bind.getSecurityGroups(), "the port keeps its own groups");

    List<SagaOut> second = portBound("vm1", "my-port", "vm1", T0 + 100);
    assertEquals(1, of(second, InstanceNetworked.class).size());
    assertEquals("fa:16:3e:00:00:99", of(second, SpawnInstance.class).get(0).getNics().get(0).getMacAddress());
    on(new InstanceSpawned("vm1", "h1"), T0 + 200);

    List<SagaOut> delete = on(new InstanceDeleteRequested("vm1", "p1"), T0 + 300);
    assertTrue(of(delete, DeletePort.class).isEmpty(), "the tenant's port is not deleted");
    UpdatePort unbind = of(delete, UpdatePort.class).get(0);
    assertEquals("", unbind.getDeviceId());
    assertEquals("", unbind.getDeviceOwner());
    assertEquals("", unbind.getHostId());
    assertTrue(portBound("vm1", "my-port", "", T0 + 400).isEmpty(), "the unbinding's echo changes nothing");
  }

  @Test
  void aPortAnotherServerHoldsFailsTheBootAndIsNotUnbound() {
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(onPort("vm1", "my-port")), T0);
    List<SagaOut> outs = saga.on(new CommandRejected(409, "PortInUse", "Port my-port is still in use."),
        envelope(StreamKeys.instance("vm1"), "my-port"), T0 + 50);
    InstanceFailed failed = of(outs, InstanceFailed.class).get(0);
    assertTrue(failed.getMessage().contains("Port my-port is still in use."), failed.getMessage());
    assertTrue(of(outs, UpdatePort.class).isEmpty(), "the other server keeps its port");
    assertEquals(0, state.host("h1").claimedVcpus());
  }

  @Test
  void aBindingThatArrivesAfterTheServerFailedIsUndone() {
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(onPort("vm1", "my-port")), T0);
    assertEquals(1, of(saga.timeouts(T0 + 31_000), InstanceFailed.class).size(), "the network step timed out");
    List<SagaOut> late = portBound("vm1", "my-port", "vm1", T0 + 32_000);
    assertEquals("", of(late, UpdatePort.class).get(0).getDeviceId(), "bound late, unbound at once");
    assertTrue(of(late, InstanceNetworked.class).isEmpty());
  }

  @Test
  void withoutAHostTheServerFailsAndItsQuotaIsGivenBack() {
    List<SagaOut> outs = on(new InstanceRequested(spec("vm1", 1)), T0);
    InstanceFailed failed = of(outs, InstanceFailed.class).get(0);
    assertEquals("scheduling", failed.getStep());
    assertTrue(failed.getMessage().startsWith("No valid host was found."), failed.getMessage());
    assertEquals(1, of(outs, ReleaseServerQuota.class).size());
    assertTrue(of(outs, CreatePort.class).isEmpty());
    SagaOut release = outs.stream().filter(o -> o.payload() instanceof ReleaseServerQuota).findFirst().orElseThrow();
    assertTrue(release.asSystem(), "compensation is done as the system");
    assertEquals("project/p1", release.key());
  }

  @Test
  void claimsKeepConcurrentBootsFromOvercommittingAHost() {
    host("h1", 1, 4096, T0);
    on(new InstanceRequested(spec("vm1", 0)), T0);
    List<SagaOut> second = on(new InstanceRequested(spec("vm2", 0)), T0);
    assertEquals(1, of(second, InstanceFailed.class).size(), "one vCPU, one server");
  }

  @Test
  void aHostJudgedDownIsNotChosenUntilItIsUpAgain() {
    host("h1", 8, 8192, T0);
    host("h2", 8, 4096, T0);
    on(new HostLivenessChanged("h1", false, java.time.Instant.ofEpochMilli(T0), "no heartbeat for 31 s"), T0 + 31_000);
    List<SagaOut> outs = on(new InstanceRequested(spec("vm1", 0)), T0 + 31_000);
    assertEquals("h2", of(outs, InstanceScheduled.class).get(0).getHostId(), "h1 is down");
    on(new HostLivenessChanged("h1", true, java.time.Instant.ofEpochMilli(T0 + 40_000), "heartbeat"), T0 + 40_000);
    outs = on(new InstanceRequested(spec("vm2", 0)), T0 + 40_000);
    assertEquals("h1", of(outs, InstanceScheduled.class).get(0).getHostId(), "h1 is back, with the most free RAM");
  }

  @Test
  void aHostIsUpFromItsRegistrationWithoutWaitingForTheLivenessJudgement() {
    on(registration("h1", 8, 8192), T0);
    List<SagaOut> outs = on(new InstanceRequested(spec("vm1", 0)), T0);
    assertEquals("h1", of(outs, InstanceScheduled.class).get(0).getHostId());
  }

  @Test
  void aHostJudgedDownAfterItsRegistrationIsNotChosen() {
    on(registration("h1", 8, 8192), T0);
    on(new HostLivenessChanged("h1", false, java.time.Instant.ofEpochMilli(T0), "no heartbeat for 31 s"), T0 + 31_000);
    List<SagaOut> outs = on(new InstanceRequested(spec("vm1", 0)), T0 + 31_000);
    assertTrue(of(outs, InstanceFailed.class).get(0).getMessage().contains("no compute hosts up"),
        of(outs, InstanceFailed.class).get(0).getMessage());
  }

  @Test
  void aLivenessChangeBeforeTheRegistrationIsKept() {
    on(new HostLivenessChanged("h1", true, java.time.Instant.ofEpochMilli(T0), "registered"), T0);
    on(registration("h1", 8, 8192), T0);
    List<SagaOut> outs = on(new InstanceRequested(spec("vm1", 0)), T0);
    assertEquals("h1", of(outs, InstanceScheduled.class).get(0).getHostId());
  }

  @Test
  void aRefusedPortFailsTheBootAndReleasesTheClaim() {
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(spec("vm1", 1)), T0);
    List<SagaOut> outs = saga.on(new CommandRejected(409, "IpAddressGenerationFailure", "No more IP addresses"),
        envelope(StreamKeys.instance("vm1"), BootSaga.portIdOf("vm1", 0)), T0 + 50);
    InstanceFailed failed = of(outs, InstanceFailed.class).get(0);
    assertEquals("networking", failed.getStep());
    assertTrue(failed.getMessage().contains("No more IP addresses"));
    assertEquals(0, state.host("h1").claimedVcpus());
    assertEquals(1, of(outs, ReleaseServerQuota.class).size());
    assertTrue(of(portArrives("vm1"), DeletePort.class).size() == 1, "a port that arrives after the failure is deleted");
  }

  @Test
  void aFailedSpawnDeletesThePortsAndReleasesEverything() {
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(spec("vm1", 1)), T0);
    portArrives("vm1");
    List<SagaOut> outs = on(new InstanceSpawnFailed("vm1", "h1", "checksum mismatch"), T0 + 300);
    assertTrue(of(outs, InstanceFailed.class).get(0).getMessage().contains("checksum mismatch"));
    assertEquals(BootSaga.portIdOf("vm1", 0), of(outs, DeletePort.class).get(0).getPortId());
    assertEquals(0, state.host("h1").claimedMemoryMb());
    assertEquals(1, of(outs, ReleaseServerQuota.class).size());
  }

  @Test
  void aSpawnThatNeverAnswersTimesOutIntoError() {
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(spec("vm1", 1)), T0);
    portArrives("vm1");
    assertTrue(saga.timeouts(T0 + 30_000).isEmpty(), "not yet");
    List<SagaOut> outs = saga.timeouts(T0 + 61_000);
    InstanceFailed failed = of(outs, InstanceFailed.class).get(0);
    assertEquals("spawning", failed.getStep());
    assertEquals(1, of(outs, DestroyInstance.class).size(), "the host may still start it: it is told to destroy it");
    assertEquals(1, of(outs, DeletePort.class).size());
    assertTrue(saga.timeouts(T0 + 120_000).isEmpty(), "a server times out once");
  }

  @Test
  void deletingAnActiveServerDestroysItThenReleasesTheClaim() {
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(spec("vm1", 1)), T0);
    portArrives("vm1");
    on(new InstanceSpawned("vm1", "h1"), T0 + 200);
    List<SagaOut> outs = on(new InstanceDeleteRequested("vm1", "p1"), T0 + 300);
    assertEquals(1, of(outs, DestroyInstance.class).size());
    assertEquals(1, of(outs, DeletePort.class).size());
    assertTrue(of(outs, InstanceDeleted.class).isEmpty(), "deleted once the host destroyed it");
    assertEquals(2048, state.host("h1").claimedMemoryMb());
    assertTrue(of(on(new InstanceDestroyed("vm1", "h1"), T0 + 400), InstanceDeleted.class).isEmpty(),
        "as with Nova, the server is gone only once its port is: a client may then delete the network at once");
    List<SagaOut> done = portDeleted("vm1", T0 + 450);
    assertEquals(1, of(done, InstanceDeleted.class).size());
    assertEquals(0, state.host("h1").claimedMemoryMb());
    assertTrue(on(new InstanceDeleteRequested("vm1", "p1"), T0 + 500).isEmpty(), "a second delete changes nothing");
  }

  @Test
  void aDeletionWhosePortGoesFirstEndsWhenTheHostHasDestroyedIt() {
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(spec("vm1", 1)), T0);
    portArrives("vm1");
    on(new InstanceSpawned("vm1", "h1"), T0 + 200);
    on(new InstanceDeleteRequested("vm1", "p1"), T0 + 300);
    assertTrue(of(portDeleted("vm1", T0 + 350), InstanceDeleted.class).isEmpty(), "the host still runs it");
    assertEquals(1, of(on(new InstanceDestroyed("vm1", "h1"), T0 + 400), InstanceDeleted.class).size());
  }

  @Test
  void aDeletionWhosePortsAreNeverConfirmedEndsAtItsDeadline() {
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(spec("vm1", 1)), T0);
    portArrives("vm1");
    on(new InstanceSpawned("vm1", "h1"), T0 + 200);
    on(new InstanceDeleteRequested("vm1", "p1"), T0 + 300);
    on(new InstanceDestroyed("vm1", "h1"), T0 + 400);
    assertEquals(1, of(saga.timeouts(T0 + 21_000), InstanceDeleted.class).size(), "a bounded wait");
  }

  @Test
  void aDeletionTheHostNeverAnswersCompletesAtItsDeadline() {
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(spec("vm1", 0)), T0);
    on(new InstanceSpawned("vm1", "h1"), T0 + 200);
    on(new InstanceDeleteRequested("vm1", "p1"), T0 + 300);
    List<SagaOut> outs = saga.timeouts(T0 + 21_000);
    assertEquals(1, of(outs, InstanceDeleted.class).size());
    assertEquals(0, state.host("h1").claimedVcpus());
  }

  @Test
  void deletingWhilePortsAreOnTheirWayDeletesThemWhenTheyArrive() {
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(spec("vm1", 1)), T0);
    List<SagaOut> outs = on(new InstanceDeleteRequested("vm1", "p1"), T0 + 10);
    assertEquals(1, of(outs, InstanceDeleted.class).size(), "nothing was spawned: deleted at once");
    assertEquals(0, state.host("h1").claimedVcpus());
    List<SagaOut> late = portArrives("vm1");
    assertEquals(1, of(late, DeletePort.class).size());
    assertTrue(of(late, SpawnInstance.class).isEmpty());
  }

  static final Actor ALICE = new Actor("u1", "alice", "p1", List.of("member"));
  static final Actor EVE = new Actor("u9", "eve", "p9", List.of("member"));

  ServerActions.Answer power(String action, Actor actor, long now) {
    return saga.actions().decide(new dev.skyledger.events.compute.ChangeServerPower("vm1", "p1", action), actor, now);
  }

  void activeServer() {
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(spec("vm1", 0)), T0);
    on(new InstanceSpawned("vm1", "h1"), T0 + 100);
  }

  @Test
  void stopThenStartGoThroughTheHostOneAtATimeAndOnlyFromTheRightState() {
    activeServer();
    assertEquals(409, power("start", ALICE, T0 + 200).status(), "it runs: start is refused");
    ServerActions.Answer stop = power("stop", ALICE, T0 + 200);
    assertTrue(!stop.rejected(), stop.message());
    assertEquals("stop", of(stop.outs(), dev.skyledger.events.host.PowerInstance.class).get(0).getAction());
    assertEquals(3, stop.sequence(), "on the server's stream: scheduled, active, then the action");
    ServerActions.Answer busy = power("reboot-soft", ALICE, T0 + 210);
    assertEquals(409, busy.status());
    assertEquals("Cannot 'reboot' instance vm1 while it is in task_state powering-off", busy.message());

    List<SagaOut> done = on(new dev.skyledger.events.host.InstancePowerChanged("vm1", "h1", "stop", "SHUTDOWN"), T0 + 300);
    assertEquals(false, of(done, dev.skyledger.events.compute.InstancePowerActionDone.class).get(0).getRunning());
    assertEquals("Cannot 'stop' instance vm1 while it is in vm_state stopped", power("stop", ALICE, T0 + 400).message());
    assertTrue(!power("start", ALICE, T0 + 400).rejected());
    on(new dev.skyledger.events.host.InstancePowerChanged("vm1", "h1", "start", "RUNNING"), T0 + 500);
    assertTrue(!power("reboot-hard", ALICE, T0 + 600).rejected(), "running again: it can be rebooted");
  }

  @Test
  void anotherProjectsServerIsNotFoundAndAnUnansweredActionFailsAtItsDeadline() {
    activeServer();
    assertEquals(404, power("stop", EVE, T0 + 200).status());
    assertTrue(!power("reboot-soft", ALICE, T0 + 200).rejected());
    List<SagaOut> outs = saga.timeouts(T0 + 200 + 61_000);
    assertEquals(1, of(outs, dev.skyledger.events.compute.InstancePowerActionFailed.class).size());
    assertTrue(!power("reboot-soft", ALICE, T0 + 70_000).rejected(), "the server is usable again");
  }

  static final Actor ADMIN = new Actor("u0", "admin", "p0", List.of("admin", "member"));

  ServerActions.Answer lock(boolean locked, Actor actor) {
    return saga.actions().decide(new dev.skyledger.events.compute.LockServer("vm1", "p1", locked, null), actor, "req-lock");
  }

  @Test
  void givenALockedServer_whenItsOwnerActsOnIt_thenRefusedWith409UntilUnlocked() {
    activeServer();
    ServerActions.Answer locked = lock(true, ALICE);
    assertTrue(!locked.rejected(), locked.message());
    assertEquals("owner", of(locked.outs(), dev.skyledger.events.compute.InstanceLocked.class).get(0).getLockedBy());
    assertEquals(3, locked.sequence(), "a fact on the server's stream");
    ServerActions.Answer stop = power("stop", ALICE, T0 + 200);
    assertEquals(409, stop.status());
    assertEquals("Instance vm1 is locked", stop.message());
    assertEquals(409, saga.actions().decide(snapshot("vm1", "img-9"), ALICE, T0 + 200).status(), "no snapshot either");
    assertEquals(List.of(), lock(true, ALICE).outs(), "locking it again changes nothing");
    ServerActions.Answer unlocked = lock(false, ALICE);
    assertEquals(1, of(unlocked.outs(), dev.skyledger.events.compute.InstanceUnlocked.class).size());
    assertTrue(!power("stop", ALICE, T0 + 300).rejected(), "unlocked: the owner may stop it");
  }

  @Test
  void givenALockedServer_whenAnAdminActsOnIt_thenAccepted() {
    activeServer();
    lock(true, ALICE);
    assertTrue(!power("stop", ADMIN, T0 + 200).rejected());
  }

  @Test
  void givenAServerAnAdminLocked_whenItsOwnerUnlocksIt_thenRefusedWith403() {
    activeServer();
    ServerActions.Answer locked = lock(true, ADMIN);
    assertEquals("admin", of(locked.outs(), dev.skyledger.events.compute.InstanceLocked.class).get(0).getLockedBy());
    assertEquals(403, lock(false, ALICE).status());
    assertTrue(!lock(false, ADMIN).rejected());
  }

  @Test
  void givenAnotherProjectsServer_whenLocked_thenNotFound() {
    activeServer();
    assertEquals(404, lock(true, EVE).status());
    assertTrue(!power("stop", ALICE, T0 + 200).rejected(), "nothing was locked");
  }

  ServerActions.Answer reset(String to, Actor actor) {
    return saga.actions().decide(new dev.skyledger.events.compute.ResetServerState("vm1", "p1", to), actor, "req-reset");
  }

  @Test
  void givenAnActiveServer_whenAnAdminResetsItToError_thenItRefusesActionsKeepsItsHostAndIsActiveAgainAfterAReset() {
    activeServer();
    ServerActions.Answer error = reset("error", ADMIN);
    assertTrue(!error.rejected(), error.message());
    assertEquals("error", of(error.outs(), dev.skyledger.events.compute.InstanceStateReset.class).get(0).getState());
    assertEquals("Cannot 'stop' instance vm1 while it is in vm_state error", power("stop", ALICE, T0 + 200).message());
    assertEquals(List.of(), on(new dev.skyledger.events.host.HostInventoryReported("h1", List.of("vm1")), T0 + 250),
        "its domain is still its own: not destroyed");
    assertTrue(!reset("active", ADMIN).rejected());
    assertTrue(!power("stop", ALICE, T0 + 300).rejected(), "active again: it may be stopped");
  }

  @Test
  void givenAServerBusyWithAnAction_whenReset_thenTheActionIsOverAndTheHostsLateAnswerIgnored() {
    activeServer();
    power("reboot-soft", ALICE, T0 + 200);
    reset("active", ADMIN);
    assertEquals(List.of(), on(new dev.skyledger.events.host.InstancePowerChanged("vm1", "h1", "reboot-soft", "RUNNING"),
        T0 + 300));
    assertTrue(!power("stop", ALICE, T0 + 400).rejected(), "no action pending any more");
  }

  @Test
  void givenAMember_whenResettingState_thenRefusedWith403() {
    activeServer();
    assertEquals(403, reset("error", ALICE).status());
  }

  @Test
  void givenAServerWhoseBuildFailed_whenResetToActive_thenRefusedWith409() {
    on(new InstanceRequested(spec("vm1", 0)), T0);
    assertEquals(409, reset("active", ADMIN).status(), "no host: nothing to be active on");
    assertTrue(!reset("error", ADMIN).rejected());
  }

  @Test
  void givenADeletingServer_whenReset_thenRefusedWith409() {
    activeServer();
    on(new InstanceDeleteRequested("vm1", "p1"), T0 + 200);
    assertEquals(409, reset("active", ADMIN).status());
  }

  @Test
  void givenAServerResetToError_whenDeleted_thenItsHostIsToldToDestroyItAndItsClaimReleased() {
    activeServer();
    reset("error", ADMIN);
    List<SagaOut> outs = on(new InstanceDeleteRequested("vm1", "p1"), T0 + 200);
    assertEquals(1, of(outs, DestroyInstance.class).size());
  }

  ServerActions.Answer rebuild(String imageId, Actor actor, long now) {
    return saga.actions().decide(dev.skyledger.events.compute.RebuildServer.newBuilder().setInstanceId("vm1").setProjectId("p1")
        .setImageId(imageId).setImageName("alt").setImageChecksum("md5-alt").setImageSize(7).setImageLocation("loc-alt")
        .build(), actor, "req-rebuild", now);
  }

  @Test
  void givenAnActiveServer_whenRebuilt_thenItsHostDestroysAndSpawnsItFromTheNewImageOnTheSamePortsAndItRunsAgain() {
    activeServer();
    ServerActions.Answer r = rebuild("img-alt", ALICE, T0 + 200);
    assertTrue(!r.rejected(), r.message());
    assertEquals("img-alt", of(r.outs(), dev.skyledger.events.compute.InstanceRebuildStarted.class).get(0).getImageId());
    List<Object> payloads = r.outs().stream().map(SagaOut::payload).map(Object.class::cast).toList();
    assertInstanceOf(DestroyInstance.class, payloads.get(1), "the old domain goes first");
    SpawnInstance spawn = of(r.outs(), SpawnInstance.class).get(0);
    assertEquals("img-alt", spawn.getImageId());
    assertEquals("md5-alt", spawn.getImageChecksum());
    assertEquals("h1", spawn.getHostId());
    assertEquals("Cannot 'reboot' instance vm1 while it is in task_state rebuilding", power("reboot-soft", ALICE, T0 + 210).message());
    assertEquals(List.of(), on(new dev.skyledger.events.host.InstanceDestroyed("vm1", "h1"), T0 + 250),
        "the destroy of a rebuild ends nothing");
    List<SagaOut> done = on(new InstanceSpawned("vm1", "h1"), T0 + 300);
    assertEquals(1, of(done, dev.skyledger.events.compute.InstanceRebuilt.class).size());
    assertEquals(List.of(), of(done, InstanceActive.class), "no second creation");
    assertEquals(1, state.host("h1").claimedVcpus(), "the claim is the same one");
    assertTrue(!power("stop", ALICE, T0 + 400).rejected(), "it runs");
  }

  @Test
  void givenAStoppedServer_whenRebuilt_thenItIsStoppedAgain() {
    activeServer();
    power("stop", ALICE, T0 + 200);
    on(new dev.skyledger.events.host.InstancePowerChanged("vm1", "h1", "stop", "SHUTDOWN"), T0 + 300);
    assertTrue(!rebuild("img-alt", ALICE, T0 + 400).rejected());
    List<SagaOut> spawned = on(new InstanceSpawned("vm1", "h1"), T0 + 500);
    assertEquals("stop", of(spawned, dev.skyledger.events.host.PowerInstance.class).get(0).getAction());
    List<SagaOut> stopped = on(new dev.skyledger.events.host.InstancePowerChanged("vm1", "h1", "stop", "SHUTDOWN"), T0 + 600);
    assertEquals(false, of(stopped, dev.skyledger.events.compute.InstancePowerActionDone.class).get(0).getRunning());
    assertTrue(!power("start", ALICE, T0 + 700).rejected(), "stopped: it may be started");
  }

  @Test
  void givenARebuildTheHostCannotSpawn_thenTheServerIsInErrorStillHoldingItsHostAndMayBeRebuiltAgain() {
    activeServer();
    rebuild("img-alt", ALICE, T0 + 200);
    List<SagaOut> failed = on(new InstanceSpawnFailed("vm1", "h1", "image gone"), T0 + 300);
    assertEquals(1, of(failed, dev.skyledger.events.compute.InstanceRebuildFailed.class).size());
    assertEquals(List.of(), of(failed, ReleaseServerQuota.class), "the server still exists: its quota stays");
    assertEquals(1, state.host("h1").claimedVcpus());
    assertTrue(!rebuild("img-1", ALICE, T0 + 400).rejected(), "from ERROR it may be rebuilt");
    assertEquals(1, of(saga.timeouts(T0 + 400 + 61_000), dev.skyledger.events.compute.InstanceRebuildFailed.class).size(),
        "a host that never answers fails the rebuild at its deadline");
  }

  @Test
  void givenALockedServerOrAnotherProjectsOrAFailedBuild_whenRebuilt_thenRefused() {
    on(new InstanceRequested(spec("vm1", 0)), T0);
    assertEquals(409, rebuild("img-alt", ALICE, T0 + 100).status(), "a failed build holds no host");
    BootSagaTest other = new BootSagaTest();
    other.activeServer();
    assertEquals(404, other.rebuild("img-alt", EVE, T0 + 200).status());
    other.lock(true, ALICE);
    assertEquals(409, other.rebuild("img-alt", ALICE, T0 + 200).status());
  }

  static dev.skyledger.events.compute.SnapshotServer snapshot(String serverId, String imageId) {
    return dev.skyledger.events.compute.SnapshotServer.newBuilder().setInstanceId(serverId).setProjectId("p1")
        .setImageId(imageId).setImageName("snap").setProperties(java.util.Map.of("image_type", "snapshot")).build();
  }

  @Test
  void aSnapshotIsOneActionAtATimeAndEndsWhenTheHostUploadedIt() {
    activeServer();
    ServerActions.Answer snap = saga.actions().decide(snapshot("vm1", "img-9"), ALICE, T0 + 200);
    assertTrue(!snap.rejected(), snap.message());
    List<Object> payloads = snap.outs().stream().map(SagaOut::payload).map(Object.class::cast).toList();
    assertInstanceOf(dev.skyledger.events.image.CreateImage.class, payloads.get(1), "the image first, on the project's stream");
    assertEquals("p1", snap.outs().get(1).key());
    assertEquals("u1", snap.outs().get(1).origin().userId(), "made on behalf of who asked");
    assertEquals("img-9", of(snap.outs(), dev.skyledger.events.host.SnapshotInstance.class).get(0).getImageId());
    ServerActions.Answer again = saga.actions().decide(snapshot("vm1", "img-10"), ALICE, T0 + 205);
    assertTrue(again.rejected());
    assertEquals(List.of(), again.outs(), "a refused snapshot makes no image");
    assertEquals("Cannot 'reboot' instance vm1 while it is in task_state image_snapshot",
        power("reboot-soft", ALICE, T0 + 210).message());
    List<SagaOut> done = on(new dev.skyledger.events.host.InstanceSnapshotted("vm1", "h1", "img-9", 42L), T0 + 300);
    assertEquals(42L, of(done, dev.skyledger.events.compute.InstanceSnapshotDone.class).get(0).getSize());
    assertTrue(!power("reboot-soft", ALICE, T0 + 400).rejected());
  }

  @Test
  void aFailedSnapshotLeavesTheServerAsItWas() {
    activeServer();
    saga.actions().decide(snapshot("vm1", "img-9"), ALICE, T0 + 200);
    List<SagaOut> failed = on(new dev.skyledger.events.host.InstanceActionFailed("vm1", "h1", "snapshot", "disk gone"),
        T0 + 300);
    assertEquals("disk gone", of(failed, dev.skyledger.events.compute.InstanceSnapshotFailed.class).get(0).getMessage());
    assertTrue(!power("stop", ALICE, T0 + 400).rejected());
  }

  @Test
  void antiAffinityPlacesAGroupsServersOnDifferentHostsAndSaysSoWhenItCannot() {
    host("h1", 8, 8192, T0);
    host("h2", 8, 8192, T0);
    List<String> hosts = new java.util.ArrayList<>();
    for (String id : List.of("vm1", "vm2", "vm3")) {
      ServerSpec spec = ServerSpec.newBuilder(spec(id, 0)).setServerGroupId("grp").setServerGroupPolicy("anti-affinity").build();
      List<SagaOut> outs = on(new InstanceRequested(spec), T0 + 10);
      of(outs, InstanceScheduled.class).forEach(x -> hosts.add(x.getHostId()));
      if (id.equals("vm3")) {
        assertTrue(of(outs, InstanceFailed.class).get(0).getMessage().contains("anti-affinity"), outs.toString());
      }
    }
    assertEquals(2, new java.util.HashSet<>(hosts).size(), "two members, two hosts: " + hosts);
    on(new InstanceDeleteRequested("vm1", "p1"), T0 + 20);
    on(new InstanceDestroyed("vm1", hosts.get(0)), T0 + 30);
    ServerSpec again = ServerSpec.newBuilder(spec("vm4", 0)).setServerGroupId("grp").setServerGroupPolicy("anti-affinity").build();
    assertEquals(hosts.get(0), of(on(new InstanceRequested(again), T0 + 40), InstanceScheduled.class).get(0).getHostId(),
        "a deleted member leaves its host to the group");
  }

  @Test
  void affinityKeepsAGroupOnTheHostOfItsFirstMember() {
    host("h1", 8, 8192, T0);
    host("h2", 8, 16384, T0);
    List<String> hosts = new java.util.ArrayList<>();
    for (String id : List.of("vm1", "vm2", "vm3")) {
      ServerSpec spec = ServerSpec.newBuilder(spec(id, 0)).setServerGroupId("grp").setServerGroupPolicy("affinity").build();
      of(on(new InstanceRequested(spec), T0 + 10), InstanceScheduled.class).forEach(x -> hosts.add(x.getHostId()));
    }
    assertEquals(List.of("h2", "h2", "h2"), hosts);
  }

  @Test
  void softAntiAffinitySpreadsAGroupButStillPlacesMembersWhenEveryHostHasOne() {
    host("h1", 8, 16384, T0);
    host("h2", 8, 8192, T0);
    List<String> hosts = new java.util.ArrayList<>();
    for (String id : List.of("vm1", "vm2", "vm3")) {
      ServerSpec spec = ServerSpec.newBuilder(spec(id, 0)).setServerGroupId("grp").setServerGroupPolicy("soft-anti-affinity").build();
      List<SagaOut> outs = on(new InstanceRequested(spec), T0 + 10);
      assertEquals(List.of(), of(outs, InstanceFailed.class), "a soft policy never fails a boot");
      of(outs, InstanceScheduled.class).forEach(x -> hosts.add(x.getHostId()));
    }
    assertEquals(List.of("h1", "h2", "h1"), hosts, "apart while it can be, then where there are fewest members");
  }

  @Test
  void softAffinityKeepsAGroupTogetherWhileTheHostHasRoomThenGoesElsewhere() {
    host("h1", 2, 16384, T0);
    host("h2", 8, 8192, T0);
    List<String> hosts = new java.util.ArrayList<>();
    for (String id : List.of("vm1", "vm2", "vm3")) {
      ServerSpec spec = ServerSpec.newBuilder(spec(id, 0)).setServerGroupId("grp").setServerGroupPolicy("soft-affinity").build();
      of(on(new InstanceRequested(spec), T0 + 10), InstanceScheduled.class).forEach(x -> hosts.add(x.getHostId()));
    }
    assertEquals(List.of("h1", "h1", "h2"), hosts, "h1 has two vCPUs: the third member goes to h2 instead of failing");
  }

  @Test
  void aHostForcedDownTakesNoServersWhateverItsHeartbeatsSayUntilTheOperatorLiftsIt() {
    host("h1", 8, 8192, T0);
    on(new dev.skyledger.events.compute.ComputeServiceForcedDownChanged("h1", true), T0 + 1);
    on(new HostLivenessChanged("h1", true, java.time.Instant.ofEpochMilli(T0 + 2), "heartbeat"), T0 + 2);
    List<SagaOut> outs = on(new InstanceRequested(spec("vm1", 0)), T0 + 3);
    assertTrue(of(outs, InstanceFailed.class).get(0).getMessage().contains("no compute hosts up"), outs.toString());
    on(new dev.skyledger.events.compute.ComputeServiceForcedDownChanged("h1", false), T0 + 4);
    outs = on(new InstanceRequested(spec("vm2", 0)), T0 + 5);
    assertEquals("h1", of(outs, InstanceScheduled.class).get(0).getHostId());
  }

  @Test
  void anActionIsRecordedOnBehalfOfWhoAskedThroughTheirRequest() {
    activeServer();
    Actor bob = new Actor("u2", "bob", "p1", List.of("member"));
    ServerActions.Answer reboot = saga.actions().decide(new dev.skyledger.events.compute.ChangeServerPower("vm1", "p1", "reboot-soft"), bob,
        "req-reboot", T0 + 200);
    for (SagaOut o : reboot.outs()) {
      assertEquals("req-reboot", o.origin().requestId());
      assertEquals("bob", o.origin().userName());
    }
    List<SagaOut> later = on(new dev.skyledger.events.host.InstancePowerChanged("vm1", "h1", "reboot-soft", "RUNNING"),
        T0 + 300);
    assertEquals("req-reboot", later.get(0).origin().requestId(), "the action's end is the reboot's doing");
    assertEquals("bob", later.get(0).origin().userName());
  }

  @Test
  void aHostBackFromAnAbsenceHasTheDomainsNoServerOwnsDestroyedAndNothingElse() {
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(spec("gone", 0)), T0);
    on(new InstanceSpawned("gone", "h1"), T0 + 100);
    on(new InstanceRequested(spec("kept", 0)), T0);
    on(new InstanceSpawned("kept", "h1"), T0 + 100);
    // the host goes silent; "gone" is deleted meanwhile, its deletion completing at the deadline
    on(new InstanceDeleteRequested("gone", "p1"), T0 + 200);
    saga.timeouts(T0 + 200 + 21_000);
    assertEquals(1, state.host("h1").claimedVcpus(), "only the kept server's claim is left");

    List<SagaOut> outs = on(new dev.skyledger.events.host.HostInventoryReported("h1",
        List.of("gone", "kept", "stranger")), T0 + 30_000);
    List<String> destroyed = of(outs, DestroyInstance.class).stream().map(DestroyInstance::getInstanceId).sorted().toList();
    assertEquals(List.of("gone", "stranger"), destroyed);
    assertTrue(outs.stream().allMatch(SagaOut::asSystem));
    assertEquals(1, state.host("h1").claimedVcpus(), "claims are not touched: never counted twice");
  }

  @Test
  void deadlinesAreJudgedAtWhatTheSagaHasReadWhileItReadsABacklog() {
    long wall = T0 + 600_000;
    assertEquals(wall, BootSagaTopology.judgedAt(wall, wall - 100, wall - 10), "reading fresh facts: the wall clock");
    assertEquals(wall, BootSagaTopology.judgedAt(wall, wall - 300_000, wall - 6_000), "nothing to read for a while");
    assertEquals(T0 + 20_000, BootSagaTopology.judgedAt(wall, T0 + 20_000, wall - 10),
        "reading a backlog: the newest fact read");
    // a spawn answered while the saga was down is read before its deadline is judged passed
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(spec("vm1", 0)), T0);
    assertTrue(saga.timeouts(BootSagaTopology.judgedAt(wall, T0 + 20_000, wall - 10)).isEmpty());
    on(new InstanceSpawned("vm1", "h1"), T0 + 20_000);
    assertTrue(of(saga.timeouts(wall), InstanceFailed.class).isEmpty(), "it is ACTIVE, not failed");
  }

  @Test
  void aDeletionsTeardownAndItsEndNameTheDeletionsRequest() {
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(spec("vm1", 1)), T0);
    portArrives("vm1");
    on(new InstanceSpawned("vm1", "h1"), T0 + 200);
    Envelope delete = Envelope.newBuilder(envelope("instance/vm1", "vm1")).setRequestId("req-delete")
        .setActor(new Actor("u2", "bob", "p1", List.of("member"))).build();
    List<SagaOut> teardown = saga.on(new InstanceDeleteRequested("vm1", "p1"), delete, T0 + 300);
    assertEquals(2, teardown.size(), "the port deleted and the domain destroyed");
    for (SagaOut o : teardown) assertEquals("req-delete", o.origin().requestId());
    on(new InstanceDestroyed("vm1", "h1"), T0 + 400);
    List<SagaOut> done = portDeleted("vm1", T0 + 450);
    assertEquals("req-delete", done.get(0).origin().requestId());
    assertEquals("bob", done.get(0).origin().userName());
  }

  @Test
  void theStateIsTheStoreHostsAndClaimsComeBackAfterARestart() {
    host("h1", 8, 8192, T0);
    on(new InstanceRequested(spec("vm1", 0)), T0);
    BootState reloaded = new BootState(kv);
    assertEquals(1, reloaded.host("h1").claimedVcpus());
    assertEquals(BootState.Step.SPAWNING, reloaded.boot("vm1").orElseThrow().step());
  }
}
