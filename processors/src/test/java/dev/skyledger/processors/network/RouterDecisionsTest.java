package dev.skyledger.processors.network;

import static dev.skyledger.processors.DecisionAssertions.assertAccepted;
import static dev.skyledger.processors.DecisionAssertions.assertMessageContains;
import static dev.skyledger.processors.DecisionAssertions.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.AddRouterInterface;
import dev.skyledger.events.network.CreateNetwork;
import dev.skyledger.events.network.CreatePort;
import dev.skyledger.events.network.CreateRouter;
import dev.skyledger.events.network.CreateSubnet;
import dev.skyledger.events.network.DeleteRouter;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.HostRoute;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.NetworkQuotaSet;
import dev.skyledger.events.network.PortCreated;
import dev.skyledger.events.network.RemoveRouterInterface;
import dev.skyledger.events.network.Router;
import dev.skyledger.events.network.RouterCreated;
import dev.skyledger.events.network.RouterDeleted;
import dev.skyledger.events.network.RouterInterfaceAdded;
import dev.skyledger.events.network.RouterInterfaceRemoved;
import dev.skyledger.events.network.RouterUpdated;
import dev.skyledger.events.network.SetNetworkQuota;
import dev.skyledger.events.network.Subnet;
import dev.skyledger.events.network.UpdateRouter;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.core.MapKeyValues;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Routers, their interfaces and gateways, network quotas, and the ports the API takes for a router
 * on its networks' streams (CreatePort with viaService).
 */
class RouterDecisionsTest {
  private static final String DEMO_PROJECT = "p-demo";
  private static final String OTHER_PROJECT = "p-other";
  private static final String ADMIN_PROJECT = "p-admin";
  private static final String ROUTER = "rt-1";
  private static final String PRIVATE_NET = "net-private";
  private static final String PRIVATE_SUBNET = "sub-private";
  private static final String PRIVATE_CIDR = "10.0.0.0/24";
  private static final String PUBLIC_NET = "net-public";
  private static final String PUBLIC_SUBNET = "sub-public";

  private static final Actor BOB_AS_MEMBER = actor("u-bob", "bob", DEMO_PROJECT, "member");
  private static final Actor CAROL_AS_OTHER_MEMBER = actor("u-carol", "carol", OTHER_PROJECT, "member");
  private static final Actor ALICE_AS_ADMIN = actor("u-alice", "alice", ADMIN_PROJECT, "admin");

  private final MapKeyValues rows = new MapKeyValues();
  private final NetworkState state = new NetworkState(rows);

  // ---- routers ----------------------------------------------------------------------------------

  @Test
  void givenProject_whenMemberCreatesRouter_thenRouterCreated() {
    Router router = router(ROUTER, "edge");

    Decision decision = NetworkDecider.decide(new CreateRouter(router), BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(ROUTER, decision.resourceId());
    assertEquals(List.of(new RouterCreated(router)), decision.events());
  }

  @Test
  void givenProject_whenMemberOfAnotherProjectCreatesRouterInIt_thenRejected403() {
    assertRejected(403, "PolicyNotAuthorized",
        NetworkDecider.decide(new CreateRouter(router(ROUTER, "edge")), CAROL_AS_OTHER_MEMBER, state));
  }

  @Test
  void givenRouter_whenCreatedAgainWithTheSameId_thenRejected409() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);

