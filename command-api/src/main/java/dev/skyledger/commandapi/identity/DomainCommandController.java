package dev.skyledger.commandapi.identity;

import dev.skyledger.events.identity.CreateDomain;
import dev.skyledger.events.identity.DeleteDomain;
import dev.skyledger.events.identity.UpdateDomain;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.http.Context;
import java.util.UUID;

/** {@code POST /v3/domains}, {@code PATCH} and {@code DELETE /v3/domains/{id}}: admin only. */
final class DomainCommandController {
  static final int MAX_NAME = 64;

  private final Authenticator auth;
  private final IdentityCommands commands;
  private final IdentityDirectory directory;
  private final IdentityJson render;

  DomainCommandController(Authenticator auth, IdentityCommands commands, IdentityDirectory directory, IdentityJson render) {
    this.auth = auth;
    this.commands = commands;
    this.directory = directory;
    this.render = render;
  }

  void create(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    JsonBody d = JsonBody.of(ctx, render.mapper()).object("domain");
    String name = d.name("name", MAX_NAME);
    String description = ProjectCommandController.description(d);
    String id = UUID.randomUUID().toString().replace("-", "");
    commands.send(ctx, caller, new CreateDomain(id, name, description, d.optionalBoolean("enabled").orElse(true),
        ProjectCommandController.tags(d)), id, null);
    respond(ctx, 201, id);
  }

  void update(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    JsonBody d = JsonBody.of(ctx, render.mapper()).object("domain");
    String name = d.optionalString("name").map(n -> d.checkLength("name", n, MAX_NAME)).orElse(null);
    String description = d.has("description") ? ProjectCommandController.description(d) : null;
    commands.send(ctx, caller, new UpdateDomain(id, name, description, d.optionalBoolean("enabled").orElse(null),
        d.has("tags") ? ProjectCommandController.tags(d) : null), id, null);
    respond(ctx, 200, id);
  }

  void delete(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    commands.send(ctx, caller, new DeleteDomain(id), id, null);
    ctx.status(204);
  }

  private void respond(Context ctx, int status, String id) {
    IdentityDirectory.Domain domain = directory.domain(id)
        .orElseThrow(() -> ApiException.notFound("Could not find domain: " + id + "."));
    ctx.status(status).contentType("application/json").result(render.single("domain", render.domain(domain)).toString());
  }
}
