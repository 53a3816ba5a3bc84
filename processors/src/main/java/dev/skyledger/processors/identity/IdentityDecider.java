package dev.skyledger.processors.identity;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.identity.*;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.identity.IdentityState.Assignment;
import dev.skyledger.processors.identity.IdentityState.Project;
import dev.skyledger.processors.identity.IdentityState.Role;
import dev.skyledger.processors.identity.IdentityState.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decides identity commands. {@link #decide} only reads the state and returns events or a
 * rejection; {@link #evolve} applies one event to the state. Neither reads a clock, a random
 * source or anything but its arguments: commands bring their ids.
 *
 * <p>Authorization is checked here against the current role assignments, so a role removed a
 * moment ago no longer authorizes a write even if the caller's token still lists it.
 */
final class IdentityDecider {
  static final String DEFAULT_DOMAIN = "default";
  static final String ADMIN = "admin";

  private IdentityDecider() {}

  static Decision decide(SpecificRecord command, Actor actor, IdentityState s) {
    if (command instanceof BootstrapIdentity c) return bootstrap(c, actor, s);
    if (command instanceof ChangePassword c) return changePassword(c, actor, s);
    if (command instanceof RevokeToken c) return revokeToken(c, actor, s);
    if (command instanceof RecordAuthFailure c) return authFailure(c.getUserId(), new UserAuthFailed(c.getUserId()), actor, s);
    if (command instanceof ResetAuthFailures c) {
      return authFailure(c.getUserId(), new UserAuthFailuresReset(c.getUserId()), actor, s);
    }
    if (!isAdmin(actor, s)) {
      return Decision.forbidden("You are not authorized to perform the requested action: admin required.");
    }
    if (command instanceof CreateProject c) return createProject(c, s);
    if (command instanceof UpdateProject c) return updateProject(c, s);
    if (command instanceof DeleteProject c) return deleteProject(c, s);
    if (command instanceof CreateUser c) return createUser(c, s);
    if (command instanceof UpdateUser c) return updateUser(c, s);
    if (command instanceof DeleteUser c) return deleteUser(c, s);
    if (command instanceof CreateRole c) return createRole(c, s);
    if (command instanceof UpdateRole c) return updateRole(c, s);
    if (command instanceof DeleteRole c) return deleteRole(c, s);
    if (command instanceof AssignRole c) return assignRole(c, s);
    if (command instanceof UnassignRole c) return unassignRole(c, s);
    return Decision.badRequest("Unknown identity command " + command.getSchema().getName() + ".");
  }

  static boolean isSystem(Actor actor) {
    return actor.getUserId() == null && actor.getRoles().contains("system");
  }

  /** The actor holds the admin role, now, on the project its token is scoped to (which is enabled). */
  static boolean isAdmin(Actor actor, IdentityState s) {
    if (isSystem(actor)) return true;
    if (actor.getUserId() == null || actor.getProjectId() == null) return false;
    boolean userEnabled = s.user(actor.getUserId()).map(User::enabled).orElse(false);
    boolean projectEnabled = s.project(actor.getProjectId()).map(Project::enabled).orElse(false);
    Optional<Role> admin = s.roleByName(ADMIN);
    return userEnabled && projectEnabled && admin.isPresent()
        && s.assigned(actor.getProjectId(), actor.getUserId(), admin.get().id());
  }

  private static Decision bootstrap(BootstrapIdentity c, Actor actor, IdentityState s) {
    if (!isSystem(actor)) return Decision.forbidden("Only the platform may bootstrap identity.");
    List<SpecificRecord> events = new ArrayList<>();
    String adminRole = roleId(s, "admin", c.getAdminRoleId(), events);
    roleId(s, "member", c.getMemberRoleId(), events);
    roleId(s, "reader", c.getReaderRoleId(), events);
    String projectId = s.projectByName(c.getDomainId(), c.getAdminProjectName()).map(Project::id).orElse(null);
    if (projectId == null) {
      projectId = c.getAdminProjectId();
      events.add(new ProjectCreated(projectId, c.getDomainId(), c.getAdminProjectName(),
          "Bootstrap project for initializing the cloud.", true, List.of()));
    }
    String userId = s.userByName(c.getDomainId(), c.getAdminUserName()).map(User::id).orElse(null);
    if (userId == null) {
      userId = c.getAdminUserId();
      events.add(new UserCreated(userId, c.getDomainId(), c.getAdminUserName(), c.getAdminPasswordHash(), null,
          null, true, projectId));
    }
    if (!s.assigned(projectId, userId, adminRole)) events.add(new RoleAssigned(projectId, userId, adminRole));
    return Decision.accept(userId, events);
  }

  private static String roleId(IdentityState s, String name, String newId, List<SpecificRecord> events) {
    Optional<Role> existing = s.roleByName(name);
    if (existing.isPresent()) return existing.get().id();
    events.add(new RoleCreated(newId, name, null));
    return newId;
  }

  private static Decision createProject(CreateProject c, IdentityState s) {
    if (!c.getDomainId().equals(DEFAULT_DOMAIN)) return Decision.notFound("Could not find domain: " + c.getDomainId() + ".");
    if (s.project(c.getProjectId()).isPresent()) return Decision.conflict("Conflict occurred attempting to store project - Duplicate ID, " + c.getProjectId() + ".");
    if (s.projectByName(c.getDomainId(), c.getName()).isPresent()) return duplicateName("project", c.getName(), c.getDomainId());
    return Decision.accept(c.getProjectId(), new ProjectCreated(c.getProjectId(), c.getDomainId(), c.getName(),
        c.getDescription(), c.getEnabled(), c.getTags()));
  }

  private static Decision updateProject(UpdateProject c, IdentityState s) {
    Optional<Project> found = s.project(c.getProjectId());
    if (found.isEmpty()) return Decision.notFound("Could not find project: " + c.getProjectId() + ".");
    Project p = found.get();
    String name = c.getName() != null ? c.getName() : p.name();
    if (!name.equals(p.name()) && s.projectByName(p.domainId(), name).isPresent()) return duplicateName("project", name, p.domainId());
    return Decision.accept(p.id(), new ProjectUpdated(p.id(), name,
        c.getDescription() != null ? c.getDescription() : p.description(),
        c.getEnabled() != null ? c.getEnabled() : p.enabled()));
  }

  private static Decision deleteProject(DeleteProject c, IdentityState s) {
    if (s.project(c.getProjectId()).isEmpty()) return Decision.notFound("Could not find project: " + c.getProjectId() + ".");
    return Decision.accept(c.getProjectId(), new ProjectDeleted(c.getProjectId()));
  }

  private static Decision createUser(CreateUser c, IdentityState s) {
    if (!c.getDomainId().equals(DEFAULT_DOMAIN)) return Decision.notFound("Could not find domain: " + c.getDomainId() + ".");
    if (s.user(c.getUserId()).isPresent()) return Decision.conflict("Conflict occurred attempting to store user - Duplicate ID, " + c.getUserId() + ".");
    if (s.userByName(c.getDomainId(), c.getName()).isPresent()) return duplicateName("user", c.getName(), c.getDomainId());
    if (c.getDefaultProjectId() != null && s.project(c.getDefaultProjectId()).isEmpty()) {
      return Decision.badRequest("Invalid input for field 'default_project_id': could not find project: " + c.getDefaultProjectId() + ".");
    }
    return Decision.accept(c.getUserId(), new UserCreated(c.getUserId(), c.getDomainId(), c.getName(),
        c.getPasswordHash(), c.getEmail(), c.getDescription(), c.getEnabled(), c.getDefaultProjectId()));
  }

  private static Decision updateUser(UpdateUser c, IdentityState s) {
    Optional<User> found = s.user(c.getUserId());
    if (found.isEmpty()) return Decision.notFound("Could not find user: " + c.getUserId() + ".");
    User u = found.get();
    String name = c.getName() != null ? c.getName() : u.name();
    if (!name.equals(u.name()) && s.userByName(u.domainId(), name).isPresent()) return duplicateName("user", name, u.domainId());
    String defaultProject = c.getDefaultProjectId() != null ? c.getDefaultProjectId() : u.defaultProjectId();
    if (c.getDefaultProjectId() != null && s.project(c.getDefaultProjectId()).isEmpty()) {
      return Decision.badRequest("Invalid input for field 'default_project_id': could not find project: " + c.getDefaultProjectId() + ".");
    }
    List<SpecificRecord> events = new ArrayList<>();
    events.add(new UserUpdated(u.id(), name, c.getEmail() != null ? c.getEmail() : u.email(),
        c.getDescription() != null ? c.getDescription() : u.description(),
        c.getEnabled() != null ? c.getEnabled() : u.enabled(), defaultProject));
    if (c.getPasswordHash() != null) events.add(new UserPasswordChanged(u.id(), c.getPasswordHash()));
    return Decision.accept(u.id(), events);
  }

  private static Decision changePassword(ChangePassword c, Actor actor, IdentityState s) {
    if (!c.getUserId().equals(actor.getUserId())) return Decision.forbidden("You may only change your own password.");
    Optional<User> user = s.user(c.getUserId());
    if (user.isEmpty()) return Decision.notFound("Could not find user: " + c.getUserId() + ".");
    if (!user.get().enabled()) return Decision.reject(401, "Unauthorized", "The user is disabled.");
    return Decision.accept(c.getUserId(), new UserPasswordChanged(c.getUserId(), c.getPasswordHash()));
  }

  /**
   * A password check's outcome, recorded by the API itself (as the system: the caller has no token
   * yet): only for a user that exists, so an attacker guessing names writes nothing.
   */
  private static Decision authFailure(String userId, SpecificRecord event, Actor actor, IdentityState s) {
    if (!isSystem(actor)) return Decision.forbidden("Only the identity service records password checks.");
    if (s.user(userId).isEmpty()) return Decision.notFound("Could not find user: " + userId + ".");
    return Decision.accept(userId, event);
  }

  private static Decision deleteUser(DeleteUser c, IdentityState s) {
    if (s.user(c.getUserId()).isEmpty()) return Decision.notFound("Could not find user: " + c.getUserId() + ".");
    return Decision.accept(c.getUserId(), new UserDeleted(c.getUserId()));
  }

  private static Decision createRole(CreateRole c, IdentityState s) {
    if (s.role(c.getRoleId()).isPresent()) return Decision.conflict("Conflict occurred attempting to store role - Duplicate ID, " + c.getRoleId() + ".");
    if (s.roleByName(c.getName()).isPresent()) return Decision.conflict("Conflict occurred attempting to store role - Duplicate entry found with name " + c.getName() + ".");
    return Decision.accept(c.getRoleId(), new RoleCreated(c.getRoleId(), c.getName(), c.getDescription()));
  }

  private static Decision updateRole(UpdateRole c, IdentityState s) {
    Optional<Role> found = s.role(c.getRoleId());
    if (found.isEmpty()) return Decision.notFound("Could not find role: " + c.getRoleId() + ".");
    Role r = found.get();
    String name = c.getName() != null ? c.getName() : r.name();
    if (!name.equals(r.name()) && s.roleByName(name).isPresent()) {
      return Decision.conflict("Conflict occurred attempting to store role - Duplicate entry found with name " + name + ".");
    }
    return Decision.accept(r.id(), new RoleUpdated(r.id(), name,
        c.getDescription() != null ? c.getDescription() : r.description()));
  }

  private static Decision deleteRole(DeleteRole c, IdentityState s) {
    if (s.role(c.getRoleId()).isEmpty()) return Decision.notFound("Could not find role: " + c.getRoleId() + ".");
    return Decision.accept(c.getRoleId(), new RoleDeleted(c.getRoleId()));
  }

  private static Decision assignRole(AssignRole c, IdentityState s) {
    Decision missing = missingTarget(c.getProjectId(), c.getUserId(), c.getRoleId(), s);
    if (missing != null) return missing;
    if (s.assigned(c.getProjectId(), c.getUserId(), c.getRoleId())) return Decision.accept(c.getRoleId());
    return Decision.accept(c.getRoleId(), new RoleAssigned(c.getProjectId(), c.getUserId(), c.getRoleId()));
  }

  private static Decision unassignRole(UnassignRole c, IdentityState s) {
    Decision missing = missingTarget(c.getProjectId(), c.getUserId(), c.getRoleId(), s);
    if (missing != null) return missing;
    if (!s.assigned(c.getProjectId(), c.getUserId(), c.getRoleId())) {
      return Decision.notFound("Could not find role assignment with role: " + c.getRoleId() + ", user or group: "
          + c.getUserId() + ", project, domain, or system: " + c.getProjectId() + ".");
    }
    return Decision.accept(c.getRoleId(), new RoleUnassigned(c.getProjectId(), c.getUserId(), c.getRoleId()));
  }

  private static Decision missingTarget(String projectId, String userId, String roleId, IdentityState s) {
    if (s.project(projectId).isEmpty()) return Decision.notFound("Could not find project: " + projectId + ".");
    if (s.user(userId).isEmpty()) return Decision.notFound("Could not find user: " + userId + ".");
    if (s.role(roleId).isEmpty()) return Decision.notFound("Could not find role: " + roleId + ".");
    return null;
  }

  private static Decision revokeToken(RevokeToken c, Actor actor, IdentityState s) {
    if (!isAdmin(actor, s) && !c.getUserId().equals(actor.getUserId())) {
      return Decision.forbidden("You are not authorized to revoke another user's token.");
    }
    return Decision.accept(c.getAuditId(), new TokenRevoked(c.getAuditId(), c.getUserId(), c.getExpiresAt()));
  }

  private static Decision duplicateName(String kind, String name, String domainId) {
    return Decision.conflict("Conflict occurred attempting to store " + kind + " - Duplicate entry found with name "
        + name + " at domain ID " + domainId + ".");
  }

  /** Applies one event to the state. */
  static void evolve(IdentityState s, SpecificRecord event) {
    if (event instanceof ProjectCreated e) {
      s.putProject(new Project(e.getProjectId(), e.getDomainId(), e.getName(), e.getDescription(), e.getEnabled()), null);
    } else if (event instanceof ProjectUpdated e) {
      s.project(e.getProjectId()).ifPresent(p -> s.putProject(
          new Project(p.id(), p.domainId(), e.getName(), e.getDescription(), e.getEnabled()), p.name()));
    } else if (event instanceof ProjectDeleted e) {
      s.project(e.getProjectId()).ifPresent(p -> {
        s.assignmentsOfProject(p.id()).forEach(s::unassign);
        s.deleteProject(p);
      });
    } else if (event instanceof UserCreated e) {
      s.putUser(new User(e.getUserId(), e.getDomainId(), e.getName(), e.getPasswordHash(), e.getEmail(),
          e.getDescription(), e.getEnabled(), e.getDefaultProjectId()), null);
    } else if (event instanceof UserUpdated e) {
      s.user(e.getUserId()).ifPresent(u -> s.putUser(new User(u.id(), u.domainId(), e.getName(), u.passwordHash(),
          e.getEmail(), e.getDescription(), e.getEnabled(), e.getDefaultProjectId()), u.name()));
    } else if (event instanceof UserPasswordChanged e) {
      s.user(e.getUserId()).ifPresent(u -> s.putUser(new User(u.id(), u.domainId(), u.name(), e.getPasswordHash(),
          u.email(), u.description(), u.enabled(), u.defaultProjectId()), null));
    } else if (event instanceof UserDeleted e) {
      s.user(e.getUserId()).ifPresent(u -> {
        s.assignmentsOfUser(u.id()).forEach(s::unassign);
        s.deleteUser(u);
      });
    } else if (event instanceof RoleCreated e) {
      s.putRole(new Role(e.getRoleId(), e.getName(), e.getDescription()), null);
    } else if (event instanceof RoleUpdated e) {
      s.role(e.getRoleId()).ifPresent(r -> s.putRole(new Role(r.id(), e.getName(), e.getDescription()), r.name()));
    } else if (event instanceof RoleDeleted e) {
      s.role(e.getRoleId()).ifPresent(r -> {
        s.assignmentsOfRole(r.id()).forEach(s::unassign);
        s.deleteRole(r);
      });
    } else if (event instanceof RoleAssigned e) {
      s.assign(new Assignment(e.getProjectId(), e.getUserId(), e.getRoleId()));
    } else if (event instanceof RoleUnassigned e) {
      s.unassign(new Assignment(e.getProjectId(), e.getUserId(), e.getRoleId()));
    }
    // TokenRevoked changes no write-side state: revocation is enforced by every API process.
    // UserAuthFailed and its reset neither: the lockout is judged where passwords are checked.
  }

  /** The resource an identity event is about (its envelope's aggregate id). */
  static String aggregateOf(SpecificRecord event) {
    if (event instanceof ProjectCreated e) return e.getProjectId();
    if (event instanceof ProjectUpdated e) return e.getProjectId();
    if (event instanceof ProjectDeleted e) return e.getProjectId();
    if (event instanceof UserCreated e) return e.getUserId();
    if (event instanceof UserUpdated e) return e.getUserId();
    if (event instanceof UserPasswordChanged e) return e.getUserId();
    if (event instanceof UserDeleted e) return e.getUserId();
    if (event instanceof RoleCreated e) return e.getRoleId();
    if (event instanceof RoleUpdated e) return e.getRoleId();
    if (event instanceof RoleDeleted e) return e.getRoleId();
    if (event instanceof RoleAssigned e) return e.getUserId();
    if (event instanceof RoleUnassigned e) return e.getUserId();
    if (event instanceof TokenRevoked e) return e.getAuditId();
    if (event instanceof UserAuthFailed e) return e.getUserId();
    if (event instanceof UserAuthFailuresReset e) return e.getUserId();
    throw new IllegalArgumentException("not an identity event: " + event.getSchema().getFullName());
  }

  /** The project an identity event belongs to, if any. */
  static String projectOf(SpecificRecord event) {
    if (event instanceof ProjectCreated e) return e.getProjectId();
    if (event instanceof ProjectUpdated e) return e.getProjectId();
    if (event instanceof ProjectDeleted e) return e.getProjectId();
    if (event instanceof RoleAssigned e) return e.getProjectId();
    if (event instanceof RoleUnassigned e) return e.getProjectId();
    return null;
  }
}
