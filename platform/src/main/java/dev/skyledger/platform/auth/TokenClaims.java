package dev.skyledger.platform.auth;

import java.time.Instant;
import java.util.List;

/**
 * What a token says, signed: who (user), in which scope (project, or none for an unscoped
 * token), with which roles, since and until when. {@code auditId} names the token for revocation
 * without being the token.
 */
public record TokenClaims(
    String auditId,
    String userId,
    String userName,
    String userDomainId,
    String projectId,
    String projectName,
    String projectDomainId,
    List<Role> roles,
    List<String> methods,
    Instant issuedAt,
    Instant expiresAt) {

  public boolean scoped() {
    return projectId != null;
  }

  public boolean hasRole(String name) {
    return roles.stream().anyMatch(r -> r.name().equals(name));
  }

  /** Cloud administrator: the admin role on any project (Keystone's default policy). */
  public boolean isAdmin() {
    return hasRole("admin");
  }

  /** May change things in its project: member or admin. */
  public boolean canWrite() {
    return hasRole("admin") || hasRole("member");
  }

  public List<String> roleNames() {
    return roles.stream().map(Role::name).toList();
  }
}
