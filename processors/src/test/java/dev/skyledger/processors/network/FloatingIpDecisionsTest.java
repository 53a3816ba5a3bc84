package dev.skyledger.processors.network;

import static dev.skyledger.processors.DecisionAssertions.assertAccepted;
import static dev.skyledger.processors.DecisionAssertions.assertMessageContains;
import static dev.skyledger.processors.DecisionAssertions.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.AllocationPool;
import dev.skyledger.events.network.CreateFloatingIp;
import dev.skyledger.events.network.CreateNetwork;
import dev.skyledger.events.network.CreateSubnet;
import dev.skyledger.events.network.DeleteFloatingIp;
import dev.skyledger.events.network.DeleteNetwork;
import dev.skyledger.events.network.NetworkDeleted;
import dev.skyledger.events.network.SubnetDeleted;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.FloatingIp;
import dev.skyledger.events.network.FloatingIpCreated;
import dev.skyledger.events.network.FloatingIpDeleted;
import dev.skyledger.events.network.FloatingIpUpdated;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.Port;
import dev.skyledger.events.network.PortCreated;
import dev.skyledger.events.network.PortDeleted;
import dev.skyledger.events.network.Subnet;
import dev.skyledger.events.network.UpdateFloatingIp;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.core.MapKeyValues;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Floating IPs: an address taken as a port of their external network, then associated with a fixed IP. */
class FloatingIpDecisionsTest {
  private static final String DEMO_PROJECT = "p-demo";
  private static final String OTHER_PROJECT = "p-other";
  private static final String ADMIN_PROJECT = "p-admin";
  private static final String PUBLIC_NET = "net-public";
  private static final String PUBLIC_SUBNET = "sub-public";
  private static final String PRIVATE_NET = "net-private";
  private static final String FIP = "fip-1";

  private static final Actor BOB_AS_MEMBER = actor("u-bob", "bob", DEMO_PROJECT, "member");
  private static final Actor CAROL_AS_OTHER_MEMBER = actor("u-carol", "carol", OTHER_PROJECT, "member");
  private static final Actor ALICE_AS_ADMIN = actor("u-alice", "alice", ADMIN_PROJECT, "admin");

  private final NetworkState state = new NetworkState(new MapKeyValues());

  @Test
  void givenExternalNetwork_whenMemberCreatesFloatingIp_thenAFloatingIpPortAndTheFloatingIpAreCreated() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");

    Decision decision = NetworkDecider.decide(create(FIP, null), BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(FIP, decision.resourceId());
    assertEquals(2, decision.events().size());
    Port port = ((PortCreated) decision.events().get(0)).getPort();
    assertEquals("network:floatingip", port.getDeviceOwner());
    assertEquals(FIP, port.getDeviceId());
    assertEquals(PUBLIC_NET, port.getNetworkId());
    assertEquals(DEMO_PROJECT, port.getProjectId());
    assertEquals(List.of(new FixedIp(PUBLIC_SUBNET, "203.0.113.2")), port.getFixedIps());
    FloatingIp fip = ((FloatingIpCreated) decision.events().get(1)).getFloatingIp();
    assertEquals(new FloatingIp(FIP, DEMO_PROJECT, PUBLIC_NET, "203.0.113.2", port.getPortId(), null, null, null, ""), fip);
  }

  @Test
  void givenFloatingIp_whenAnotherIsCreated_thenItGetsTheNextAddress() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");
    accepted(create(FIP, null), BOB_AS_MEMBER);

    Decision decision = accepted(create("fip-2", null), BOB_AS_MEMBER);

