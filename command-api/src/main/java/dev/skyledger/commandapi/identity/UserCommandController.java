package dev.skyledger.commandapi.identity;

import dev.skyledger.events.identity.ChangePassword;
import dev.skyledger.events.identity.CreateUser;
import dev.skyledger.events.identity.DeleteUser;
import dev.skyledger.events.identity.UpdateUser;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.PasswordHasher;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.http.Context;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.UUID;

/**
 * Users: create, update, delete (admin only), and a user changing their own password. Passwords
 * are hashed here, before anything is published: no event carries one in plaintext.
 */
final class UserCommandController {
  static final int MAX_NAME = 255;
  static final int MAX_PASSWORD = 4096;
  static final int MAX_EXTRA = 16_384;
  private static final Set<String> KNOWN = Set.of("id", "name", "domain_id", "enabled", "password", "email",
      "description", "default_project_id", "options", "links", "password_expires_at", "federated", "original_password");

  private final Authenticator auth;
  private final IdentityCommands commands;
  private final IdentityDirectory directory;
  private final IdentityJson render;
  private final PasswordHasher hasher;

  UserCommandController(Authenticator auth, IdentityCommands commands, IdentityDirectory directory, IdentityJson render,
                        PasswordHasher hasher) {
    this.auth = auth;
    this.commands = commands;
    this.directory = directory;
    this.render = render;
    this.hasher = hasher;
  }

  void create(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    JsonBody u = JsonBody.of(ctx, render.mapper()).object("user");
    String name = u.name("name", MAX_NAME);
    String hash = u.optionalString("password").map(p -> hasher.hash(checkPassword(u, p))).orElse(null);
    String id = UUID.randomUUID().toString().replace("-", "");
    commands.send(ctx, caller, new CreateUser(id, u.optionalString("domain_id").orElse(IdentityJson.DEFAULT_DOMAIN_ID),
        name, hash, u.optionalString("email").orElse(null), u.optionalString("description").orElse(null),
        u.optionalBoolean("enabled").orElse(true), u.optionalString("default_project_id").orElse(null),
        extra(u, null)), id, null);
    respond(ctx, 201, id);
  }

  void update(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    JsonBody u = JsonBody.of(ctx, render.mapper()).object("user");
    if (u.has("domain_id")) throw ApiException.badRequest("Invalid input for field 'user.domain_id': it cannot be changed.");
    String name = u.optionalString("name").map(n -> u.checkLength("name", n, MAX_NAME)).orElse(null);
    String hash = u.optionalString("password").map(p -> hasher.hash(checkPassword(u, p))).orElse(null);
    commands.send(ctx, caller, new UpdateUser(id, name, hash, u.optionalString("email").orElse(null),
        u.optionalString("description").orElse(null), u.optionalBoolean("enabled").orElse(null),
        u.optionalString("default_project_id").orElse(null),
        extra(u, directory.user(id).map(IdentityDirectory.User::extra).orElse(null))), id, null);
    respond(ctx, 200, id);
  }

  void delete(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    commands.send(ctx, caller, new DeleteUser(id), id, null);
    ctx.status(204);
  }

  /** {@code POST /v3/users/{id}/password}: the user themself, proving the original password. */
  void changePassword(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    JsonBody u = JsonBody.of(ctx, render.mapper()).object("user");
    String original = u.string("original_password");
    String password = checkPassword(u, u.string("password"));
    if (!id.equals(caller.userId()) && !caller.isAdmin()) {
      throw ApiException.forbidden("You may only change your own password.");
    }
    IdentityDirectory.User user = directory.user(id).orElseThrow(() -> ApiException.notFound("Could not find user: " + id + "."));
    if (!hasher.matches(original, user.passwordHash())) {
      throw ApiException.unauthorized("The original password is not correct.");
    }
    commands.send(ctx, caller, new ChangePassword(id, hasher.hash(password)), id, null);
    ctx.status(204);
  }

  /**
   * The attributes Keystone does not know, which it keeps and gives back ({@code project_id} from
   * older clients, for one): merged over {@code previous}; null when there are none to store.
   */
  private String extra(JsonBody u, String previous) {
    ObjectNode extra;
    try {
      extra = previous == null ? render.mapper().createObjectNode() : (ObjectNode) render.mapper().readTree(previous);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("corrupt extra attributes", e);
    }
    boolean changed = false;
    for (var it = u.node().fields(); it.hasNext(); ) {
      var field = it.next();
      if (KNOWN.contains(field.getKey())) continue;
      if (field.getKey().length() > 64) {
        throw ApiException.badRequest("Invalid input for field 'user': attribute names are at most 64 characters.");
      }
      extra.set(field.getKey(), field.getValue());
      changed = true;
    }
    if (!changed) return null;
    String text = extra.toString();
    if (text.length() > MAX_EXTRA) throw ApiException.badRequest("Invalid input for field 'user': too many other attributes.");
    return text;
  }

  private static String checkPassword(JsonBody u, String password) {
    if (password.isEmpty()) throw ApiException.badRequest("Invalid input for field 'user.password': must not be empty.");
    if (password.length() > MAX_PASSWORD) throw ApiException.badRequest("Invalid input for field 'user.password': too long.");
    return password;
  }

  private void respond(Context ctx, int status, String id) {
    IdentityDirectory.User user = directory.user(id).orElseThrow(() -> ApiException.notFound("Could not find user: " + id + "."));
    ctx.status(status).contentType("application/json").result(render.single("user", render.user(user)).toString());
  }
}
