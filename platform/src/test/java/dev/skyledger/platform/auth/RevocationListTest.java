package dev.skyledger.platform.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tokens stop working when revoked one by one or by user, project, user on project or role, up to a moment. */
class RevocationListTest {
  private static final Instant T = Instant.parse("2025-06-01T12:00:00Z");
  private static final Duration LIFETIME = Duration.ofHours(1);

  private final RevocationList revocations = new RevocationList();

  @Test
  void givenNothingRevoked_whenIsRevoked_thenFalse() {
    assertFalse(revocations.isRevoked(token("audit-1", "u-1", "p-1", T)));
  }

  @Test
  void givenTokenRevokedByAuditId_whenIsRevoked_thenOnlyThatTokenIsRevoked() {
    revocations.revokeToken("audit-1", T.plus(LIFETIME));

    assertTrue(revocations.isRevoked(token("audit-1", "u-1", "p-1", T)));
    assertFalse(revocations.isRevoked(token("audit-2", "u-1", "p-1", T)));
  }

  @Test
  void givenUserRevokedAtT_whenIsRevoked_thenTokensIssuedAtOrBeforeTAreRevokedButNotLaterOnes() {
    revocations.revokeUser("u-1", T);

    assertTrue(revocations.isRevoked(token("a", "u-1", "p-1", T.minusSeconds(60))));
    assertTrue(revocations.isRevoked(token("b", "u-1", "p-1", T)));
    assertTrue(revocations.isRevoked(token("c", "u-1", null, T)), "unscoped tokens of the user too");
    assertFalse(revocations.isRevoked(token("d", "u-1", "p-1", T.plusMillis(1))));
    assertFalse(revocations.isRevoked(token("e", "u-2", "p-1", T)));
  }

  @Test
  void givenUserRevokedTwice_whenIsRevoked_thenTheLaterMomentWins() {
    revocations.revokeUser("u-1", T.plusSeconds(60));
    revocations.revokeUser("u-1", T);

    assertTrue(revocations.isRevoked(token("a", "u-1", "p-1", T.plusSeconds(30))));
  }

  @Test
  void givenProjectRevoked_whenIsRevoked_thenEveryonesTokensOnThatProjectAreRevoked() {
    revocations.revokeProject("p-1", T);

    assertTrue(revocations.isRevoked(token("a", "u-1", "p-1", T)));
    assertTrue(revocations.isRevoked(token("b", "u-2", "p-1", T)));
    assertFalse(revocations.isRevoked(token("c", "u-1", "p-2", T)));
    assertFalse(revocations.isRevoked(token("d", "u-1", null, T)));
    assertFalse(revocations.isRevoked(token("e", "u-1", "p-1", T.plusSeconds(1))));
  }

  @Test
  void givenUserRevokedOnProject_whenIsRevoked_thenOnlyThatUsersTokensOnThatProjectAreRevoked() {
    revocations.revokeUserOnProject("u-1", "p-1", T);

    assertTrue(revocations.isRevoked(token("a", "u-1", "p-1", T)));
    assertFalse(revocations.isRevoked(token("b", "u-1", "p-2", T)));
    assertFalse(revocations.isRevoked(token("c", "u-2", "p-1", T)));
    assertFalse(revocations.isRevoked(token("d", "u-1", "p-1", T.plusSeconds(1))));
  }

  @Test
  void givenRoleRevoked_whenIsRevoked_thenTokensCarryingThatRoleAreRevoked() {
    revocations.revokeRole("r-admin", T);

    assertTrue(revocations.isRevoked(token("a", "u-1", "p-1", T, new Role("r-member", "member"),
        new Role("r-admin", "admin"))));
    assertFalse(revocations.isRevoked(token("b", "u-1", "p-1", T, new Role("r-member", "member"))));
    assertFalse(revocations.isRevoked(token("c", "u-1", "p-1", T.plusSeconds(1), new Role("r-admin", "admin"))));
  }

  @Test
  void givenOldRevocations_whenPrune_thenTheyAreForgottenAndRecentOnesKept() {
    revocations.revokeToken("expired", T.minusSeconds(1));
    revocations.revokeToken("live", T.plusSeconds(1));
    revocations.revokeUser("u-old", T.minus(LIFETIME).minusSeconds(1));
    revocations.revokeUser("u-recent", T.minus(LIFETIME).plusSeconds(1));
    revocations.revokeProject("p-old", T.minus(LIFETIME).minusSeconds(1));
    revocations.revokeUserOnProject("u-1", "p-old", T.minus(LIFETIME).minusSeconds(1));
    revocations.revokeRole("r-old", T.minus(LIFETIME).minusSeconds(1));

    revocations.prune(T, LIFETIME);

    Instant longAgo = T.minus(Duration.ofDays(1));
    assertFalse(revocations.isRevoked(token("expired", "u-x", null, longAgo)));
    assertTrue(revocations.isRevoked(token("live", "u-x", null, longAgo)));
    assertFalse(revocations.isRevoked(token("a", "u-old", null, longAgo)));
    assertTrue(revocations.isRevoked(token("b", "u-recent", null, longAgo)));
    assertFalse(revocations.isRevoked(token("c", "u-x", "p-old", longAgo)));
    assertFalse(revocations.isRevoked(token("d", "u-1", "p-old", longAgo)));
    assertFalse(revocations.isRevoked(token("e", "u-x", null, longAgo, new Role("r-old", "old"))));
  }

  private static TokenClaims token(String auditId, String userId, String projectId, Instant issuedAt, Role... roles) {
    return new TokenClaims(auditId, userId, "name-" + userId, "default", projectId,
        projectId == null ? null : "name-" + projectId, projectId == null ? null : "default", List.of(roles),
        List.of("password"), issuedAt, issuedAt.plus(LIFETIME));
  }
}
