package dev.skyledger.processors.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.processors.core.KeyValues;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The identity decider's view of its state: domains, users, groups and their members, projects,
 * roles and the roles they imply, role grants and name indexes, kept as JSON rows in a
 * {@link KeyValues}. Reads are what {@code decide} consults; writes are what {@code evolve} does.
 *
 * <p>A grant's key names its target (a project id, {@code d:<domain>} or {@code s:all}) and its
 * actor (a user id or {@code g:<group>}), so a user's grant on a project keeps the key it had before
 * grants on domains, groups and the system existed.
 */
final class IdentityState {
  static final String SYSTEM = "s:all";

  record Domain(String id, String name, String description, boolean enabled, List<String> tags) {}

  record User(String id, String domainId, String name, String passwordHash, String email, String description,
              boolean enabled, String defaultProjectId) {}

  /** {@code parentId} null: the project sits directly under its domain. */
  record Project(String id, String domainId, String name, String description, boolean enabled, String parentId) {}

  record Group(String id, String domainId, String name, String description) {}

  /** {@code domainId} null: a global role. */
  record Role(String id, String name, String description, String domainId) {}

  /** One of projectId, domainId, system is the target; one of userId, groupId the actor. */
  record Assignment(String projectId, String userId, String roleId, String domainId, String groupId, boolean system,
                    boolean inherited) {
    static Assignment userOnProject(String projectId, String userId, String roleId) {
      return new Assignment(projectId, userId, roleId, null, null, false, false);
    }

    String target() {
      return projectId != null ? projectId : domainId != null ? "d:" + domainId : SYSTEM;
    }

    String actor() {
      return userId != null ? userId : "g:" + groupId;
    }

    String suffix() {
      return inherited ? "/i" : "";
    }
  }

  private final KeyValues kv;
  private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  IdentityState(KeyValues kv) {
    this.kv = kv;
  }

  // --- domains

  /** The default domain exists from the start: it has a row only once changed. */
  Optional<Domain> domain(String id) {
    Optional<Domain> row = read("d/" + id, Domain.class);
    if (row.isEmpty() && id.equals(IdentityDecider.DEFAULT_DOMAIN)) {
      return Optional.of(new Domain(id, "Default", "The default domain", true, List.of()));
    }
    return row;
  }

  Optional<Domain> domainByName(String name) {
    Optional<Domain> found = kv.get("dn/" + name).flatMap(this::domain);
    if (found.isEmpty() && kv.get("d/" + IdentityDecider.DEFAULT_DOMAIN).isEmpty()) {
      return domain(IdentityDecider.DEFAULT_DOMAIN).filter(d -> d.name().equals(name));
    }
    return found;
  }

  void putDomain(Domain domain, String previousName) {
    if (previousName != null) kv.delete("dn/" + previousName);
    write("d/" + domain.id(), domain);
    kv.put("dn/" + domain.name(), domain.id());
  }

  void deleteDomain(Domain domain) {
    kv.delete("d/" + domain.id());
    kv.delete("dn/" + domain.name());
  }

  List<String> projectsOfDomain(String domainId) {
    return values("pn/" + domainId + "/");
  }

  List<String> usersOfDomain(String domainId) {
    return values("un/" + domainId + "/");
  }

  List<String> groupsOfDomain(String domainId) {
    return values("gn/" + domainId + "/");
  }

  List<String> rolesOfDomain(String domainId) {
    return values("rdn/" + domainId + "/");
  }

  // --- users

  Optional<User> user(String id) {
    return read("u/" + id, User.class);
  }

  Optional<User> userByName(String domainId, String name) {
    return kv.get("un/" + domainId + "/" + name).flatMap(this::user);
  }

  void putUser(User user, String previousName) {
    if (previousName != null) kv.delete("un/" + user.domainId() + "/" + previousName);
    write("u/" + user.id(), user);
    kv.put("un/" + user.domainId() + "/" + user.name(), user.id());
  }

  void deleteUser(User user) {
    kv.delete("u/" + user.id());
    kv.delete("un/" + user.domainId() + "/" + user.name());
  }

  // --- projects

  Optional<Project> project(String id) {
    return read("p/" + id, Project.class);
  }

  Optional<Project> projectByName(String domainId, String name) {
    return kv.get("pn/" + domainId + "/" + name).flatMap(this::project);
  }

  boolean hasChildren(String projectId) {
    return !kv.prefix("pc/" + projectId + "/").isEmpty();
  }

