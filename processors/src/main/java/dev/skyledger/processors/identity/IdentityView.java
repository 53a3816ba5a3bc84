package dev.skyledger.processors.identity;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.identity.ProjectDeleted;
import dev.skyledger.events.identity.RoleAssigned;
import dev.skyledger.events.identity.RoleCreated;
import dev.skyledger.events.identity.RoleDeleted;
import dev.skyledger.events.identity.RoleUnassigned;
import dev.skyledger.events.identity.RoleUpdated;
import dev.skyledger.events.identity.UserDeleted;
import dev.skyledger.processors.core.KeyValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * The identity state as the deciders of other contexts see it: the same users, projects, roles,
 * groups and grants the identity decider keeps (built by the same {@code evolve}), plus a mark for each
 * thing taken away, so that a command carrying a token's roles can be re-checked against what is
 * assigned now.
 *
 * <p>The view is fed from {@code identity.events} and may be a few milliseconds behind the identity
 * decider. So {@link #recheck} only takes a role away on evidence: the assignment, user, project or
 * role was removed or disabled. A role the view has not heard of yet (a grant that is still on its
 * way) is left as the token says, since the token was issued from a projection of those very events.
 */
public final class IdentityView {
  private static final String GONE = "x/";
  private final KeyValues kv;
  private final IdentityState state;

  public IdentityView(KeyValues kv) {
    this.kv = kv;
    this.state = new IdentityState(kv);
  }

  /** Applies one identity event. Applying the same event again leaves the same state. */
  public void apply(SpecificRecord event) {
    if (event instanceof RoleUnassigned e) {
      kv.put(GONE + IdentityState.key(new IdentityState.Assignment(e.getProjectId(), e.getUserId(), e.getRoleId(),
          e.getDomainId(), e.getGroupId(), e.getSystem(), e.getInherited())), "");
    } else if (event instanceof RoleAssigned e) {
      kv.delete(GONE + IdentityState.key(IdentityDecider.assignment(e)));
    } else if (event instanceof UserDeleted e) {
      kv.put(GONE + "u/" + e.getUserId(), "");
    } else if (event instanceof ProjectDeleted e) {
      kv.put(GONE + "p/" + e.getProjectId(), "");
    } else if (event instanceof RoleDeleted e) {
      state.role(e.getRoleId()).ifPresent(r -> kv.put(GONE + "rn/" + r.name(), ""));
    } else if (event instanceof RoleUpdated e) {
      state.role(e.getRoleId()).filter(r -> !r.name().equals(e.getName()))
          .ifPresent(r -> kv.put(GONE + "rn/" + r.name(), ""));
      kv.delete(GONE + "rn/" + e.getName());
    } else if (event instanceof RoleCreated e) {
      kv.delete(GONE + "rn/" + e.getName());
    }
    IdentityDecider.evolve(state, event);
  }

  /**
   * The actor with only the roles it still holds: none if its user or project was deleted or
   * disabled, and without each role whose assignment (or the role itself) was removed since.
   */
  public Actor recheck(Actor actor) {
    if (actor.getUserId() == null || actor.getRoles().isEmpty()) return actor;
    String userId = actor.getUserId();
    String projectId = actor.getProjectId();
    Optional<IdentityState.User> user = state.user(userId);
    if (user.isEmpty() ? gone("u/" + userId) : !user.get().enabled()) return withRoles(actor, List.of());
    if (projectId == null) return withRoles(actor, List.of());
    Optional<IdentityState.Project> project = state.project(projectId);
    if (project.isEmpty() ? gone("p/" + projectId) : !project.get().enabled()) return withRoles(actor, List.of());
    Set<String> effective = state.effectiveRoles(userId, projectId);
    List<String> held = new ArrayList<>();
    for (String name : actor.getRoles()) {
      Optional<IdentityState.Role> role = state.roleByName(name);
      boolean still = role.isEmpty()
          ? !gone("rn/" + name)
          : effective.contains(role.get().id())
              || !gone("a/" + projectId + "/" + userId + "/" + role.get().id());
      if (still) held.add(name);
    }
    return held.size() == actor.getRoles().size() ? actor : withRoles(actor, held);
  }

  private boolean gone(String key) {
    return kv.get(GONE + key).isPresent();
  }

  private static Actor withRoles(Actor actor, List<String> roles) {
    return Actor.newBuilder(actor).setRoles(new ArrayList<>(roles)).build();
  }
}
