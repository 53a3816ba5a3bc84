package dev.skyledger.views.identity;

import dev.skyledger.events.Topic;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.identity.*;
import dev.skyledger.views.core.Projection;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Projects identity events into projects, users, roles, role assignments and revoked tokens. */
public final class IdentityProjection implements Projection {
  public static final String NAME = "identity";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Topic<String, Envelope>> topics() {
    return List.of(Topics.IDENTITY_EVENTS);
  }

  @Override
  public String migrations() {
    return "classpath:db/identity";
  }

  @Override
  public void apply(Connection c, ConsumerRecord<String, Envelope> record, SpecificRecord event) throws SQLException {
    Timestamp at = Timestamp.from(record.value().getTime());
    if (event instanceof ProjectCreated e) {
      Projection.execute(c, "INSERT INTO projects (id, domain_id, name, description, enabled, tags, created_at, updated_at) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", e.getProjectId(), e.getDomainId(), e.getName(), e.getDescription(),
          e.getEnabled(), c.createArrayOf("text", e.getTags().toArray()), at, at);
    } else if (event instanceof ProjectUpdated e) {
      Projection.execute(c, "UPDATE projects SET name = ?, description = ?, enabled = ?, updated_at = ? WHERE id = ?",
          e.getName(), e.getDescription(), e.getEnabled(), at, e.getProjectId());
    } else if (event instanceof ProjectDeleted e) {
      Projection.execute(c, "DELETE FROM role_assignments WHERE project_id = ?", e.getProjectId());
      Projection.execute(c, "DELETE FROM projects WHERE id = ?", e.getProjectId());
    } else if (event instanceof UserCreated e) {
      Projection.execute(c, "INSERT INTO users (id, domain_id, name, password_hash, email, description, enabled, "
              + "default_project_id, password_changed_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          e.getUserId(), e.getDomainId(), e.getName(), e.getPasswordHash(), e.getEmail(), e.getDescription(),
          e.getEnabled(), e.getDefaultProjectId(), e.getPasswordHash() == null ? null : at, at, at);
    } else if (event instanceof UserUpdated e) {
      // a disabled user enabled again starts with no failed passwords (how an admin lifts a lockout)
      Projection.execute(c, "UPDATE users SET name = ?, email = ?, description = ?, enabled = ?, default_project_id = ?, "
              + "updated_at = ?, failed_auth_count = CASE WHEN NOT enabled AND ? THEN 0 ELSE failed_auth_count END "
              + "WHERE id = ?", e.getName(), e.getEmail(), e.getDescription(), e.getEnabled(),
          e.getDefaultProjectId(), at, e.getEnabled(), e.getUserId());
    } else if (event instanceof UserPasswordChanged e) {
      Projection.execute(c, "UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?, "
          + "failed_auth_count = 0, failed_auth_at = NULL WHERE id = ?", e.getPasswordHash(), at, at, e.getUserId());
    } else if (event instanceof UserAuthFailed e) {
      Projection.execute(c, "UPDATE users SET failed_auth_count = failed_auth_count + 1, failed_auth_at = ? WHERE id = ?",
          at, e.getUserId());
    } else if (event instanceof UserAuthFailuresReset e) {
      Projection.execute(c, "UPDATE users SET failed_auth_count = 0, failed_auth_at = NULL WHERE id = ?", e.getUserId());
    } else if (event instanceof UserDeleted e) {
      Projection.execute(c, "DELETE FROM role_assignments WHERE user_id = ?", e.getUserId());
      Projection.execute(c, "DELETE FROM users WHERE id = ?", e.getUserId());
    } else if (event instanceof RoleCreated e) {
      Projection.execute(c, "INSERT INTO roles (id, name, description, created_at) VALUES (?, ?, ?, ?)",
          e.getRoleId(), e.getName(), e.getDescription(), at);
    } else if (event instanceof RoleUpdated e) {
      Projection.execute(c, "UPDATE roles SET name = ?, description = ? WHERE id = ?", e.getName(), e.getDescription(), e.getRoleId());
    } else if (event instanceof RoleDeleted e) {
      Projection.execute(c, "DELETE FROM role_assignments WHERE role_id = ?", e.getRoleId());
      Projection.execute(c, "DELETE FROM roles WHERE id = ?", e.getRoleId());
    } else if (event instanceof RoleAssigned e) {
      Projection.execute(c, "INSERT INTO role_assignments (project_id, user_id, role_id, created_at) VALUES (?, ?, ?, ?) "
          + "ON CONFLICT DO NOTHING", e.getProjectId(), e.getUserId(), e.getRoleId(), at);
    } else if (event instanceof RoleUnassigned e) {
      Projection.execute(c, "DELETE FROM role_assignments WHERE project_id = ? AND user_id = ? AND role_id = ?",
          e.getProjectId(), e.getUserId(), e.getRoleId());
    } else if (event instanceof TokenRevoked e) {
      Projection.execute(c, "INSERT INTO revoked_tokens (audit_id, user_id, expires_at, revoked_at) VALUES (?, ?, ?, ?) "
          + "ON CONFLICT DO NOTHING", e.getAuditId(), e.getUserId(), Timestamp.from(e.getExpiresAt()), at);
    }
  }
}
