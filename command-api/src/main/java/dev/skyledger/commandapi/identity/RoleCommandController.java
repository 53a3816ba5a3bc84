package dev.skyledger.commandapi.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.identity.AssignRole;
import dev.skyledger.events.identity.CreateImpliedRole;
import dev.skyledger.events.identity.DeleteImpliedRole;
import dev.skyledger.events.identity.CreateRole;
import dev.skyledger.events.identity.DeleteRole;
import dev.skyledger.events.identity.UnassignRole;
import dev.skyledger.events.identity.UpdateRole;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.views.identity.Grant;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.UUID;

/**
 * Roles (create, update, delete; global or of a domain), the rules by which one implies another,
 * and grants of roles to users and groups on projects, domains and the system: admin only.
 */
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
    String id = UUID.randomUUID().toString().replace("-", "");
    commands.send(ctx, caller, new CreateRole(id, name, r.optionalString("description").orElse(null),
        r.optionalString("domain_id").orElse(null)), id, null);
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

  /**
   * {@code PUT} (grant) or {@code DELETE} (revoke) of a role to an actor ({@code user} or
   * {@code group}) on a target ({@code project}, {@code domain} or {@code system}), {@code inherited}
   * to the projects under the target. Path parameters: {@code target} (not for the system),
   * {@code actor}, {@code role}.
   */
  Handler grant(String targetType, String actorType, boolean inherited, boolean revoke) {
    return ctx -> {
      TokenClaims caller = auth.admin(ctx);
      String target = targetType.equals(Grant.SYSTEM) ? null : ctx.pathParam("target");
      String actor = ctx.pathParam("actor");
      String role = ctx.pathParam("role");
      String user = actorType.equals(Grant.USER) ? actor : null;
      String group = actorType.equals(Grant.GROUP) ? actor : null;
      String project = targetType.equals(Grant.PROJECT) ? target : null;
      String domain = targetType.equals(Grant.DOMAIN) ? target : null;
      boolean system = targetType.equals(Grant.SYSTEM);
      if (revoke) {
        commands.send(ctx, caller, new UnassignRole(project, user, role, domain, group, system, inherited), actor, project);
      } else {
        commands.send(ctx, caller, new AssignRole(project, user, role, domain, group, system, inherited), actor, project);
      }
      ctx.status(204);
    };
  }

  /** {@code PUT /v3/roles/{prior}/implies/{implied}}. */
  void imply(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String prior = ctx.pathParam("prior");
    String implied = ctx.pathParam("implied");
    commands.send(ctx, caller, new CreateImpliedRole(prior, implied), prior, null);
    ctx.status(201).contentType("application/json").result(inference(prior, implied).toString());
  }

  /** {@code DELETE /v3/roles/{prior}/implies/{implied}}. */
  void unimply(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String prior = ctx.pathParam("prior");
    commands.send(ctx, caller, new DeleteImpliedRole(prior, ctx.pathParam("implied")), prior, null);
    ctx.status(204);
  }

  private ObjectNode inference(String prior, String implied) {
    ObjectNode root = render.mapper().createObjectNode();
    ObjectNode rule = root.putObject("role_inference");
    rule.set("prior_role", render.roleRef(role(prior)));
    rule.set("implies", render.roleRef(role(implied)));
    return root;
  }

  private IdentityDirectory.Role role(String id) {
    return directory.role(id).orElseThrow(() -> ApiException.notFound("Could not find role: " + id + "."));
  }
}
