package dev.skyledger.processors.identity;

import static dev.skyledger.processors.DecisionAssertions.assertAccepted;
import static dev.skyledger.processors.DecisionAssertions.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.identity.*;
import dev.skyledger.events.identity.AssignRole;
import dev.skyledger.events.identity.BootstrapIdentity;
import dev.skyledger.events.identity.ChangePassword;
import dev.skyledger.events.identity.CreateProject;
import dev.skyledger.events.identity.CreateRole;
import dev.skyledger.events.identity.CreateUser;
import dev.skyledger.events.identity.DeleteProject;
import dev.skyledger.events.identity.ProjectCreated;
import dev.skyledger.events.identity.ProjectDeleted;
import dev.skyledger.events.identity.RecordAuthFailure;
import dev.skyledger.events.identity.ResetAuthFailures;
import dev.skyledger.events.identity.RevokeToken;
import dev.skyledger.events.identity.RoleAssigned;
import dev.skyledger.events.identity.RoleCreated;
import dev.skyledger.events.identity.RoleUnassigned;
import dev.skyledger.events.identity.RoleUpdated;
import dev.skyledger.events.identity.TokenRevoked;
import dev.skyledger.events.identity.UnassignRole;
import dev.skyledger.events.identity.UpdateProject;
import dev.skyledger.events.identity.UpdateRole;
import dev.skyledger.events.identity.UpdateUser;
import dev.skyledger.events.identity.UserAuthFailed;
import dev.skyledger.events.identity.UserAuthFailuresReset;
import dev.skyledger.events.identity.UserCreated;
import dev.skyledger.events.identity.UserPasswordChanged;
import dev.skyledger.events.identity.UserUpdated;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.core.MapKeyValues;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The identity decider on plain objects: each test evolves the "given" events into a fresh state,
 * decides one command and checks the events or the rejection a client would see.
 */
class IdentityDeciderTest {
  private static final String DOMAIN = "default";
  private static final String ADMIN_ROLE = "r-admin";
  private static final String MEMBER_ROLE = "r-member";
  private static final String ADMIN_PROJECT = "p-admin";
  private static final String DEMO_PROJECT = "p-demo";
  private static final String ALICE = "u-alice";
  private static final String BOB = "u-bob";
  private static final Instant EXPIRES = Instant.parse("2030-01-01T00:00:00Z");

  /** Alice is admin on the admin project and member on demo; Bob is member on demo. */
  private static final Actor ALICE_AS_ADMIN = actor(ALICE, "alice", ADMIN_PROJECT, "admin");
  private static final Actor BOB_AS_MEMBER = actor(BOB, "bob", DEMO_PROJECT, "member");

  private final IdentityState state = new IdentityState(new MapKeyValues());

  // ---- bootstrap -------------------------------------------------------------------------------

  @Test
  void givenEmptyState_whenSystemBootstraps_thenBuiltInRolesAdminProjectUserAndAdminOnProjectAndSystemAreCreated() {
    Decision decision = IdentityDecider.decide(bootstrap("u-1", "p-1", "r-1", "r-2", "r-3"), Envelopes.system(), state);

    assertAccepted(decision);
    assertEquals(List.of(
        new RoleCreated("r-1", "admin", null, null),
        new RoleCreated("r-2", "member", null, null),
        new RoleCreated("r-3", "reader", null, null),
        new ProjectCreated("p-1", DOMAIN, "admin", "Bootstrap project for initializing the cloud.", true, List.of(), null),
        new UserCreated("u-1", DOMAIN, "admin", "hash-1", null, null, true, "p-1", null),
        new RoleAssigned("p-1", "u-1", "r-1", null, null, false, false),
        new RoleAssigned(null, "u-1", "r-1", null, null, true, false)), decision.events());
    assertEquals("u-1", decision.resourceId());
  }