    assertEquals("203.0.113.3", ((FloatingIpCreated) decision.events().get(1)).getFloatingIp().getFloatingIpAddress());
  }

  @Test
  void givenPrivateNetwork_whenFloatingIpIsCreatedOnIt_thenRejected400() {
    accepted(new CreateNetwork(network(PRIVATE_NET, DEMO_PROJECT, false)), BOB_AS_MEMBER);
    accepted(new CreateSubnet(subnet("sub-private", PRIVATE_NET, DEMO_PROJECT, "10.0.0.0/24", "10.0.0.1")), BOB_AS_MEMBER);

    Decision decision = NetworkDecider.decide(new CreateFloatingIp(FIP, DEMO_PROJECT, PRIVATE_NET, null, null, null, null, ""),
        BOB_AS_MEMBER, state);

    assertRejected(400, "BadRequest", decision);
    assertMessageContains("external", decision);
  }

  @Test
  void givenNoNetwork_whenFloatingIpIsCreated_thenRejected404() {
    assertRejected(404, "NetworkNotFound", NetworkDecider.decide(create(FIP, null), BOB_AS_MEMBER, state));
  }

  @Test
  void givenExternalNetwork_whenMemberAsksForASpecificAddress_thenRejected403() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");

    assertRejected(403, "PolicyNotAuthorized", NetworkDecider.decide(create(FIP, "203.0.113.50"), BOB_AS_MEMBER, state));
  }

  @Test
  void givenExternalNetwork_whenAdminAsksForASpecificAddress_thenItIsTaken() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");

    Decision decision = accepted(create(FIP, "203.0.113.50"), ALICE_AS_ADMIN);

    assertEquals(List.of(new FixedIp(PUBLIC_SUBNET, "203.0.113.50")),
        ((PortCreated) decision.events().get(0)).getPort().getFixedIps());
    assertEquals("203.0.113.50", ((FloatingIpCreated) decision.events().get(1)).getFloatingIp().getFloatingIpAddress());
    // and it is taken: the same address again is refused
    assertRejected(409, "IpAddressAlreadyAllocated", NetworkDecider.decide(create("fip-2", "203.0.113.50"), ALICE_AS_ADMIN, state));
  }

  @Test
  void givenMemberOfAnotherProject_whenCreatingAFloatingIpForDemo_thenRejected403() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");

    assertRejected(403, "PolicyNotAuthorized", NetworkDecider.decide(create(FIP, null), CAROL_AS_OTHER_MEMBER, state));
  }

  @Test
  void givenSlash29ExternalSubnet_whenItsFiveAddressesAreTaken_thenTheNextFloatingIpIsRejected409() {
    givenExternalNetwork("198.51.100.0/29", "198.51.100.1");
    for (int i = 0; i < 5; i++) accepted(create("fip-" + i, null), BOB_AS_MEMBER);

    Decision decision = NetworkDecider.decide(create("fip-x", null), BOB_AS_MEMBER, state);

    assertRejected(409, "IpAddressGenerationFailure", decision);
  }

  @Test
  void givenSmallAllocationPool_whenItIsExhausted_thenRejected409AndADeletedFloatingIpsAddressIsFreeAgain() {
    accepted(new CreateNetwork(network(PUBLIC_NET, ADMIN_PROJECT, true)), ALICE_AS_ADMIN);
    accepted(new CreateSubnet(Subnet.newBuilder(subnet(PUBLIC_SUBNET, PUBLIC_NET, ADMIN_PROJECT, "203.0.113.0/24", "203.0.113.1"))
        .setAllocationPools(List.of(new AllocationPool("203.0.113.10", "203.0.113.11"))).build()), ALICE_AS_ADMIN);
    accepted(create("fip-a", null), BOB_AS_MEMBER);
    accepted(create("fip-b", null), BOB_AS_MEMBER);

    assertRejected(409, "IpAddressGenerationFailure", NetworkDecider.decide(create("fip-c", null), BOB_AS_MEMBER, state));

    accepted(new DeleteFloatingIp("fip-a", PUBLIC_NET), BOB_AS_MEMBER);
    Decision again = accepted(create("fip-c", null), BOB_AS_MEMBER);
    assertEquals("203.0.113.10", ((FloatingIpCreated) again.events().get(1)).getFloatingIp().getFloatingIpAddress());
  }

  @Test
  void givenFloatingIp_whenAssociatedWithAPortsFixedIpBehindARouter_thenFloatingIpUpdated() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");
    FloatingIp created = fipOf(accepted(create(FIP, null), BOB_AS_MEMBER));

    Decision decision = accepted(new UpdateFloatingIp(FIP, PUBLIC_NET, "port-vm", "10.0.0.5", "rt-1", null), BOB_AS_MEMBER);

    FloatingIp expected = FloatingIp.newBuilder(created).setPortId("port-vm").setFixedIpAddress("10.0.0.5")
        .setRouterId("rt-1").build();
    assertEquals(List.of(new FloatingIpUpdated(expected)), decision.events());
    assertEquals(expected, state.floatingIp(PUBLIC_NET, FIP).orElseThrow());
  }

  @Test
  void givenAssociatedFloatingIp_whenDisassociated_thenFloatingIpUpdatedWithoutPort() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");
    FloatingIp created = fipOf(accepted(create(FIP, null), BOB_AS_MEMBER));
    accepted(new UpdateFloatingIp(FIP, PUBLIC_NET, "port-vm", "10.0.0.5", "rt-1", null), BOB_AS_MEMBER);

    Decision decision = accepted(new UpdateFloatingIp(FIP, PUBLIC_NET, null, null, null, null), BOB_AS_MEMBER);

    assertEquals(List.of(new FloatingIpUpdated(created)), decision.events());
  }

  @Test
  void givenFloatingIpOnAPortsFixedIp_whenASecondFloatingIpIsAssociatedWithTheSameFixedIp_thenRejected409() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");
    accepted(create(FIP, null), BOB_AS_MEMBER);
    accepted(create("fip-2", null), BOB_AS_MEMBER);
    accepted(new UpdateFloatingIp(FIP, PUBLIC_NET, "port-vm", "10.0.0.5", "rt-1", null), BOB_AS_MEMBER);

    Decision decision = NetworkDecider.decide(new UpdateFloatingIp("fip-2", PUBLIC_NET, "port-vm", "10.0.0.5", "rt-1", null),
        BOB_AS_MEMBER, state);

    assertRejected(409, "FloatingIPPortAlreadyAssociated", decision);
    assertMessageContains(FIP, decision);
  }

  @Test
  void givenFloatingIpOnAPortsFixedIp_whenAnotherIsCreatedAlreadyAssociatedWithIt_thenRejected409() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");
    accepted(new CreateFloatingIp(FIP, DEMO_PROJECT, PUBLIC_NET, null, "port-vm", "10.0.0.5", "rt-1", ""), BOB_AS_MEMBER);

    assertRejected(409, "FloatingIPPortAlreadyAssociated", NetworkDecider.decide(
        new CreateFloatingIp("fip-2", DEMO_PROJECT, PUBLIC_NET, null, "port-vm", "10.0.0.5", "rt-1", ""), BOB_AS_MEMBER, state));
  }

  @Test
  void givenFloatingIpOnAPortsFixedIp_whenAnotherIsAssociatedWithAnotherFixedIpOfThatPort_thenAccepted() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");
    accepted(create(FIP, null), BOB_AS_MEMBER);
    accepted(create("fip-2", null), BOB_AS_MEMBER);
    accepted(new UpdateFloatingIp(FIP, PUBLIC_NET, "port-vm", "10.0.0.5", "rt-1", null), BOB_AS_MEMBER);

    assertAccepted(NetworkDecider.decide(new UpdateFloatingIp("fip-2", PUBLIC_NET, "port-vm", "10.0.0.6", "rt-1", null),
        BOB_AS_MEMBER, state));
  }

  @Test
  void givenAssociatedFloatingIp_whenUpdatedAgainWithTheSameAssociation_thenAccepted() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");
    accepted(create(FIP, null), BOB_AS_MEMBER);
    accepted(new UpdateFloatingIp(FIP, PUBLIC_NET, "port-vm", "10.0.0.5", "rt-1", null), BOB_AS_MEMBER);

    assertAccepted(NetworkDecider.decide(new UpdateFloatingIp(FIP, PUBLIC_NET, "port-vm", "10.0.0.5", "rt-1", "again"),
        BOB_AS_MEMBER, state));
  }

  @Test
  void givenFloatingIp_whenDeleted_thenItsPortAndItAreDeletedAndTheAddressIsFreeAgain() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");
    Decision created = accepted(create(FIP, null), BOB_AS_MEMBER);
    Port port = ((PortCreated) created.events().get(0)).getPort();
    FloatingIp fip = fipOf(created);

    Decision decision = accepted(new DeleteFloatingIp(FIP, PUBLIC_NET), BOB_AS_MEMBER);

    assertEquals(FIP, decision.resourceId());
    assertEquals(List.of(new PortDeleted(port), new FloatingIpDeleted(fip)), decision.events());
    assertTrue(state.floatingIp(PUBLIC_NET, FIP).isEmpty());
    assertTrue(state.port(PUBLIC_NET, port.getPortId()).isEmpty());
    Decision again = accepted(create("fip-2", null), BOB_AS_MEMBER);
    assertEquals("203.0.113.2", fipOf(again).getFloatingIpAddress());
  }

  @Test
  void givenFloatingIp_whenMemberOfAnotherProjectUpdatesOrDeletesIt_thenRejected404() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");
    accepted(create(FIP, null), BOB_AS_MEMBER);

    assertRejected(404, "FloatingIPNotFound", NetworkDecider.decide(
        new UpdateFloatingIp(FIP, PUBLIC_NET, "port-x", "10.9.9.9", null, null), CAROL_AS_OTHER_MEMBER, state));
    assertRejected(404, "FloatingIPNotFound",
        NetworkDecider.decide(new DeleteFloatingIp(FIP, PUBLIC_NET), CAROL_AS_OTHER_MEMBER, state));
    assertTrue(state.floatingIp(PUBLIC_NET, FIP).isPresent());
  }

  @Test
  void givenFloatingIp_whenAdminDeletesIt_thenAccepted() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");
    accepted(create(FIP, null), BOB_AS_MEMBER);

    assertAccepted(NetworkDecider.decide(new DeleteFloatingIp(FIP, PUBLIC_NET), ALICE_AS_ADMIN, state));
  }

  @Test
  void givenExternalNetworkWithAnUnassociatedFloatingIp_whenAdminDeletesTheNetwork_thenTheFloatingIpAndItsPortGoWithIt() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");
    Decision created = accepted(create(FIP, null), BOB_AS_MEMBER);
    Port port = ((PortCreated) created.events().get(0)).getPort();

    Decision decision = accepted(new DeleteNetwork(PUBLIC_NET), ALICE_AS_ADMIN);

    assertEquals(List.of(new PortDeleted(port), new FloatingIpDeleted(fipOf(created)),
        new SubnetDeleted(PUBLIC_SUBNET, PUBLIC_NET, ADMIN_PROJECT), new NetworkDeleted(PUBLIC_NET, ADMIN_PROJECT)),
        decision.events());
    assertTrue(state.floatingIp(PUBLIC_NET, FIP).isEmpty());
    assertTrue(state.network(PUBLIC_NET).isEmpty());
  }

  @Test
  void givenExternalNetworkWithAnAssociatedFloatingIp_whenAdminDeletesTheNetwork_thenRejected409NetworkInUse() {
    givenExternalNetwork("203.0.113.0/24", "203.0.113.1");
    accepted(create(FIP, null), BOB_AS_MEMBER);
    accepted(new UpdateFloatingIp(FIP, PUBLIC_NET, "port-vm", "10.0.0.5", "rt-1", null), BOB_AS_MEMBER);

    assertRejected(409, "NetworkInUse", NetworkDecider.decide(new DeleteNetwork(PUBLIC_NET), ALICE_AS_ADMIN, state));
    assertTrue(state.floatingIp(PUBLIC_NET, FIP).isPresent());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void givenExternalNetwork(String cidr, String gateway) {
    accepted(new CreateNetwork(network(PUBLIC_NET, ADMIN_PROJECT, true)), ALICE_AS_ADMIN);
    accepted(new CreateSubnet(subnet(PUBLIC_SUBNET, PUBLIC_NET, ADMIN_PROJECT, cidr, gateway)), ALICE_AS_ADMIN);
  }

  private static CreateFloatingIp create(String id, String address) {
    return new CreateFloatingIp(id, DEMO_PROJECT, PUBLIC_NET, address, null, null, null, "");
  }

  private static FloatingIp fipOf(Decision decision) {
    return ((FloatingIpCreated) decision.events().get(1)).getFloatingIp();
  }

  private static Network network(String id, String project, boolean external) {
    return Network.newBuilder().setNetworkId(id).setProjectId(project).setName(id).setExternal(external).build();
  }

  private static Subnet subnet(String id, String networkId, String project, String cidr, String gateway) {
    return Subnet.newBuilder().setSubnetId(id).setNetworkId(networkId).setProjectId(project).setName(id)
        .setCidr(cidr).setGatewayIp(gateway).build();
  }

  private Decision accepted(SpecificRecord command, Actor actor) {
    Decision decision = NetworkDecider.decide(command, actor, state);
    assertAccepted(decision);
    decision.events().forEach(e -> NetworkDecider.evolve(state, e));
    return decision;
  }

  private static Actor actor(String userId, String userName, String projectId, String... roles) {
    return new Actor(userId, userName, projectId, List.of(roles));
  }
}
