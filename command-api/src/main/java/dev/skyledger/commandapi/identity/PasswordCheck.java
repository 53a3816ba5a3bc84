package dev.skyledger.commandapi.identity;

import dev.skyledger.events.identity.RecordAuthFailure;
import dev.skyledger.events.identity.ResetAuthFailures;
import dev.skyledger.platform.auth.PasswordHasher;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.identity.IdentityDirectory;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a password as Keystone's security compliance options do:
 * <ul>
 *   <li>after {@code lockoutFailureAttempts} wrong passwords in a row a user is locked out for
 *       {@code lockoutDuration} (401 "The account is locked"), whatever password comes meanwhile;
 *       once that has run out the count starts again;</li>
 *   <li>a user that does not exist costs the same key derivation as one that does, so the time of
 *       the answer does not tell which names exist.</li>
 * </ul>
 * Failures and resets are recorded as identity commands ({@code UserAuthFailed},
 * {@code UserAuthFailuresReset}: the audit trail shows who is being guessed at), sent on one
 * thread of their own so that a wrong password costs the caller no more than an unknown user does,
 * and in the order the checks happened.
 */
final class PasswordCheck implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PasswordCheck.class);
  static final String AUTH_FAILED = "The request you have made requires authentication.";

  private final PasswordHasher hasher;
  private final IdentityCommands commands;
  private final SkyConfig.Security policy;
  /** A hash of nothing anyone knows, with the current cost: what an unknown user's password is checked against. */
  private final String decoy;
  private final ExecutorService recorder;

  PasswordCheck(PasswordHasher hasher, IdentityCommands commands, SkyConfig.Security policy) {
    this.hasher = hasher;
    this.commands = commands;
    this.policy = policy;
    this.decoy = hasher.hash(UUID.randomUUID().toString());
    // a burst beyond the queue records on the caller's thread rather than being dropped
    this.recorder = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(10_000), r -> {
      Thread t = new Thread(r, "password-check-recorder");
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.CallerRunsPolicy());
  }

  /** The user whose password this is, or a 401 that says no more than Keystone does. */
  IdentityDirectory.User check(Optional<IdentityDirectory.User> found, String password, String requestId, Instant now) {
    if (found.isEmpty()) {
      hasher.matches(password, decoy);
      throw ApiException.unauthorized(AUTH_FAILED);
    }
    IdentityDirectory.User user = found.get();
    boolean reachedLimit = policy.lockoutFailureAttempts() > 0 && user.failedAuthCount() >= policy.lockoutFailureAttempts();
    if (reachedLimit && lockedUntil(user).isAfter(now)) {
      throw ApiException.unauthorized("The account is locked for user: " + user.id() + ".");
    }
    if (reachedLimit) record(requestId, new ResetAuthFailures(user.id()), user.id());
    boolean matches = hasher.matches(password, user.passwordHash());
    if (!matches || !user.enabled()) {
      record(requestId, new RecordAuthFailure(user.id()), user.id());
      throw ApiException.unauthorized(AUTH_FAILED);
    }
    if (user.failedAuthCount() > 0 && !reachedLimit) record(requestId, new ResetAuthFailures(user.id()), user.id());
    return user;
  }

  private Instant lockedUntil(IdentityDirectory.User user) {
    // Keystone: no duration means locked until an admin sets a new password or enables the user again
    if (user.failedAuthAt() == null || policy.lockoutDuration().isZero()) return Instant.MAX;
    return user.failedAuthAt().plus(policy.lockoutDuration());
  }

  private void record(String requestId, SpecificRecord command, String userId) {
    recorder.execute(() -> {
      try {
        commands.record(requestId, command, userId);
      } catch (RuntimeException e) {
        log.warn("request {}: could not record {} for user {}: {}", requestId, command.getSchema().getName(), userId,
            e.getMessage());
      }
    });
  }

  @Override
  public void close() {
    recorder.shutdown();
  }
}
