package dev.skyledger.platform.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.platform.http.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tokens verify offline with the public key; anything not signed by our key is refused, never thrown at. */
class TokenCodecTest {
  private static final Instant ISSUED = Instant.parse("2025-06-01T12:00:00Z");

  private final KeyPair keys = TokenKeys.generate();
  private final TokenCodec codec = new TokenCodec(Json.newMapper(), keys.getPublic(), keys.getPrivate());

  @Test
  void givenProjectScopedClaims_whenSignAndVerify_thenSameClaims() {
    TokenClaims claims = claims("p-1", List.of(new Role("r-admin", "admin"), new Role("r-member", "member")));

    Optional<TokenClaims> verified = codec.verify(codec.sign(claims));

    assertEquals(Optional.of(claims), verified);
  }

  @Test
  void givenUnscopedClaims_whenSignAndVerify_thenNoProjectAndNoRoles() {
    TokenClaims claims = new TokenClaims("audit-2", "u-1", "alice", "default", null, null, null, List.of(),
        List.of("password"), ISSUED, ISSUED.plusSeconds(3600));

    TokenClaims verified = codec.verify(codec.sign(claims)).orElseThrow();

    assertEquals(claims, verified);
    assertFalse(verified.scoped());
  }

  @Test
  void givenTokenWithBodyRewrittenToClaimAdmin_whenVerify_thenEmpty() {
    String token = codec.sign(claims("p-1", List.of(new Role("r-reader", "reader"))));
    String signature = token.substring(token.indexOf('.') + 1);
    String forgedBody = body(codec.sign(claims("p-1", List.of(new Role("r-admin", "admin")))));

    assertEquals(Optional.empty(), codec.verify(forgedBody + "." + signature));
  }

  @Test
  void givenTokenWithOneBodyCharacterChanged_whenVerify_thenEmpty() {
    String token = codec.sign(claims("p-1", List.of(new Role("r-member", "member"))));

    assertEquals(Optional.empty(), codec.verify(flip(token, 10)));
  }

  @Test
  void givenTokenWithOneSignatureCharacterChanged_whenVerify_thenEmpty() {
    String token = codec.sign(claims("p-1", List.of(new Role("r-member", "member"))));

    assertEquals(Optional.empty(), codec.verify(flip(token, token.indexOf('.') + 10)));
  }

  @Test
  void givenTokenSignedByAnotherKey_whenVerify_thenEmpty() {
    KeyPair other = TokenKeys.generate();
    String token = new TokenCodec(Json.newMapper(), other.getPublic(), other.getPrivate())
        .sign(claims("p-1", List.of(new Role("r-admin", "admin"))));

    assertEquals(Optional.empty(), codec.verify(token));
  }

  @Test
  void givenVerifierWithPublicKeyOnly_whenVerifyTokenOfTheSigner_thenClaims() {
    TokenCodec verifierOnly = new TokenCodec(Json.newMapper(), keys.getPublic(), null);
    TokenClaims claims = claims("p-1", List.of(new Role("r-member", "member")));

    assertEquals(Optional.of(claims), verifierOnly.verify(codec.sign(claims)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "abc", "abc.", ".abc", "a.b.c", "not base64!.sig", "eyJ2IjoxfQ.AAAA",
      "eyJ2IjoxfQ.%%%%", "gAAAAABk-fernet-like-token"})
  void givenGarbage_whenVerify_thenEmpty(String garbage) {
    assertEquals(Optional.empty(), codec.verify(garbage));
  }

  @Test
  void givenNullOrHugeToken_whenVerify_thenEmpty() {
    assertEquals(Optional.empty(), codec.verify(null));
    assertEquals(Optional.empty(), codec.verify("A".repeat(10_000) + ".AAAA"));
  }

  @Test
  void givenValidlySignedBodyThatIsNotJson_whenVerify_thenEmpty() {
    String token = signRaw("this is not json".getBytes(StandardCharsets.UTF_8));

    assertEquals(Optional.empty(), codec.verify(token));
  }

  private String signRaw(byte[] body) {
    try {
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(keys.getPrivate());
      signer.update(body);
      Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
      return enc.encodeToString(body) + "." + enc.encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static TokenClaims claims(String projectId, List<Role> roles) {
    return new TokenClaims("audit-1", "u-1", "alice", "default", projectId, "demo", "default", roles,
        List.of("password"), ISSUED, ISSUED.plusSeconds(3600));
  }

  private static String body(String token) {
    return token.substring(0, token.indexOf('.'));
  }

  /** The token with the character at {@code index} replaced by a different base64url character. */
  private static String flip(String token, int index) {
    char c = token.charAt(index);
    char replacement = c == 'A' ? 'B' : 'A';
    String flipped = token.substring(0, index) + replacement + token.substring(index + 1);
    assertNotEquals(token, flipped);
    assertTrue(index != token.indexOf('.'));
    return flipped;
  }
}
