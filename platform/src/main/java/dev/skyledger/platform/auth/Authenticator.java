package dev.skyledger.platform.auth;

import dev.skyledger.platform.http.ApiException;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.Optional;

/** Validates tokens offline: a good signature, not expired, not revoked. */
public final class Authenticator {
  public static final String AUTH_HEADER = "X-Auth-Token";
  private static final String CLAIMS = "sky.claims";

  private final TokenCodec codec;
  private final RevocationList revocations;
  private final Clock clock;
  /** Tokens whose signature was already checked; expiry and revocation are still checked every time. */
  private final java.util.Map<String, TokenClaims> verified = new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MAX_VERIFIED = 10_000;

  public Authenticator(TokenCodec codec, RevocationList revocations, Clock clock) {
    this.codec = codec;
    this.revocations = revocations;
    this.clock = clock;
  }

  /**
   * The claims of a token that works now, or empty. When this process's revocation list is too far
   * behind the identity log to say whether a token was revoked, no token is accepted: a 503.
   */
  public Optional<TokenClaims> validate(String token) {
    if (token == null) return Optional.empty();
    revocations.tooFarBehind(clock.instant()).ifPresent(behind -> {
      throw ApiException.unavailable("Tokens cannot be validated just now: the revocation list is " + behind.toSeconds()
          + " s behind the identity log (the message broker may be unreachable); try again shortly.");
    });
    TokenClaims known = verified.get(token);
    Optional<TokenClaims> claims = known != null ? Optional.of(known) : codec.verify(token);
    if (known == null && claims.isPresent()) {
      if (verified.size() >= MAX_VERIFIED) verified.clear();
      verified.put(token, claims.get());
    }
    return claims
        .filter(c -> c.expiresAt().isAfter(clock.instant()))
        .filter(c -> !revocations.isRevoked(c));
  }

  /**
   * Applies a revocation this process has just had accepted, so its own next request sees it
   * without waiting for the revocation feed (other processes get it from the feed).
   */
  public void revoked(TokenClaims claims) {
    revocations.revokeToken(claims.auditId(), claims.expiresAt());
  }

  /** The caller of a request, from its {@code X-Auth-Token}; 401 with Keystone's message otherwise. */
  public TokenClaims caller(Context ctx) {
    TokenClaims cached = ctx.attribute(CLAIMS);
    if (cached != null) return cached;
    String token = ctx.header(AUTH_HEADER);
    if (token == null || token.isBlank()) {
      throw ApiException.unauthorized("The request you have made requires authentication.");
    }
    TokenClaims claims = validate(token.strip()).orElseThrow(() ->
        ApiException.unauthorized("The request you have made requires authentication."));
    ctx.attribute(CLAIMS, claims);
    return claims;
  }

  /** The caller, who must be a cloud administrator. */
  public TokenClaims admin(Context ctx) {
    TokenClaims claims = caller(ctx);
    if (!claims.isAdmin()) {
      throw ApiException.forbidden("You are not authorized to perform the requested action: admin required.");
    }
    return claims;
  }
}
