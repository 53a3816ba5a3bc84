package dev.skyledger.processors.compute;

import static dev.skyledger.processors.DecisionAssertions.assertAccepted;
import static dev.skyledger.processors.DecisionAssertions.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skyledger.events.compute.AddFlavorAccess;
import dev.skyledger.events.compute.ComputeQuotaSet;
import dev.skyledger.events.compute.CreateFlavor;
import dev.skyledger.events.compute.CreateKeypair;
import dev.skyledger.events.compute.DeleteFlavor;
import dev.skyledger.events.compute.DeleteKeypair;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.FlavorAccessAdded;
import dev.skyledger.events.compute.FlavorAccessRemoved;
import dev.skyledger.events.compute.FlavorCreated;
import dev.skyledger.events.compute.FlavorDeleted;
import dev.skyledger.events.compute.FlavorUpdated;
import dev.skyledger.events.compute.Keypair;
import dev.skyledger.events.compute.KeypairCreated;
import dev.skyledger.events.compute.KeypairDeleted;
import dev.skyledger.events.compute.RemoveFlavorAccess;
import dev.skyledger.events.compute.SeedFlavors;
import dev.skyledger.events.compute.SetComputeQuota;
import dev.skyledger.events.compute.SetFlavorExtraSpecs;
import dev.skyledger.events.compute.UnsetFlavorExtraSpec;
import dev.skyledger.events.core.Actor;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.core.MapKeyValues;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The compute decider on plain objects: each test evolves the "given" events into a fresh state,
 * decides one command and checks the events or the rejection (with Nova's fault name as its title).
 */
class ComputeDeciderTest {
  private static final String DEMO_PROJECT = "p-demo";
  private static final String OTHER_PROJECT = "p-other";

  private static final Actor BOB_AS_MEMBER = actor("u-bob", "bob", DEMO_PROJECT, "member");
  private static final Actor CAROL_AS_MEMBER = actor("u-carol", "carol", OTHER_PROJECT, "member");
  private static final Actor ALICE_AS_ADMIN = actor("u-alice", "alice", "p-admin", "admin");
  private static final Actor SYSTEM = actor(null, "system", null, "system");

  private static final List<Flavor> CLASSIC = List.of(flavor("1", "m1.tiny", 1, 512, 1), flavor("2", "m1.small", 1, 2048, 20),
      flavor("3", "m1.medium", 2, 4096, 40), flavor("4", "m1.large", 4, 8192, 80), flavor("5", "m1.xlarge", 8, 16384, 160));

  private final ComputeState state = new ComputeState(new MapKeyValues());

  // ---- seeding ----------------------------------------------------------------------------------

  @Test
  void givenNothing_whenSeeded_thenEveryFlavorIsCreatedAndASecondSeedCreatesNothing() {
    Decision first = accepted(new SeedFlavors(CLASSIC), SYSTEM);

    assertEquals(CLASSIC.stream().map(f -> (SpecificRecord) new FlavorCreated(f)).toList(), first.events());

    Decision second = ComputeDecider.decide(new SeedFlavors(CLASSIC), SYSTEM, state);
    assertAccepted(second);
    assertEquals(List.of(), second.events());
  }

  @Test
  void givenSomeFlavorsExist_whenSeeded_thenOnlyTheMissingOnesAreCreated() {
    given(new FlavorCreated(CLASSIC.get(0)), new FlavorCreated(flavor("custom-id", "m1.small", 1, 1024, 10)));

    Decision decision = ComputeDecider.decide(new SeedFlavors(CLASSIC), SYSTEM, state);

    assertAccepted(decision);
    assertEquals(List.of(new FlavorCreated(CLASSIC.get(2)), new FlavorCreated(CLASSIC.get(3)), new FlavorCreated(CLASSIC.get(4))),
        decision.events(), "m1.tiny exists by id, m1.small by name");
  }

  @Test
  void givenMember_whenSeeding_thenForbidden() {
    assertRejected(403, "forbidden", ComputeDecider.decide(new SeedFlavors(CLASSIC), BOB_AS_MEMBER, state));
  }

  // ---- flavors ----------------------------------------------------------------------------------

  @Test
  void givenAdmin_whenFlavorCreated_thenFlavorCreated() {
    Flavor gold = flavor("f-gold", "gold", 2, 1024, 10);

    Decision decision = ComputeDecider.decide(new CreateFlavor(gold), ALICE_AS_ADMIN, state);

    assertAccepted(decision);
    assertEquals("f-gold", decision.resourceId());
    assertEquals(List.of(new FlavorCreated(gold)), decision.events());
  }

  @Test
  void givenMember_whenFlavorCreated_thenForbidden() {
    assertRejected(403, "forbidden", ComputeDecider.decide(new CreateFlavor(flavor("f", "f", 1, 1, 1)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenFlavor_whenAnotherWithTheSameNameOrIdIsCreated_thenConflict() {
    accepted(new CreateFlavor(flavor("f-gold", "gold", 2, 1024, 10)), ALICE_AS_ADMIN);

    assertRejected(409, "conflict", ComputeDecider.decide(new CreateFlavor(flavor("f-other", "gold", 1, 512, 1)), ALICE_AS_ADMIN, state));
    assertRejected(409, "conflict", ComputeDecider.decide(new CreateFlavor(flavor("f-gold", "silver", 1, 512, 1)), ALICE_AS_ADMIN, state));
  }

  @Test
  void givenFlavorDeleted_whenItsNameIsUsedAgain_thenAccepted() {
    accepted(new CreateFlavor(flavor("f-gold", "gold", 2, 1024, 10)), ALICE_AS_ADMIN);
    Decision deleted = accepted(new DeleteFlavor("f-gold"), ALICE_AS_ADMIN);
    assertEquals(List.of(new FlavorDeleted("f-gold")), deleted.events());

    accepted(new CreateFlavor(flavor("f-gold-2", "gold", 2, 1024, 10)), ALICE_AS_ADMIN);
    accepted(new CreateFlavor(flavor("f-gold", "gold-again", 2, 1024, 10)), ALICE_AS_ADMIN);
  }

  @Test
  void givenInvalidSizes_whenFlavorCreated_thenBadRequest() {
    assertRejected(400, "badRequest", ComputeDecider.decide(new CreateFlavor(flavor("f", "f", 0, 512, 1)), ALICE_AS_ADMIN, state));
    assertRejected(400, "badRequest", ComputeDecider.decide(new CreateFlavor(flavor("f", "f", 1, 0, 1)), ALICE_AS_ADMIN, state));
    assertRejected(400, "badRequest", ComputeDecider.decide(new CreateFlavor(flavor("f", "f", 1, 512, -1)), ALICE_AS_ADMIN, state));
    assertRejected(400, "badRequest", ComputeDecider.decide(new CreateFlavor(flavor("f", " ", 1, 512, 1)), ALICE_AS_ADMIN, state));
    assertAccepted(ComputeDecider.decide(new CreateFlavor(flavor("f", "f", 1, 1, 0)), ALICE_AS_ADMIN, state));
  }

  @Test
  void givenNoFlavor_whenDeleted_thenNotFound() {
    assertRejected(404, "itemNotFound", ComputeDecider.decide(new DeleteFlavor("nope"), ALICE_AS_ADMIN, state));
  }

  @Test
  void givenFlavor_whenMemberDeletesIt_thenForbidden() {
    given(new FlavorCreated(CLASSIC.get(0)));
    assertRejected(403, "forbidden", ComputeDecider.decide(new DeleteFlavor("1"), BOB_AS_MEMBER, state));
  }

  // ---- extra specs ------------------------------------------------------------------------------

  @Test
  void givenFlavorWithSpecs_whenMoreAreSet_thenTheyAreMergedAndUnsetRemovesOne() {
    given(new FlavorCreated(CLASSIC.get(0)));
    accepted(new SetFlavorExtraSpecs("1", Map.of("hw:cpu_policy", "shared", "a", "1")), ALICE_AS_ADMIN);

    Decision set = accepted(new SetFlavorExtraSpecs("1", Map.of("hw:cpu_policy", "dedicated", "b", "2")), ALICE_AS_ADMIN);

    assertEquals(Map.of("hw:cpu_policy", "dedicated", "a", "1", "b", "2"), specsOf(set));

    Decision unset = accepted(new UnsetFlavorExtraSpec("1", "a"), ALICE_AS_ADMIN);

    assertEquals(Map.of("hw:cpu_policy", "dedicated", "b", "2"), specsOf(unset));
    assertEquals(Map.of("hw:cpu_policy", "dedicated", "b", "2"), Map.copyOf(state.flavor("1").orElseThrow().getExtraSpecs()));
  }

  @Test
  void givenFlavor_whenAnUnknownSpecIsUnset_thenNotFound() {
    given(new FlavorCreated(CLASSIC.get(0)));
    accepted(new SetFlavorExtraSpecs("1", Map.of("a", "1")), ALICE_AS_ADMIN);

    assertRejected(404, "itemNotFound", ComputeDecider.decide(new UnsetFlavorExtraSpec("1", "b"), ALICE_AS_ADMIN, state));
  }

  @Test
  void givenBadSpecKeyOrUnknownFlavorOrMember_whenSpecsSet_thenRejected() {
    given(new FlavorCreated(CLASSIC.get(0)));

    assertRejected(400, "badRequest", ComputeDecider.decide(new SetFlavorExtraSpecs("1", Map.of("bad/key", "1")), ALICE_AS_ADMIN, state));
    assertRejected(404, "itemNotFound", ComputeDecider.decide(new SetFlavorExtraSpecs("9", Map.of("a", "1")), ALICE_AS_ADMIN, state));
    assertRejected(403, "forbidden", ComputeDecider.decide(new SetFlavorExtraSpecs("1", Map.of("a", "1")), BOB_AS_MEMBER, state));
  }

  // ---- flavor access ----------------------------------------------------------------------------

  @Test
  void givenPublicFlavor_whenAccessAdded_thenConflict() {
    given(new FlavorCreated(CLASSIC.get(0)));

    assertRejected(409, "conflict", ComputeDecider.decide(new AddFlavorAccess("1", DEMO_PROJECT), ALICE_AS_ADMIN, state));
  }

  @Test
  void givenPrivateFlavor_whenAccessAddedTwice_thenAddedThenConflict() {
    given(new FlavorCreated(privateFlavor("f-priv")));

    Decision added = accepted(new AddFlavorAccess("f-priv", DEMO_PROJECT), ALICE_AS_ADMIN);

    assertEquals(List.of(new FlavorAccessAdded("f-priv", DEMO_PROJECT)), added.events());
    assertEquals(DEMO_PROJECT, ComputeDecider.projectOf(added.events().get(0)));
    assertEquals(List.of(DEMO_PROJECT), state.access("f-priv"));
    assertRejected(409, "conflict", ComputeDecider.decide(new AddFlavorAccess("f-priv", DEMO_PROJECT), ALICE_AS_ADMIN, state));
  }

  @Test
  void givenPrivateFlavor_whenUnknownAccessRemoved_thenNotFoundAndKnownAccessIsRemoved() {
    given(new FlavorCreated(privateFlavor("f-priv")), new FlavorAccessAdded("f-priv", DEMO_PROJECT));

    assertRejected(404, "itemNotFound", ComputeDecider.decide(new RemoveFlavorAccess("f-priv", OTHER_PROJECT), ALICE_AS_ADMIN, state));
    Decision removed = accepted(new RemoveFlavorAccess("f-priv", DEMO_PROJECT), ALICE_AS_ADMIN);
    assertEquals(List.of(new FlavorAccessRemoved("f-priv", DEMO_PROJECT)), removed.events());
    assertEquals(List.of(), state.access("f-priv"));
  }

  @Test
  void givenMember_whenAccessAddedOrUnknownFlavor_thenRejected() {
    given(new FlavorCreated(privateFlavor("f-priv")));

    assertRejected(403, "forbidden", ComputeDecider.decide(new AddFlavorAccess("f-priv", DEMO_PROJECT), BOB_AS_MEMBER, state));
    assertRejected(404, "itemNotFound", ComputeDecider.decide(new AddFlavorAccess("nope", DEMO_PROJECT), ALICE_AS_ADMIN, state));
  }

  @Test
  void givenPrivateFlavorWithAccess_whenDeletedAndRecreated_thenTheOldAccessIsGone() {
    given(new FlavorCreated(privateFlavor("f-priv")), new FlavorAccessAdded("f-priv", DEMO_PROJECT));
    accepted(new DeleteFlavor("f-priv"), ALICE_AS_ADMIN);
    accepted(new CreateFlavor(privateFlavor("f-priv")), ALICE_AS_ADMIN);

    assertEquals(List.of(), state.access("f-priv"));
  }

  // ---- key pairs --------------------------------------------------------------------------------

  @Test
  void givenMember_whenKeypairCreated_thenKeypairCreated() {
    Keypair k = keypair("u-bob", "mykey");

    Decision decision = ComputeDecider.decide(new CreateKeypair(k, DEMO_PROJECT, 100), BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(List.of(new KeypairCreated(k)), decision.events());
    assertEquals("u-bob/mykey", ComputeDecider.aggregateOf(decision.events().get(0)));
  }

  @Test
  void givenKeypair_whenTheSameUserUsesItsNameAgain_thenConflictButAnotherUserMay() {
    accepted(new CreateKeypair(keypair("u-bob", "mykey"), DEMO_PROJECT, -1), BOB_AS_MEMBER);

    assertRejected(409, "conflict",
        ComputeDecider.decide(new CreateKeypair(keypair("u-bob", "mykey"), DEMO_PROJECT, -1), BOB_AS_MEMBER, state));
    accepted(new CreateKeypair(keypair("u-carol", "mykey"), OTHER_PROJECT, -1), CAROL_AS_MEMBER);
  }

  @Test
  void givenLimitOfTwo_whenAThirdKeypairIsCreated_thenForbiddenUntilOneIsDeleted() {
    accepted(new CreateKeypair(keypair("u-bob", "k1"), DEMO_PROJECT, 2), BOB_AS_MEMBER);
    accepted(new CreateKeypair(keypair("u-bob", "k2"), DEMO_PROJECT, 2), BOB_AS_MEMBER);

    assertRejected(403, "forbidden", ComputeDecider.decide(new CreateKeypair(keypair("u-bob", "k3"), DEMO_PROJECT, 2), BOB_AS_MEMBER, state));
    // another user's key pairs do not count
    accepted(new CreateKeypair(keypair("u-carol", "k1"), DEMO_PROJECT, 2), CAROL_AS_MEMBER);

    Decision deleted = accepted(new DeleteKeypair("u-bob", "k1"), BOB_AS_MEMBER);
    assertEquals(List.of(new KeypairDeleted(keypair("u-bob", "k1"))), deleted.events());
    accepted(new CreateKeypair(keypair("u-bob", "k3"), DEMO_PROJECT, 2), BOB_AS_MEMBER);
  }

  @Test
  void givenLimitZero_whenKeypairCreated_thenForbidden() {
    assertRejected(403, "forbidden", ComputeDecider.decide(new CreateKeypair(keypair("u-bob", "k1"), DEMO_PROJECT, 0), BOB_AS_MEMBER, state));
  }

  @Test
  void givenMember_whenKeypairCreatedForAnotherUser_thenForbiddenButAnAdminMay() {
    assertRejected(403, "forbidden",
        ComputeDecider.decide(new CreateKeypair(keypair("u-carol", "k"), DEMO_PROJECT, -1), BOB_AS_MEMBER, state));
    accepted(new CreateKeypair(keypair("u-carol", "k"), OTHER_PROJECT, -1), ALICE_AS_ADMIN);
    assertEquals(1, state.keypairCount("u-carol"));
  }

  @Test
  void givenNoKeypair_whenDeleted_thenNotFound() {
    assertRejected(404, "itemNotFound", ComputeDecider.decide(new DeleteKeypair("u-bob", "nope"), BOB_AS_MEMBER, state));
  }

  @Test
  void givenAnotherUsersKeypair_whenAMemberDeletesIt_thenForbidden() {
    given(new KeypairCreated(keypair("u-carol", "k")));

    assertRejected(403, "forbidden", ComputeDecider.decide(new DeleteKeypair("u-carol", "k"), BOB_AS_MEMBER, state));
  }

  // ---- quotas -----------------------------------------------------------------------------------

  @Test
  void givenMember_whenQuotaSet_thenForbidden() {
    assertRejected(403, "forbidden",
        ComputeDecider.decide(new SetComputeQuota(DEMO_PROJECT, Map.of("key_pairs", 5), false), BOB_AS_MEMBER, state));
  }

  @Test
  void givenQuota_whenAdminSetsMore_thenTheLimitsAreMerged() {
    accepted(new SetComputeQuota(DEMO_PROJECT, Map.of("key_pairs", 5, "cores", 8), false), ALICE_AS_ADMIN);

    Decision decision = accepted(new SetComputeQuota(DEMO_PROJECT, Map.of("key_pairs", 7, "instances", 3), false), ALICE_AS_ADMIN);

    assertEquals(1, decision.events().size());
    ComputeQuotaSet set = (ComputeQuotaSet) decision.events().get(0);
    assertEquals(DEMO_PROJECT, set.getProjectId());
    assertEquals(Map.of("key_pairs", 7, "cores", 8, "instances", 3), Map.copyOf(set.getLimits()));
    assertEquals(Map.of("key_pairs", 7, "cores", 8, "instances", 3), state.quota(DEMO_PROJECT));
    assertEquals(Map.of(), state.quota(OTHER_PROJECT));
  }

  @Test
  void givenUnknownResourceOrLimitBelowMinusOne_whenQuotaSet_thenBadRequest() {
    assertRejected(400, "badRequest",
        ComputeDecider.decide(new SetComputeQuota(DEMO_PROJECT, Map.of("bogus", 5), false), ALICE_AS_ADMIN, state));
    assertRejected(400, "badRequest",
        ComputeDecider.decide(new SetComputeQuota(DEMO_PROJECT, Map.of("key_pairs", -2), false), ALICE_AS_ADMIN, state));
    accepted(new SetComputeQuota(DEMO_PROJECT, Map.of("key_pairs", -1), false), ALICE_AS_ADMIN);
  }

  @Test
  void givenQuota_whenReset_thenEarlierLimitsAreDropped() {
    accepted(new SetComputeQuota(DEMO_PROJECT, Map.of("key_pairs", 5, "cores", 8), false), ALICE_AS_ADMIN);

    Decision decision = accepted(new SetComputeQuota(DEMO_PROJECT, Map.of(), true), ALICE_AS_ADMIN);

    assertEquals(List.of(new ComputeQuotaSet(DEMO_PROJECT, Map.of())), decision.events());
    assertEquals(Map.of(), state.quota(DEMO_PROJECT));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  // ---- servers ----------------------------------------------------------------------------------

  private static dev.skyledger.events.compute.ServerSpec server(String id, Flavor flavor) {
    return dev.skyledger.events.compute.ServerSpec.newBuilder().setInstanceId(id).setProjectId(DEMO_PROJECT)
        .setUserId("u-bob").setName(id).setHostname(id).setFlavor(flavor).setNetworks(List.of())
        .setSecurityGroups(List.of()).build();
  }

  private Decision create(Actor actor, int min, dev.skyledger.events.compute.ServerSpec... specs) {
    return ComputeDecider.decide(new dev.skyledger.events.compute.CreateServer(List.of(specs), min), actor, state);
  }

  @Test
  void givenRoom_whenServersAreRequested_thenEachIsRequestedWithItsQuotaReserved() {
    Decision d = create(BOB_AS_MEMBER, 1, server("vm1", CLASSIC.get(2)), server("vm2", CLASSIC.get(2)));
    assertAccepted(d);
    assertEquals(List.of(new dev.skyledger.events.compute.InstanceRequested(server("vm1", CLASSIC.get(2))),
        new dev.skyledger.events.compute.QuotaReserved("vm1", DEMO_PROJECT, 1, 2, 4096),
        new dev.skyledger.events.compute.InstanceRequested(server("vm2", CLASSIC.get(2))),
        new dev.skyledger.events.compute.QuotaReserved("vm2", DEMO_PROJECT, 1, 2, 4096)), d.events());
  }

  @Test
  void givenTheCoresQuotaNearlyUsed_whenMoreAreRequested_thenAsManyAsFitAboveMinCountOrNovasQuotaMessage() {
    given(new dev.skyledger.events.compute.ComputeQuotaSet(DEMO_PROJECT, Map.of("cores", 5)));
    accepted(new dev.skyledger.events.compute.CreateServer(List.of(server("vm1", CLASSIC.get(3))), 1), BOB_AS_MEMBER);

    Decision partial = create(BOB_AS_MEMBER, 1, server("vm2", CLASSIC.get(0)), server("vm3", CLASSIC.get(0)));
    assertAccepted(partial);
    assertEquals(2, partial.events().size(), "max_count 2, but only one more core is free: one server");
    partial.events().forEach(e -> ComputeDecider.evolve(state, e));

    Decision refused = create(BOB_AS_MEMBER, 1, server("vm4", CLASSIC.get(0)));
    assertRejected(403, "forbidden", refused);
    assertEquals("Quota exceeded for cores: Requested 1, but already used 5 of 5 cores", refused.rejection().getMessage());
  }

  @Test
  void givenAServer_whenDeleted_thenItsQuotaIsReleasedOnceAndAFailedBootReleasesNothingMore() {
    accepted(new dev.skyledger.events.compute.CreateServer(List.of(server("vm1", CLASSIC.get(1))), 1), BOB_AS_MEMBER);
    Decision release = accepted(new dev.skyledger.events.compute.ReleaseServerQuota("vm1", DEMO_PROJECT, "boot failed"), SYSTEM);
    assertEquals(1, release.events().size());
    assertEquals(new ComputeState.Usage(0, 0, 0), state.usage(DEMO_PROJECT));

    Decision delete = accepted(new dev.skyledger.events.compute.DeleteServer("vm1", DEMO_PROJECT), BOB_AS_MEMBER);
    assertEquals(List.of(new dev.skyledger.events.compute.InstanceDeleteRequested("vm1", DEMO_PROJECT)), delete.events(),
        "the failed boot already gave its quota back");
    assertEquals(List.of(), accepted(new dev.skyledger.events.compute.DeleteServer("vm1", DEMO_PROJECT), BOB_AS_MEMBER).events(),
        "deleting again changes nothing");
  }

  @Test
  void givenAnotherProjectsServer_whenDeletedOrReleasedByAMember_thenNotFoundOrForbidden() {
    accepted(new dev.skyledger.events.compute.CreateServer(List.of(server("vm1", CLASSIC.get(1))), 1), BOB_AS_MEMBER);
    assertRejected(404, "itemNotFound",
        ComputeDecider.decide(new dev.skyledger.events.compute.DeleteServer("vm1", DEMO_PROJECT), CAROL_AS_MEMBER, state));
    assertRejected(403, "forbidden", ComputeDecider.decide(
        new dev.skyledger.events.compute.ReleaseServerQuota("vm1", DEMO_PROJECT, "x"), BOB_AS_MEMBER, state));
  }

  @Test
  void givenAMetadataQuota_whenAServerAsksForMoreItems_thenNovasQuotaMessage() {
    given(new dev.skyledger.events.compute.ComputeQuotaSet(DEMO_PROJECT, Map.of("metadata_items", 1)));
    var spec = dev.skyledger.events.compute.ServerSpec.newBuilder(server("vm1", CLASSIC.get(0)))
        .setMetadata(Map.of("a", "1", "b", "2")).build();
    Decision refused = create(BOB_AS_MEMBER, 1, spec);
    assertRejected(403, "forbidden", refused);
    assertEquals("Quota exceeded for metadata_items: Requested 2, but already used 0 of 1 metadata_items",
        refused.rejection().getMessage());
  }

  @Test
  void givenAServer_whenItsDiskConfigIsSet_thenRecordedAndOnlyNovasTwoValuesAccepted() {
    accepted(new dev.skyledger.events.compute.CreateServer(List.of(server("vm1", CLASSIC.get(1))), 1), BOB_AS_MEMBER);
    Decision set = accepted(new dev.skyledger.events.compute.UpdateServer("vm1", DEMO_PROJECT, null, null, null, "AUTO"),
        BOB_AS_MEMBER);
    assertEquals(new dev.skyledger.events.compute.InstanceUpdated("vm1", DEMO_PROJECT, null, null, null, "AUTO"),
        set.events().get(0));
    assertRejected(400, ComputeDecider.decide(
        new dev.skyledger.events.compute.UpdateServer("vm1", DEMO_PROJECT, null, null, null, "auto"), BOB_AS_MEMBER, state));
  }

  @Test
  void givenAServer_whenItsAccessAddressesAreSet_thenTheNameStaysAndOnlyAddressesOfTheirVersionAreAccepted() {
    accepted(new dev.skyledger.events.compute.CreateServer(List.of(server("vm1", CLASSIC.get(1))), 1), BOB_AS_MEMBER);
    Decision set = accepted(new dev.skyledger.events.compute.UpdateServer("vm1", DEMO_PROJECT, null, "192.0.2.1", "2001:db8::1", null),
        BOB_AS_MEMBER);
    assertEquals(new dev.skyledger.events.compute.InstanceUpdated("vm1", DEMO_PROJECT, null, "192.0.2.1", "2001:db8::1", null),
        set.events().get(0));
    assertRejected(400, ComputeDecider.decide(
        new dev.skyledger.events.compute.UpdateServer("vm1", DEMO_PROJECT, null, "2001:db8::1", null, null), BOB_AS_MEMBER, state));
    assertEquals("vm1", state.server("vm1").orElseThrow().name(), "an update of the addresses only leaves the name");
    Decision renamed = accepted(new dev.skyledger.events.compute.UpdateServer("vm1", DEMO_PROJECT, "web", null, null, null),
        BOB_AS_MEMBER);
    assertEquals("web", ((dev.skyledger.events.compute.InstanceUpdated) renamed.events().get(0)).getName());
    assertEquals(List.of(), accepted(new dev.skyledger.events.compute.UpdateServer("vm1", DEMO_PROJECT, "web", null, null, null),
        BOB_AS_MEMBER).events(), "nothing changes");
  }

  @Test
  void givenAServer_whenMetadataIsMergedReplacedAndRemoved_thenEachEventHoldsTheWholeMap() {
    accepted(new dev.skyledger.events.compute.CreateServer(List.of(server("vm1", CLASSIC.get(1))), 1), BOB_AS_MEMBER);
    accepted(new dev.skyledger.events.compute.SetServerMetadata("vm1", DEMO_PROJECT, Map.of("a", "1"), false), BOB_AS_MEMBER);
    Decision merged = accepted(new dev.skyledger.events.compute.SetServerMetadata("vm1", DEMO_PROJECT, Map.of("b", "2"), false),
        BOB_AS_MEMBER);
    assertEquals(new dev.skyledger.events.compute.ServerMetadataChanged("vm1", DEMO_PROJECT, Map.of("a", "1", "b", "2")),
        merged.events().get(0));
    Decision replaced = accepted(new dev.skyledger.events.compute.SetServerMetadata("vm1", DEMO_PROJECT, Map.of("c", "3"), true),
        BOB_AS_MEMBER);
    assertEquals(Map.of("c", "3"), ((dev.skyledger.events.compute.ServerMetadataChanged) replaced.events().get(0)).getMetadata());
    assertRejected(404, "itemNotFound", ComputeDecider.decide(
        new dev.skyledger.events.compute.DeleteServerMetadataItem("vm1", DEMO_PROJECT, "a"), BOB_AS_MEMBER, state));
  }

  private static Flavor flavor(String id, String name, int vcpus, int ramMb, int diskGb) {
    return Flavor.newBuilder().setFlavorId(id).setName(name).setVcpus(vcpus).setRamMb(ramMb).setDiskGb(diskGb).build();
  }

  private static Flavor privateFlavor(String id) {
    return Flavor.newBuilder(flavor(id, id, 1, 512, 1)).setIsPublic(false).build();
  }

  private static Keypair keypair(String userId, String name) {
    return new Keypair(userId, name, "ssh-ed25519 AAAA " + name, "00:11", "ssh");
  }

  private static Map<String, String> specsOf(Decision decision) {
    return Map.copyOf(((FlavorUpdated) decision.events().get(0)).getFlavor().getExtraSpecs());
  }

  @Test
  void givenAdmin_whenServiceDisabledWithAReason_thenStatusChangedAndEnablingDropsTheReason() {
    Decision disabled = accepted(new dev.skyledger.events.compute.SetComputeServiceStatus("compute-1", false, "maintenance"), ALICE_AS_ADMIN);
    assertEquals(List.of(new dev.skyledger.events.compute.ComputeServiceStatusChanged("compute-1", false, "maintenance")),
        disabled.events());
    Decision enabled = accepted(new dev.skyledger.events.compute.SetComputeServiceStatus("compute-1", true, "ignored"), ALICE_AS_ADMIN);
    assertEquals(List.of(new dev.skyledger.events.compute.ComputeServiceStatusChanged("compute-1", true, null)), enabled.events());
  }

  @Test
  void givenMember_whenServiceDisabled_thenForbidden() {
    assertRejected(403, "forbidden", ComputeDecider.decide(
        new dev.skyledger.events.compute.SetComputeServiceStatus("compute-1", false, null), BOB_AS_MEMBER, state));
  }

  private void given(SpecificRecord... events) {
    List.of(events).forEach(e -> ComputeDecider.evolve(state, e));
  }

  /** Decides the command, expects it accepted, and evolves the state with its events. */
  private Decision accepted(SpecificRecord command, Actor actor) {
    Decision decision = ComputeDecider.decide(command, actor, state);
    assertAccepted(decision);
    decision.events().forEach(e -> ComputeDecider.evolve(state, e));
    return decision;
  }

  private static Actor actor(String userId, String userName, String projectId, String... roles) {
    return new Actor(userId, userName, projectId, List.of(roles));
  }
}
