package dev.skyledger.commandapi.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.events.identity.CreateApplicationCredential;
import dev.skyledger.events.identity.DeleteApplicationCredential;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.PasswordHasher;
import dev.skyledger.platform.auth.Role;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.http.Context;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Application credentials ({@code /v3/users/{id}/application_credentials}): a user makes one for
 * automation with their project-scoped token; it acts in that project with the roles chosen from
 * those the user holds there. The secret is returned once and kept only as a hash.
 */
final class AppCredentialController {
  private static final int MAX_SECRET = 4096;

  private final Authenticator auth;
  private final IdentityCommands commands;
  private final IdentityDirectory directory;
  private final IdentityJson render;
  private final PasswordHasher hasher;
  private final SecureRandom random = new SecureRandom();

  AppCredentialController(Authenticator auth, IdentityCommands commands, IdentityDirectory directory,
                          IdentityJson render, PasswordHasher hasher) {
    this.auth = auth;
    this.commands = commands;
    this.directory = directory;
    this.render = render;
    this.hasher = hasher;
  }

  void create(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String user = ctx.pathParam("id");
    if (!user.equals(caller.userId())) {
      throw ApiException.forbidden("You are not authorized to perform the requested action: "
          + "identity:create_application_credential.");
    }
    if (caller.projectId() == null) {
      throw ApiException.forbidden("An application credential is made with a project-scoped token.");
    }
    JsonBody a = JsonBody.of(ctx, render.mapper()).object("application_credential");
    String name = a.name("name", 255);
    String secret = a.optionalString("secret").orElseGet(this::newSecret);
    if (secret.isEmpty() || secret.length() > MAX_SECRET) {
      throw ApiException.badRequest("Invalid input for field 'application_credential.secret': 1 to " + MAX_SECRET
          + " characters.");
    }
    Instant expires = a.optionalString("expires_at").map(AppCredentialController::time).orElse(null);
    if (expires != null && !expires.isAfter(commands.clock().instant())) {
      throw ApiException.badRequest("Invalid input for field 'application_credential.expires_at': it has passed.");
    }
    if (a.has("access_rules") && a.node().get("access_rules").size() > 0) {
      throw ApiException.badRequest("Access rules on application credentials are not supported.");
    }
    List<String> roles = roles(a, caller);
    String id = UUID.randomUUID().toString().replace("-", "");
    commands.send(ctx, caller, new CreateApplicationCredential(id, user, caller.projectId(), name,
        a.optionalString("description").orElse(null), hasher.hash(secret), expires, roles,
        a.optionalBoolean("unrestricted").orElse(false)), id, caller.projectId());
    IdentityDirectory.AppCredential made = directory.appCredential(id)
        .orElseThrow(() -> ApiException.notFound("Could not find Application Credential: " + id + "."));
    ctx.status(201).contentType("application/json").result(render.single("application_credential",
        render.appCredential(made, rolesOf(made), secret)).toString());
  }

  void delete(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String user = ctx.pathParam("id");
    String id = ctx.pathParam("credential");
    if (!user.equals(caller.userId()) && !caller.isAdmin()) {
      throw ApiException.forbidden("You are not authorized to perform the requested action: "
          + "identity:delete_application_credential.");
    }
    commands.send(ctx, caller, new DeleteApplicationCredential(id, user), id, null);
    ctx.status(204);
  }

  private List<IdentityDirectory.Role> rolesOf(IdentityDirectory.AppCredential a) {
    return a.roleIds().stream().map(directory::role).flatMap(java.util.Optional::stream).toList();
  }

  /**
   * The roles asked for by id or name, or all of the token's; whether the user holds them on the
   * project now is decided by the identity decider (a role granted after the token was issued counts).
   */
  private List<String> roles(JsonBody a, TokenClaims caller) {
    JsonNode asked = a.node().get("roles");
    if (asked == null || asked.isNull()) return caller.roles().stream().map(Role::id).toList();
    if (!asked.isArray()) throw ApiException.badRequest("Invalid input for field 'application_credential.roles'.");
    List<String> ids = new ArrayList<>();
    for (JsonNode role : asked) {
      String id = role.path("id").asText(null);
      String name = role.path("name").asText(null);
      if (id == null && name == null) {
        throw ApiException.badRequest("Invalid input for field 'application_credential.roles': each names an id or a name.");
      }
      String found = id != null ? id : directory.roles(name).stream().map(IdentityDirectory.Role::id).findFirst()
          .orElseThrow(() -> ApiException.notFound("Could not find role: " + name + "."));
      if (!ids.contains(found)) ids.add(found);
    }
    return ids;
  }

  private String newSecret() {
    byte[] bytes = new byte[48];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** ISO 8601, with or without a zone (without: UTC, as Keystone reads it). */
  static Instant time(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MICROS);
    } catch (DateTimeParseException e) {
      try {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
      } catch (DateTimeParseException again) {
        throw ApiException.badRequest("Invalid input for field 'expires_at': '" + text + "' is not an ISO 8601 time.");
      }
    }
  }
}
