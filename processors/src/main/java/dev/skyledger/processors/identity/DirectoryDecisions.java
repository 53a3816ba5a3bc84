package dev.skyledger.processors.identity;

import static dev.skyledger.processors.identity.IdentityDecider.DEFAULT_DOMAIN;
import static dev.skyledger.processors.identity.IdentityDecider.duplicateName;

import dev.skyledger.events.identity.*;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.identity.IdentityState.Domain;
import dev.skyledger.processors.identity.IdentityState.Group;
import dev.skyledger.processors.identity.IdentityState.Project;
import dev.skyledger.processors.identity.IdentityState.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decisions about what identities live in: domains, the projects, users and groups in them, and
 * group membership. Pure: reads the state, returns events or a rejection, in Keystone's words.
 */
final class DirectoryDecisions {
  private DirectoryDecisions() {}

  static Decision createDomain(CreateDomain c, IdentityState s) {
    if (s.domain(c.getDomainId()).isPresent()) {
      return Decision.conflict("Conflict occurred attempting to store domain - Duplicate ID, " + c.getDomainId() + ".");
    }
    if (s.domainByName(c.getName()).isPresent()) return duplicateDomain(c.getName());
    return Decision.accept(c.getDomainId(), new DomainCreated(c.getDomainId(), c.getName(), c.getDescription(),
        c.getEnabled(), c.getTags()));
  }

  static Decision updateDomain(UpdateDomain c, IdentityState s) {
    Optional<Domain> found = s.domain(c.getDomainId());
    if (found.isEmpty()) return domainNotFound(c.getDomainId());
    Domain d = found.get();
    String name = c.getName() != null ? c.getName() : d.name();
    if (!name.equals(d.name()) && s.domainByName(name).isPresent()) return duplicateDomain(name);
    return Decision.accept(d.id(), new DomainUpdated(d.id(), name,
        c.getDescription() != null ? c.getDescription() : d.description(),
        c.getEnabled() != null ? c.getEnabled() : d.enabled(), c.getTags() != null ? c.getTags() : d.tags()));
  }

  /** Everything in the domain goes first, each by its own event, so every reader of the log sees it go. */
  static Decision deleteDomain(DeleteDomain c, IdentityState s) {
    Optional<Domain> found = s.domain(c.getDomainId());
    if (found.isEmpty()) return domainNotFound(c.getDomainId());
    if (found.get().id().equals(DEFAULT_DOMAIN)) return Decision.forbidden("The default domain cannot be deleted.");
    if (found.get().enabled()) {
      return Decision.forbidden("Cannot delete a domain that is enabled, please disable it first.");
    }
    List<SpecificRecord> events = new ArrayList<>();
    for (String project : s.projectsOfDomain(c.getDomainId())) events.add(new ProjectDeleted(project));
    for (String user : s.usersOfDomain(c.getDomainId())) events.add(new UserDeleted(user));
    for (String group : s.groupsOfDomain(c.getDomainId())) {
      for (String member : s.membersOf(group)) events.add(new UserRemovedFromGroup(group, member));
      events.add(new GroupDeleted(group));
    }
    for (String role : s.rolesOfDomain(c.getDomainId())) events.add(new RoleDeleted(role));
    events.add(new DomainDeleted(c.getDomainId()));
    return Decision.accept(c.getDomainId(), events);
  }

