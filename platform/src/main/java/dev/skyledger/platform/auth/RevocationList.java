package dev.skyledger.platform.auth;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokens that no longer work although their signature is good, as Keystone's revocation
 * events describe them: one token by audit id, or every token of a user, of a project, of a
 * user on a project, or carrying a role, issued at or before a moment. Fed from the identity
 * events by {@link RevocationFeed}; entries older than the longest token lifetime are dropped.
 */
public final class RevocationList {
  private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
  private final Map<String, Instant> users = new ConcurrentHashMap<>();
  private final Map<String, Instant> projects = new ConcurrentHashMap<>();
  private final Map<String, Instant> userProjects = new ConcurrentHashMap<>();
  private final Map<String, Instant> roles = new ConcurrentHashMap<>();
  /** Every revocation committed before this moment is in the list (null: not known to be). */
  private volatile Instant currentAsOf;
  /** How far behind the list may be and still be trusted (null: a list without a feed, always trusted). */
  private volatile java.time.Duration maxBehind;

  /** From now on tokens are accepted only while the list is at most {@code bound} behind the log. */
  public void requireCurrentWithin(java.time.Duration bound) {
    this.maxBehind = bound;
  }

  /** The feed has read every revocation committed before {@code asOf}. */
  public void confirmCurrent(Instant asOf) {
    Instant was = currentAsOf;
    if (was == null || asOf.isAfter(was)) currentAsOf = asOf;
  }

  /**
   * How far behind the log the list is, when that is more than its bound: then no token may be
   * accepted on its word (fail closed); empty when it is current enough.
   */
  public java.util.Optional<java.time.Duration> tooFarBehind(Instant now) {
    java.time.Duration bound = maxBehind;
    if (bound == null) return java.util.Optional.empty();
    Instant asOf = currentAsOf;
    java.time.Duration behind = asOf == null ? java.time.Duration.ofDays(365) : java.time.Duration.between(asOf, now);
    return behind.compareTo(bound) > 0 ? java.util.Optional.of(behind) : java.util.Optional.empty();
  }

  public void revokeToken(String auditId, Instant expiresAt) {
    tokens.put(auditId, expiresAt);
  }

  public void revokeUser(String userId, Instant before) {
    users.merge(userId, before, RevocationList::later);
  }

  public void revokeProject(String projectId, Instant before) {
    projects.merge(projectId, before, RevocationList::later);
  }

  public void revokeUserOnProject(String userId, String projectId, Instant before) {
    userProjects.merge(userId + "/" + projectId, before, RevocationList::later);
  }

  public void revokeRole(String roleId, Instant before) {
    roles.merge(roleId, before, RevocationList::later);
  }

  public boolean isRevoked(TokenClaims claims) {
    Instant issued = claims.issuedAt();
    if (tokens.containsKey(claims.auditId())) return true;
    if (notAfter(issued, users.get(claims.userId()))) return true;
    if (claims.projectId() != null) {
      if (notAfter(issued, projects.get(claims.projectId()))) return true;
      if (notAfter(issued, userProjects.get(claims.userId() + "/" + claims.projectId()))) return true;
    }
    for (Role role : claims.roles()) if (notAfter(issued, roles.get(role.id()))) return true;
    return false;
  }

  /** Forgets what can no longer matter: revocations older than any token still valid. */
  public void prune(Instant now, java.time.Duration maxTokenLifetime) {
    Instant horizon = now.minus(maxTokenLifetime);
    tokens.values().removeIf(expiry -> expiry.isBefore(now));
    users.values().removeIf(t -> t.isBefore(horizon));
    projects.values().removeIf(t -> t.isBefore(horizon));
    userProjects.values().removeIf(t -> t.isBefore(horizon));
    roles.values().removeIf(t -> t.isBefore(horizon));
  }

  private static boolean notAfter(Instant issued, Instant revokedUpTo) {
    return revokedUpTo != null && !issued.isAfter(revokedUpTo);
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
