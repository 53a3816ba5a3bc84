package dev.skyledger.commandapi.identity;

import dev.skyledger.events.identity.AssignRole;
import dev.skyledger.events.identity.CreateRole;
import dev.skyledger.events.identity.DeleteRole;
import dev.skyledger.events.identity.UnassignRole;
import dev.skyledger.events.identity.UpdateRole;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.http.Context;
import java.util.UUID;

/** Roles (create, delete) and their assignments to users on projects (grant, revoke): admin only. */
final class RoleCommandController {
  private final Authenticator auth;
  private final IdentityCommands commands;
  private final IdentityDirectory directory;
  private final IdentityJson render;

  RoleCommandController(Authenticator auth, IdentityCommands commands, IdentityDirectory directory, IdentityJson render) {
    this.auth = auth;
    this.commands = commands;
    this.directory = directory;
    this.render = render;
  }

  void create(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    JsonBody r = JsonBody.of(ctx, render.mapper()).object("role");
    String name = r.name("name", 255);
    if (r.optionalString("domain_id").isPresent()) throw ApiException.badRequest("Domain-specific roles are not supported.");
    String id = UUID.randomUUID().toString().replace("-", "");
    commands.send(ctx, caller, new CreateRole(id, name, r.optionalString("description").orElse(null)), id, null);
    IdentityDirectory.Role role = directory.role(id).orElseThrow(() -> ApiException.notFound("Could not find role: " + id + "."));
    ctx.status(201).contentType("application/json").result(render.single("role", render.role(role)).toString());
  }

  void update(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    JsonBody r = JsonBody.of(ctx, render.mapper()).object("role");
    String name = r.optionalString("name").map(n -> r.checkLength("name", n, 255)).orElse(null);
    commands.send(ctx, caller, new UpdateRole(id, name, r.optionalString("description").orElse(null)), id, null);
    IdentityDirectory.Role role = directory.role(id).orElseThrow(() -> ApiException.notFound("Could not find role: " + id + "."));
    ctx.status(200).contentType("application/json").result(render.single("role", render.role(role)).toString());
  }

  void delete(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    commands.send(ctx, caller, new DeleteRole(id), id, null);
    ctx.status(204);
  }

  void grant(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String project = ctx.pathParam("project");
    commands.send(ctx, caller, new AssignRole(project, ctx.pathParam("user"), ctx.pathParam("role")),
        ctx.pathParam("user"), project);
    ctx.status(204);
  }

  void revoke(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String project = ctx.pathParam("project");
    commands.send(ctx, caller, new UnassignRole(project, ctx.pathParam("user"), ctx.pathParam("role")),
        ctx.pathParam("user"), project);
    ctx.status(204);
  }
}
