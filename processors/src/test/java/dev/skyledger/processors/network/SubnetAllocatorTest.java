package dev.skyledger.processors.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.skyledger.events.network.AllocationPool;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.Port;
import dev.skyledger.events.network.Subnet;
import dev.skyledger.platform.network.Cidr;
import dev.skyledger.processors.core.MapKeyValues;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Address and MAC allocation on its own: pools, the lowest free address, requested addresses, SLAAC, MACs. */
class SubnetAllocatorTest {
  private static final Network NET = new Network("net-1", "p-1", "net", "", true, false, false, 1500);
  private static final String MAC = "fa:16:3e:00:00:01";

  private final NetworkState state = new NetworkState(new MapKeyValues());

  private static Subnet v4(String id, String cidr, AllocationPool... pools) {
    return new Subnet(id, NET.getNetworkId(), "p-1", id, "", 4, cidr, null, List.of(pools), true, List.of(), List.of(),
        null, null);
  }

  private static Subnet v6(String id, String cidr, String mode) {
    return new Subnet(id, NET.getNetworkId(), "p-1", id, "", 6, cidr, null,
        SubnetAllocator.defaultPools(Cidr.parse(cidr).orElseThrow(), null), true, List.of(), List.of(), mode, mode);
  }

  private void hold(String portId, String subnetId, String address) {
    state.putPort(Port.newBuilder().setPortId(portId).setNetworkId(NET.getNetworkId()).setProjectId("p-1").setName("")
        .setDescription("").setMacAddress("fa:16:3e:00:00:" + portId.substring(portId.length() - 2))
        .setFixedIps(List.of(new FixedIp(subnetId, address))).setDeviceId("").setDeviceOwner("")
        .setSecurityGroups(List.of()).setHostId("").setAdminStateUp(true).setPortSecurityEnabled(true).build());
  }

  private SubnetAllocator.Allocation allocate(List<FixedIp> requested) {
    return SubnetAllocator.allocate(state, NET, requested, MAC, "", Set.of());
  }

  @Test
  void theDefaultPoolsAreTheUsableRangeAroundTheGateway() {
    Cidr cidr = Cidr.parse("10.0.0.0/24").orElseThrow();
    assertEquals(List.of(new AllocationPool("10.0.0.2", "10.0.0.254")), SubnetAllocator.defaultPools(cidr, "10.0.0.1"));
    assertEquals(List.of(new AllocationPool("10.0.0.1", "10.0.0.99"), new AllocationPool("10.0.0.101", "10.0.0.254")),
        SubnetAllocator.defaultPools(cidr, "10.0.0.100"));
    assertEquals(List.of(new AllocationPool("10.0.0.1", "10.0.0.254")), SubnetAllocator.defaultPools(cidr, null));
  }

  @Test
  void aPortGetsTheLowestFreeAddressAndAReleasedOneIsFreeAgain() {
    state.putNetwork(NET);
    state.putSubnet(v4("sub-4", "10.0.0.0/29", new AllocationPool("10.0.0.2", "10.0.0.6")));
    hold("port-02", "sub-4", "10.0.0.2");
    hold("port-03", "sub-4", "10.0.0.3");
    assertEquals(List.of(new FixedIp("sub-4", "10.0.0.4")), allocate(null).ips());

    state.deletePort(state.port(NET.getNetworkId(), "port-02").orElseThrow());
    assertEquals(List.of(new FixedIp("sub-4", "10.0.0.2")), allocate(null).ips(), "the released address comes first");
  }

  @Test
  void aFullSubnetIsRefusedAsNeutronRefusesIt() {
    state.putNetwork(NET);
    state.putSubnet(v4("sub-4", "10.0.0.0/30", new AllocationPool("10.0.0.1", "10.0.0.2")));
    hold("port-01", "sub-4", "10.0.0.1");
    hold("port-02", "sub-4", "10.0.0.2");
    SubnetAllocator.Allocation none = allocate(null);
    assertEquals(409, none.rejection().rejection().getStatus());
    assertEquals("IpAddressGenerationFailure", none.rejection().rejection().getTitle());
  }

  @Test
  void aRequestedAddressIsGivenIfFreeAndRefusedIfHeldOrOutsideTheSubnet() {
    state.putNetwork(NET);
    state.putSubnet(v4("sub-4", "10.0.0.0/24", new AllocationPool("10.0.0.2", "10.0.0.254")));
    hold("port-07", "sub-4", "10.0.0.7");
    assertEquals(List.of(new FixedIp("sub-4", "10.0.0.9")), allocate(List.of(new FixedIp(null, "10.0.0.9"))).ips());
    assertEquals("IpAddressAlreadyAllocated", allocate(List.of(new FixedIp("sub-4", "10.0.0.7"))).rejection().rejection().getTitle());
    assertEquals("InvalidIpForNetwork", allocate(List.of(new FixedIp(null, "192.168.0.9"))).rejection().rejection().getTitle());
    assertEquals("InvalidIpForSubnet", allocate(List.of(new FixedIp("sub-4", "10.0.0.255"))).rejection().rejection().getTitle(),
        "the broadcast address");
    assertEquals(List.of(new FixedIp("sub-4", "10.0.0.7")), SubnetAllocator.allocate(state, NET,
        List.of(new FixedIp("sub-4", "10.0.0.7")), MAC, "", Set.of("sub-4/10.0.0.7")).ips(), "a port keeps its own address");
  }

  @Test
  void anAutoAddressedIpv6SubnetGivesTheAddressMadeFromTheMac() {
    state.putNetwork(NET);
    state.putSubnet(v4("sub-4", "10.0.0.0/24", new AllocationPool("10.0.0.2", "10.0.0.254")));
    state.putSubnet(v6("sub-6", "fd00:1::/64", "slaac"));
    SubnetAllocator.Allocation both = allocate(null);
    assertNull(both.rejection());
    assertEquals(List.of(new FixedIp("sub-4", "10.0.0.2"), new FixedIp("sub-6", "fd00:1::f816:3eff:fe00:1")), both.ips());
  }

  @Test
  void aGeneratedMacIsOneNoPortOfTheNetworkHolds() {
    state.putNetwork(NET);
    String first = SubnetAllocator.freeMac(state, NET.getNetworkId(), "port-x");
    state.putSubnet(v4("sub-4", "10.0.0.0/24", new AllocationPool("10.0.0.2", "10.0.0.254")));
    state.putPort(Port.newBuilder().setPortId("port-y").setNetworkId(NET.getNetworkId()).setProjectId("p-1").setName("")
        .setDescription("").setMacAddress(first).setFixedIps(List.of()).setDeviceId("").setDeviceOwner("")
        .setSecurityGroups(List.of()).setHostId("").setAdminStateUp(true).setPortSecurityEnabled(true).build());
    assertNotEquals(first, SubnetAllocator.freeMac(state, NET.getNetworkId(), "port-x"));
  }
}
