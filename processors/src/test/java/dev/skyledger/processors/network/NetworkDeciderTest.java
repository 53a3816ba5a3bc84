package dev.skyledger.processors.network;

import static dev.skyledger.processors.DecisionAssertions.assertAccepted;
import static dev.skyledger.processors.DecisionAssertions.assertMessageContains;
import static dev.skyledger.processors.DecisionAssertions.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.AllocationPool;
import dev.skyledger.events.network.CreateNetwork;
import dev.skyledger.events.network.CreatePort;
import dev.skyledger.events.network.CreateSubnet;
import dev.skyledger.events.network.DeleteNetwork;
import dev.skyledger.events.network.DeletePort;
import dev.skyledger.events.network.DeleteSubnet;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.NetworkCreated;
import dev.skyledger.events.network.NetworkDeleted;
import dev.skyledger.events.network.Port;
import dev.skyledger.events.network.PortCreated;
import dev.skyledger.events.network.PortDeleted;
import dev.skyledger.events.network.PortUpdated;
import dev.skyledger.events.network.Subnet;
import dev.skyledger.events.network.SubnetCreated;
import dev.skyledger.events.network.SubnetDeleted;
import dev.skyledger.events.network.UpdatePort;
import dev.skyledger.platform.network.Mac;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.core.MapKeyValues;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The network decider on plain objects: each test evolves the "given" events into a fresh state,
 * decides one command and checks the events or the rejection (with Neutron's error type as its
 * title) a client would see.
 */
class NetworkDeciderTest {
  private static final String DEMO_PROJECT = "p-demo";
  private static final String OTHER_PROJECT = "p-other";
  private static final String ADMIN_PROJECT = "p-admin";
  private static final String NET = "net-1";
  private static final String OTHER_NET = "net-2";
  private static final String SUBNET = "sub-1";
  private static final String SUBNET_V6 = "sub-6";

  private static final Actor BOB_AS_MEMBER = actor("u-bob", "bob", DEMO_PROJECT, "member");
  private static final Actor CAROL_AS_OTHER_MEMBER = actor("u-carol", "carol", OTHER_PROJECT, "member");
  private static final Actor ALICE_AS_ADMIN = actor("u-alice", "alice", ADMIN_PROJECT, "admin");

  private final NetworkState state = new NetworkState(new MapKeyValues());

  // ---- address allocation -----------------------------------------------------------------------

  @Test
  void givenNetwork_whenSubnetCreatedWithoutPools_thenDefaultPoolIsTheCidrWithoutNetworkGatewayAndBroadcast() {
    givenNetwork(NET, DEMO_PROJECT, false);

    Decision decision = NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.1")),
        BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(SUBNET, decision.resourceId());
    Subnet created = ((SubnetCreated) decision.events().get(0)).getSubnet();
    assertEquals(List.of(new AllocationPool("10.0.0.2", "10.0.0.254")), created.getAllocationPools());
  }

  @Test
  void givenSubnetWithGatewayInTheMiddle_whenCreated_thenDefaultPoolsAreSplitAroundTheGateway() {
    givenNetwork(NET, DEMO_PROJECT, false);

    Decision decision = NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.100")),
        BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(List.of(new AllocationPool("10.0.0.1", "10.0.0.99"), new AllocationPool("10.0.0.101", "10.0.0.254")),
        ((SubnetCreated) decision.events().get(0)).getSubnet().getAllocationPools());
  }

  @Test
  void givenDefaultSubnet_whenThreePortsCreated_thenEachGetsTheNextDistinctAddressInOrder() {
    givenDefaultSubnet();

    assertEquals("10.0.0.2", ipOf(accepted(port("port-1"), BOB_AS_MEMBER)));
    assertEquals("10.0.0.3", ipOf(accepted(port("port-2"), BOB_AS_MEMBER)));
    assertEquals("10.0.0.4", ipOf(accepted(port("port-3"), BOB_AS_MEMBER)));
  }

  @Test
  void givenDefaultSubnet_whenPortCreated_thenPortCreatedCarriesEveryField() {
    givenDefaultSubnet();
    CreatePort command = new CreatePort("port-1", NET, DEMO_PROJECT, "web", "the web port", null, null, "vm-1",
        "compute:nova", List.of("sg-1"), "", true, true, "");

    Decision decision = NetworkDecider.decide(command, BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals("port-1", decision.resourceId());
    String mac = Mac.generated("port-1", 0);
    assertEquals(List.of(new PortCreated(new Port("port-1", NET, DEMO_PROJECT, "web", "the web port", mac,
        List.of(new FixedIp(SUBNET, "10.0.0.2")), "vm-1", "compute:nova", List.of("sg-1"), "", true, true))),
        decision.events());
  }

  @Test
  void givenThreePorts_whenTheMiddleOneIsDeleted_thenItsAddressIsHandedOutAgainBeforeHigherOnes() {
    givenDefaultSubnet();
    accepted(port("port-1"), BOB_AS_MEMBER);
    accepted(port("port-2"), BOB_AS_MEMBER);
    accepted(port("port-3"), BOB_AS_MEMBER);

    Decision deleted = accepted(new DeletePort("port-2", NET), BOB_AS_MEMBER);
    assertEquals("10.0.0.3", ((PortDeleted) deleted.events().get(0)).getPort().getFixedIps().get(0).getIpAddress());

    assertEquals("10.0.0.3", ipOf(accepted(port("port-4"), BOB_AS_MEMBER)));
    assertEquals("10.0.0.5", ipOf(accepted(port("port-5"), BOB_AS_MEMBER)));
  }

  @Test
  void givenDefaultSlash24Subnet_whenEveryPoolAddressIsTaken_thenLastIs254AndTheNextPortIsRejectedWith409() {
    givenDefaultSubnet();
    Set<String> addresses = new HashSet<>();
    String last = null;
    for (int i = 0; i < 253; i++) {
      last = ipOf(accepted(port("port-" + i), BOB_AS_MEMBER));
      addresses.add(last);
    }
    assertEquals(253, addresses.size());
    assertEquals("10.0.0.254", last);

    Decision decision = NetworkDecider.decide(port("port-x"), BOB_AS_MEMBER, state);

    assertRejected(409, "IpAddressGenerationFailure", decision);
  }

  @Test
  void givenSlash29Subnet_whenFivePortsCreated_thenAllSucceedAndTheSixthIsRejectedWith409() {
    givenNetwork(NET, DEMO_PROJECT, false);
    accepted(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/29", "10.0.0.1")), BOB_AS_MEMBER);

    List<String> addresses = new ArrayList<>();
    for (int i = 1; i <= 5; i++) addresses.add(ipOf(accepted(port("port-" + i), BOB_AS_MEMBER)));

    assertEquals(List.of("10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"), addresses);
    assertRejected(409, "IpAddressGenerationFailure", NetworkDecider.decide(port("port-6"), BOB_AS_MEMBER, state));
  }

  @Test
  void givenExplicitThreeAddressPool_whenPoolIsFull_thenRejectedUntilAPortIsDeleted() {
    givenNetwork(NET, DEMO_PROJECT, false);
    accepted(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.1",
        new AllocationPool("10.0.0.10", "10.0.0.12"))), BOB_AS_MEMBER);

    assertEquals("10.0.0.10", ipOf(accepted(port("port-1"), BOB_AS_MEMBER)));
    assertEquals("10.0.0.11", ipOf(accepted(port("port-2"), BOB_AS_MEMBER)));
    assertEquals("10.0.0.12", ipOf(accepted(port("port-3"), BOB_AS_MEMBER)));
    assertRejected(409, "IpAddressGenerationFailure", NetworkDecider.decide(port("port-4"), BOB_AS_MEMBER, state));

    accepted(new DeletePort("port-2", NET), BOB_AS_MEMBER);

    assertEquals("10.0.0.11", ipOf(accepted(port("port-4"), BOB_AS_MEMBER)));
  }