  /** The projects above this one, nearest first. */
  List<Project> ancestors(Project project) {
    List<Project> out = new ArrayList<>();
    Project at = project;
    while (at.parentId() != null && out.size() < 64) {
      Optional<Project> parent = project(at.parentId());
      if (parent.isEmpty()) break;
      out.add(parent.get());
      at = parent.get();
    }
    return out;
  }

  void putProject(Project project, String previousName) {
    if (previousName != null) kv.delete("pn/" + project.domainId() + "/" + previousName);
    write("p/" + project.id(), project);
    kv.put("pn/" + project.domainId() + "/" + project.name(), project.id());
    if (project.parentId() != null) kv.put("pc/" + project.parentId() + "/" + project.id(), project.id());
  }

  void deleteProject(Project project) {
    kv.delete("p/" + project.id());
    kv.delete("pn/" + project.domainId() + "/" + project.name());
    if (project.parentId() != null) kv.delete("pc/" + project.parentId() + "/" + project.id());
  }

  // --- groups and members

  Optional<Group> group(String id) {
    return read("g/" + id, Group.class);
  }

  Optional<Group> groupByName(String domainId, String name) {
    return kv.get("gn/" + domainId + "/" + name).flatMap(this::group);
  }

  void putGroup(Group group, String previousName) {
    if (previousName != null) kv.delete("gn/" + group.domainId() + "/" + previousName);
    write("g/" + group.id(), group);
    kv.put("gn/" + group.domainId() + "/" + group.name(), group.id());
  }

  void deleteGroup(Group group) {
    membersOf(group.id()).forEach(user -> leave(group.id(), user));
    kv.delete("g/" + group.id());
    kv.delete("gn/" + group.domainId() + "/" + group.name());
  }

  boolean member(String groupId, String userId) {
    return kv.get("m/" + groupId + "/" + userId).isPresent();
  }

  List<String> membersOf(String groupId) {
    return values("m/" + groupId + "/");
  }

  List<String> groupsOf(String userId) {
    return values("um/" + userId + "/");
  }

  void join(String groupId, String userId) {
    kv.put("m/" + groupId + "/" + userId, userId);
    kv.put("um/" + userId + "/" + groupId, groupId);
  }

  void leave(String groupId, String userId) {
    kv.delete("m/" + groupId + "/" + userId);
    kv.delete("um/" + userId + "/" + groupId);
  }

  // --- roles and what they imply

  Optional<Role> role(String id) {
    return read("r/" + id, Role.class);
  }

  /** A global role by name. */
  Optional<Role> roleByName(String name) {
    return kv.get("rn/" + name).flatMap(this::role);
  }

  Optional<Role> roleByName(String domainId, String name) {
    return domainId == null ? roleByName(name) : kv.get("rdn/" + domainId + "/" + name).flatMap(this::role);
  }

  void putRole(Role role, String previousName) {
    if (previousName != null) kv.delete(roleNameKey(role.domainId(), previousName));
    write("r/" + role.id(), role);
    kv.put(roleNameKey(role.domainId(), role.name()), role.id());
  }

  void deleteRole(Role role) {
    implied(role.id()).forEach(to -> unimply(role.id(), to));
    values("ri/").stream().filter(v -> v.endsWith(">" + role.id())).toList()
        .forEach(v -> unimply(v.substring(0, v.indexOf('>')), role.id()));
    kv.delete("r/" + role.id());
    kv.delete(roleNameKey(role.domainId(), role.name()));
  }

  private static String roleNameKey(String domainId, String name) {
    return domainId == null ? "rn/" + name : "rdn/" + domainId + "/" + name;
  }

  boolean implies(String priorId, String impliedId) {
    return kv.get("ri/" + priorId + "/" + impliedId).isPresent();
  }

  List<String> implied(String priorId) {
    return values("ri/" + priorId + "/").stream().map(v -> v.substring(v.indexOf('>') + 1)).toList();
  }

  void imply(String priorId, String impliedId) {
    kv.put("ri/" + priorId + "/" + impliedId, priorId + ">" + impliedId);
  }

  void unimply(String priorId, String impliedId) {
    kv.delete("ri/" + priorId + "/" + impliedId);
  }

  /** Every role reached from {@code roleIds} through the rules of implication, the given ones first. */
  Set<String> withImplied(Set<String> roleIds) {
    Set<String> out = new LinkedHashSet<>(roleIds);
    Deque<String> todo = new ArrayDeque<>(roleIds);
    while (!todo.isEmpty()) {
      for (String next : implied(todo.pop())) if (out.add(next)) todo.push(next);
    }
    return out;
  }

