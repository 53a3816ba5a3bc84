package dev.skyledger.commandapi.identity;

import dev.skyledger.events.identity.CreateProject;
import dev.skyledger.events.identity.DeleteProject;
import dev.skyledger.events.identity.UpdateProject;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.http.Context;
import java.util.UUID;

/** {@code POST /v3/projects}, {@code PATCH} and {@code DELETE /v3/projects/{id}}: admin only. */
final class ProjectCommandController {
  static final int MAX_NAME = 64;
  static final int MAX_DESCRIPTION = 65_535;

  private final Authenticator auth;
  private final IdentityCommands commands;
  private final IdentityDirectory directory;
  private final IdentityJson render;

  ProjectCommandController(Authenticator auth, IdentityCommands commands, IdentityDirectory directory, IdentityJson render) {
    this.auth = auth;
    this.commands = commands;
    this.directory = directory;
    this.render = render;
  }

  void create(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    JsonBody p = JsonBody.of(ctx, render.mapper()).object("project");
    String name = p.name("name", MAX_NAME);
    String domain = p.optionalString("domain_id").orElse(IdentityJson.DEFAULT_DOMAIN_ID);
    if (p.optionalBoolean("is_domain").orElse(false)) throw ApiException.badRequest("Projects acting as domains are not supported.");
    p.optionalString("parent_id").filter(parent -> !parent.equals(domain)).ifPresent(parent -> {
      throw ApiException.badRequest("Invalid input for field 'project.parent_id': nested projects are not supported.");
    });
    String description = p.optionalString("description").orElse("");
    if (description.length() > MAX_DESCRIPTION) throw ApiException.badRequest("Invalid input for field 'project.description': too long.");
    String id = UUID.randomUUID().toString().replace("-", "");
    commands.send(ctx, caller, new CreateProject(id, domain, name, description,
        p.optionalBoolean("enabled").orElse(true), p.stringList("tags")), id, id);
    respond(ctx, 201, id);
  }

  void update(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    JsonBody p = JsonBody.of(ctx, render.mapper()).object("project");
    String name = p.optionalString("name").map(n -> p.checkLength("name", n, MAX_NAME)).orElse(null);
    if (p.has("domain_id")) throw ApiException.badRequest("Invalid input for field 'project.domain_id': it cannot be changed.");
    commands.send(ctx, caller, new UpdateProject(id, name, p.optionalString("description").orElse(null),
        p.optionalBoolean("enabled").orElse(null)), id, id);
    respond(ctx, 200, id);
  }

  void delete(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    commands.send(ctx, caller, new DeleteProject(id), id, id);
    ctx.status(204);
  }

  private void respond(Context ctx, int status, String id) {
    IdentityDirectory.Project project = directory.project(id)
        .orElseThrow(() -> ApiException.notFound("Could not find project: " + id + "."));
    ctx.status(status).contentType("application/json").result(render.single("project", render.project(project)).toString());
  }
}
