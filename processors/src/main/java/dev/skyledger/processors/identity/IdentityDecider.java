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
    if (command instanceof CreateApplicationCredential c) return createAppCredential(c, actor, s);
    if (command instanceof DeleteApplicationCredential c) return deleteAppCredential(c, actor, s);
    if (command instanceof CreateTrust c) return CredentialDecisions.createTrust(c, actor, s);
    if (command instanceof DeleteTrust c) return CredentialDecisions.deleteTrust(c, actor, s);
    if (command instanceof CreateCredential c) return CredentialDecisions.create(c, actor, s);
    if (command instanceof UpdateCredential c) return CredentialDecisions.update(c, actor, s);
    if (command instanceof DeleteCredential c) return CredentialDecisions.delete(c, actor, s);
    if (!isAdmin(actor, s)) {
      return Decision.forbidden("You are not authorized to perform the requested action: admin required.");
    }
    if (command instanceof CreateDomain c) return DirectoryDecisions.createDomain(c, s);
    if (command instanceof UpdateDomain c) return DirectoryDecisions.updateDomain(c, s);
    if (command instanceof DeleteDomain c) return DirectoryDecisions.deleteDomain(c, s);
    if (command instanceof CreateProject c) return DirectoryDecisions.createProject(c, s);
    if (command instanceof UpdateProject c) return DirectoryDecisions.updateProject(c, s);
    if (command instanceof DeleteProject c) return DirectoryDecisions.deleteProject(c, s);
    if (command instanceof CreateUser c) return DirectoryDecisions.createUser(c, s);
    if (command instanceof UpdateUser c) return DirectoryDecisions.updateUser(c, s);
    if (command instanceof DeleteUser c) return DirectoryDecisions.deleteUser(c, s);
    if (command instanceof CreateGroup c) return DirectoryDecisions.createGroup(c, s);
    if (command instanceof UpdateGroup c) return DirectoryDecisions.updateGroup(c, s);
    if (command instanceof DeleteGroup c) return DirectoryDecisions.deleteGroup(c, s);
    if (command instanceof AddUserToGroup c) return DirectoryDecisions.addUserToGroup(c, s);
    if (command instanceof RemoveUserFromGroup c) return DirectoryDecisions.removeUserFromGroup(c, s);
    if (command instanceof CreateRole c) return RoleDecisions.createRole(c, s);
    if (command instanceof UpdateRole c) return RoleDecisions.updateRole(c, s);
    if (command instanceof DeleteRole c) return RoleDecisions.deleteRole(c, s);
    if (command instanceof AssignRole c) return RoleDecisions.assignRole(c, s);
    if (command instanceof UnassignRole c) return RoleDecisions.unassignRole(c, s);
    if (command instanceof CreateImpliedRole c) return RoleDecisions.createImpliedRole(c, s);
    if (command instanceof DeleteImpliedRole c) return RoleDecisions.deleteImpliedRole(c, s);
    if (command instanceof CreatePolicy c) return CredentialDecisions.createPolicy(c, s);
    if (command instanceof UpdatePolicy c) return CredentialDecisions.updatePolicy(c, s);
    if (command instanceof DeletePolicy c) return CredentialDecisions.deletePolicy(c, s);
    if (command instanceof CreateRegion c) return CatalogDecisions.createRegion(c, s);
    if (command instanceof UpdateRegion c) return CatalogDecisions.updateRegion(c, s);
    if (command instanceof DeleteRegion c) return CatalogDecisions.deleteRegion(c, s);
    if (command instanceof CreateService c) return CatalogDecisions.createService(c, s);
    if (command instanceof UpdateService c) return CatalogDecisions.updateService(c, s);
    if (command instanceof DeleteService c) return CatalogDecisions.deleteService(c, s);
    if (command instanceof CreateEndpoint c) return CatalogDecisions.createEndpoint(c, s);
    if (command instanceof UpdateEndpoint c) return CatalogDecisions.updateEndpoint(c, s);
    if (command instanceof DeleteEndpoint c) return CatalogDecisions.deleteEndpoint(c, s);
    return Decision.badRequest("Unknown identity command " + command.getSchema().getName() + ".");
  }

  static boolean isSystem(Actor actor) {
    return actor.getUserId() == null && actor.getRoles().contains("system");
  }

  /** The actor holds the admin role, now, on the project its token is scoped to (which is enabled). */
  static boolean isAdmin(Actor actor, IdentityState s) {
    if (isSystem(actor)) return true;
    if (actor.getUserId() == null) return false;
    boolean userEnabled = s.user(actor.getUserId()).map(User::enabled).orElse(false);
    if (actor.getProjectId() == null) {
      // a system-scoped token: the admin role on the system, held now
      return userEnabled && actor.getRoles().contains(ADMIN) && s.roleByName(ADMIN)
          .map(admin -> s.effectiveRolesOn(actor.getUserId(), IdentityState.SYSTEM).contains(admin.id())).orElse(false);
    }
    boolean projectEnabled = s.project(actor.getProjectId()).map(Project::enabled).orElse(false);
    Optional<Role> admin = s.roleByName(ADMIN);
    return userEnabled && projectEnabled && admin.isPresent()
        && s.effectiveRoles(actor.getUserId(), actor.getProjectId()).contains(admin.get().id());
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
          "Bootstrap project for initializing the cloud.", true, List.of(), null));
    }
    String userId = s.userByName(c.getDomainId(), c.getAdminUserName()).map(User::id).orElse(null);
    if (userId == null) {
      userId = c.getAdminUserId();
      events.add(new UserCreated(userId, c.getDomainId(), c.getAdminUserName(), c.getAdminPasswordHash(), null,
          null, true, projectId, null));
    }
    if (!s.assigned(projectId, userId, adminRole)) events.add(new RoleAssigned(projectId, userId, adminRole, null, null, false, false));
    // as Keystone's bootstrap does: the first admin also administers the system (system-scoped tokens)
    var onSystem = new IdentityState.Assignment(null, userId, adminRole, null, null, true, false);
    if (!s.granted(onSystem)) events.add(new RoleAssigned(null, userId, adminRole, null, null, true, false));
    CatalogDecisions.bootstrap(c.getCatalog(), s, events);
    return Decision.accept(userId, events);
  }

  private static String roleId(IdentityState s, String name, String newId, List<SpecificRecord> events) {
    Optional<Role> existing = s.roleByName(name);
    if (existing.isPresent()) return existing.get().id();
    events.add(new RoleCreated(newId, name, null, null));
    return newId;
  }

  private static Decision changePassword(ChangePassword c, Actor actor, IdentityState s) {
    // the API has checked the original password; a user changes their own, an admin anyone's
    if (!c.getUserId().equals(actor.getUserId()) && !isAdmin(actor, s)) {
      return Decision.forbidden("You may only change your own password.");
    }
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

  /** Made by the user themself, in the project their token is scoped to, with roles they hold there now. */
  private static Decision createAppCredential(CreateApplicationCredential c, Actor actor, IdentityState s) {
    if (!c.getUserId().equals(actor.getUserId())) {
      return Decision.forbidden("You may only create application credentials for yourself.");
    }
    if (s.user(c.getUserId()).filter(User::enabled).isEmpty()) return Decision.notFound("Could not find user: " + c.getUserId() + ".");
    if (s.project(c.getProjectId()).filter(Project::enabled).isEmpty()) {
      return Decision.notFound("Could not find project: " + c.getProjectId() + ".");
    }
    if (s.appCredential(c.getCredentialId()).isPresent()) {
      return Decision.conflict("Conflict occurred attempting to store application_credential - Duplicate ID, "
          + c.getCredentialId() + ".");
    }
    if (s.appCredentialByName(c.getUserId(), c.getName()).isPresent()) {
      return Decision.conflict("Conflict occurred attempting to store application_credential - Duplicate entry found "
          + "with name " + c.getName() + ".");
    }
    var held = s.effectiveRoles(c.getUserId(), c.getProjectId());
    for (String role : c.getRoleIds()) {
      if (!held.contains(role)) {
        return Decision.forbidden("You are not authorized to perform the requested action: the role " + role
            + " is not one you hold on project " + c.getProjectId() + ".");
      }
    }
    if (c.getRoleIds().isEmpty()) return Decision.badRequest("An application credential needs at least one role.");
    return Decision.accept(c.getCredentialId(), new ApplicationCredentialCreated(c.getCredentialId(), c.getUserId(),
        c.getProjectId(), c.getName(), c.getDescription(), c.getSecretHash(), c.getExpiresAt(), c.getRoleIds(),
        c.getUnrestricted()));
  }

  private static Decision deleteAppCredential(DeleteApplicationCredential c, Actor actor, IdentityState s) {
    if (!c.getUserId().equals(actor.getUserId()) && !isAdmin(actor, s)) {
      return Decision.forbidden("You may only delete your own application credentials.");
    }
    var found = s.appCredential(c.getCredentialId()).filter(a -> a.userId().equals(c.getUserId()));
    if (found.isEmpty()) return Decision.notFound("Could not find Application Credential: " + c.getCredentialId() + ".");
    return Decision.accept(c.getCredentialId(), new ApplicationCredentialDeleted(c.getCredentialId(), c.getUserId()));
  }

  private static Decision revokeToken(RevokeToken c, Actor actor, IdentityState s) {
    if (!isAdmin(actor, s) && !c.getUserId().equals(actor.getUserId())) {
      return Decision.forbidden("You are not authorized to revoke another user's token.");
    }
    return Decision.accept(c.getAuditId(), new TokenRevoked(c.getAuditId(), c.getUserId(), c.getExpiresAt()));
  }

  static Decision duplicateName(String kind, String name, String domainId) {
    return Decision.conflict("Conflict occurred attempting to store " + kind + " - Duplicate entry found with name "
        + name + " at domain ID " + domainId + ".");
  }

  /** Applies one event to the state. */
  static void evolve(IdentityState s, SpecificRecord event) {
    if (event instanceof DomainCreated e) {
      s.putDomain(new IdentityState.Domain(e.getDomainId(), e.getName(), e.getDescription(), e.getEnabled(),
          List.copyOf(e.getTags())), null);
    } else if (event instanceof DomainUpdated e) {
      s.domain(e.getDomainId()).ifPresent(d -> s.putDomain(new IdentityState.Domain(d.id(), e.getName(),
          e.getDescription(), e.getEnabled(), List.copyOf(e.getTags())), d.name()));
    } else if (event instanceof DomainDeleted e) {
      s.domain(e.getDomainId()).ifPresent(d -> {
        s.grantsOn("d:" + d.id()).forEach(s::unassign);
        s.deleteDomain(d);
      });
    } else if (event instanceof ProjectCreated e) {
      s.putProject(new Project(e.getProjectId(), e.getDomainId(), e.getName(), e.getDescription(), e.getEnabled(),
          e.getParentId()), null);
    } else if (event instanceof ProjectUpdated e) {
      s.project(e.getProjectId()).ifPresent(p -> s.putProject(
          new Project(p.id(), p.domainId(), e.getName(), e.getDescription(), e.getEnabled(), p.parentId()), p.name()));
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
        s.groupsOf(u.id()).forEach(g -> s.leave(g, u.id()));
        s.appCredentialsOf(u.id()).forEach(id -> s.appCredential(id).ifPresent(s::deleteAppCredential));
        s.credentialsOf(u.id()).forEach(id -> s.credential(id).ifPresent(s::deleteCredential));
        s.trustsOf(u.id()).forEach(id -> s.trust(id).ifPresent(s::deleteTrust));
        s.deleteUser(u);
      });
    } else if (event instanceof GroupCreated e) {
      s.putGroup(new IdentityState.Group(e.getGroupId(), e.getDomainId(), e.getName(), e.getDescription()), null);
    } else if (event instanceof GroupUpdated e) {
      s.group(e.getGroupId()).ifPresent(g -> s.putGroup(
          new IdentityState.Group(g.id(), g.domainId(), e.getName(), e.getDescription()), g.name()));
    } else if (event instanceof GroupDeleted e) {
      s.group(e.getGroupId()).ifPresent(g -> {
        s.assignmentsOfGroup(g.id()).forEach(s::unassign);
        s.deleteGroup(g);
      });
    } else if (event instanceof UserAddedToGroup e) {
      s.join(e.getGroupId(), e.getUserId());
    } else if (event instanceof UserRemovedFromGroup e) {
      s.leave(e.getGroupId(), e.getUserId());
    } else if (event instanceof RoleCreated e) {
      s.putRole(new Role(e.getRoleId(), e.getName(), e.getDescription(), e.getDomainId()), null);
    } else if (event instanceof RoleUpdated e) {
      s.role(e.getRoleId()).ifPresent(r -> s.putRole(new Role(r.id(), e.getName(), e.getDescription(), r.domainId()),
          r.name()));
    } else if (event instanceof RoleDeleted e) {
      s.role(e.getRoleId()).ifPresent(r -> {
        s.assignmentsOfRole(r.id()).forEach(s::unassign);
        s.deleteRole(r);
      });
    } else if (event instanceof RoleImplied e) {
      s.imply(e.getPriorRoleId(), e.getImpliedRoleId());
    } else if (event instanceof RoleImplicationRemoved e) {
      s.unimply(e.getPriorRoleId(), e.getImpliedRoleId());
    } else if (event instanceof RegionCreated e) {
      s.putRegion(new IdentityState.Region(e.getRegionId(), e.getDescription(), e.getParentRegionId()), null);
    } else if (event instanceof RegionUpdated e) {
      s.region(e.getRegionId()).ifPresent(r -> s.putRegion(
          new IdentityState.Region(r.id(), e.getDescription(), e.getParentRegionId()), r.parentRegionId()));
    } else if (event instanceof RegionDeleted e) {
      s.region(e.getRegionId()).ifPresent(s::deleteRegion);
    } else if (event instanceof ServiceCreated e) {
      s.putService(new IdentityState.Service(e.getServiceId(), e.getType(), e.getName(), e.getDescription(), e.getEnabled()));
    } else if (event instanceof ServiceUpdated e) {
      s.putService(new IdentityState.Service(e.getServiceId(), e.getType(), e.getName(), e.getDescription(), e.getEnabled()));
    } else if (event instanceof ServiceDeleted e) {
      s.service(e.getServiceId()).ifPresent(s::deleteService);
    } else if (event instanceof EndpointCreated e) {
      s.putEndpoint(new IdentityState.Endpoint(e.getEndpointId(), e.getServiceId(), e.getEndpointInterface(), e.getUrl(),
          e.getRegionId(), e.getEnabled()));
    } else if (event instanceof EndpointUpdated e) {
      s.putEndpoint(new IdentityState.Endpoint(e.getEndpointId(), e.getServiceId(), e.getEndpointInterface(), e.getUrl(),
          e.getRegionId(), e.getEnabled()));
    } else if (event instanceof EndpointDeleted e) {
      s.endpoint(e.getEndpointId()).ifPresent(s::deleteEndpoint);
    } else if (event instanceof TrustCreated e) {
      s.putTrust(new IdentityState.Trust(e.getTrustId(), e.getTrustorUserId(), e.getTrusteeUserId(), e.getProjectId()));
    } else if (event instanceof TrustDeleted e) {
      s.trust(e.getTrustId()).ifPresent(s::deleteTrust);
    } else if (event instanceof CredentialCreated e) {
      s.putCredential(new IdentityState.Credential(e.getCredentialId(), e.getUserId(), e.getProjectId(), e.getType()));
    } else if (event instanceof CredentialUpdated e) {
      s.putCredential(new IdentityState.Credential(e.getCredentialId(), e.getUserId(), e.getProjectId(), e.getType()));
    } else if (event instanceof CredentialDeleted e) {
      s.credential(e.getCredentialId()).ifPresent(s::deleteCredential);
    } else if (event instanceof PolicyCreated e) {
      s.putPolicy(e.getPolicyId());
    } else if (event instanceof PolicyUpdated e) {
      s.putPolicy(e.getPolicyId());
    } else if (event instanceof PolicyDeleted e) {
      s.deletePolicy(e.getPolicyId());
    } else if (event instanceof ApplicationCredentialCreated e) {
      s.putAppCredential(new IdentityState.AppCredential(e.getCredentialId(), e.getUserId(), e.getName()));
    } else if (event instanceof ApplicationCredentialDeleted e) {
      s.appCredential(e.getCredentialId()).ifPresent(s::deleteAppCredential);
    } else if (event instanceof RoleAssigned e) {
      s.assign(assignment(e));
    } else if (event instanceof RoleUnassigned e) {
      s.unassign(new Assignment(e.getProjectId(), e.getUserId(), e.getRoleId(), e.getDomainId(), e.getGroupId(),
          e.getSystem(), e.getInherited()));
    }
    // TokenRevoked changes no write-side state: revocation is enforced by every API process.
    // UserAuthFailed and its reset neither: the lockout is judged where passwords are checked.
  }

  static Assignment assignment(RoleAssigned e) {
    return new Assignment(e.getProjectId(), e.getUserId(), e.getRoleId(), e.getDomainId(), e.getGroupId(),
        e.getSystem(), e.getInherited());
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
    if (event instanceof RoleAssigned e) return e.getUserId() != null ? e.getUserId() : e.getGroupId();
    if (event instanceof RoleUnassigned e) return e.getUserId() != null ? e.getUserId() : e.getGroupId();
    if (event instanceof DomainCreated e) return e.getDomainId();
    if (event instanceof DomainUpdated e) return e.getDomainId();
    if (event instanceof DomainDeleted e) return e.getDomainId();
    if (event instanceof GroupCreated e) return e.getGroupId();
    if (event instanceof GroupUpdated e) return e.getGroupId();
    if (event instanceof GroupDeleted e) return e.getGroupId();
    if (event instanceof UserAddedToGroup e) return e.getGroupId();
    if (event instanceof UserRemovedFromGroup e) return e.getGroupId();
    if (event instanceof RoleImplied e) return e.getPriorRoleId();
    if (event instanceof ApplicationCredentialCreated e) return e.getCredentialId();
    if (event instanceof TrustCreated e) return e.getTrustId();
    if (event instanceof TrustDeleted e) return e.getTrustId();
    if (event instanceof CredentialCreated e) return e.getCredentialId();
    if (event instanceof CredentialUpdated e) return e.getCredentialId();
    if (event instanceof CredentialDeleted e) return e.getCredentialId();
    if (event instanceof PolicyCreated e) return e.getPolicyId();
    if (event instanceof PolicyUpdated e) return e.getPolicyId();
    if (event instanceof PolicyDeleted e) return e.getPolicyId();
    if (event instanceof ApplicationCredentialDeleted e) return e.getCredentialId();
    if (event instanceof RegionCreated e) return e.getRegionId();
    if (event instanceof RegionUpdated e) return e.getRegionId();
    if (event instanceof RegionDeleted e) return e.getRegionId();
    if (event instanceof ServiceCreated e) return e.getServiceId();
    if (event instanceof ServiceUpdated e) return e.getServiceId();
    if (event instanceof ServiceDeleted e) return e.getServiceId();
    if (event instanceof EndpointCreated e) return e.getEndpointId();
    if (event instanceof EndpointUpdated e) return e.getEndpointId();
    if (event instanceof EndpointDeleted e) return e.getEndpointId();
    if (event instanceof RoleImplicationRemoved e) return e.getPriorRoleId();
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
    if (event instanceof ApplicationCredentialCreated e) return e.getProjectId();
    if (event instanceof RoleUnassigned e) return e.getProjectId();
    return null;
  }
}
