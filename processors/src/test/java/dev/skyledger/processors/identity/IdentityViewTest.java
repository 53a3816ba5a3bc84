package dev.skyledger.processors.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.identity.ProjectCreated;
import dev.skyledger.events.identity.ProjectDeleted;
import dev.skyledger.events.identity.ProjectUpdated;
import dev.skyledger.events.identity.RoleAssigned;
import dev.skyledger.events.identity.RoleCreated;
import dev.skyledger.events.identity.RoleDeleted;
import dev.skyledger.events.identity.RoleUnassigned;
import dev.skyledger.events.identity.UserCreated;
import dev.skyledger.events.identity.UserDeleted;
import dev.skyledger.events.identity.UserUpdated;
import dev.skyledger.processors.core.MapKeyValues;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Re-checking a token's roles against the identity events another context has seen. */
class IdentityViewTest {
  private static final String DOMAIN = "default";
  private final IdentityView view = new IdentityView(new MapKeyValues());
  private final Actor bob = new Actor("u-bob", "bob", "p-demo", List.of("member", "reader"));

  @BeforeEach
  void givenBobIsMemberAndReaderOfDemo() {
    given(new RoleCreated("r-member", "member", null, null), new RoleCreated("r-reader", "reader", null, null),
        new ProjectCreated("p-demo", DOMAIN, "demo", "", true, List.of(), null),
        new UserCreated("u-bob", DOMAIN, "bob", "hash", null, null, true, "p-demo", null),
        new RoleAssigned("p-demo", "u-bob", "r-member", null, null, false, false), new RoleAssigned("p-demo", "u-bob", "r-reader", null, null, false, false));
  }

  @Test
  void givenRolesStillAssigned_whenRechecked_thenTheActorIsUnchanged() {
    assertEquals(bob, view.recheck(bob));
  }

  @Test
  void givenOneRoleUnassigned_whenRechecked_thenOnlyThatRoleIsTakenAway() {
    given(new RoleUnassigned("p-demo", "u-bob", "r-member", null, null, false, false));
    assertEquals(List.of("reader"), view.recheck(bob).getRoles());
  }

  @Test
  void givenRoleUnassignedThenAssignedAgain_whenRechecked_thenTheRoleIsHeld() {
    given(new RoleUnassigned("p-demo", "u-bob", "r-member", null, null, false, false), new RoleAssigned("p-demo", "u-bob", "r-member", null, null, false, false));
    assertEquals(bob, view.recheck(bob));
  }

  @Test
  void givenUserDisabled_whenRechecked_thenNoRoles() {
    given(new UserUpdated("u-bob", "bob", null, null, false, "p-demo", null));
    assertEquals(List.of(), view.recheck(bob).getRoles());
  }

  @Test
  void givenUserDeleted_whenRechecked_thenNoRoles() {
    given(new UserDeleted("u-bob"));
    assertEquals(List.of(), view.recheck(bob).getRoles());
  }

  @Test
  void givenProjectDisabledOrDeleted_whenRechecked_thenNoRoles() {
    given(new ProjectUpdated("p-demo", "demo", "", false, null));
    assertEquals(List.of(), view.recheck(bob).getRoles());
    given(new ProjectDeleted("p-demo"));
    assertEquals(List.of(), view.recheck(bob).getRoles());
  }

  @Test
  void givenRoleDeleted_whenRechecked_thenThatRoleIsTakenAway() {
    given(new RoleDeleted("r-member"));
    assertEquals(List.of("reader"), view.recheck(bob).getRoles());
  }

  @Test
  void givenGrantNotYetSeen_whenRechecked_thenTheTokensRoleStands() {
    Actor carol = new Actor("u-carol", "carol", "p-new", List.of("member"));
    assertEquals(carol, view.recheck(carol), "the view may lag the token; only removals it has seen count");
    given(new UserCreated("u-carol", DOMAIN, "carol", "hash", null, null, true, null, null));
    assertEquals(carol, view.recheck(carol));
  }

  @Test
  void givenSystemActor_whenRechecked_thenUnchanged() {
    Actor system = new Actor(null, "system", null, List.of("system"));
    assertEquals(system, view.recheck(system));
  }

  @Test
  void givenEventsAppliedTwice_whenRechecked_thenSameAnswer() {
    SpecificRecord revoke = new RoleUnassigned("p-demo", "u-bob", "r-member", null, null, false, false);
    given(revoke, revoke);
    assertEquals(List.of("reader"), view.recheck(bob).getRoles());
  }

  private void given(SpecificRecord... events) {
    for (SpecificRecord e : events) view.apply(e);
  }
}
