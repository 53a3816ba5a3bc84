package dev.skyledger.platform.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.platform.http.Json;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
  private final KeyPair keys = TokenKeys.generate();
  private final TokenCodec codec = new TokenCodec(Json.newMapper(), keys.getPublic(), keys.getPrivate());
  private final Instant now = Instant.parse("2026-11-21T12:00:00Z");
  private final RevocationList revocations = new RevocationList();
  private final Authenticator authenticator = new Authenticator(codec, revocations, Clock.fixed(now, ZoneOffset.UTC));

  private String token(Instant issued, Duration lifetime) {
    return codec.sign(new TokenClaims("audit-1", "u1", "alice", "default", "p1", "demo", "default",
        List.of(new Role("r1", "member")), List.of("password"), issued, issued.plus(lifetime)));
  }

  @Test
  void givenAValidToken_whenValidated_thenItsClaimsAreReturned() {
    var claims = authenticator.validate(token(now.minusSeconds(60), Duration.ofHours(1)));
    assertTrue(claims.isPresent());
    assertEquals("alice", claims.get().userName());
  }

  @Test
  void givenAnExpiredToken_whenValidated_thenItIsRefused() {
    assertTrue(authenticator.validate(token(now.minus(Duration.ofHours(2)), Duration.ofHours(1))).isEmpty());
  }

  @Test
  void givenATokenExpiringExactlyNow_whenValidated_thenItIsRefused() {
    assertTrue(authenticator.validate(token(now.minus(Duration.ofHours(1)), Duration.ofHours(1))).isEmpty());
  }

  @Test
  void givenARevokedUser_whenTheirEarlierTokenIsValidated_thenItIsRefused() {
    String token = token(now.minusSeconds(60), Duration.ofHours(1));
    revocations.revokeUser("u1", now.minusSeconds(1));
    assertTrue(authenticator.validate(token).isEmpty());
  }

  @Test
  void givenATokenFromAnotherKey_whenValidated_thenItIsRefused() {
    KeyPair other = TokenKeys.generate();
    String forged = new TokenCodec(Json.newMapper(), other.getPublic(), other.getPrivate()).sign(
        new TokenClaims("a", "u1", "alice", "default", null, null, null, List.of(), List.of("password"),
            now, now.plusSeconds(600)));
    assertTrue(authenticator.validate(forged).isEmpty());
  }

  @Test
  void givenARevocationListTooFarBehindTheLog_whenATokenIsValidated_thenNoneIsAcceptedUntilItCatchesUp() {
    String token = token(now.minusSeconds(60), Duration.ofHours(1));
    revocations.requireCurrentWithin(Duration.ofSeconds(30));
    var refused = org.junit.jupiter.api.Assertions.assertThrows(dev.skyledger.platform.http.ApiException.class,
        () -> authenticator.validate(token), "never caught up: fail closed");
    assertEquals(503, refused.status());
    revocations.confirmCurrent(now.minusSeconds(45));
    assertEquals(503, org.junit.jupiter.api.Assertions.assertThrows(dev.skyledger.platform.http.ApiException.class,
        () -> authenticator.validate(token)).status(), "45 s behind a 30 s bound");
    revocations.confirmCurrent(now.minusSeconds(2));
    assertTrue(authenticator.validate(token).isPresent());
  }
}
