package dev.skyledger.platform.auth;

import java.time.Instant;
import java.util.List;

/**
 * What a token says, signed: who (user), in which scope (a project, a domain, the system, or none
 * for an unscoped token), with which roles, since and until when. {@code auditId} names the token
 * for revocation without being the token.
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
    Instant expiresAt,
    String domainId,
    String domainName,
    boolean system,
    TrustScope trust) {

  /** A token a trustee got through a trust: whose roles it carries, and as whom it acts. */
  public record TrustScope(String id, String trustorUserId, String trusteeUserId, boolean impersonation) {}

  /** A project-scoped or unscoped token. */
  public TokenClaims(String auditId, String userId, String userName, String userDomainId, String projectId,
                     String projectName, String projectDomainId, List<Role> roles, List<String> methods,
                     Instant issuedAt, Instant expiresAt) {
    this(auditId, userId, userName, userDomainId, projectId, projectName, projectDomainId, roles, methods, issuedAt,
        expiresAt, null, null, false, null);
  }

  /** Scoped to a project (what every service but identity needs). */
  public boolean scoped() {
    return projectId != null;
  }

  public boolean domainScoped() {
    return domainId != null;
  }

  public boolean hasRole(String name) {
    return roles.stream().anyMatch(r -> r.name().equals(name));
  }

  /**
   * Cloud administrator: the admin role on a project or on the system (Keystone's default policy). A
   * domain-scoped admin token administers its domain's identities only, never the cloud.
   */
  public boolean isAdmin() {
    return hasRole("admin") && (projectId != null || system);
  }

  /** May change things in its project: member or admin. */
  public boolean canWrite() {
    return hasRole("admin") || hasRole("member");
  }

  public List<String> roleNames() {
    return roles.stream().map(Role::name).toList();
  }
}