    assertRejected(409, "Conflict", NetworkDecider.decide(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER, state));
  }

  @Test
  void givenTenRouters_whenAnotherIsCreated_thenRejected409OverQuota() {
    for (int i = 0; i < 10; i++) accepted(new CreateRouter(router("rt-" + i, "r" + i)), BOB_AS_MEMBER);

    Decision decision = NetworkDecider.decide(new CreateRouter(router("rt-10", "r10")), BOB_AS_MEMBER, state);

    assertRejected(409, "OverQuota", decision);
    assertMessageContains("router", decision);
  }

  @Test
  void givenRouterQuotaSetToOne_whenSecondRouterIsCreated_thenRejected409OverQuota() {
    given(new NetworkQuotaSet(DEMO_PROJECT, Map.of("router", 1)));
    accepted(new CreateRouter(router("rt-1", "one")), BOB_AS_MEMBER);

    assertRejected(409, "OverQuota", NetworkDecider.decide(new CreateRouter(router("rt-2", "two")), BOB_AS_MEMBER, state));
  }

  @Test
  void givenUnlimitedRouterQuota_whenElevenRoutersAreCreated_thenAllAreAccepted() {
    given(new NetworkQuotaSet(DEMO_PROJECT, Map.of("router", -1)));

    for (int i = 0; i < 11; i++) accepted(new CreateRouter(router("rt-" + i, "r" + i)), BOB_AS_MEMBER);

    assertEquals(11, state.routers(DEMO_PROJECT).size());
  }

  @Test
  void givenRouter_whenNameAndGatewayAreUpdated_thenRouterUpdatedCarriesThem() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);
    List<FixedIp> gatewayIps = List.of(new FixedIp(PUBLIC_SUBNET, "203.0.113.5"));
    UpdateRouter update = UpdateRouter.newBuilder().setRouterId(ROUTER).setProjectId(DEMO_PROJECT).setName("border")
        .setGatewaySet(true).setExternalNetworkId(PUBLIC_NET).setGatewayPortId("gw-port").setExternalFixedIps(gatewayIps)
        .setEnableSnat(false).build();

    Decision decision = accepted(update, BOB_AS_MEMBER);

    Router expected = Router.newBuilder(router(ROUTER, "border")).setExternalNetworkId(PUBLIC_NET)
        .setGatewayPortId("gw-port").setExternalFixedIps(gatewayIps).setEnableSnat(false).build();
    assertEquals(List.of(new RouterUpdated(expected)), decision.events());
    assertEquals(expected, state.router(DEMO_PROJECT, ROUTER).orElseThrow());
  }

  @Test
  void givenRouterWithGateway_whenGatewayIsCleared_thenRouterUpdatedWithoutGatewayAndSnatBackToDefault() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);
    accepted(UpdateRouter.newBuilder().setRouterId(ROUTER).setProjectId(DEMO_PROJECT).setGatewaySet(true)
        .setExternalNetworkId(PUBLIC_NET).setGatewayPortId("gw-port")
        .setExternalFixedIps(List.of(new FixedIp(PUBLIC_SUBNET, "203.0.113.5"))).setEnableSnat(false).build(), BOB_AS_MEMBER);

    Decision decision = accepted(UpdateRouter.newBuilder().setRouterId(ROUTER).setProjectId(DEMO_PROJECT)
        .setGatewaySet(true).build(), BOB_AS_MEMBER);

    assertEquals(List.of(new RouterUpdated(router(ROUTER, "edge"))), decision.events());
  }

  @Test
  void givenRouter_whenOnlyNameIsUpdated_thenTheGatewayIsKept() {
    accepted(new CreateRouter(Router.newBuilder(router(ROUTER, "edge")).setExternalNetworkId(PUBLIC_NET)
        .setGatewayPortId("gw-port").build()), BOB_AS_MEMBER);

    Decision decision = accepted(UpdateRouter.newBuilder().setRouterId(ROUTER).setProjectId(DEMO_PROJECT)
        .setName("border").build(), BOB_AS_MEMBER);

    Router updated = ((RouterUpdated) decision.events().get(0)).getRouter();
    assertEquals("border", updated.getName());
    assertEquals(PUBLIC_NET, updated.getExternalNetworkId());
    assertEquals("gw-port", updated.getGatewayPortId());
  }

  @Test
  void givenRouter_whenMemberOfAnotherProjectUpdatesDeletesOrAddsAnInterface_thenRejected404() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);

    assertRejected(404, "RouterNotFound", NetworkDecider.decide(UpdateRouter.newBuilder().setRouterId(ROUTER)
        .setProjectId(DEMO_PROJECT).setName("mine").build(), CAROL_AS_OTHER_MEMBER, state));
    assertRejected(404, "RouterNotFound",
        NetworkDecider.decide(new DeleteRouter(ROUTER, DEMO_PROJECT), CAROL_AS_OTHER_MEMBER, state));
    assertRejected(404, "RouterNotFound", NetworkDecider.decide(
        new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-1", PRIVATE_SUBNET, PRIVATE_NET, PRIVATE_CIDR, "10.0.0.1"), CAROL_AS_OTHER_MEMBER, state));
    assertRejected(404, "RouterNotFound",
        NetworkDecider.decide(new RemoveRouterInterface(ROUTER, DEMO_PROJECT, "if-1"), CAROL_AS_OTHER_MEMBER, state));
  }

  @Test
  void givenRouter_whenAdminUpdatesIt_thenAccepted() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);

    assertAccepted(NetworkDecider.decide(UpdateRouter.newBuilder().setRouterId(ROUTER).setProjectId(DEMO_PROJECT)
        .setName("by-admin").build(), ALICE_AS_ADMIN, state));
  }

  // ---- interfaces -------------------------------------------------------------------------------

  @Test
  void givenRouter_whenInterfaceAdded_thenRouterInterfaceAdded() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);

    Decision decision = accepted(new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-1", PRIVATE_SUBNET, PRIVATE_NET, PRIVATE_CIDR, "10.0.0.1"), BOB_AS_MEMBER);

    assertEquals(List.of(new RouterInterfaceAdded(ROUTER, DEMO_PROJECT, "if-1", PRIVATE_SUBNET, PRIVATE_NET, PRIVATE_CIDR, "10.0.0.1")),
        decision.events());
  }

  @Test
  void givenRouterWithAnInterfaceOnASubnet_whenAnotherInterfaceOnTheSameSubnetIsAdded_thenRejected400() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);
    accepted(new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-1", PRIVATE_SUBNET, PRIVATE_NET, PRIVATE_CIDR, "10.0.0.1"), BOB_AS_MEMBER);

    Decision decision = NetworkDecider.decide(
        new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-2", PRIVATE_SUBNET, PRIVATE_NET, PRIVATE_CIDR, "10.0.0.1"), BOB_AS_MEMBER, state);

    assertRejected(400, "BadRequest", decision);
    assertMessageContains(PRIVATE_SUBNET, decision);
  }

  @Test
  void givenRouterWithAnInterface_whenAnInterfaceOnAnotherSubnetIsAdded_thenAccepted() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);
    accepted(new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-1", PRIVATE_SUBNET, PRIVATE_NET, PRIVATE_CIDR, "10.0.0.1"), BOB_AS_MEMBER);

    assertAccepted(NetworkDecider.decide(
        new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-2", "sub-other", PRIVATE_NET, "10.1.0.0/24", "10.1.0.1"), BOB_AS_MEMBER, state));
  }

  @Test
  void givenRouterWithAnInterface_whenDeleted_thenRejected409InUse() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);
    accepted(new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-1", PRIVATE_SUBNET, PRIVATE_NET, PRIVATE_CIDR, "10.0.0.1"), BOB_AS_MEMBER);

    assertRejected(409, "RouterInUse", NetworkDecider.decide(new DeleteRouter(ROUTER, DEMO_PROJECT), BOB_AS_MEMBER, state));
  }

  @Test
  void givenRouter_whenAnUnknownInterfaceIsRemoved_thenRejected404() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);
    accepted(new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-1", PRIVATE_SUBNET, PRIVATE_NET, PRIVATE_CIDR, "10.0.0.1"), BOB_AS_MEMBER);

    assertRejected(404, "RouterInterfaceNotFound",
        NetworkDecider.decide(new RemoveRouterInterface(ROUTER, DEMO_PROJECT, "if-nope"), BOB_AS_MEMBER, state));
  }

  @Test
  void givenRouterWithAnInterface_whenTheInterfaceIsRemoved_thenRouterInterfaceRemovedAndTheRouterCanBeDeleted() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);
    accepted(new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-1", PRIVATE_SUBNET, PRIVATE_NET, PRIVATE_CIDR, "10.0.0.1"), BOB_AS_MEMBER);

    Decision removed = accepted(new RemoveRouterInterface(ROUTER, DEMO_PROJECT, "if-1"), BOB_AS_MEMBER);
    assertEquals(List.of(new RouterInterfaceRemoved(ROUTER, DEMO_PROJECT, "if-1", PRIVATE_SUBNET, PRIVATE_NET)),
        removed.events());

    Decision deleted = accepted(new DeleteRouter(ROUTER, DEMO_PROJECT), BOB_AS_MEMBER);
    assertEquals(List.of(new RouterDeleted(ROUTER, DEMO_PROJECT)), deleted.events());
    assertTrue(state.router(DEMO_PROJECT, ROUTER).isEmpty());
    assertRejected(404, "RouterNotFound", NetworkDecider.decide(new DeleteRouter(ROUTER, DEMO_PROJECT), BOB_AS_MEMBER, state));
  }

  @Test
  void givenInterfaceRemoved_whenAnInterfaceOnTheSameSubnetIsAddedAgain_thenAccepted() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);
    accepted(new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-1", PRIVATE_SUBNET, PRIVATE_NET, PRIVATE_CIDR, "10.0.0.1"), BOB_AS_MEMBER);
    accepted(new RemoveRouterInterface(ROUTER, DEMO_PROJECT, "if-1"), BOB_AS_MEMBER);

    assertAccepted(NetworkDecider.decide(
        new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-2", PRIVATE_SUBNET, PRIVATE_NET, PRIVATE_CIDR, "10.0.0.1"), BOB_AS_MEMBER, state));
  }

  @Test
  void givenRouterWithAnInterface_whenAnInterfaceOnAnOverlappingSubnetIsAdded_thenRejected400NamingBothCidrs() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);
    accepted(new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-1", PRIVATE_SUBNET, PRIVATE_NET, PRIVATE_CIDR, "10.0.0.1"),
        BOB_AS_MEMBER);

    Decision decision = NetworkDecider.decide(new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-2", "sub-inner", "net-2",
        "10.0.0.0/28", "10.0.0.1"), BOB_AS_MEMBER, state);

    assertRejected(400, "BadRequest", decision);
    assertEquals("Bad router request: Cidr 10.0.0.0/28 of subnet sub-inner overlaps with cidr 10.0.0.0/24 of subnet "
        + PRIVATE_SUBNET + ".", decision.rejection().getMessage());
  }

  @Test
  void givenInterfaceRecordedBeforeCidrsWereCarried_whenAnotherIsAdded_thenItsSubnetAndNetworkAreStillKnown() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);
    rows.put("ri/" + ROUTER + "/if-1", PRIVATE_SUBNET + "|" + PRIVATE_NET);

    assertRejected(400, "BadRequest", NetworkDecider.decide(new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-2",
        PRIVATE_SUBNET, PRIVATE_NET, PRIVATE_CIDR, "10.0.0.1"), BOB_AS_MEMBER, state));
    assertAccepted(NetworkDecider.decide(new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-2", "sub-inner", "net-2",
        "10.0.0.0/28", "10.0.0.1"), BOB_AS_MEMBER, state));
    assertEquals(List.of(new RouterInterfaceRemoved(ROUTER, DEMO_PROJECT, "if-1", PRIVATE_SUBNET, PRIVATE_NET)),
        accepted(new RemoveRouterInterface(ROUTER, DEMO_PROJECT, "if-1"), BOB_AS_MEMBER).events());
  }

  // ---- extra routes -----------------------------------------------------------------------------

  @Test
  void givenRouterWithAnInterface_whenARouteThroughAnAddressOnItsSubnetIsSet_thenRouterUpdatedCarriesIt() {
    givenRouterOnPrivateSubnet();
    List<HostRoute> routes = List.of(new HostRoute("192.168.0.0/24", "10.0.0.5"));

    Decision decision = accepted(routes(routes, List.of()), BOB_AS_MEMBER);

    assertEquals(routes, ((RouterUpdated) decision.events().get(0)).getRouter().getRoutes());
  }

  @Test
  void givenRouterWithRoutes_whenRoutesAreSetEmpty_thenRouterUpdatedHasNone() {
    givenRouterOnPrivateSubnet();
    accepted(routes(List.of(new HostRoute("192.168.0.0/24", "10.0.0.5")), List.of()), BOB_AS_MEMBER);

    Decision decision = accepted(routes(List.of(), List.of()), BOB_AS_MEMBER);

    assertEquals(List.of(), ((RouterUpdated) decision.events().get(0)).getRouter().getRoutes());
    assertEquals(List.of(), state.router(DEMO_PROJECT, ROUTER).orElseThrow().getRoutes());
  }

  @Test
  void givenRouterWithAnInterface_whenARouteThroughAnUnconnectedNexthopIsSet_thenRejected400InvalidRoutes() {
    givenRouterOnPrivateSubnet();

    Decision decision = NetworkDecider.decide(routes(List.of(new HostRoute("192.168.0.0/24", "10.9.0.5")), List.of()),
        BOB_AS_MEMBER, state);

    assertRejected(400, "InvalidRoutes", decision);
    assertEquals("Invalid format for routes: [{'destination': '192.168.0.0/24', 'nexthop': '10.9.0.5'}], the nexthop"
        + " is not connected with router.", decision.rejection().getMessage());
  }

  @Test
  void givenRouterWithAnInterface_whenARouteThroughTheRoutersOwnAddressIsSet_thenRejected400() {
    givenRouterOnPrivateSubnet();

    Decision decision = NetworkDecider.decide(routes(List.of(new HostRoute("192.168.0.0/24", "10.0.0.1")), List.of()),
        BOB_AS_MEMBER, state);

    assertRejected(400, "InvalidRoutes", decision);
    assertMessageContains("the nexthop is used by router", decision);
  }

  @Test
  void givenRouterWithAGateway_whenARouteThroughAnAddressOnTheGatewaySubnetIsSet_thenAccepted() {
    givenRouterOnPrivateSubnet();

    assertAccepted(NetworkDecider.decide(routes(List.of(new HostRoute("198.51.100.0/24", "203.0.113.9")),
        List.of("203.0.113.0/24")), BOB_AS_MEMBER, state));
  }

  @Test
  void givenInterfaceRecordedBeforeCidrsWereCarried_whenRoutesAreSet_thenTheyAreNotRefusedForWhatIsNotKnown() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);
    rows.put("ri/" + ROUTER + "/if-1", PRIVATE_SUBNET + "|" + PRIVATE_NET);

    assertAccepted(NetworkDecider.decide(routes(List.of(new HostRoute("192.168.0.0/24", "10.0.0.5")), List.of()),
        BOB_AS_MEMBER, state));
  }

  @Test
  void givenRouter_whenMoreRoutesThanTheMaximumAreSet_thenRejected400RoutesExhausted() {
    givenRouterOnPrivateSubnet();
    List<HostRoute> routes = new java.util.ArrayList<>();
    for (int i = 0; i <= RouterDecisions.MAX_ROUTES; i++) routes.add(new HostRoute("192.168." + i + ".0/24", "10.0.0.5"));

    assertRejected(400, "RoutesExhausted", NetworkDecider.decide(routes(routes, List.of()), BOB_AS_MEMBER, state));
  }

  // ---- quotas -----------------------------------------------------------------------------------

  @Test
  void givenProject_whenMemberSetsQuota_thenRejected403() {
    assertRejected(403, "PolicyNotAuthorized",
        NetworkDecider.decide(new SetNetworkQuota(DEMO_PROJECT, Map.of("router", 20)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenQuotaSetBefore_whenAdminSetsAnotherLimit_thenNetworkQuotaSetCarriesTheMergedLimits() {
    accepted(new SetNetworkQuota(DEMO_PROJECT, Map.of("router", 20, "network", 5)), ALICE_AS_ADMIN);

    Decision decision = accepted(new SetNetworkQuota(DEMO_PROJECT, Map.of("router", 3, "security_group", 4)), ALICE_AS_ADMIN);

    assertEquals(DEMO_PROJECT, decision.resourceId());
    assertEquals(1, decision.events().size());
    NetworkQuotaSet set = (NetworkQuotaSet) decision.events().get(0);
    assertEquals(DEMO_PROJECT, set.getProjectId());
    assertEquals(Map.of("router", 3, "network", 5, "security_group", 4), Map.copyOf(set.getLimits()));
    assertEquals(Map.of("router", 3, "network", 5, "security_group", 4), state.quota(DEMO_PROJECT));
  }

  @Test
  void givenProject_whenAdminSetsAnUnknownResource_thenRejected400() {
    Decision decision = NetworkDecider.decide(new SetNetworkQuota(DEMO_PROJECT, Map.of("bananas", 3)), ALICE_AS_ADMIN, state);

    assertRejected(400, "InvalidInput", decision);
    assertMessageContains("bananas", decision);
  }

  @Test
  void givenProject_whenAdminSetsALimitBelowMinusOne_thenRejected400() {
    assertRejected(400, "InvalidInput",
        NetworkDecider.decide(new SetNetworkQuota(DEMO_PROJECT, Map.of("router", -2)), ALICE_AS_ADMIN, state));
  }

  @Test
  void givenProject_whenAdminSetsMinusOne_thenAcceptedAsUnlimited() {
    assertAccepted(NetworkDecider.decide(new SetNetworkQuota(DEMO_PROJECT, Map.of("router", -1)), ALICE_AS_ADMIN, state));
  }

  // ---- a router's ports on its networks ---------------------------------------------------------

  @Test
  void givenPrivateNetwork_whenRouterGatewayPortIsCreatedOnIt_thenRejected400NotExternal() {
    givenPrivateNetwork();

    Decision decision = NetworkDecider.decide(routerPort("gw-1", PRIVATE_NET, PortDecisions.ROUTER_GATEWAY,
        "network:router_gateway", null), BOB_AS_MEMBER, state);

    assertRejected(400, "BadRequest", decision);
    assertMessageContains("external", decision);
  }

  @Test
  void givenExternalNetwork_whenMemberCreatesRouterGatewayPort_thenAcceptedWithAnAddressFromThePool() {
    givenExternalNetwork();

    Decision decision = accepted(routerPort("gw-1", PUBLIC_NET, PortDecisions.ROUTER_GATEWAY,
        "network:router_gateway", null), BOB_AS_MEMBER);

    PortCreated created = (PortCreated) decision.events().get(0);
    assertEquals("network:router_gateway", created.getPort().getDeviceOwner());
    assertEquals(DEMO_PROJECT, created.getPort().getProjectId());
    assertEquals(List.of(new FixedIp(PUBLIC_SUBNET, "203.0.113.2")), created.getPort().getFixedIps());
  }

  @Test
  void givenExternalNetwork_whenMemberCreatesAPlainPortOnIt_thenRejected403() {
    givenExternalNetwork();

    assertRejected(403, "PolicyNotAuthorized", NetworkDecider.decide(routerPort("p-1", PUBLIC_NET, "",
        "compute:nova", null), BOB_AS_MEMBER, state));
  }

  @Test
  void givenPrivateSubnet_whenRouterInterfacePortTakesTheGatewayAddress_thenAccepted() {
    givenPrivateNetwork();

    Decision decision = accepted(routerPort("if-1", PRIVATE_NET, PortDecisions.ROUTER_INTERFACE,
        "network:router_interface", List.of(new FixedIp(PRIVATE_SUBNET, "10.0.0.1"))), BOB_AS_MEMBER);

    assertEquals(List.of(new FixedIp(PRIVATE_SUBNET, "10.0.0.1")),
        ((PortCreated) decision.events().get(0)).getPort().getFixedIps());
  }

  @Test
  void givenPrivateSubnet_whenAPlainPortAsksForTheGatewayAddress_thenRejected409() {
    givenPrivateNetwork();

    assertRejected(409, "IpAddressAlreadyAllocated", NetworkDecider.decide(routerPort("p-1", PRIVATE_NET, "",
        "compute:nova", List.of(new FixedIp(PRIVATE_SUBNET, "10.0.0.1"))), BOB_AS_MEMBER, state));
  }

  @Test
  void givenRouterInterfaceOnTheGateway_whenASecondRouterInterfaceAsksForIt_thenRejected409() {
    givenPrivateNetwork();
    accepted(routerPort("if-1", PRIVATE_NET, PortDecisions.ROUTER_INTERFACE, "network:router_interface",
        List.of(new FixedIp(PRIVATE_SUBNET, "10.0.0.1"))), BOB_AS_MEMBER);

    assertRejected(409, "IpAddressAlreadyAllocated", NetworkDecider.decide(routerPort("if-2", PRIVATE_NET,
        PortDecisions.ROUTER_INTERFACE, "network:router_interface", List.of(new FixedIp(PRIVATE_SUBNET, "10.0.0.1"))),
        BOB_AS_MEMBER, state));
  }

  @Test
  void givenPrivateNetwork_whenMemberOfAnotherProjectCreatesRouterInterfacePortOnIt_thenRejected404() {
    givenPrivateNetwork();
    CreatePort port = CreatePort.newBuilder(routerPort("if-1", PRIVATE_NET, PortDecisions.ROUTER_INTERFACE,
        "network:router_interface", List.of(new FixedIp(PRIVATE_SUBNET, "10.0.0.1")))).setProjectId(OTHER_PROJECT).build();

    assertRejected(404, "NetworkNotFound", NetworkDecider.decide(port, CAROL_AS_OTHER_MEMBER, state));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void givenRouterOnPrivateSubnet() {
    accepted(new CreateRouter(router(ROUTER, "edge")), BOB_AS_MEMBER);
    accepted(new AddRouterInterface(ROUTER, DEMO_PROJECT, "if-1", PRIVATE_SUBNET, PRIVATE_NET, PRIVATE_CIDR, "10.0.0.1"),
        BOB_AS_MEMBER);
  }

  private static UpdateRouter routes(List<HostRoute> routes, List<String> gatewayCidrs) {
    return UpdateRouter.newBuilder().setRouterId(ROUTER).setProjectId(DEMO_PROJECT).setRoutes(routes)
        .setGatewayCidrs(gatewayCidrs).build();
  }

  private void givenPrivateNetwork() {
    accepted(new CreateNetwork(network(PRIVATE_NET, DEMO_PROJECT, false)), BOB_AS_MEMBER);
    accepted(new CreateSubnet(subnet(PRIVATE_SUBNET, PRIVATE_NET, DEMO_PROJECT, "10.0.0.0/24", "10.0.0.1")), BOB_AS_MEMBER);
  }

  private void givenExternalNetwork() {
    accepted(new CreateNetwork(network(PUBLIC_NET, ADMIN_PROJECT, true)), ALICE_AS_ADMIN);
    accepted(new CreateSubnet(subnet(PUBLIC_SUBNET, PUBLIC_NET, ADMIN_PROJECT, "203.0.113.0/24", "203.0.113.1")),
        ALICE_AS_ADMIN);
  }

  private static Network network(String id, String project, boolean external) {
    return Network.newBuilder().setNetworkId(id).setProjectId(project).setName(id).setExternal(external).build();
  }

  private static Subnet subnet(String id, String networkId, String project, String cidr, String gateway) {
    return Subnet.newBuilder().setSubnetId(id).setNetworkId(networkId).setProjectId(project).setName(id)
        .setCidr(cidr).setGatewayIp(gateway).build();
  }

  private static CreatePort routerPort(String portId, String networkId, String via, String deviceOwner, List<FixedIp> ips) {
    return CreatePort.newBuilder().setPortId(portId).setNetworkId(networkId).setProjectId(DEMO_PROJECT).setName("")
        .setDeviceId(ROUTER).setDeviceOwner(deviceOwner).setFixedIps(ips).setPortSecurityEnabled(false)
        .setViaService(via).build();
  }

  private static Router router(String id, String name) {
    return Router.newBuilder().setRouterId(id).setProjectId(DEMO_PROJECT).setName(name).build();
  }

  private void given(SpecificRecord... events) {
    List.of(events).forEach(e -> NetworkDecider.evolve(state, e));
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
