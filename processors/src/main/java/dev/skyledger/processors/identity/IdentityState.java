package dev.skyledger.processors.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.processors.core.KeyValues;
import java.util.List;
import java.util.Optional;

/**
 * The identity decider's view of its state: users, projects, roles, role assignments and name
 * indexes, kept as JSON rows in a {@link KeyValues}. Reads are what {@code decide} consults;
 * writes are what {@code evolve} does.
 */
final class IdentityState {
  record User(String id, String domainId, String name, String passwordHash, String email, String description,
              boolean enabled, String defaultProjectId) {}

  record Project(String id, String domainId, String name, String description, boolean enabled) {}

  record Role(String id, String name, String description) {}

  record Assignment(String projectId, String userId, String roleId) {}

  private final KeyValues kv;
  private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  IdentityState(KeyValues kv) {
    this.kv = kv;
  }

  Optional<User> user(String id) {
    return read("u/" + id, User.class);
  }

  Optional<User> userByName(String domainId, String name) {
    return kv.get("un/" + domainId + "/" + name).flatMap(this::user);
  }

  Optional<Project> project(String id) {
    return read("p/" + id, Project.class);
  }

  Optional<Project> projectByName(String domainId, String name) {
    return kv.get("pn/" + domainId + "/" + name).flatMap(this::project);
  }

  Optional<Role> role(String id) {
    return read("r/" + id, Role.class);
  }

  Optional<Role> roleByName(String name) {
    return kv.get("rn/" + name).flatMap(this::role);
  }

  boolean assigned(String projectId, String userId, String roleId) {
    return kv.get("a/" + projectId + "/" + userId + "/" + roleId).isPresent();
  }

  List<Assignment> assignmentsOfProject(String projectId) {
    return kv.prefix("a/" + projectId + "/").stream().map(e -> assignment(e.getValue())).toList();
  }

  List<Assignment> assignmentsOfUser(String userId) {
    return kv.prefix("ua/" + userId + "/").stream().map(e -> assignment(e.getValue())).toList();
  }

  List<Assignment> assignmentsOfRole(String roleId) {
    return kv.prefix("ra/" + roleId + "/").stream().map(e -> assignment(e.getValue())).toList();
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

  void putProject(Project project, String previousName) {
    if (previousName != null) kv.delete("pn/" + project.domainId() + "/" + previousName);
    write("p/" + project.id(), project);
    kv.put("pn/" + project.domainId() + "/" + project.name(), project.id());
  }

  void deleteProject(Project project) {
    kv.delete("p/" + project.id());
    kv.delete("pn/" + project.domainId() + "/" + project.name());
  }

  void putRole(Role role, String previousName) {
    if (previousName != null) kv.delete("rn/" + previousName);
    write("r/" + role.id(), role);
    kv.put("rn/" + role.name(), role.id());
  }

  void deleteRole(Role role) {
    kv.delete("r/" + role.id());
    kv.delete("rn/" + role.name());
  }

  void assign(Assignment a) {
    String value = write(a);
    kv.put("a/" + a.projectId() + "/" + a.userId() + "/" + a.roleId(), value);
    kv.put("ua/" + a.userId() + "/" + a.projectId() + "/" + a.roleId(), value);
    kv.put("ra/" + a.roleId() + "/" + a.projectId() + "/" + a.userId(), value);
  }

  void unassign(Assignment a) {
    kv.delete("a/" + a.projectId() + "/" + a.userId() + "/" + a.roleId());
    kv.delete("ua/" + a.userId() + "/" + a.projectId() + "/" + a.roleId());
    kv.delete("ra/" + a.roleId() + "/" + a.projectId() + "/" + a.userId());
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