  // --- the service catalog

  record Region(String id, String description, String parentRegionId) {}

  record Service(String id, String type, String name, String description, boolean enabled) {}

  record Endpoint(String id, String serviceId, String iface, String url, String regionId, boolean enabled) {}

  Optional<Region> region(String id) {
    return read("rg/" + id, Region.class);
  }

  List<String> childRegions(String id) {
    return values("rgc/" + id + "/");
  }

  void putRegion(Region region, String previousParent) {
    if (previousParent != null) kv.delete("rgc/" + previousParent + "/" + region.id());
    write("rg/" + region.id(), region);
    if (region.parentRegionId() != null) kv.put("rgc/" + region.parentRegionId() + "/" + region.id(), region.id());
  }

  void deleteRegion(Region region) {
    kv.delete("rg/" + region.id());
    if (region.parentRegionId() != null) kv.delete("rgc/" + region.parentRegionId() + "/" + region.id());
  }

  Optional<Service> service(String id) {
    return read("sv/" + id, Service.class);
  }

  void putService(Service service) {
    write("sv/" + service.id(), service);
  }

  void deleteService(Service service) {
    kv.delete("sv/" + service.id());
  }

  Optional<Endpoint> endpoint(String id) {
    return read("ep/" + id, Endpoint.class);
  }

  List<String> endpointsOfService(String serviceId) {
    return values("sve/" + serviceId + "/");
  }

  boolean regionHasEndpoints(String regionId) {
    return !kv.prefix("rge/" + regionId + "/").isEmpty();
  }

  void putEndpoint(Endpoint endpoint) {
    endpoint(endpoint.id()).ifPresent(this::deleteEndpoint);
    write("ep/" + endpoint.id(), endpoint);
    kv.put("sve/" + endpoint.serviceId() + "/" + endpoint.id(), endpoint.id());
    if (endpoint.regionId() != null) kv.put("rge/" + endpoint.regionId() + "/" + endpoint.id(), endpoint.id());
  }

  void deleteEndpoint(Endpoint endpoint) {
    kv.delete("ep/" + endpoint.id());
    kv.delete("sve/" + endpoint.serviceId() + "/" + endpoint.id());
    if (endpoint.regionId() != null) kv.delete("rge/" + endpoint.regionId() + "/" + endpoint.id());
  }

  // --- application credentials

  record AppCredential(String id, String userId, String name) {}

  Optional<AppCredential> appCredential(String id) {
    return read("ac/" + id, AppCredential.class);
  }

  Optional<AppCredential> appCredentialByName(String userId, String name) {
    return kv.get("acn/" + userId + "/" + name).flatMap(this::appCredential);
  }

  List<String> appCredentialsOf(String userId) {
    return values("acu/" + userId + "/");
  }

  void putAppCredential(AppCredential c) {
    write("ac/" + c.id(), c);
    kv.put("acn/" + c.userId() + "/" + c.name(), c.id());
    kv.put("acu/" + c.userId() + "/" + c.id(), c.id());
  }

  void deleteAppCredential(AppCredential c) {
    kv.delete("ac/" + c.id());
    kv.delete("acn/" + c.userId() + "/" + c.name());
    kv.delete("acu/" + c.userId() + "/" + c.id());
  }

  // --- credentials and policies

  record Credential(String id, String userId, String projectId, String type) {}

  Optional<Credential> credential(String id) {
    return read("cr/" + id, Credential.class);
  }

  List<String> credentialsOf(String userId) {
    return values("cru/" + userId + "/");
  }

  void putCredential(Credential c) {
    credential(c.id()).ifPresent(this::deleteCredential);
    write("cr/" + c.id(), c);
    kv.put("cru/" + c.userId() + "/" + c.id(), c.id());
  }

  void deleteCredential(Credential c) {
    kv.delete("cr/" + c.id());
    kv.delete("cru/" + c.userId() + "/" + c.id());
  }

  boolean policy(String id) {
    return kv.get("po/" + id).isPresent();
  }

  /** The decider only needs to know a policy exists (its document lives in the view). */
  void putPolicy(String id) {
    kv.put("po/" + id, id);
  }

  void deletePolicy(String id) {
    kv.delete("po/" + id);
  }

  // --- trusts

  record Trust(String id, String trustorUserId, String trusteeUserId, String projectId) {}

  Optional<Trust> trust(String id) {
    return read("tr/" + id, Trust.class);
  }

