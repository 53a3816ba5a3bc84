package dev.skyledger.views.identity;

import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the identity views (the live schema of the {@code identity} projection): what token issue
 * needs to authenticate and scope, and what the identity read API lists.
 */
public final class IdentityDirectory {
  /** {@code failedAuthCount}, {@code failedAuthAt}: wrong passwords in a row, and the last one's time (or null). */
  public record User(String id, String domainId, String name, String passwordHash, String email,
                     String description, boolean enabled, String defaultProjectId, Instant passwordChangedAt,
                     int failedAuthCount, Instant failedAuthAt) {}

  public record Project(String id, String domainId, String name, String description, boolean enabled,
                        List<String> tags) {}

  public record Role(String id, String name, String description) {}

  public record Assignment(String projectId, String projectName, String userId, String userName, String roleId,
                           String roleName) {}

  /** Filters of a list; null means any. */
  public record Filter(String name, Boolean enabled, String domainId) {}

  private static final String USER_COLUMNS = "id, domain_id, name, password_hash, email, description, enabled, "
      + "default_project_id, password_changed_at, failed_auth_count, failed_auth_at";
  private static final String PROJECT_COLUMNS = "id, domain_id, name, description, enabled, tags";

  private final Database db;
  private final ProjectionRegistry registry;

  public IdentityDirectory(Database db, ProjectionRegistry registry) {
    this.db = db;
    this.registry = registry;
  }

  private String schema() {
    return "\"" + registry.schemaOf("identity") + "\"";
  }

  public Optional<User> user(String id) {
    return one("SELECT " + USER_COLUMNS + " FROM " + schema() + ".users WHERE id = ?", this::user, id);
  }

  public Optional<User> userByName(String domainId, String name) {
    return one("SELECT " + USER_COLUMNS + " FROM " + schema() + ".users WHERE domain_id = ? AND name = ?",
        this::user, domainId, name);
  }

  public List<User> users(Filter f) {
    return list("SELECT " + USER_COLUMNS + " FROM " + schema() + ".users WHERE (?::text IS NULL OR name = ?) "
        + "AND (?::boolean IS NULL OR enabled = ?) AND (?::text IS NULL OR domain_id = ?) ORDER BY name, id",
        this::user, f.name(), f.name(), f.enabled(), f.enabled(), f.domainId(), f.domainId());
  }

  public Optional<Project> project(String id) {
    return one("SELECT " + PROJECT_COLUMNS + " FROM " + schema() + ".projects WHERE id = ?", this::project, id);
  }

  public Optional<Project> projectByName(String domainId, String name) {
    return one("SELECT " + PROJECT_COLUMNS + " FROM " + schema() + ".projects WHERE domain_id = ? AND name = ?",
        this::project, domainId, name);
  }

  public List<Project> projects(Filter f) {
    return list("SELECT " + PROJECT_COLUMNS + " FROM " + schema() + ".projects WHERE (?::text IS NULL OR name = ?) "
        + "AND (?::boolean IS NULL OR enabled = ?) AND (?::text IS NULL OR domain_id = ?) ORDER BY name, id",
        this::project, f.name(), f.name(), f.enabled(), f.enabled(), f.domainId(), f.domainId());
  }

  /** The projects a user has any role on. */
  public List<Project> projectsOfUser(String userId) {
    return list("SELECT " + PROJECT_COLUMNS + " FROM " + schema() + ".projects WHERE id IN "
        + "(SELECT project_id FROM " + schema() + ".role_assignments WHERE user_id = ?) ORDER BY name, id",
        this::project, userId);
  }

  public Optional<Role> role(String id) {
    return one("SELECT id, name, description FROM " + schema() + ".roles WHERE id = ?", this::role, id);
  }

  public List<Role> roles(String name) {
    return list("SELECT id, name, description FROM " + schema() + ".roles WHERE (?::text IS NULL OR name = ?) "
        + "ORDER BY name", this::role, name, name);
  }

  /** The roles a user holds on a project. */
  public List<Role> rolesOf(String userId, String projectId) {
    return list("SELECT r.id, r.name, r.description FROM " + schema() + ".role_assignments a JOIN " + schema()
        + ".roles r ON r.id = a.role_id WHERE a.user_id = ? AND a.project_id = ? ORDER BY r.name",
        this::role, userId, projectId);
  }

  public List<Assignment> assignments(String userId, String projectId, String roleId) {
    return list("SELECT a.project_id, p.name, a.user_id, u.name, a.role_id, r.name FROM " + schema()
        + ".role_assignments a JOIN " + schema() + ".projects p ON p.id = a.project_id JOIN " + schema()
        + ".users u ON u.id = a.user_id JOIN " + schema() + ".roles r ON r.id = a.role_id "
        + "WHERE (?::text IS NULL OR a.user_id = ?) AND (?::text IS NULL OR a.project_id = ?) "
        + "AND (?::text IS NULL OR a.role_id = ?) ORDER BY p.name, u.name, r.name",
        r -> new Assignment(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
            r.getString(6)), userId, userId, projectId, projectId, roleId, roleId);
  }

  private User user(ResultSet r) throws SQLException {
    var changed = r.getTimestamp(9);
    var failedAt = r.getTimestamp(11);
    return new User(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
        r.getBoolean(7), r.getString(8), changed == null ? null : changed.toInstant(), r.getInt(10),
        failedAt == null ? null : failedAt.toInstant());
  }

  private Project project(ResultSet r) throws SQLException {
    Array tags = r.getArray(6);
    List<String> list = tags == null ? List.of() : List.of((String[]) tags.getArray());
    return new Project(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getBoolean(5), list);
  }

  private Role role(ResultSet r) throws SQLException {
    return new Role(r.getString(1), r.getString(2), r.getString(3));
  }

  private interface Row<T> {
    T map(ResultSet r) throws SQLException;
  }

  private <T> Optional<T> one(String sql, Row<T> row, Object... args) {
    List<T> rows = list(sql, row, args);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  private <T> List<T> list(String sql, Row<T> row, Object... args) {
    return db.read((Connection c) -> {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) s.setObject(i + 1, args[i]);
        try (ResultSet r = s.executeQuery()) {
          List<T> out = new ArrayList<>();
          while (r.next()) out.add(row.map(r));
          return out;
        }
      }
    });
  }
}
