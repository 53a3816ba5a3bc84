package dev.skyledger.commandapi.identity;

import dev.skyledger.events.identity.AddUserToGroup;
import dev.skyledger.events.identity.CreateGroup;
import dev.skyledger.events.identity.DeleteGroup;
import dev.skyledger.events.identity.RemoveUserFromGroup;
import dev.skyledger.events.identity.UpdateGroup;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.http.Context;
import java.util.UUID;

/** Groups (create, update, delete) and their members (add, remove): admin only. */
final class GroupCommandController {
  static final int MAX_NAME = 64;

  private final Authenticator auth;
  private final IdentityCommands commands;
  private final IdentityDirectory directory;
  private final IdentityJson render;

  GroupCommandController(Authenticator auth, IdentityCommands commands, IdentityDirectory directory, IdentityJson render) {
    this.auth = auth;
    this.commands = commands;
    this.directory = directory;
    this.render = render;
  }

  void create(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    JsonBody g = JsonBody.of(ctx, render.mapper()).object("group");
    String name = g.name("name", MAX_NAME);
    String id = UUID.randomUUID().toString().replace("-", "");
    commands.send(ctx, caller, new CreateGroup(id, g.optionalString("domain_id").orElse(IdentityJson.DEFAULT_DOMAIN_ID),
        name, g.has("description") ? ProjectCommandController.description(g) : null), id, null);
    respond(ctx, 201, id);
  }

  void update(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    JsonBody g = JsonBody.of(ctx, render.mapper()).object("group");
    if (g.has("domain_id")) throw ApiException.badRequest("Invalid input for field 'group.domain_id': it cannot be changed.");
    String name = g.optionalString("name").map(n -> g.checkLength("name", n, MAX_NAME)).orElse(null);
    commands.send(ctx, caller, new UpdateGroup(id, name,
        g.has("description") ? ProjectCommandController.description(g) : null), id, null);
    respond(ctx, 200, id);
  }

  void delete(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    commands.send(ctx, caller, new DeleteGroup(id), id, null);
    ctx.status(204);
  }

  void addUser(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String group = ctx.pathParam("id");
    commands.send(ctx, caller, new AddUserToGroup(group, ctx.pathParam("user")), group, null);
    ctx.status(204);
  }

  void removeUser(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String group = ctx.pathParam("id");
    commands.send(ctx, caller, new RemoveUserFromGroup(group, ctx.pathParam("user")), group, null);
    ctx.status(204);
  }

  private void respond(Context ctx, int status, String id) {
    IdentityDirectory.Group group = directory.group(id)
        .orElseThrow(() -> ApiException.notFound("Could not find group: " + id + "."));
    ctx.status(status).contentType("application/json").result(render.single("group", render.group(group)).toString());
  }
}