  @Test
  void givenTwoPools_whenTheFirstIsUsedUp_thenAllocationContinuesInTheSecond() {
    givenNetwork(NET, DEMO_PROJECT, false);
    accepted(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.1",
        new AllocationPool("10.0.0.10", "10.0.0.11"), new AllocationPool("10.0.0.20", "10.0.0.20"))), BOB_AS_MEMBER);

    assertEquals("10.0.0.10", ipOf(accepted(port("port-1"), BOB_AS_MEMBER)));
    assertEquals("10.0.0.11", ipOf(accepted(port("port-2"), BOB_AS_MEMBER)));
    assertEquals("10.0.0.20", ipOf(accepted(port("port-3"), BOB_AS_MEMBER)));
    assertRejected(409, "IpAddressGenerationFailure", NetworkDecider.decide(port("port-4"), BOB_AS_MEMBER, state));
  }

  @Test
  void givenTwoIpv4Subnets_whenTheFirstIsFull_thenThePortGetsAnAddressFromTheSecond() {
    givenNetwork(NET, DEMO_PROJECT, false);
    accepted(new CreateSubnet(v4Subnet("sub-a", NET, "10.0.0.0/30", "10.0.0.1")), BOB_AS_MEMBER);
    accepted(new CreateSubnet(v4Subnet("sub-b", NET, "10.0.1.0/24", "10.0.1.1")), BOB_AS_MEMBER);

    assertEquals(List.of(new FixedIp("sub-a", "10.0.0.2")), portOf(accepted(port("port-1"), BOB_AS_MEMBER)).getFixedIps());
    assertEquals(List.of(new FixedIp("sub-b", "10.0.1.2")), portOf(accepted(port("port-2"), BOB_AS_MEMBER)).getFixedIps());
  }

  @Test
  void givenNetworkWithoutSubnets_whenPortCreated_thenPortHasNoAddresses() {
    givenNetwork(NET, DEMO_PROJECT, false);

    assertEquals(List.of(), portOf(accepted(port("port-1"), BOB_AS_MEMBER)).getFixedIps());
  }

  // ---- requested fixed IPs ----------------------------------------------------------------------

  @Test
  void givenDefaultSubnet_whenAFreeAddressIsRequested_thenGrantedAndSkippedByLaterAllocations() {
    givenDefaultSubnet();

    Decision decision = accepted(port("port-1", List.of(new FixedIp(SUBNET, "10.0.0.2"))), BOB_AS_MEMBER);

    assertEquals(List.of(new FixedIp(SUBNET, "10.0.0.2")), portOf(decision).getFixedIps());
    assertEquals("10.0.0.3", ipOf(accepted(port("port-2"), BOB_AS_MEMBER)));
  }

  @Test
  void givenDefaultSubnet_whenAnAddressIsRequestedWithoutSubnet_thenTheSubnetIsFoundByItsCidr() {
    givenDefaultSubnet();

    Decision decision = accepted(port("port-1", List.of(new FixedIp(null, "10.0.0.77"))), BOB_AS_MEMBER);

    assertEquals(List.of(new FixedIp(SUBNET, "10.0.0.77")), portOf(decision).getFixedIps());
  }

  @Test
  void givenDefaultSubnet_whenOnlyTheSubnetIsRequested_thenThePortGetsTheNextFreeAddressOfIt() {
    givenDefaultSubnet();
    accepted(port("port-1"), BOB_AS_MEMBER);

    Decision decision = accepted(port("port-2", List.of(new FixedIp(SUBNET, null))), BOB_AS_MEMBER);

    assertEquals(List.of(new FixedIp(SUBNET, "10.0.0.3")), portOf(decision).getFixedIps());
  }

  @Test
  void givenAddressHeldByAPort_whenAnotherPortRequestsIt_thenRejectedWith409IpAddressAlreadyAllocated() {
    givenDefaultSubnet();
    accepted(port("port-1", List.of(new FixedIp(SUBNET, "10.0.0.50"))), BOB_AS_MEMBER);

    Decision decision = NetworkDecider.decide(port("port-2", List.of(new FixedIp(SUBNET, "10.0.0.50"))), BOB_AS_MEMBER, state);

    assertRejected(409, "IpAddressAlreadyAllocated", decision);
    assertMessageContains("10.0.0.50", decision);
  }

  @Test
  void givenDefaultSubnet_whenTheSameAddressIsRequestedTwiceInOnePort_thenRejectedWith409() {
    givenDefaultSubnet();

    Decision decision = NetworkDecider.decide(port("port-1",
        List.of(new FixedIp(SUBNET, "10.0.0.9"), new FixedIp(null, "10.0.0.9"))), BOB_AS_MEMBER, state);

    assertRejected(409, "IpAddressAlreadyAllocated", decision);
  }

  @Test
  void givenDefaultSubnet_whenAComputePortRequestsTheGateway_thenRejectedWith409() {
    givenDefaultSubnet();

    Decision decision = NetworkDecider.decide(port("port-1", List.of(new FixedIp(SUBNET, "10.0.0.1"))), BOB_AS_MEMBER, state);

    assertRejected(409, "IpAddressAlreadyAllocated", decision);
  }

  @Test
  void givenDefaultSubnet_whenARouterInterfaceRequestsTheGateway_thenGranted() {
    givenDefaultSubnet();
    CreatePort command = new CreatePort("port-r", NET, DEMO_PROJECT, "", "", null, List.of(new FixedIp(SUBNET, "10.0.0.1")),
        "router-1", "network:router_interface", List.of(), "", true, true, "");

    Decision decision = accepted(command, BOB_AS_MEMBER);

    assertEquals(List.of(new FixedIp(SUBNET, "10.0.0.1")), portOf(decision).getFixedIps());
  }

  @Test
  void givenIpv6SubnetWithNonCanonicalGateway_whenAComputePortRequestsTheGateway_thenRejectedWith409() {
    givenNetwork(NET, DEMO_PROJECT, false);
    accepted(new CreateSubnet(v6Subnet(SUBNET_V6, NET, "fd00::/64", "fd00:0:0:0:0:0:0:1", "dhcpv6-stateful")), BOB_AS_MEMBER);

    Decision decision = NetworkDecider.decide(port("port-1", List.of(new FixedIp(SUBNET_V6, "fd00::1"))), BOB_AS_MEMBER, state);

    assertRejected(409, "IpAddressAlreadyAllocated", decision);
  }

  @Test
  void givenDefaultSubnet_whenAnAddressOutsideTheSubnetIsRequested_thenRejectedWith400InvalidIpForSubnet() {
    givenDefaultSubnet();

    Decision decision = NetworkDecider.decide(port("port-1", List.of(new FixedIp(SUBNET, "10.0.1.5"))), BOB_AS_MEMBER, state);

    assertRejected(400, "InvalidIpForSubnet", decision);
  }

  @Test
  void givenDefaultSubnet_whenTheNetworkOrBroadcastAddressIsRequested_thenRejectedWith400InvalidIpForSubnet() {
    givenDefaultSubnet();

    assertRejected(400, "InvalidIpForSubnet",
        NetworkDecider.decide(port("port-1", List.of(new FixedIp(SUBNET, "10.0.0.0"))), BOB_AS_MEMBER, state));
    assertRejected(400, "InvalidIpForSubnet",
        NetworkDecider.decide(port("port-1", List.of(new FixedIp(SUBNET, "10.0.0.255"))), BOB_AS_MEMBER, state));
  }

  @Test
  void givenDefaultSubnet_whenAnAddressOfNoSubnetIsRequestedWithoutSubnet_thenRejectedWith400InvalidIpForNetwork() {
    givenDefaultSubnet();

    Decision decision = NetworkDecider.decide(port("port-1", List.of(new FixedIp(null, "192.168.1.5"))), BOB_AS_MEMBER, state);

    assertRejected(400, "InvalidIpForNetwork", decision);
  }

  @Test
  void givenDefaultSubnet_whenAnUnparseableAddressIsRequested_thenRejectedWith400NamingIt() {
    givenDefaultSubnet();

    for (String bad : List.of("10.0.0.256", "not-an-ip", "10.0.0", "10.0.0.010")) {
      Decision decision = NetworkDecider.decide(port("port-1", List.of(new FixedIp(SUBNET, bad))), BOB_AS_MEMBER, state);

      assertRejected(400, "InvalidInput", decision);
      assertMessageContains(bad, decision);
    }
  }

  @Test
  void givenDefaultSubnet_whenAnUnknownSubnetIsRequested_thenRejectedWith400NamingIt() {
    givenDefaultSubnet();

    Decision decision = NetworkDecider.decide(port("port-1", List.of(new FixedIp("sub-nope", null))), BOB_AS_MEMBER, state);

    assertRejected(400, "InvalidInput", decision);
    assertMessageContains("sub-nope", decision);
  }

  @Test
  void givenSubnetOfAnotherNetwork_whenItIsRequested_thenRejectedWith400() {
    givenDefaultSubnet();
    givenNetwork(OTHER_NET, DEMO_PROJECT, false);
    accepted(new CreateSubnet(v4Subnet("sub-2", OTHER_NET, "10.9.0.0/24", "10.9.0.1")), BOB_AS_MEMBER);

    Decision decision = NetworkDecider.decide(port("port-1", List.of(new FixedIp("sub-2", null))), BOB_AS_MEMBER, state);

    assertRejected(400, "InvalidInput", decision);
  }

  // ---- MAC addresses ----------------------------------------------------------------------------

  @Test
  void givenDefaultSubnet_whenManyPortsCreated_thenGeneratedMacsHaveOpenStackPrefixAndAreUnique() {
    givenDefaultSubnet();
    Set<String> macs = new HashSet<>();

    for (int i = 0; i < 50; i++) {
      String mac = portOf(accepted(port("port-" + i), BOB_AS_MEMBER)).getMacAddress();
      assertTrue(mac.matches("fa:16:3e(:[0-9a-f]{2}){3}"), mac);
      macs.add(mac);
    }

    assertEquals(50, macs.size());
  }

  @Test
  void givenTheGeneratedMacOfAPortIdIsAlreadyUsed_whenThatPortIsCreated_thenItGetsTheNextCandidate() {
    givenDefaultSubnet();
    accepted(port("port-1", Mac.generated("port-2", 0), null), BOB_AS_MEMBER);

    String mac = portOf(accepted(port("port-2"), BOB_AS_MEMBER)).getMacAddress();

    assertEquals(Mac.generated("port-2", 1), mac);
  }

  @Test
  void givenMacHeldByAPort_whenAnotherPortRequestsIt_thenRejectedWith409MacAddressInUse() {
    givenDefaultSubnet();
    accepted(port("port-1", "fa:16:3e:aa:bb:cc", null), BOB_AS_MEMBER);

    assertRejected(409, "MacAddressInUse",
        NetworkDecider.decide(port("port-2", "fa:16:3e:aa:bb:cc", null), BOB_AS_MEMBER, state));
    // the same MAC written differently is the same MAC
    assertRejected(409, "MacAddressInUse",
        NetworkDecider.decide(port("port-2", "FA-16-3E-AA-BB-CC", null), BOB_AS_MEMBER, state));
  }

  @Test
  void givenMacHeldByAPortOfAnotherNetwork_whenRequested_thenGranted() {
    givenDefaultSubnet();
    givenNetwork(OTHER_NET, DEMO_PROJECT, false);
    accepted(port("port-1", "fa:16:3e:aa:bb:cc", null), BOB_AS_MEMBER);

    Decision decision = accepted(new CreatePort("port-2", OTHER_NET, DEMO_PROJECT, "", "", "fa:16:3e:aa:bb:cc", null, "", "",
        List.of(), "", true, true, ""), BOB_AS_MEMBER);

    assertEquals("fa:16:3e:aa:bb:cc", portOf(decision).getMacAddress());
  }

  @Test
  void givenDeletedPort_whenItsMacIsRequested_thenGranted() {
    givenDefaultSubnet();
    accepted(port("port-1", "fa:16:3e:aa:bb:cc", null), BOB_AS_MEMBER);
    accepted(new DeletePort("port-1", NET), BOB_AS_MEMBER);

    assertEquals("fa:16:3e:aa:bb:cc", portOf(accepted(port("port-2", "fa:16:3e:aa:bb:cc", null), BOB_AS_MEMBER)).getMacAddress());
  }

  @Test
  void givenDefaultSubnet_whenAnInvalidMacIsRequested_thenRejectedWith400() {
    givenDefaultSubnet();

    // malformed, mixed separators, multicast, all zeros
    for (String bad : List.of("fa:16:3e:aa:bb", "zz:16:3e:aa:bb:cc", "fa:16-3e:aa:bb:cc", "01:00:5e:00:00:01", "00:00:00:00:00:00")) {
      Decision decision = NetworkDecider.decide(port("port-1", bad, null), BOB_AS_MEMBER, state);

      assertRejected(400, "InvalidInput", decision);
      assertMessageContains(bad, decision);
    }
  }

  // ---- subnets ----------------------------------------------------------------------------------

  @Test
  void givenSubnet_whenAnOverlappingCidrIsAddedToTheSameNetwork_thenRejectedWith400() {
    givenDefaultSubnet();

    Decision decision = NetworkDecider.decide(new CreateSubnet(v4Subnet("sub-2", NET, "10.0.0.128/25", "10.0.0.129")),
        BOB_AS_MEMBER, state);

    assertRejected(400, "InvalidInput", decision);
    assertMessageContains("overlaps", decision);
  }

  @Test
  void givenSubnet_whenTheSameCidrIsAddedToAnotherNetwork_thenSubnetCreated() {
    givenDefaultSubnet();
    givenNetwork(OTHER_NET, DEMO_PROJECT, false);

    Decision decision = accepted(new CreateSubnet(v4Subnet("sub-2", OTHER_NET, "10.0.0.0/24", "10.0.0.1")), BOB_AS_MEMBER);

    assertEquals(1, decision.events().size());
    // and ports there count their addresses independently
    CreatePort command = new CreatePort("port-9", OTHER_NET, DEMO_PROJECT, "", "", null, null, "", "", List.of(), "", true, true, "");
    accepted(port("port-1"), BOB_AS_MEMBER);
    assertEquals("10.0.0.2", ipOf(accepted(command, BOB_AS_MEMBER)));
  }

  @Test
  void givenNetwork_whenSubnetCidrHasHostBitsOrIsGarbage_thenRejectedWith400() {
    givenNetwork(NET, DEMO_PROJECT, false);

    assertRejected(400, "InvalidInput", NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.5/24", null)),
        BOB_AS_MEMBER, state));
    assertRejected(400, "InvalidInput", NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/33", null)),
        BOB_AS_MEMBER, state));
    assertRejected(400, "InvalidInput", NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET, "banana", null)),
        BOB_AS_MEMBER, state));
  }

  @Test
  void givenNetwork_whenGatewayIsOutsideTheCidr_thenRejectedWith400() {
    givenNetwork(NET, DEMO_PROJECT, false);

    Decision decision = NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.1.1")),
        BOB_AS_MEMBER, state);

    assertRejected(400, "InvalidInput", decision);
    assertMessageContains("10.0.1.1", decision);
  }

  @Test
  void givenNetwork_whenGatewayIsTheNetworkOrBroadcastAddress_thenRejectedWith400() {
    givenNetwork(NET, DEMO_PROJECT, false);

    assertRejected(400, "InvalidInput", NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.0")),
        BOB_AS_MEMBER, state));
    assertRejected(400, "InvalidInput", NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.255")),
        BOB_AS_MEMBER, state));
  }

  @Test
  void givenNetwork_whenSubnetHasNoGateway_thenTheWholeUsableRangeIsThePool() {
    givenNetwork(NET, DEMO_PROJECT, false);

    Decision decision = accepted(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", null)), BOB_AS_MEMBER);

    assertEquals(List.of(new AllocationPool("10.0.0.1", "10.0.0.254")),
        ((SubnetCreated) decision.events().get(0)).getSubnet().getAllocationPools());
    assertEquals("10.0.0.1", ipOf(accepted(port("port-1"), BOB_AS_MEMBER)));
  }

  @Test
  void givenNetwork_whenAllocationPoolsOverlap_thenRejectedWith400OverlappingAllocationPools() {
    givenNetwork(NET, DEMO_PROJECT, false);

    Decision decision = NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.1",
        new AllocationPool("10.0.0.10", "10.0.0.20"), new AllocationPool("10.0.0.20", "10.0.0.30"))), BOB_AS_MEMBER, state);

    assertRejected(400, "OverlappingAllocationPools", decision);
  }

  @Test
  void givenNetwork_whenAnAllocationPoolSpansBeyondTheCidr_thenRejectedWith400OutOfBoundsAllocationPool() {
    givenNetwork(NET, DEMO_PROJECT, false);

    assertRejected(400, "OutOfBoundsAllocationPool", NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET,
        "10.0.0.0/24", "10.0.0.1", new AllocationPool("10.0.0.200", "10.0.1.10"))), BOB_AS_MEMBER, state));
    // the network and broadcast addresses are outside the usable range too
    assertRejected(400, "OutOfBoundsAllocationPool", NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET,
        "10.0.0.0/24", "10.0.0.1", new AllocationPool("10.0.0.0", "10.0.0.0"))), BOB_AS_MEMBER, state));
    assertRejected(400, "OutOfBoundsAllocationPool", NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET,
        "10.0.0.0/24", "10.0.0.1", new AllocationPool("10.0.0.2", "10.0.0.255"))), BOB_AS_MEMBER, state));
  }

  @Test
  void givenNetwork_whenAnAllocationPoolIsReversedOrNotMadeOfAddresses_thenRejectedWith400() {
    givenNetwork(NET, DEMO_PROJECT, false);

    assertRejected(400, "InvalidInput", NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET,
        "10.0.0.0/24", "10.0.0.1", new AllocationPool("10.0.0.20", "10.0.0.10"))), BOB_AS_MEMBER, state));
    assertRejected(400, "InvalidInput", NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET,
        "10.0.0.0/24", "10.0.0.1", new AllocationPool("ten", "10.0.0.10"))), BOB_AS_MEMBER, state));
  }

  @Test
  void givenNetwork_whenTheGatewayIsInsideAnAllocationPool_thenRejectedWith409GatewayConflictWithAllocationPools() {
    givenNetwork(NET, DEMO_PROJECT, false);

    Decision decision = NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.1",
        new AllocationPool("10.0.0.1", "10.0.0.100"))), BOB_AS_MEMBER, state);

    assertRejected(409, "GatewayConflictWithAllocationPools", decision);
  }

  @Test
  void givenNetwork_whenIpVersionDoesNotMatchTheCidr_thenRejectedWith400() {
    givenNetwork(NET, DEMO_PROJECT, false);
    Subnet v4CidrAsV6 = Subnet.newBuilder(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.1")).setIpVersion(6).build();
    Subnet v6CidrAsV4 = Subnet.newBuilder(v6Subnet(SUBNET_V6, NET, "fd00::/64", null, null)).setIpVersion(4).build();

    assertRejected(400, "InvalidInput", NetworkDecider.decide(new CreateSubnet(v4CidrAsV6), BOB_AS_MEMBER, state));
    assertRejected(400, "InvalidInput", NetworkDecider.decide(new CreateSubnet(v6CidrAsV4), BOB_AS_MEMBER, state));
  }

  @Test
  void givenNetwork_whenIpv4SubnetHasAnIpv6Mode_thenRejectedWith400() {
    givenNetwork(NET, DEMO_PROJECT, false);
    Subnet subnet = Subnet.newBuilder(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.1")).setIpv6AddressMode("slaac").build();

    assertRejected(400, "InvalidInput", NetworkDecider.decide(new CreateSubnet(subnet), BOB_AS_MEMBER, state));
  }

  @Test
  void givenNetwork_whenSlaacSubnetIsNotASlash64_thenRejectedWith400() {
    givenNetwork(NET, DEMO_PROJECT, false);

    assertRejected(400, "InvalidInput", NetworkDecider.decide(new CreateSubnet(v6Subnet(SUBNET_V6, NET, "fd00::/80", null, "slaac")),
        BOB_AS_MEMBER, state));
    assertRejected(400, "InvalidInput", NetworkDecider.decide(new CreateSubnet(v6Subnet(SUBNET_V6, NET, "fd00::/64", null, "magic")),
        BOB_AS_MEMBER, state));
  }

  @Test
  void givenSlaacSubnet_whenPortCreatedWithAMac_thenItsAddressIsTheEui64OfTheMac() {
    givenNetwork(NET, DEMO_PROJECT, false);
    accepted(new CreateSubnet(v6Subnet(SUBNET_V6, NET, "fd00::/64", "fd00::1", "slaac")), BOB_AS_MEMBER);

    Decision decision = accepted(port("port-1", "fa:16:3e:aa:bb:cc", null), BOB_AS_MEMBER);

    assertEquals(List.of(new FixedIp(SUBNET_V6, "fd00::f816:3eff:feaa:bbcc")), portOf(decision).getFixedIps());
  }

  @Test
  void givenSlaacSubnet_whenPortCreatedWithAGeneratedMac_thenItsAddressIsDerivedFromThatMac() {
    givenNetwork(NET, DEMO_PROJECT, false);
    accepted(new CreateSubnet(v6Subnet(SUBNET_V6, NET, "fd00::/64", "fd00::1", "slaac")), BOB_AS_MEMBER);

    Port port = portOf(accepted(port("port-1"), BOB_AS_MEMBER));

    String[] b = port.getMacAddress().split(":");
    String expected = "fd00::f816:3eff:fe" + b[3] + ":" + Integer.toHexString(Integer.parseInt(b[4] + b[5], 16));
    assertEquals(List.of(new FixedIp(SUBNET_V6, expected)), port.getFixedIps());
  }

  @Test
  void givenDualStackNetwork_whenPortCreated_thenItGetsAnIpv4AddressAndItsSlaacAddress() {
    givenDefaultSubnet();
    accepted(new CreateSubnet(v6Subnet(SUBNET_V6, NET, "fd00::/64", "fd00::1", "slaac")), BOB_AS_MEMBER);

    Decision decision = accepted(port("port-1", "fa:16:3e:aa:bb:cc", null), BOB_AS_MEMBER);

    assertEquals(Set.of(new FixedIp(SUBNET, "10.0.0.2"), new FixedIp(SUBNET_V6, "fd00::f816:3eff:feaa:bbcc")),
        Set.copyOf(portOf(decision).getFixedIps()));
  }

  @Test
  void givenStatefulIpv6Subnet_whenPortsCreated_thenTheyGetAddressesFromThePoolInOrder() {
    givenNetwork(NET, DEMO_PROJECT, false);
    Decision subnet = accepted(new CreateSubnet(v6Subnet(SUBNET_V6, NET, "fd00::/64", "fd00::1", "dhcpv6-stateful")),
        BOB_AS_MEMBER);
    assertEquals(List.of(new AllocationPool("fd00::2", "fd00::ffff:ffff:ffff:ffff")),
        ((SubnetCreated) subnet.events().get(0)).getSubnet().getAllocationPools());

    assertEquals("fd00::2", ipOf(accepted(port("port-1"), BOB_AS_MEMBER)));
    assertEquals("fd00::3", ipOf(accepted(port("port-2"), BOB_AS_MEMBER)));
  }

  // ---- deletion ---------------------------------------------------------------------------------

  @Test
  void givenNetworkWithAPort_whenDeleted_thenRejectedWith409NetworkInUse() {
    givenDefaultSubnet();
    accepted(port("port-1"), BOB_AS_MEMBER);

    assertRejected(409, "NetworkInUse", NetworkDecider.decide(new DeleteNetwork(NET), BOB_AS_MEMBER, state));
  }

  @Test
  void givenNetworkWithTwoSubnetsAndNoPorts_whenDeleted_thenSubnetsDeletedThenNetworkDeleted() {
    givenDefaultSubnet();
    accepted(new CreateSubnet(v6Subnet(SUBNET_V6, NET, "fd00::/64", "fd00::1", "slaac")), BOB_AS_MEMBER);

    Decision decision = accepted(new DeleteNetwork(NET), BOB_AS_MEMBER);

    assertEquals(List.of(new SubnetDeleted(SUBNET, NET, DEMO_PROJECT), new SubnetDeleted(SUBNET_V6, NET, DEMO_PROJECT),
        new NetworkDeleted(NET, DEMO_PROJECT)), decision.events());
    assertEquals(Optional.empty(), state.network(NET));
    assertEquals(List.of(), state.subnets(NET));
  }

  @Test
  void givenNetworkWithOnlyADhcpPort_whenDeleted_thenThePortGoesWithIt() {
    givenDefaultSubnet();
    Port dhcp = portOf(accepted(new CreatePort("port-dhcp", NET, DEMO_PROJECT, "", "", null, null, "dhcp-1", "network:dhcp",
        List.of(), "", true, true, ""), BOB_AS_MEMBER));

    Decision decision = accepted(new DeleteNetwork(NET), BOB_AS_MEMBER);

    assertEquals(List.of(new PortDeleted(dhcp), new SubnetDeleted(SUBNET, NET, DEMO_PROJECT),
        new NetworkDeleted(NET, DEMO_PROJECT)), decision.events());
    assertEquals(List.of(), state.ports(NET));
  }

  @Test
  void givenSubnetWithAnAllocatedPort_whenDeleted_thenRejectedWith409SubnetInUseUntilThePortIsGone() {
    givenDefaultSubnet();
    accepted(port("port-1"), BOB_AS_MEMBER);

    assertRejected(409, "SubnetInUse", NetworkDecider.decide(new DeleteSubnet(SUBNET, NET), BOB_AS_MEMBER, state));

    accepted(new DeletePort("port-1", NET), BOB_AS_MEMBER);
    Decision decision = accepted(new DeleteSubnet(SUBNET, NET), BOB_AS_MEMBER);
    assertEquals(List.of(new SubnetDeleted(SUBNET, NET, DEMO_PROJECT)), decision.events());
  }

  @Test
  void givenTwoSubnets_whenTheUnusedOneIsDeleted_thenSubnetDeleted() {
    givenDefaultSubnet();
    accepted(new CreateSubnet(v4Subnet("sub-2", NET, "10.0.1.0/24", "10.0.1.1")), BOB_AS_MEMBER);
    accepted(port("port-1"), BOB_AS_MEMBER);

    assertEquals(List.of(new SubnetDeleted("sub-2", NET, DEMO_PROJECT)),
        accepted(new DeleteSubnet("sub-2", NET), BOB_AS_MEMBER).events());
  }

  @Test
  void givenUnknownPort_whenDeleted_thenRejectedWith404PortNotFound() {
    givenDefaultSubnet();

    assertRejected(404, "PortNotFound", NetworkDecider.decide(new DeletePort("port-x", NET), BOB_AS_MEMBER, state));
  }

  // ---- authorization ----------------------------------------------------------------------------

  @Test
  void givenPrivateNetwork_whenMemberOfAnotherProjectUsesIt_thenRejectedWith404NetworkNotFound() {
    givenDefaultSubnet();

    CreatePort command = new CreatePort("port-c", NET, OTHER_PROJECT, "", "", null, null, "", "", List.of(), "", true, true, "");
    assertRejected(404, "NetworkNotFound", NetworkDecider.decide(command, CAROL_AS_OTHER_MEMBER, state));
    assertRejected(404, "NetworkNotFound", NetworkDecider.decide(new DeleteNetwork(NET), CAROL_AS_OTHER_MEMBER, state));
    assertRejected(404, "NetworkNotFound", NetworkDecider.decide(new CreateSubnet(v4Subnet("sub-c", NET, "10.1.0.0/24", null)),
        CAROL_AS_OTHER_MEMBER, state));
  }

  @Test
  void givenSharedNetwork_whenMemberOfAnotherProjectCreatesAPortOfTheirs_thenPortCreated() {
    givenNetwork(NET, DEMO_PROJECT, true);
    accepted(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.1")), ALICE_AS_ADMIN);
    CreatePort command = new CreatePort("port-c", NET, OTHER_PROJECT, "", "", null, null, "", "", List.of(), "", true, true, "");

    Decision decision = accepted(command, CAROL_AS_OTHER_MEMBER);

    assertEquals(OTHER_PROJECT, portOf(decision).getProjectId());
    assertEquals("10.0.0.2", ipOf(decision));
    // but not the network itself
    assertRejected(403, "PolicyNotAuthorized", NetworkDecider.decide(new DeleteNetwork(NET), CAROL_AS_OTHER_MEMBER, state));
  }

  @Test
  void givenSharedNetwork_whenMemberOfAnotherProjectAsksForAnAddressOrMacOrPortOfAnotherProject_thenRejectedWith403() {
    givenNetwork(NET, DEMO_PROJECT, true);
    accepted(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.1")), ALICE_AS_ADMIN);

    assertRejected(403, "PolicyNotAuthorized", NetworkDecider.decide(new CreatePort("port-c", NET, OTHER_PROJECT, "", "", null,
        List.of(new FixedIp(SUBNET, "10.0.0.9")), "", "", List.of(), "", true, true, ""), CAROL_AS_OTHER_MEMBER, state));
    assertRejected(403, "PolicyNotAuthorized", NetworkDecider.decide(new CreatePort("port-c", NET, OTHER_PROJECT, "", "",
        "fa:16:3e:00:00:01", null, "", "", List.of(), "", true, true, ""), CAROL_AS_OTHER_MEMBER, state));
    assertRejected(403, "PolicyNotAuthorized", NetworkDecider.decide(new CreatePort("port-c", NET, DEMO_PROJECT, "", "", null,
        null, "", "", List.of(), "", true, true, ""), CAROL_AS_OTHER_MEMBER, state));
  }

  @Test
  void givenExternalNetworkNotShared_whenMemberOfAnotherProjectCreatesAPort_thenRejectedWith403() {
    accepted(new CreateNetwork(new Network(NET, ADMIN_PROJECT, "public", "", true, false, true, 1500)), ALICE_AS_ADMIN);

    CreatePort command = new CreatePort("port-c", NET, OTHER_PROJECT, "", "", null, null, "", "", List.of(), "", true, true, "");
    assertRejected(403, "PolicyNotAuthorized", NetworkDecider.decide(command, CAROL_AS_OTHER_MEMBER, state));
  }

  @Test
  void givenNoNetworks_whenMemberCreatesPrivateNetwork_thenNetworkCreated() {
    Network network = new Network(NET, DEMO_PROJECT, "private", "mine", true, false, false, 1450);

    Decision decision = NetworkDecider.decide(new CreateNetwork(network), BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(NET, decision.resourceId());
    assertEquals(List.of(new NetworkCreated(network)), decision.events());
  }

  @Test
  void givenNoNetworks_whenMemberCreatesSharedOrExternalNetwork_thenRejectedWith403() {
    assertRejected(403, "PolicyNotAuthorized", NetworkDecider.decide(
        new CreateNetwork(new Network(NET, DEMO_PROJECT, "n", "", true, true, false, 1500)), BOB_AS_MEMBER, state));
    assertRejected(403, "PolicyNotAuthorized", NetworkDecider.decide(
        new CreateNetwork(new Network(NET, DEMO_PROJECT, "n", "", true, false, true, 1500)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenNoNetworks_whenAdminCreatesSharedExternalNetworkForAnyProject_thenNetworkCreated() {
    Network network = new Network(NET, DEMO_PROJECT, "public", "", true, true, true, 1500);

    assertEquals(List.of(new NetworkCreated(network)), accepted(new CreateNetwork(network), ALICE_AS_ADMIN).events());
  }

  @Test
  void givenNoNetworks_whenMemberCreatesNetworkForAnotherProject_thenRejectedWith403() {
    assertRejected(403, "PolicyNotAuthorized", NetworkDecider.decide(
        new CreateNetwork(new Network(NET, OTHER_PROJECT, "n", "", true, false, false, 1500)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenNetwork_whenCreatedAgain_thenRejectedWith409() {
    givenNetwork(NET, DEMO_PROJECT, false);

    assertRejected(409, "Conflict", NetworkDecider.decide(
        new CreateNetwork(new Network(NET, DEMO_PROJECT, "n", "", true, false, false, 1500)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenDefaultSubnet_whenMemberSetsBindingHostId_thenRejectedWith403ButAdminMay() {
    givenDefaultSubnet();
    CreatePort command = new CreatePort("port-1", NET, DEMO_PROJECT, "", "", null, null, "vm-1", "compute:nova", List.of(),
        "compute-1", true, true, "");

    assertRejected(403, "PolicyNotAuthorized", NetworkDecider.decide(command, BOB_AS_MEMBER, state));
    assertEquals("compute-1", portOf(accepted(command, ALICE_AS_ADMIN)).getHostId());
    assertRejected(403, "PolicyNotAuthorized", NetworkDecider.decide(new UpdatePort("port-1", NET, null, null, null, null, null,
        "compute-2", null, null, null, null, ""), BOB_AS_MEMBER, state));
  }

  @Test
  void givenAnotherProjectsSecurityGroup_whenAPortNamesIt_thenTheDeciderSaysItDoesNotExist_evenToAnAdmin() {
    MapKeyValues owners = new MapKeyValues();
    owners.put("sg-theirs", OTHER_PROJECT);
    owners.put("sg-ours", DEMO_PROJECT);
    NetworkState seeing = new NetworkState(new MapKeyValues(), owners);
    NetworkDecider.evolve(seeing, new NetworkCreated(new Network(NET, DEMO_PROJECT, NET, "", true, false, false, 1500)));
    Decision subnet = NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.1")),
        BOB_AS_MEMBER, seeing);
    subnet.events().forEach(e -> NetworkDecider.evolve(seeing, e));

    CreatePort theirs = new CreatePort("port-1", NET, DEMO_PROJECT, "", "", null, null, "", "", List.of("sg-theirs"), "",
        true, true, "");
    assertRejected(404, "SecurityGroupNotFound", NetworkDecider.decide(theirs, BOB_AS_MEMBER, seeing));
    assertRejected(404, "SecurityGroupNotFound", NetworkDecider.decide(theirs, ALICE_AS_ADMIN, seeing));
    Decision ours = NetworkDecider.decide(new CreatePort("port-1", NET, DEMO_PROJECT, "", "", null, null, "", "",
        List.of("sg-ours", "sg-not-heard-of-yet"), "", true, true, ""), BOB_AS_MEMBER, seeing);
    assertAccepted(ours);
    ours.events().forEach(e -> NetworkDecider.evolve(seeing, e));
    assertRejected(404, "SecurityGroupNotFound", NetworkDecider.decide(new UpdatePort("port-1", NET, null, null, null,
        null, null, null, null, List.of("sg-theirs"), null, null, ""), BOB_AS_MEMBER, seeing));
  }

  @Test
  void givenPort_whenComputeBindsItToAServer_thenBoundToItsHostAndASecondServerIsRefusedWith409() {
    givenDefaultSubnet();
    accepted(port("port-1"), BOB_AS_MEMBER);
    UpdatePort bind = new UpdatePort("port-1", NET, null, null, null, "vm-1", "compute:nova", "compute-1", null, null,
        null, null, "compute");

    Port bound = portOf(accepted(bind, BOB_AS_MEMBER));
    assertEquals("vm-1", bound.getDeviceId());
    assertEquals("compute-1", bound.getHostId());
    assertRejected(409, "PortInUse", NetworkDecider.decide(new UpdatePort("port-1", NET, null, null, null, "vm-2",
        "compute:nova", "compute-2", null, null, null, null, "compute"), BOB_AS_MEMBER, state));

    Port unbound = portOf(accepted(new UpdatePort("port-1", NET, null, null, null, "", "", "", null, null, null, null,
        "compute"), ALICE_AS_ADMIN));
    assertEquals("", unbound.getDeviceId());
    assertEquals("", unbound.getHostId());
    assertEquals("vm-2", portOf(accepted(new UpdatePort("port-1", NET, null, null, null, "vm-2", "compute:nova",
        "compute-2", null, null, null, null, "compute"), BOB_AS_MEMBER)).getDeviceId(), "free again");
  }

  // ---- updating a port's addresses --------------------------------------------------------------

  @Test
  void givenPort_whenItsFixedIpIsChangedToAFreeAddress_thenTheOldAddressIsReleasedForTheNextPort() {
    givenDefaultSubnet();
    accepted(port("port-1"), BOB_AS_MEMBER);

    Decision decision = accepted(updateFixedIps("port-1", List.of(new FixedIp(SUBNET, "10.0.0.50"))), BOB_AS_MEMBER);

    assertEquals("port-1", decision.resourceId());
    assertEquals(List.of(new FixedIp(SUBNET, "10.0.0.50")), ((PortUpdated) decision.events().get(0)).getPort().getFixedIps());
    assertEquals("10.0.0.2", ipOf(accepted(port("port-2"), BOB_AS_MEMBER)));
    // and the new one is held
    assertRejected(409, "IpAddressAlreadyAllocated",
        NetworkDecider.decide(port("port-3", List.of(new FixedIp(SUBNET, "10.0.0.50"))), BOB_AS_MEMBER, state));
  }

  @Test
  void givenPort_whenFixedIpsNameOnlyItsSubnet_thenTheExistingAddressIsKept() {
    givenDefaultSubnet();
    accepted(port("port-1"), BOB_AS_MEMBER);
    accepted(port("port-2"), BOB_AS_MEMBER);

    Decision decision = accepted(updateFixedIps("port-2", List.of(new FixedIp(SUBNET, null))), BOB_AS_MEMBER);

    assertEquals(List.of(new FixedIp(SUBNET, "10.0.0.3")), ((PortUpdated) decision.events().get(0)).getPort().getFixedIps());
  }

  @Test
  void givenPort_whenItsOwnAddressIsRequestedAgain_thenKept() {
    givenDefaultSubnet();
    accepted(port("port-1"), BOB_AS_MEMBER);

    Decision decision = accepted(updateFixedIps("port-1", List.of(new FixedIp(SUBNET, "10.0.0.2"))), BOB_AS_MEMBER);

    assertEquals(List.of(new FixedIp(SUBNET, "10.0.0.2")), ((PortUpdated) decision.events().get(0)).getPort().getFixedIps());
  }

  @Test
  void givenTwoPorts_whenOneIsChangedToTheOthersAddress_thenRejectedWith409() {
    givenDefaultSubnet();
    accepted(port("port-1"), BOB_AS_MEMBER);
    accepted(port("port-2"), BOB_AS_MEMBER);

    assertRejected(409, "IpAddressAlreadyAllocated", NetworkDecider.decide(
        updateFixedIps("port-2", List.of(new FixedIp(SUBNET, "10.0.0.2"))), BOB_AS_MEMBER, state));
  }

  @Test
  void givenPort_whenFixedIpsAddASecondAddress_thenBothAreHeld() {
    givenDefaultSubnet();
    accepted(port("port-1"), BOB_AS_MEMBER);

    Decision decision = accepted(updateFixedIps("port-1", List.of(new FixedIp(SUBNET, null), new FixedIp(SUBNET, null))),
        BOB_AS_MEMBER);

    assertEquals(List.of(new FixedIp(SUBNET, "10.0.0.2"), new FixedIp(SUBNET, "10.0.0.3")),
        ((PortUpdated) decision.events().get(0)).getPort().getFixedIps());
    assertEquals("10.0.0.4", ipOf(accepted(port("port-2"), BOB_AS_MEMBER)));
  }

  @Test
  void givenPort_whenFixedIpsEmptied_thenTheAddressIsReleased() {
    givenDefaultSubnet();
    accepted(port("port-1"), BOB_AS_MEMBER);

    Decision decision = accepted(updateFixedIps("port-1", List.of()), BOB_AS_MEMBER);

    assertEquals(List.of(), ((PortUpdated) decision.events().get(0)).getPort().getFixedIps());
    assertEquals("10.0.0.2", ipOf(accepted(port("port-2"), BOB_AS_MEMBER)));
  }

  // ---- determinism ------------------------------------------------------------------------------

  @Test
  void givenTwoFreshIdenticalStates_whenTheSameCreatePortIsDecided_thenTheEventsAreIdentical() {
    NetworkState twin = new NetworkState(new MapKeyValues());
    List<SpecificRecord> history = new ArrayList<>();
    history.addAll(NetworkDecider.decide(new CreateNetwork(new Network(NET, DEMO_PROJECT, "n", "", true, false, false, 1500)),
        BOB_AS_MEMBER, state).events());
    history.forEach(e -> NetworkDecider.evolve(state, e));
    List<SpecificRecord> subnet = NetworkDecider.decide(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.1")),
        BOB_AS_MEMBER, state).events();
    subnet.forEach(e -> NetworkDecider.evolve(state, e));
    history.addAll(subnet);
    history.forEach(e -> NetworkDecider.evolve(twin, e));

    Decision first = NetworkDecider.decide(port("port-1"), BOB_AS_MEMBER, state);
    Decision second = NetworkDecider.decide(port("port-1"), BOB_AS_MEMBER, twin);

    assertAccepted(first);
    assertEquals(first.events(), second.events());
    assertEquals(portOf(first).getMacAddress(), portOf(second).getMacAddress());
    assertEquals(ipOf(first), ipOf(second));
  }

  @Test
  void givenDifferentPortIds_whenCreated_thenTheirGeneratedMacsDiffer() {
    givenDefaultSubnet();

    assertNotEquals(portOf(NetworkDecider.decide(port("port-1"), BOB_AS_MEMBER, state)).getMacAddress(),
        portOf(NetworkDecider.decide(port("port-2"), BOB_AS_MEMBER, state)).getMacAddress());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void givenNetwork(String networkId, String projectId, boolean shared) {
    given(new NetworkCreated(new Network(networkId, projectId, networkId, "", true, shared, false, 1500)));
  }

  /** A private network of demo with 10.0.0.0/24, gateway 10.0.0.1 and the default pool. */
  private void givenDefaultSubnet() {
    givenNetwork(NET, DEMO_PROJECT, false);
    accepted(new CreateSubnet(v4Subnet(SUBNET, NET, "10.0.0.0/24", "10.0.0.1")), BOB_AS_MEMBER);
  }

  private void given(SpecificRecord... events) {
    List.of(events).forEach(e -> NetworkDecider.evolve(state, e));
  }

  /** Decides the command, expects it accepted, and evolves the state with its events. */
  private Decision accepted(SpecificRecord command, Actor actor) {
    Decision decision = NetworkDecider.decide(command, actor, state);
    assertAccepted(decision);
    decision.events().forEach(e -> NetworkDecider.evolve(state, e));
    return decision;
  }

  private static Subnet v4Subnet(String subnetId, String networkId, String cidr, String gateway, AllocationPool... pools) {
    return new Subnet(subnetId, networkId, DEMO_PROJECT, subnetId, "", 4, cidr, gateway, List.of(pools), true, List.of(),
        List.of(), null, null);
  }

  private static Subnet v6Subnet(String subnetId, String networkId, String cidr, String gateway, String addressMode) {
    return new Subnet(subnetId, networkId, DEMO_PROJECT, subnetId, "", 6, cidr, gateway, List.of(), true, List.of(),
        List.of(), addressMode, addressMode);
  }

  private static CreatePort port(String portId) {
    return port(portId, null, null);
  }

  private static CreatePort port(String portId, List<FixedIp> fixedIps) {
    return port(portId, null, fixedIps);
  }

  private static CreatePort port(String portId, String mac, List<FixedIp> fixedIps) {
    return new CreatePort(portId, NET, DEMO_PROJECT, "", "", mac, fixedIps, "", "", List.of(), "", true, true, "");
  }

  private static UpdatePort updateFixedIps(String portId, List<FixedIp> fixedIps) {
    return new UpdatePort(portId, NET, null, null, null, null, null, null, null, null, fixedIps, null, "");
  }

  /** The port a PortCreated or PortUpdated decision carries. */
  private static Port portOf(Decision decision) {
    assertAccepted(decision);
    SpecificRecord event = decision.events().get(0);
    if (event instanceof PortCreated e) return e.getPort();
    return ((PortUpdated) event).getPort();
  }

  private static String ipOf(Decision decision) {
    List<FixedIp> ips = portOf(decision).getFixedIps();
    assertEquals(1, ips.size(), () -> "expected one address: " + ips);
    return ips.get(0).getIpAddress();
  }

  private static Actor actor(String userId, String userName, String projectId, String... roles) {
    return new Actor(userId, userName, projectId, List.of(roles));
  }
}
