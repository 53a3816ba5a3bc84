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

/** Projects identity events into domains, projects, users, groups, roles, grants and revoked tokens. */
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
    if (event instanceof DomainCreated e) {
      Projection.execute(c, "INSERT INTO domains (id, name, description, enabled, tags, created_at, updated_at) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?)", e.getDomainId(), e.getName(), e.getDescription(), e.getEnabled(),
          c.createArrayOf("text", e.getTags().toArray()), at, at);
    } else if (event instanceof DomainUpdated e) {
      Projection.execute(c, "UPDATE domains SET name = ?, description = ?, enabled = ?, tags = ?, updated_at = ? "
          + "WHERE id = ?", e.getName(), e.getDescription(), e.getEnabled(),
          c.createArrayOf("text", e.getTags().toArray()), at, e.getDomainId());
    } else if (event instanceof DomainDeleted e) {
      Projection.execute(c, "DELETE FROM grants WHERE target_type = 'domain' AND target_id = ?", e.getDomainId());
      Projection.execute(c, "DELETE FROM domains WHERE id = ?", e.getDomainId());
    } else if (event instanceof ProjectCreated e) {
      Projection.execute(c, "INSERT INTO projects (id, domain_id, name, description, enabled, tags, parent_id, "
          + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", e.getProjectId(), e.getDomainId(), e.getName(),
          e.getDescription(), e.getEnabled(), c.createArrayOf("text", e.getTags().toArray()), e.getParentId(), at, at);
    } else if (event instanceof ProjectUpdated e) {
      Projection.execute(c, "UPDATE projects SET name = ?, description = ?, enabled = ?, "
          + "tags = coalesce(?, tags), updated_at = ? WHERE id = ?", e.getName(), e.getDescription(), e.getEnabled(),
          e.getTags() == null ? null : c.createArrayOf("text", e.getTags().toArray()), at, e.getProjectId());
    } else if (event instanceof ProjectDeleted e) {
      Projection.execute(c, "DELETE FROM grants WHERE target_type = 'project' AND target_id = ?", e.getProjectId());
      Projection.execute(c, "DELETE FROM projects WHERE id = ?", e.getProjectId());
    } else if (event instanceof UserCreated e) {
      Projection.execute(c, "INSERT INTO users (id, domain_id, name, password_hash, email, description, enabled, "
              + "default_project_id, password_changed_at, created_at, updated_at, extra) "
              + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(?::jsonb, '{}'))",
          e.getUserId(), e.getDomainId(), e.getName(), e.getPasswordHash(), e.getEmail(), e.getDescription(),
          e.getEnabled(), e.getDefaultProjectId(), e.getPasswordHash() == null ? null : at, at, at, e.getExtra());
    } else if (event instanceof UserUpdated e) {
      // a disabled user enabled again starts with no failed passwords (how an admin lifts a lockout)
      Projection.execute(c, "UPDATE users SET name = ?, email = ?, description = ?, enabled = ?, default_project_id = ?, "
              + "updated_at = ?, failed_auth_count = CASE WHEN NOT enabled AND ? THEN 0 ELSE failed_auth_count END, "
              + "extra = coalesce(?::jsonb, extra) WHERE id = ?", e.getName(), e.getEmail(), e.getDescription(),
          e.getEnabled(), e.getDefaultProjectId(), at, e.getEnabled(), e.getExtra(), e.getUserId());
    } else if (event instanceof UserPasswordChanged e) {
      Projection.execute(c, "UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?, "
          + "failed_auth_count = 0, failed_auth_at = NULL WHERE id = ?", e.getPasswordHash(), at, at, e.getUserId());
    } else if (event instanceof UserAuthFailed e) {
      Projection.execute(c, "UPDATE users SET failed_auth_count = failed_auth_count + 1, failed_auth_at = ? WHERE id = ?",
          at, e.getUserId());
    } else if (event instanceof UserAuthFailuresReset e) {
      Projection.execute(c, "UPDATE users SET failed_auth_count = 0, failed_auth_at = NULL WHERE id = ?", e.getUserId());
    } else if (event instanceof UserDeleted e) {
      Projection.execute(c, "DELETE FROM grants WHERE actor_type = 'user' AND actor_id = ?", e.getUserId());
      Projection.execute(c, "DELETE FROM group_members WHERE user_id = ?", e.getUserId());
      Projection.execute(c, "DELETE FROM application_credentials WHERE user_id = ?", e.getUserId());
      Projection.execute(c, "DELETE FROM credentials WHERE user_id = ?", e.getUserId());
      Projection.execute(c, "DELETE FROM trusts WHERE trustor_user_id = ? OR trustee_user_id = ?", e.getUserId(),
          e.getUserId());
      Projection.execute(c, "DELETE FROM users WHERE id = ?", e.getUserId());
    } else if (event instanceof GroupCreated e) {
      Projection.execute(c, "INSERT INTO groups (id, domain_id, name, description, created_at) VALUES (?, ?, ?, ?, ?)",
          e.getGroupId(), e.getDomainId(), e.getName(), e.getDescription(), at);
    } else if (event instanceof GroupUpdated e) {
      Projection.execute(c, "UPDATE groups SET name = ?, description = ? WHERE id = ?", e.getName(), e.getDescription(),
          e.getGroupId());
    } else if (event instanceof GroupDeleted e) {
      Projection.execute(c, "DELETE FROM grants WHERE actor_type = 'group' AND actor_id = ?", e.getGroupId());
      Projection.execute(c, "DELETE FROM group_members WHERE group_id = ?", e.getGroupId());
      Projection.execute(c, "DELETE FROM groups WHERE id = ?", e.getGroupId());
    } else if (event instanceof UserAddedToGroup e) {
      Projection.execute(c, "INSERT INTO group_members (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
          e.getGroupId(), e.getUserId());
    } else if (event instanceof UserRemovedFromGroup e) {
      Projection.execute(c, "DELETE FROM group_members WHERE group_id = ? AND user_id = ?", e.getGroupId(), e.getUserId());
    } else if (event instanceof RoleCreated e) {
      Projection.execute(c, "INSERT INTO roles (id, name, description, domain_id, created_at) VALUES (?, ?, ?, ?, ?)",
          e.getRoleId(), e.getName(), e.getDescription(), e.getDomainId(), at);
    } else if (event instanceof RoleUpdated e) {
      Projection.execute(c, "UPDATE roles SET name = ?, description = ? WHERE id = ?", e.getName(), e.getDescription(), e.getRoleId());
    } else if (event instanceof RoleDeleted e) {
      Projection.execute(c, "DELETE FROM grants WHERE role_id = ?", e.getRoleId());
      Projection.execute(c, "DELETE FROM implied_roles WHERE prior_role_id = ? OR implied_role_id = ?",
          e.getRoleId(), e.getRoleId());
      Projection.execute(c, "DELETE FROM roles WHERE id = ?", e.getRoleId());
    } else if (event instanceof RoleImplied e) {
      Projection.execute(c, "INSERT INTO implied_roles (prior_role_id, implied_role_id) VALUES (?, ?) "
          + "ON CONFLICT DO NOTHING", e.getPriorRoleId(), e.getImpliedRoleId());
    } else if (event instanceof RoleImplicationRemoved e) {
      Projection.execute(c, "DELETE FROM implied_roles WHERE prior_role_id = ? AND implied_role_id = ?",
          e.getPriorRoleId(), e.getImpliedRoleId());
    } else if (event instanceof RegionCreated e) {
      Projection.execute(c, "INSERT INTO regions (id, description, parent_region_id) VALUES (?, ?, ?)",
          e.getRegionId(), e.getDescription(), e.getParentRegionId());
    } else if (event instanceof RegionUpdated e) {
      Projection.execute(c, "UPDATE regions SET description = ?, parent_region_id = ? WHERE id = ?",
          e.getDescription(), e.getParentRegionId(), e.getRegionId());
    } else if (event instanceof RegionDeleted e) {
      Projection.execute(c, "DELETE FROM regions WHERE id = ?", e.getRegionId());
    } else if (event instanceof ServiceCreated e) {
      Projection.execute(c, "INSERT INTO services (id, type, name, description, enabled) VALUES (?, ?, ?, ?, ?)",
          e.getServiceId(), e.getType(), e.getName(), e.getDescription(), e.getEnabled());
    } else if (event instanceof ServiceUpdated e) {
      Projection.execute(c, "UPDATE services SET type = ?, name = ?, description = ?, enabled = ? WHERE id = ?",
          e.getType(), e.getName(), e.getDescription(), e.getEnabled(), e.getServiceId());
    } else if (event instanceof ServiceDeleted e) {
      Projection.execute(c, "DELETE FROM services WHERE id = ?", e.getServiceId());
    } else if (event instanceof EndpointCreated e) {
      Projection.execute(c, "INSERT INTO endpoints (id, service_id, interface, url, region_id, enabled) "
          + "VALUES (?, ?, ?, ?, ?, ?)", e.getEndpointId(), e.getServiceId(), e.getEndpointInterface(), e.getUrl(),
          e.getRegionId(), e.getEnabled());
    } else if (event instanceof EndpointUpdated e) {
      Projection.execute(c, "UPDATE endpoints SET service_id = ?, interface = ?, url = ?, region_id = ?, enabled = ? "
          + "WHERE id = ?", e.getServiceId(), e.getEndpointInterface(), e.getUrl(), e.getRegionId(), e.getEnabled(),
          e.getEndpointId());
    } else if (event instanceof EndpointDeleted e) {
      Projection.execute(c, "DELETE FROM endpoints WHERE id = ?", e.getEndpointId());
    } else if (event instanceof TrustCreated e) {
      Projection.execute(c, "INSERT INTO trusts (id, trustor_user_id, trustee_user_id, project_id, role_ids, "
              + "impersonation, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)", e.getTrustId(), e.getTrustorUserId(),
          e.getTrusteeUserId(), e.getProjectId(), c.createArrayOf("text", e.getRoleIds().toArray()), e.getImpersonation(),
          e.getExpiresAt() == null ? null : Timestamp.from(e.getExpiresAt()));
    } else if (event instanceof TrustDeleted e) {
      Projection.execute(c, "DELETE FROM trusts WHERE id = ?", e.getTrustId());
    } else if (event instanceof CredentialCreated e) {
      Projection.execute(c, "INSERT INTO credentials (id, user_id, project_id, type, sealed_blob) VALUES (?, ?, ?, ?, ?)",
          e.getCredentialId(), e.getUserId(), e.getProjectId(), e.getType(), e.getSealedBlob());
    } else if (event instanceof CredentialUpdated e) {
      Projection.execute(c, "UPDATE credentials SET user_id = ?, project_id = ?, type = ?, sealed_blob = ? WHERE id = ?",
          e.getUserId(), e.getProjectId(), e.getType(), e.getSealedBlob(), e.getCredentialId());
    } else if (event instanceof CredentialDeleted e) {
      Projection.execute(c, "DELETE FROM credentials WHERE id = ?", e.getCredentialId());
    } else if (event instanceof PolicyCreated e) {
      Projection.execute(c, "INSERT INTO policies (id, type, blob) VALUES (?, ?, ?)", e.getPolicyId(), e.getType(),
          e.getBlob());
    } else if (event instanceof PolicyUpdated e) {
      Projection.execute(c, "UPDATE policies SET type = ?, blob = ? WHERE id = ?", e.getType(), e.getBlob(),
          e.getPolicyId());
    } else if (event instanceof PolicyDeleted e) {
      Projection.execute(c, "DELETE FROM policies WHERE id = ?", e.getPolicyId());
    } else if (event instanceof ApplicationCredentialCreated e) {
      Projection.execute(c, "INSERT INTO application_credentials (id, user_id, project_id, name, description, "
              + "secret_hash, expires_at, role_ids, unrestricted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          e.getCredentialId(), e.getUserId(), e.getProjectId(), e.getName(), e.getDescription(), e.getSecretHash(),
          e.getExpiresAt() == null ? null : Timestamp.from(e.getExpiresAt()),
          c.createArrayOf("text", e.getRoleIds().toArray()), e.getUnrestricted(), at);
    } else if (event instanceof ApplicationCredentialDeleted e) {
      Projection.execute(c, "DELETE FROM application_credentials WHERE id = ?", e.getCredentialId());
    } else if (event instanceof RoleAssigned e) {
      Grant g = Grant.of(e.getUserId(), e.getGroupId(), e.getProjectId(), e.getDomainId(), e.getRoleId(), e.getInherited());
      Projection.execute(c, "INSERT INTO grants (actor_type, actor_id, target_type, target_id, role_id, inherited, "
          + "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", g.actorType(), g.actorId(),
          g.targetType(), g.targetId(), g.roleId(), g.inherited(), at);
    } else if (event instanceof RoleUnassigned e) {
      Grant g = Grant.of(e.getUserId(), e.getGroupId(), e.getProjectId(), e.getDomainId(), e.getRoleId(), e.getInherited());
      Projection.execute(c, "DELETE FROM grants WHERE actor_type = ? AND actor_id = ? AND target_type = ? "
          + "AND target_id = ? AND role_id = ? AND inherited = ?", g.actorType(), g.actorId(), g.targetType(),
          g.targetId(), g.roleId(), g.inherited());
    } else if (event instanceof TokenRevoked e) {
      Projection.execute(c, "INSERT INTO revoked_tokens (audit_id, user_id, expires_at, revoked_at) VALUES (?, ?, ?, ?) "
          + "ON CONFLICT DO NOTHING", e.getAuditId(), e.getUserId(), Timestamp.from(e.getExpiresAt()), at);
    }
  }
}