  @Test
  void givenBootstrapped_whenSystemBootstrapsAgain_thenNoEventsAndTheExistingAdminIsReported() {
    given(IdentityDecider.decide(bootstrap("u-1", "p-1", "r-1", "r-2", "r-3"), Envelopes.system(), state).events());

    Decision again = IdentityDecider.decide(bootstrap("u-9", "p-9", "r-7", "r-8", "r-9"), Envelopes.system(), state);

    assertAccepted(again);
    assertEquals(List.of(), again.events());
    assertEquals("u-1", again.resourceId());
  }

  @Test
  void givenEmptyState_whenUserClaimingSystemRoleBootstraps_thenRejectedWith403() {
    Actor impostor = actor("u-mallory", "mallory", null, "system");

    Decision decision = IdentityDecider.decide(bootstrap("u-1", "p-1", "r-1", "r-2", "r-3"), impostor, state);

    assertRejected(403, decision);
  }

  // ---- projects --------------------------------------------------------------------------------

  @Test
  void givenAdmin_whenCreateProject_thenProjectCreated() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(
        new CreateProject("p-new", DOMAIN, "web", "web servers", true, List.of("prod"), null), ALICE_AS_ADMIN, state);

    assertAccepted(decision);
    assertEquals(List.of(new ProjectCreated("p-new", DOMAIN, "web", "web servers", true, List.of("prod"), null)),
        decision.events());
    assertEquals("p-new", decision.resourceId());
  }

  @Test
  void givenProjectNamedDemo_whenCreateAnotherProjectNamedDemo_thenRejectedWith409() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(
        new CreateProject("p-other", DOMAIN, "demo", "", true, List.of(), null), ALICE_AS_ADMIN, state);

    assertRejected(409, decision);
  }

  @Test
  void givenMember_whenCreateProject_thenRejectedWith403() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(
        new CreateProject("p-new", DOMAIN, "web", "", true, List.of(), null), BOB_AS_MEMBER, state);

    assertRejected(403, decision);
  }

  @Test
  void givenAdminRoleUnassigned_whenCreateProjectWithTokenStillClaimingAdmin_thenRejectedWith403() {
    givenAliceAdminAndBobMember();
    given(new RoleUnassigned(ADMIN_PROJECT, ALICE, ADMIN_ROLE, null, null, false, false));

    Decision decision = IdentityDecider.decide(
        new CreateProject("p-new", DOMAIN, "web", "", true, List.of(), null), ALICE_AS_ADMIN, state);

    assertRejected(403, decision);
  }

  @Test
  void givenAdminUserDisabled_whenCreateProject_thenRejectedWith403() {
    givenAliceAdminAndBobMember();
    given(new UserUpdated(ALICE, "alice", null, null, false, ADMIN_PROJECT, null));

    Decision decision = IdentityDecider.decide(
        new CreateProject("p-new", DOMAIN, "web", "", true, List.of(), null), ALICE_AS_ADMIN, state);

    assertRejected(403, decision);
  }

  @Test
  void givenAdminOnlyOnAdminProject_whenCreateProjectWithTokenScopedToDemo_thenRejectedWith403() {
    givenAliceAdminAndBobMember();
    Actor aliceOnDemo = actor(ALICE, "alice", DEMO_PROJECT, "admin");

    Decision decision = IdentityDecider.decide(
        new CreateProject("p-new", DOMAIN, "web", "", true, List.of(), null), aliceOnDemo, state);

    assertRejected(403, decision);
  }

  @Test
  void givenNoSuchProject_whenUpdateProject_thenRejectedWith404() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(
        new UpdateProject("p-missing", "renamed", null, null, null), ALICE_AS_ADMIN, state);

    assertRejected(404, decision);
  }

  @Test
  void givenProjectsAdminAndDemo_whenRenameDemoToAdmin_thenRejectedWith409() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(
        new UpdateProject(DEMO_PROJECT, "admin", null, null, null), ALICE_AS_ADMIN, state);

    assertRejected(409, decision);
  }

  @Test
  void givenProjectWithAssignments_whenDeleteProject_thenItsAssignmentsAreGoneAndOthersStay() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(new DeleteProject(DEMO_PROJECT), ALICE_AS_ADMIN, state);
    assertAccepted(decision);
    assertEquals(List.of(new ProjectDeleted(DEMO_PROJECT)), decision.events());
    given(decision.events());

    assertFalse(state.project(DEMO_PROJECT).isPresent());
    assertFalse(state.assigned(DEMO_PROJECT, BOB, MEMBER_ROLE));
    assertFalse(state.assigned(DEMO_PROJECT, ALICE, MEMBER_ROLE));
    assertTrue(state.assigned(ADMIN_PROJECT, ALICE, ADMIN_ROLE));
  }

  // ---- users -----------------------------------------------------------------------------------

  @Test
  void givenUserNamedBob_whenCreateAnotherUserNamedBob_thenRejectedWith409() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(
        new CreateUser("u-bob-2", DOMAIN, "bob", "hash", null, null, true, null, null), ALICE_AS_ADMIN, state);

    assertRejected(409, decision);
  }

  @Test
  void givenUser_whenAdminUpdatesUserWithPassword_thenUserUpdatedAndPasswordChanged() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(
        new UpdateUser(BOB, null, "new-hash", "bob@example.org", null, null, null, null), ALICE_AS_ADMIN, state);

    assertAccepted(decision);
    assertEquals(List.of(
        new UserUpdated(BOB, "bob", "bob@example.org", null, true, DEMO_PROJECT, null),
        new UserPasswordChanged(BOB, "new-hash")), decision.events());
    given(decision.events());
    assertEquals("new-hash", state.user(BOB).orElseThrow().passwordHash());
    assertEquals("bob@example.org", state.user(BOB).orElseThrow().email());
  }

  @Test
  void givenUser_whenChangeOwnPassword_thenPasswordChanged() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(new ChangePassword(BOB, "bob-new"), BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(List.of(new UserPasswordChanged(BOB, "bob-new")), decision.events());
  }

  @Test
  void givenOtherUser_whenChangePasswordOfSomeoneElse_thenRejectedWith403() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(new ChangePassword(ALICE, "pwned"), BOB_AS_MEMBER, state);

    assertRejected(403, decision);
  }

  // ---- role assignments ------------------------------------------------------------------------

  @Test
  void givenRoleNotAssigned_whenAssignRole_thenRoleAssigned() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(new AssignRole(ADMIN_PROJECT, BOB, MEMBER_ROLE, null, null, false, false), ALICE_AS_ADMIN, state);

    assertAccepted(decision);
    assertEquals(List.of(new RoleAssigned(ADMIN_PROJECT, BOB, MEMBER_ROLE, null, null, false, false)), decision.events());
  }

  @Test
  void givenRoleAlreadyAssigned_whenAssignRoleAgain_thenAcceptedWithNoEvents() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(new AssignRole(DEMO_PROJECT, BOB, MEMBER_ROLE, null, null, false, false), ALICE_AS_ADMIN, state);

    assertAccepted(decision);
    assertEquals(List.of(), decision.events());
    assertEquals(MEMBER_ROLE, decision.resourceId());
  }

  @Test
  void givenRoleNotAssigned_whenUnassignRole_thenRejectedWith404() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(new UnassignRole(ADMIN_PROJECT, BOB, MEMBER_ROLE, null, null, false, false), ALICE_AS_ADMIN, state);

    assertRejected(404, decision);
  }

  @Test
  void givenUnknownUser_whenAssignRole_thenRejectedWith404() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(new AssignRole(DEMO_PROJECT, "u-ghost", MEMBER_ROLE, null, null, false, false), ALICE_AS_ADMIN, state);

    assertRejected(404, decision);
  }

  @Test
  void givenUnknownRole_whenAssignRole_thenRejectedWith404() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(new AssignRole(DEMO_PROJECT, BOB, "r-ghost", null, null, false, false), ALICE_AS_ADMIN, state);

    assertRejected(404, decision);
  }

  @Test
  void givenUnknownProject_whenAssignRole_thenRejectedWith404() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(new AssignRole("p-ghost", BOB, MEMBER_ROLE, null, null, false, false), ALICE_AS_ADMIN, state);

    assertRejected(404, decision);
  }

  // ---- tokens ----------------------------------------------------------------------------------

  @Test
  void givenMember_whenRevokeOwnToken_thenTokenRevoked() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(new RevokeToken("audit-1", BOB, EXPIRES), BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(List.of(new TokenRevoked("audit-1", BOB, EXPIRES)), decision.events());
  }

  @Test
  void givenMember_whenRevokeSomeoneElsesToken_thenRejectedWith403() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(new RevokeToken("audit-2", ALICE, EXPIRES), BOB_AS_MEMBER, state);

    assertRejected(403, decision);
  }

  @Test
  void givenAdmin_whenRevokeSomeoneElsesToken_thenTokenRevoked() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(new RevokeToken("audit-3", BOB, EXPIRES), ALICE_AS_ADMIN, state);

    assertAccepted(decision);
    assertEquals(List.of(new TokenRevoked("audit-3", BOB, EXPIRES)), decision.events());
  }

  // ---- roles ----------------------------------------------------------------------------------

  @Test
  void givenRoleMember_whenAdminRenamesIt_thenRoleUpdatedAndTheOldNameIsFree() {
    givenAliceAdminAndBobMember();

    Decision decision = IdentityDecider.decide(new UpdateRole(MEMBER_ROLE, "operator", "runs things"), ALICE_AS_ADMIN, state);

    assertAccepted(decision);
    assertEquals(List.of(new RoleUpdated(MEMBER_ROLE, "operator", "runs things")), decision.events());
    given(decision.events());
    assertAccepted(IdentityDecider.decide(new CreateRole("r-new", "member", null, null), ALICE_AS_ADMIN, state));
    assertRejected(409, IdentityDecider.decide(new CreateRole("r-new", "operator", null, null), ALICE_AS_ADMIN, state));
  }

  @Test
  void givenRolesAdminAndMember_whenRenameMemberToAdmin_thenRejectedWith409() {
    givenAliceAdminAndBobMember();

    assertRejected(409, IdentityDecider.decide(new UpdateRole(MEMBER_ROLE, "admin", null), ALICE_AS_ADMIN, state));
  }

  @Test
  void givenNoSuchRole_whenUpdateRole_thenRejectedWith404() {
    givenAliceAdminAndBobMember();

    assertRejected(404, IdentityDecider.decide(new UpdateRole("r-missing", "x", null), ALICE_AS_ADMIN, state));
  }

  @Test
  void givenMember_whenUpdateRole_thenRejectedWith403() {
    givenAliceAdminAndBobMember();

    assertRejected(403, IdentityDecider.decide(new UpdateRole(MEMBER_ROLE, "x", null), BOB_AS_MEMBER, state));
  }

  // ---- given/then helpers ----------------------------------------------------------------------

  @Test
  void onlyTheServiceRecordsAFailedPasswordAndOnlyForAUserThatExists() {
    givenAliceAdminAndBobMember();

    Decision recorded = IdentityDecider.decide(new RecordAuthFailure(BOB), Envelopes.system(), state);
    assertAccepted(recorded);
    assertEquals(List.of(new UserAuthFailed(BOB)), recorded.events());
    assertEquals(List.of(new UserAuthFailuresReset(BOB)),
        IdentityDecider.decide(new ResetAuthFailures(BOB), Envelopes.system(), state).events());
    assertRejected(404, IdentityDecider.decide(new RecordAuthFailure("u-nobody"), Envelopes.system(), state));
    assertRejected(403, IdentityDecider.decide(new ResetAuthFailures(BOB), BOB_AS_MEMBER, state));
    assertRejected(403, IdentityDecider.decide(new RecordAuthFailure(ALICE), ALICE_AS_ADMIN, state));
  }

  private void givenAliceAdminAndBobMember() {
    given(
        new RoleCreated(ADMIN_ROLE, "admin", null, null),
        new RoleCreated(MEMBER_ROLE, "member", null, null),
        new ProjectCreated(ADMIN_PROJECT, DOMAIN, "admin", "", true, List.of(), null),
        new ProjectCreated(DEMO_PROJECT, DOMAIN, "demo", "", true, List.of(), null),
        new UserCreated(ALICE, DOMAIN, "alice", "alice-hash", null, null, true, ADMIN_PROJECT, null),
        new UserCreated(BOB, DOMAIN, "bob", "bob-hash", null, null, true, DEMO_PROJECT, null),
        new RoleAssigned(ADMIN_PROJECT, ALICE, ADMIN_ROLE, null, null, false, false),
        new RoleAssigned(DEMO_PROJECT, ALICE, MEMBER_ROLE, null, null, false, false),
        new RoleAssigned(DEMO_PROJECT, BOB, MEMBER_ROLE, null, null, false, false));
  }

  // ---- domains, groups, grants, implied roles ------------------------------------------------------

  @Test
  void givenEnabledDomain_whenDeleteDomain_thenRejectedWith403UntilDisabled() {
    givenAliceAdminAndBobMember();
    given(new DomainCreated("d-1", "acme", "", true, List.of()));

    assertRejected(403, decide(new DeleteDomain("d-1")));
  }

  @Test
  void givenDisabledDomainWithProjectUserAndGroup_whenDeleteDomain_thenEachGoesByItsOwnEventThenTheDomain() {
    givenAliceAdminAndBobMember();
    given(new DomainCreated("d-1", "acme", "", false, List.of()),
        new ProjectCreated("p-acme", "d-1", "web", "", true, List.of(), null),
        new UserCreated("u-carol", "d-1", "carol", null, null, null, true, null, null),
        new GroupCreated("g-ops", "d-1", "ops", null),
        new UserAddedToGroup("g-ops", "u-carol"));

    Decision decision = decide(new DeleteDomain("d-1"));

    assertAccepted(decision);
    assertEquals(List.of(new ProjectDeleted("p-acme"), new UserDeleted("u-carol"),
        new UserRemovedFromGroup("g-ops", "u-carol"), new GroupDeleted("g-ops"), new DomainDeleted("d-1")),
        decision.events());
    given(decision.events());
    assertTrue(state.domain("d-1").isEmpty());
    assertTrue(state.groupByName("d-1", "ops").isEmpty());
  }

  @Test
  void givenDefaultDomain_whenDeleteIt_thenRejectedWith403() {
    givenAliceAdminAndBobMember();
    assertRejected(403, decide(new DeleteDomain(DOMAIN)));
  }

  @Test
  void givenDomainNamedAcme_whenCreateAnotherNamedAcme_thenRejectedWith409() {
    givenAliceAdminAndBobMember();
    given(new DomainCreated("d-1", "acme", "", true, List.of()));
    assertRejected(409, decide(new CreateDomain("d-2", "acme", "", true, List.of())));
  }

  @Test
  void givenNoSuchDomain_whenCreateProjectOrUserOrGroupInIt_thenRejectedWith404() {
    givenAliceAdminAndBobMember();
    assertRejected(404, decide(new CreateProject("p-x", "d-none", "x", "", true, List.of(), null)));
    assertRejected(404, decide(new CreateUser("u-x", "d-none", "x", null, null, null, true, null, null)));
    assertRejected(404, decide(new CreateGroup("g-x", "d-none", "x", null)));
  }

  @Test
  void givenSameProjectNameInTwoDomains_whenCreated_thenBothAccepted() {
    givenAliceAdminAndBobMember();
    given(new DomainCreated("d-1", "acme", "", true, List.of()));
    assertAccepted(decide(new CreateProject("p-x", "d-1", "demo", "", true, List.of(), null)));
  }

  @Test
  void givenParentProject_whenDeleteParent_thenRejectedWith403AndChildMayBeDeleted() {
    givenAliceAdminAndBobMember();
    Decision child = decide(new CreateProject("p-child", DOMAIN, "child", "", true, List.of(), DEMO_PROJECT));
    assertAccepted(child);
    given(child.events());

    assertRejected(403, decide(new DeleteProject(DEMO_PROJECT)));
    assertAccepted(decide(new DeleteProject("p-child")));
  }

  @Test
  void givenParentInAnotherDomain_whenCreateChild_thenRejectedWith400() {
    givenAliceAdminAndBobMember();
    given(new DomainCreated("d-1", "acme", "", true, List.of()));
    assertRejected(400, decide(new CreateProject("p-x", "d-1", "x", "", true, List.of(), DEMO_PROJECT)));
  }

  @Test
  void givenGroupWithMemberBobGrantedAdminOnDemo_whenBobActs_thenHeIsAdminUntilHeLeavesTheGroup() {
    givenAliceAdminAndBobMember();
    given(new GroupCreated("g-ops", DOMAIN, "ops", null),
        new UserAddedToGroup("g-ops", BOB),
        new RoleAssigned(DEMO_PROJECT, null, ADMIN_ROLE, null, "g-ops", false, false));
    Actor bobAsAdmin = actor(BOB, "bob", DEMO_PROJECT, "admin");

    assertAccepted(IdentityDecider.decide(new CreateRole("r-x", "x", null, null), bobAsAdmin, state));
    given(new UserRemovedFromGroup("g-ops", BOB));
    assertRejected(403, IdentityDecider.decide(new CreateRole("r-y", "y", null, null), bobAsAdmin, state));
  }

  @Test
  void givenAdminInheritedFromTheDomain_whenBobActsOnAProjectOfIt_thenHeIsAdminThere() {
    givenAliceAdminAndBobMember();
    given(new RoleAssigned(null, BOB, ADMIN_ROLE, DOMAIN, null, false, true));

    assertTrue(state.effectiveRoles(BOB, DEMO_PROJECT).contains(ADMIN_ROLE));
    assertTrue(state.effectiveRolesOn(BOB, "d:" + DOMAIN).isEmpty(), "inherited: for the projects, not the domain");
  }

  @Test
  void givenRoleImplyingAdmin_whenHeldOnAProject_thenAdminIsHeldToo() {
    givenAliceAdminAndBobMember();
    given(new RoleCreated("r-boss", "boss", null, null));
    Decision implied = decide(new CreateImpliedRole("r-boss", ADMIN_ROLE));
    assertAccepted(implied);
    given(implied.events());
    given(new RoleAssigned(DEMO_PROJECT, BOB, "r-boss", null, null, false, false));

    assertEquals(java.util.Set.of("r-boss", ADMIN_ROLE, MEMBER_ROLE), state.effectiveRoles(BOB, DEMO_PROJECT));
  }

  @Test
  void givenAdminImpliesBoss_whenBossWouldImplyAdmin_thenRejectedWith409ForTheCycle() {
    givenAliceAdminAndBobMember();
    given(new RoleCreated("r-boss", "boss", null, null), new RoleImplied(ADMIN_ROLE, "r-boss"));
    assertRejected(409, decide(new CreateImpliedRole("r-boss", ADMIN_ROLE)));
  }

  @Test
  void givenGrantNamingNoTarget_whenAssign_thenRejectedWith400() {
    givenAliceAdminAndBobMember();
    assertRejected(400, decide(new AssignRole(null, BOB, ADMIN_ROLE, null, null, false, false)));
    assertRejected(400, decide(new AssignRole(DEMO_PROJECT, BOB, ADMIN_ROLE, DOMAIN, null, false, false)));
  }

  @Test
  void givenDomainRole_whenGrantedOnAProjectOfAnotherDomain_thenRejectedWith403() {
    givenAliceAdminAndBobMember();
    given(new DomainCreated("d-1", "acme", "", true, List.of()), new RoleCreated("r-acme", "auditor", null, "d-1"));
    assertRejected(403, decide(new AssignRole(DEMO_PROJECT, BOB, "r-acme", null, null, false, false)));
  }

  @Test
  void givenGroupDeleted_thenItsGrantsAndMembershipsAreGone() {
    givenAliceAdminAndBobMember();
    given(new GroupCreated("g-ops", DOMAIN, "ops", null), new UserAddedToGroup("g-ops", BOB),
        new RoleAssigned(DEMO_PROJECT, null, ADMIN_ROLE, null, "g-ops", false, false));
    Decision decision = decide(new DeleteGroup("g-ops"));
    assertEquals(List.of(new UserRemovedFromGroup("g-ops", BOB), new GroupDeleted("g-ops")), decision.events());
    given(decision.events());

    assertFalse(state.effectiveRoles(BOB, DEMO_PROJECT).contains(ADMIN_ROLE));
    assertTrue(state.grantsOn(DEMO_PROJECT).stream().noneMatch(a -> "g-ops".equals(a.groupId())));
  }

  @Test
  void givenBootstrapWithTheDeploymentsServices_whenRunAgainAtANewUrl_thenOnlyTheEndpointUrlsChange() {
    var entry = new CatalogEntry("s-compute", "compute", "nova", "http://old/compute", "RegionOne");
    BootstrapIdentity first = BootstrapIdentity.newBuilder(bootstrap("u-1", "p-1", "r-1", "r-2", "r-3"))
        .setCatalog(List.of(entry)).build();
    Decision made = IdentityDecider.decide(first, Envelopes.system(), state);
    given(made.events());
    assertEquals(1, made.events().stream().filter(e -> e instanceof ServiceCreated).count());
    assertEquals(3, made.events().stream().filter(e -> e instanceof EndpointCreated).count());
    assertEquals(1, made.events().stream().filter(e -> e instanceof RegionCreated).count());

    BootstrapIdentity again = BootstrapIdentity.newBuilder(first)
        .setCatalog(List.of(new CatalogEntry("s-compute", "compute", "nova", "http://new/compute", "RegionOne"))).build();
    Decision moved = IdentityDecider.decide(again, Envelopes.system(), state);

    assertEquals(3, moved.events().size(), moved.events().toString());
    assertTrue(moved.events().stream().allMatch(e -> e instanceof EndpointUpdated u && u.getUrl().equals("http://new/compute")));
  }

  @Test
  void givenRegionWithAnEndpointInAChild_whenDeleteRegion_thenRejectedWith403() {
    givenAliceAdminAndBobMember();
    given(new RegionCreated("r-top", "", null), new RegionCreated("r-child", "", "r-top"),
        new ServiceCreated("s-1", "compute", null, null, true),
        new EndpointCreated("e-1", "s-1", "public", "http://x", "r-child", true));

    assertRejected(403, decide(new DeleteRegion("r-top")));
    given(new EndpointDeleted("e-1"));
    assertEquals(List.of(new RegionDeleted("r-child"), new RegionDeleted("r-top")), decide(new DeleteRegion("r-top")).events());
  }

  @Test
  void givenRegionTree_whenParentWouldBeItsOwnChild_thenRejectedWith400() {
    givenAliceAdminAndBobMember();
    given(new RegionCreated("r-top", "", null), new RegionCreated("r-child", "", "r-top"));
    assertRejected(400, decide(new UpdateRegion("r-top", null, "r-child")));
  }

  @Test
  void givenServiceWithEndpoints_whenDeleteService_thenEachEndpointGoesFirst() {
    givenAliceAdminAndBobMember();
    given(new ServiceCreated("s-1", "compute", null, null, true),
        new EndpointCreated("e-1", "s-1", "public", "http://x", null, true));
    assertEquals(List.of(new EndpointDeleted("e-1"), new ServiceDeleted("s-1")), decide(new DeleteService("s-1")).events());
    assertRejected(400, decide(new CreateEndpoint("e-2", "s-none", "public", "http://x", null, true)));
    assertRejected(400, decide(new CreateEndpoint("e-2", "s-1", "sideways", "http://x", null, true)));
  }

  @Test
  void givenGlobalRole_whenItWouldImplyADomainRole_thenRejectedWith403() {
    givenAliceAdminAndBobMember();
    given(new DomainCreated("d-1", "acme", "", true, List.of()), new RoleCreated("r-acme", "auditor", null, "d-1"));
    assertRejected(403, decide(new CreateImpliedRole(ADMIN_ROLE, "r-acme")));
    assertAccepted(decide(new CreateImpliedRole("r-acme", ADMIN_ROLE)));
  }

  @Test
  void givenBobsCredential_whenAnotherMemberTouchesIt_thenRejectedWith403AndBobAndAdminsMay() {
    givenAliceAdminAndBobMember();
    given(new UserCreated("u-carol", DOMAIN, "carol", null, null, null, true, null, null));
    Actor carol = actor("u-carol", "carol", DEMO_PROJECT, "member");
    Decision made = IdentityDecider.decide(new CreateCredential("c-1", BOB, DEMO_PROJECT, "ec2", "sb1:x"), BOB_AS_MEMBER, state);
    assertAccepted(made);
    given(made.events());

    assertRejected(403, IdentityDecider.decide(new DeleteCredential("c-1"), carol, state));
    assertRejected(403, IdentityDecider.decide(new CreateCredential("c-2", BOB, DEMO_PROJECT, "ec2", "sb1:y"), carol, state));
    assertAccepted(IdentityDecider.decide(new DeleteCredential("c-1"), ALICE_AS_ADMIN, state));
    given(new UserDeleted(BOB));
    assertTrue(state.credential("c-1").isEmpty(), "a user's credentials go with them");
  }

  @Test
  void givenApplicationCredential_whenMadeForAnotherUserOrWithRolesNotHeld_thenRejected() {
    givenAliceAdminAndBobMember();
    CreateApplicationCredential mine = new CreateApplicationCredential("ac-1", BOB, DEMO_PROJECT, "ci", null, "h", null,
        List.of(MEMBER_ROLE), false);
    assertAccepted(IdentityDecider.decide(mine, BOB_AS_MEMBER, state));
    assertRejected(403, IdentityDecider.decide(mine, ALICE_AS_ADMIN, state));
    CreateApplicationCredential greedy = CreateApplicationCredential.newBuilder(mine).setRoleIds(List.of(ADMIN_ROLE)).build();
    assertRejected(403, IdentityDecider.decide(greedy, BOB_AS_MEMBER, state));
  }

  private Decision decide(SpecificRecord command) {
    return IdentityDecider.decide(command, ALICE_AS_ADMIN, state);
  }

  private void given(SpecificRecord... events) {
    given(List.of(events));
  }

  private void given(List<SpecificRecord> events) {
    events.forEach(e -> IdentityDecider.evolve(state, e));
  }

  private static BootstrapIdentity bootstrap(String userId, String projectId, String adminRoleId,
                                             String memberRoleId, String readerRoleId) {
    return BootstrapIdentity.newBuilder()
        .setDomainId(DOMAIN)
        .setAdminUserId(userId)
        .setAdminUserName("admin")
        .setAdminPasswordHash("hash-1")
        .setAdminProjectId(projectId)
        .setAdminProjectName("admin")
        .setAdminRoleId(adminRoleId)
        .setMemberRoleId(memberRoleId)
        .setReaderRoleId(readerRoleId)
        .build();
  }

  private static Actor actor(String userId, String userName, String projectId, String... roles) {
    return new Actor(userId, userName, projectId, List.of(roles));
  }
}