  /** The trusts a user is trustor or trustee of. */
  List<String> trustsOf(String userId) {
    return values("tru/" + userId + "/");
  }

  void putTrust(Trust t) {
    write("tr/" + t.id(), t);
    kv.put("tru/" + t.trustorUserId() + "/" + t.id(), t.id());
    kv.put("tru/" + t.trusteeUserId() + "/" + t.id(), t.id());
  }

  void deleteTrust(Trust t) {
    kv.delete("tr/" + t.id());
    kv.delete("tru/" + t.trustorUserId() + "/" + t.id());
    kv.delete("tru/" + t.trusteeUserId() + "/" + t.id());
  }

  // --- grants

  boolean granted(Assignment a) {
    return kv.get(key(a)).isPresent();
  }

  /** Direct grant of a role to a user on a project. */
  boolean assigned(String projectId, String userId, String roleId) {
    return granted(Assignment.userOnProject(projectId, userId, roleId));
  }

  /** The roles a user holds on a project: given to them or their groups, inherited from above, and implied. */
  Set<String> effectiveRoles(String userId, String projectId) {
    Optional<Project> project = project(projectId);
    if (project.isEmpty()) return Set.of();
    List<String> actors = actors(userId);
    Set<String> roles = new LinkedHashSet<>();
    for (Assignment a : grantsOn(projectId)) if (!a.inherited() && actors.contains(a.actor())) roles.add(a.roleId());
    List<String> above = new ArrayList<>();
    for (Project p : ancestors(project.get())) above.add(p.id());
    above.add("d:" + project.get().domainId());
    for (String target : above) {
      for (Assignment a : grantsOn(target)) if (a.inherited() && actors.contains(a.actor())) roles.add(a.roleId());
    }
    return withImplied(roles);
  }

  /** The roles a user holds on a domain (or, with {@link #SYSTEM}, on the system), with what they imply. */
  Set<String> effectiveRolesOn(String userId, String target) {
    List<String> actors = actors(userId);
    Set<String> roles = new LinkedHashSet<>();
    for (Assignment a : grantsOn(target)) if (!a.inherited() && actors.contains(a.actor())) roles.add(a.roleId());
    return withImplied(roles);
  }

  private List<String> actors(String userId) {
    List<String> actors = new ArrayList<>();
    actors.add(userId);
    for (String g : groupsOf(userId)) actors.add("g:" + g);
    return actors;
  }

  /** Every grant on a target: a project id, {@code d:<domain>} or {@link #SYSTEM}. */
  List<Assignment> grantsOn(String target) {
    return kv.prefix("a/" + target + "/").stream().map(e -> assignment(e.getValue())).toList();
  }

  List<Assignment> assignmentsOfProject(String projectId) {
    return grantsOn(projectId);
  }

  List<Assignment> assignmentsOfUser(String userId) {
    return kv.prefix("ua/" + userId + "/").stream().map(e -> assignment(e.getValue())).toList();
  }

  List<Assignment> assignmentsOfGroup(String groupId) {
    return assignmentsOfUser("g:" + groupId);
  }

  List<Assignment> assignmentsOfRole(String roleId) {
    return kv.prefix("ra/" + roleId + "/").stream().map(e -> assignment(e.getValue())).toList();
  }

  void assign(Assignment a) {
    String value = write(a);
    kv.put(key(a), value);
    kv.put("ua/" + a.actor() + "/" + a.target() + "/" + a.roleId() + a.suffix(), value);
    kv.put("ra/" + a.roleId() + "/" + a.target() + "/" + a.actor() + a.suffix(), value);
  }

  void unassign(Assignment a) {
    kv.delete(key(a));
    kv.delete("ua/" + a.actor() + "/" + a.target() + "/" + a.roleId() + a.suffix());
    kv.delete("ra/" + a.roleId() + "/" + a.target() + "/" + a.actor() + a.suffix());
  }

  static String key(Assignment a) {
    return "a/" + a.target() + "/" + a.actor() + "/" + a.roleId() + a.suffix();
  }

  // --- rows

  private List<String> values(String prefix) {
    return kv.prefix(prefix).stream().map(e -> e.getValue()).toList();
  }

  private Assignment assignment(String value) {
    try {
      return json.readValue(value, Assignment.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt assignment row: " + value, e);
    }
  }

  private <T> Optional<T> read(String key, Class<T> type) {
    return kv.get(key).map(value -> {
      try {
        return json.readValue(value, type);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("corrupt state row " + key, e);
      }
    });
  }

  private void write(String key, Object value) {
    kv.put(key, write(value));
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
