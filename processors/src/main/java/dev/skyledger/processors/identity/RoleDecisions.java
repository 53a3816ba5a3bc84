package dev.skyledger.processors.identity;

import dev.skyledger.events.identity.*;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.identity.IdentityState.Assignment;
import dev.skyledger.processors.identity.IdentityState.Role;
import java.util.Optional;
import java.util.Set;

/**
 * Decisions about roles: the roles themselves (global or in a domain), the rules by which one
 * implies another, and grants of them to users and groups on projects, domains and the system.
 */
final class RoleDecisions {
  private RoleDecisions() {}

  static Decision createRole(CreateRole c, IdentityState s) {
    if (c.getDomainId() != null && s.domain(c.getDomainId()).isEmpty()) {
      return DirectoryDecisions.domainNotFound(c.getDomainId());
    }
    if (s.role(c.getRoleId()).isPresent()) {
      return Decision.conflict("Conflict occurred attempting to store role - Duplicate ID, " + c.getRoleId() + ".");
    }
    if (s.roleByName(c.getDomainId(), c.getName()).isPresent()) return duplicate(c.getName());
    return Decision.accept(c.getRoleId(), new RoleCreated(c.getRoleId(), c.getName(), c.getDescription(),
        c.getDomainId()));
  }

  static Decision updateRole(UpdateRole c, IdentityState s) {
    Optional<Role> found = s.role(c.getRoleId());
    if (found.isEmpty()) return roleNotFound(c.getRoleId());
    Role r = found.get();
    String name = c.getName() != null ? c.getName() : r.name();
    if (!name.equals(r.name()) && s.roleByName(r.domainId(), name).isPresent()) return duplicate(name);
    return Decision.accept(r.id(), new RoleUpdated(r.id(), name,
        c.getDescription() != null ? c.getDescription() : r.description()));
  }

  static Decision deleteRole(DeleteRole c, IdentityState s) {
    if (s.role(c.getRoleId()).isEmpty()) return roleNotFound(c.getRoleId());
    return Decision.accept(c.getRoleId(), new RoleDeleted(c.getRoleId()));
  }

  static Decision assignRole(AssignRole c, IdentityState s) {
    Assignment a = assignment(c.getProjectId(), c.getUserId(), c.getRoleId(), c.getDomainId(), c.getGroupId(),
        c.getSystem(), c.getInherited());
    Decision invalid = check(a, s);
    if (invalid != null) return invalid;
    Role role = s.role(a.roleId()).orElseThrow();
    if (role.domainId() != null && !role.domainId().equals(domainOfTarget(a, s))) {
      return Decision.forbidden("Cannot assign a domain-specific role (" + role.id()
          + ") to a target outside its domain.");
    }
    if (s.granted(a)) return Decision.accept(c.getRoleId());
    return Decision.accept(c.getRoleId(), new RoleAssigned(a.projectId(), a.userId(), a.roleId(), a.domainId(),
        a.groupId(), a.system(), a.inherited()));
  }

  static Decision unassignRole(UnassignRole c, IdentityState s) {
    Assignment a = assignment(c.getProjectId(), c.getUserId(), c.getRoleId(), c.getDomainId(), c.getGroupId(),
        c.getSystem(), c.getInherited());
    Decision invalid = check(a, s);
    if (invalid != null) return invalid;
    if (!s.granted(a)) {
      return Decision.notFound("Could not find role assignment with role: " + a.roleId() + ", user or group: "
          + (a.userId() != null ? a.userId() : a.groupId()) + ", project, domain, or system: "
          + (a.projectId() != null ? a.projectId() : a.domainId() != null ? a.domainId() : "all") + ".");
    }
    return Decision.accept(c.getRoleId(), new RoleUnassigned(a.projectId(), a.userId(), a.roleId(), a.domainId(),
        a.groupId(), a.system(), a.inherited()));
  }

  static Decision createImpliedRole(CreateImpliedRole c, IdentityState s) {
    if (s.role(c.getPriorRoleId()).isEmpty()) return roleNotFound(c.getPriorRoleId());
    if (s.role(c.getImpliedRoleId()).isEmpty()) return roleNotFound(c.getImpliedRoleId());
    if (s.role(c.getPriorRoleId()).orElseThrow().domainId() == null
        && s.role(c.getImpliedRoleId()).orElseThrow().domainId() != null) {
      return Decision.forbidden("A global role (" + c.getPriorRoleId() + ") cannot imply a domain-specific role ("
          + c.getImpliedRoleId() + ").");
    }
    if (c.getPriorRoleId().equals(c.getImpliedRoleId())
        || s.withImplied(Set.of(c.getImpliedRoleId())).contains(c.getPriorRoleId())) {
      return Decision.reject(409, "Conflict", "Conflict occurred attempting to store implied_role - "
          + "the implication of " + c.getImpliedRoleId() + " by " + c.getPriorRoleId() + " would make a cycle.");
    }
    if (s.implies(c.getPriorRoleId(), c.getImpliedRoleId())) return Decision.accept(c.getPriorRoleId());
    return Decision.accept(c.getPriorRoleId(), new RoleImplied(c.getPriorRoleId(), c.getImpliedRoleId()));
  }

  static Decision deleteImpliedRole(DeleteImpliedRole c, IdentityState s) {
    if (!s.implies(c.getPriorRoleId(), c.getImpliedRoleId())) {
      return Decision.notFound("Could not find implied role: " + c.getPriorRoleId() + " implies "
          + c.getImpliedRoleId() + ".");
    }
    return Decision.accept(c.getPriorRoleId(), new RoleImplicationRemoved(c.getPriorRoleId(), c.getImpliedRoleId()));
  }

  private static Assignment assignment(String projectId, String userId, String roleId, String domainId,
                                       String groupId, boolean system, boolean inherited) {
    return new Assignment(projectId, userId, roleId, domainId, groupId, system, inherited);
  }

  /** Exactly one actor and one target, each existing, and the role existing. */
  private static Decision check(Assignment a, IdentityState s) {
    int targets = (a.projectId() != null ? 1 : 0) + (a.domainId() != null ? 1 : 0) + (a.system() ? 1 : 0);
    if (targets != 1) return Decision.badRequest("Specify one of a project, a domain or the system.");
    if ((a.userId() != null) == (a.groupId() != null)) return Decision.badRequest("Specify one of a user or a group.");
    if (a.projectId() != null && s.project(a.projectId()).isEmpty()) {
      return Decision.notFound("Could not find project: " + a.projectId() + ".");
    }
    if (a.domainId() != null && s.domain(a.domainId()).isEmpty()) return DirectoryDecisions.domainNotFound(a.domainId());
    if (a.userId() != null && s.user(a.userId()).isEmpty()) return Decision.notFound("Could not find user: " + a.userId() + ".");
    if (a.groupId() != null && s.group(a.groupId()).isEmpty()) return DirectoryDecisions.groupNotFound(a.groupId());
    if (s.role(a.roleId()).isEmpty()) return roleNotFound(a.roleId());
    return null;
  }

  private static String domainOfTarget(Assignment a, IdentityState s) {
    if (a.domainId() != null) return a.domainId();
    if (a.projectId() != null) return s.project(a.projectId()).map(IdentityState.Project::domainId).orElse(null);
    return null;
  }

  static Decision roleNotFound(String id) {
    return Decision.notFound("Could not find role: " + id + ".");
  }

  private static Decision duplicate(String name) {
    return Decision.conflict("Conflict occurred attempting to store role - Duplicate entry found with name " + name + ".");
  }
}