  static Decision createProject(CreateProject c, IdentityState s) {
    if (s.domain(c.getDomainId()).isEmpty()) return domainNotFound(c.getDomainId());
    if (s.project(c.getProjectId()).isPresent()) {
      return Decision.conflict("Conflict occurred attempting to store project - Duplicate ID, " + c.getProjectId() + ".");
    }
    String parent = c.getParentId() == null || c.getParentId().equals(c.getDomainId()) ? null : c.getParentId();
    if (parent != null) {
      Optional<Project> p = s.project(parent);
      if (p.isEmpty()) return Decision.notFound("Could not find project: " + parent + ".");
      if (!p.get().domainId().equals(c.getDomainId())) {
        return Decision.badRequest("Cannot create project, the parent (" + parent
            + ") is in a different domain than the project.");
      }
      if (s.ancestors(p.get()).size() >= 8) {
        return Decision.forbidden("Max hierarchy depth reached for " + parent + " branch.");
      }
    }
    if (s.projectByName(c.getDomainId(), c.getName()).isPresent()) {
      return duplicateName("project", c.getName(), c.getDomainId());
    }
    return Decision.accept(c.getProjectId(), new ProjectCreated(c.getProjectId(), c.getDomainId(), c.getName(),
        c.getDescription(), c.getEnabled(), c.getTags(), parent));
  }

  static Decision updateProject(UpdateProject c, IdentityState s) {
    Optional<Project> found = s.project(c.getProjectId());
    if (found.isEmpty()) return Decision.notFound("Could not find project: " + c.getProjectId() + ".");
    Project p = found.get();
    String name = c.getName() != null ? c.getName() : p.name();
    if (!name.equals(p.name()) && s.projectByName(p.domainId(), name).isPresent()) {
      return duplicateName("project", name, p.domainId());
    }
    return Decision.accept(p.id(), new ProjectUpdated(p.id(), name,
        c.getDescription() != null ? c.getDescription() : p.description(),
        c.getEnabled() != null ? c.getEnabled() : p.enabled(), c.getTags()));
  }

  static Decision deleteProject(DeleteProject c, IdentityState s) {
    if (s.project(c.getProjectId()).isEmpty()) return Decision.notFound("Could not find project: " + c.getProjectId() + ".");
    if (s.hasChildren(c.getProjectId())) {
      return Decision.forbidden("Cannot delete the project " + c.getProjectId()
          + " since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.");
    }
    return Decision.accept(c.getProjectId(), new ProjectDeleted(c.getProjectId()));
  }

  static Decision createUser(CreateUser c, IdentityState s) {
    if (s.domain(c.getDomainId()).isEmpty()) return domainNotFound(c.getDomainId());
    if (s.user(c.getUserId()).isPresent()) {
      return Decision.conflict("Conflict occurred attempting to store user - Duplicate ID, " + c.getUserId() + ".");
    }
    if (s.userByName(c.getDomainId(), c.getName()).isPresent()) return duplicateName("user", c.getName(), c.getDomainId());
    if (c.getDefaultProjectId() != null && s.project(c.getDefaultProjectId()).isEmpty()) {
      return Decision.badRequest("Invalid input for field 'default_project_id': could not find project: "
          + c.getDefaultProjectId() + ".");
    }
    return Decision.accept(c.getUserId(), new UserCreated(c.getUserId(), c.getDomainId(), c.getName(),
        c.getPasswordHash(), c.getEmail(), c.getDescription(), c.getEnabled(), c.getDefaultProjectId(), c.getExtra()));
  }

  static Decision updateUser(UpdateUser c, IdentityState s) {
    Optional<User> found = s.user(c.getUserId());
    if (found.isEmpty()) return Decision.notFound("Could not find user: " + c.getUserId() + ".");
    User u = found.get();
    String name = c.getName() != null ? c.getName() : u.name();
    if (!name.equals(u.name()) && s.userByName(u.domainId(), name).isPresent()) return duplicateName("user", name, u.domainId());
    String defaultProject = c.getDefaultProjectId() != null ? c.getDefaultProjectId() : u.defaultProjectId();
    if (c.getDefaultProjectId() != null && s.project(c.getDefaultProjectId()).isEmpty()) {
      return Decision.badRequest("Invalid input for field 'default_project_id': could not find project: "
          + c.getDefaultProjectId() + ".");
    }
    List<SpecificRecord> events = new ArrayList<>();
    events.add(new UserUpdated(u.id(), name, c.getEmail() != null ? c.getEmail() : u.email(),
        c.getDescription() != null ? c.getDescription() : u.description(),
        c.getEnabled() != null ? c.getEnabled() : u.enabled(), defaultProject, c.getExtra()));
    if (c.getPasswordHash() != null) events.add(new UserPasswordChanged(u.id(), c.getPasswordHash()));
    return Decision.accept(u.id(), events);
  }

