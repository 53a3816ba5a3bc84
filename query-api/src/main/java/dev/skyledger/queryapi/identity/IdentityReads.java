package dev.skyledger.queryapi.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.http.Context;
import java.util.List;

/**
 * What the identity read routes share: the caller check, the lookups that answer with Keystone's
 * 404s, the query parameter readers, and the JSON answer.
 */
final class IdentityReads {
  static final String V3 = "/identity/v3";

  final Authenticator auth;
  final IdentityDirectory directory;
  final IdentityJson render;

  IdentityReads(Authenticator auth, IdentityDirectory directory, IdentityJson render) {
    this.auth = auth;
    this.directory = directory;
    this.render = render;
  }

  IdentityDirectory.Project project(String id) {
    return directory.project(id).orElseThrow(() -> ApiException.notFound("Could not find project: " + id + "."));
  }

  IdentityDirectory.User user(String id) {
    return directory.user(id).orElseThrow(() -> ApiException.notFound("Could not find user: " + id + "."));
  }

  IdentityDirectory.Group group(String id) {
    return directory.group(id).orElseThrow(() -> ApiException.notFound("Could not find group: " + id + "."));
  }

  IdentityDirectory.Role role(String id) {
    return directory.role(id).orElseThrow(() -> ApiException.notFound("Could not find role: " + id + "."));
  }

  void selfOrAdmin(Context ctx, String userId, String action) {
    TokenClaims caller = auth.caller(ctx);
    if (!caller.isAdmin() && !caller.userId().equals(userId)) {
      throw ApiException.forbidden("You are not authorized to perform the requested action: " + action + ".");
    }
  }

  static boolean flag(Context ctx, String name) {
    String value = ctx.queryParam(name);
    return value != null && !value.equalsIgnoreCase("false") && !value.equals("0");
  }

  static List<String> csv(String value) {
    if (value == null || value.isEmpty()) return List.of();
    return List.of(value.split(","));
  }

  static java.util.Optional<Boolean> bool(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null) return java.util.Optional.empty();
    if (value.equalsIgnoreCase("true") || value.equals("1") || value.isEmpty()) return java.util.Optional.of(true);
    if (value.equalsIgnoreCase("false") || value.equals("0")) return java.util.Optional.of(false);
    throw ApiException.badRequest("Invalid value for query parameter '" + name + "': " + value + ".");
  }

  static IdentityDirectory.Filter filter(Context ctx) {
    return new IdentityDirectory.Filter(ctx.queryParam("name"), bool(ctx, "enabled").orElse(null),
        ctx.queryParam("domain_id"));
  }

  static void json(Context ctx, ObjectNode body) {
    ctx.contentType("application/json").result(body.toString());
  }

  /** An admin's list of catalog entries. */
  void list(Context ctx, String key, List<ObjectNode> items) {
    auth.admin(ctx);
    json(ctx, render.collection(key, key, items));
  }

  void show(Context ctx, String key, java.util.Optional<ObjectNode> item) {
    auth.admin(ctx);
    json(ctx, render.single(key, item.orElseThrow(() ->
        ApiException.notFound("Could not find " + key + ": " + ctx.pathParam("id") + "."))));
  }
}