  static Decision deleteUser(DeleteUser c, IdentityState s) {
    if (s.user(c.getUserId()).isEmpty()) return Decision.notFound("Could not find user: " + c.getUserId() + ".");
    return Decision.accept(c.getUserId(), new UserDeleted(c.getUserId()));
  }

  static Decision createGroup(CreateGroup c, IdentityState s) {
    if (s.domain(c.getDomainId()).isEmpty()) return domainNotFound(c.getDomainId());
    if (s.group(c.getGroupId()).isPresent()) {
      return Decision.conflict("Conflict occurred attempting to store group - Duplicate ID, " + c.getGroupId() + ".");
    }
    if (s.groupByName(c.getDomainId(), c.getName()).isPresent()) return duplicateName("group", c.getName(), c.getDomainId());
    return Decision.accept(c.getGroupId(), new GroupCreated(c.getGroupId(), c.getDomainId(), c.getName(),
        c.getDescription()));
  }

  static Decision updateGroup(UpdateGroup c, IdentityState s) {
    Optional<Group> found = s.group(c.getGroupId());
    if (found.isEmpty()) return groupNotFound(c.getGroupId());
    Group g = found.get();
    String name = c.getName() != null ? c.getName() : g.name();
    if (!name.equals(g.name()) && s.groupByName(g.domainId(), name).isPresent()) {
      return duplicateName("group", name, g.domainId());
    }
    return Decision.accept(g.id(), new GroupUpdated(g.id(), name,
        c.getDescription() != null ? c.getDescription() : g.description()));
  }

  /** Members leave first, each by its own event (token revocation hears of each). */
  static Decision deleteGroup(DeleteGroup c, IdentityState s) {
    if (s.group(c.getGroupId()).isEmpty()) return groupNotFound(c.getGroupId());
    List<SpecificRecord> events = new ArrayList<>();
    for (String member : s.membersOf(c.getGroupId())) events.add(new UserRemovedFromGroup(c.getGroupId(), member));
    events.add(new GroupDeleted(c.getGroupId()));
    return Decision.accept(c.getGroupId(), events);
  }

  static Decision addUserToGroup(AddUserToGroup c, IdentityState s) {
    if (s.group(c.getGroupId()).isEmpty()) return groupNotFound(c.getGroupId());
    if (s.user(c.getUserId()).isEmpty()) return Decision.notFound("Could not find user: " + c.getUserId() + ".");
    if (s.member(c.getGroupId(), c.getUserId())) return Decision.accept(c.getGroupId());
    return Decision.accept(c.getGroupId(), new UserAddedToGroup(c.getGroupId(), c.getUserId()));
  }

  static Decision removeUserFromGroup(RemoveUserFromGroup c, IdentityState s) {
    if (s.group(c.getGroupId()).isEmpty()) return groupNotFound(c.getGroupId());
    if (s.user(c.getUserId()).isEmpty()) return Decision.notFound("Could not find user: " + c.getUserId() + ".");
    if (!s.member(c.getGroupId(), c.getUserId())) {
      return Decision.notFound("Could not find user in group: " + c.getUserId() + ", group: " + c.getGroupId() + ".");
    }
    return Decision.accept(c.getGroupId(), new UserRemovedFromGroup(c.getGroupId(), c.getUserId()));
  }

  static Decision domainNotFound(String id) {
    return Decision.notFound("Could not find domain: " + id + ".");
  }

  static Decision groupNotFound(String id) {
    return Decision.notFound("Could not find group: " + id + ".");
  }

  private static Decision duplicateDomain(String name) {
    return Decision.conflict("Conflict occurred attempting to store domain - Duplicate entry found with name " + name + ".");
  }
}
