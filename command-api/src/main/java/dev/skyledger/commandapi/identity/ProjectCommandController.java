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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** {@code POST /v3/projects}, {@code PATCH} and {@code DELETE /v3/projects/{id}}: admin only. */
final class ProjectCommandController {
  static final int MAX_NAME = 64;
  static final int MAX_DESCRIPTION = 65_535;
  static final int MAX_TAGS = 80;

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
    String parent = p.optionalString("parent_id").orElse(null);
    // without a domain_id a project is in its parent's domain (the parent may be the domain itself)
    String domain = p.optionalString("domain_id").orElseGet(() -> parent == null ? IdentityJson.DEFAULT_DOMAIN_ID
        : directory.project(parent).map(IdentityDirectory.Project::domainId)
            .or(() -> directory.domain(parent).map(IdentityDirectory.Domain::id))
            .orElse(IdentityJson.DEFAULT_DOMAIN_ID));
    if (p.optionalBoolean("is_domain").orElse(false)) throw ApiException.badRequest("Projects acting as domains are not supported.");
    String id = UUID.randomUUID().toString().replace("-", "");
    commands.send(ctx, caller, new CreateProject(id, domain, name, description(p),
        p.optionalBoolean("enabled").orElse(true), tags(p), parent == null || parent.equals(domain) ? null : parent),
        id, id);
    respond(ctx, 201, id);
  }

  void update(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    JsonBody p = JsonBody.of(ctx, render.mapper()).object("project");
    String name = p.optionalString("name").map(n -> p.checkLength("name", n, MAX_NAME)).orElse(null);
    if (p.has("domain_id")) throw ApiException.badRequest("Invalid input for field 'project.domain_id': it cannot be changed.");
    if (p.has("parent_id")) throw ApiException.forbidden("Update of `parent_id` is not allowed.");
    commands.send(ctx, caller, new UpdateProject(id, name, p.has("description") ? description(p) : null,
        p.optionalBoolean("enabled").orElse(null), p.has("tags") ? tags(p) : null), id, id);
    respond(ctx, 200, id);
  }

  /** {@code PUT /v3/projects/{id}/tags/{tag}}: adds one. */
  void addTag(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    String tag = checkTag(ctx.pathParam("tag"));
    List<String> tags = new ArrayList<>(project(id).tags());
    if (!tags.contains(tag)) tags.add(tag);
    setTags(ctx, caller, id, tags);
    ctx.status(201).header("Location", render.catalog().url("/identity/v3/projects/" + id + "/tags/" + tag));
  }

  /** {@code PUT /v3/projects/{id}/tags}: replaces all. */
  void replaceTags(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    project(id);
    List<String> tags = tags(JsonBody.of(ctx, render.mapper()));
    setTags(ctx, caller, id, tags);
    tagsBody(ctx.status(200), project(id).tags());
  }

  /** {@code DELETE /v3/projects/{id}/tags/{tag}}. */
  void removeTag(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    String tag = ctx.pathParam("tag");
    List<String> tags = new ArrayList<>(project(id).tags());
    if (!tags.remove(tag)) throw ApiException.notFound("Tag " + tag + " not found.");
    setTags(ctx, caller, id, tags);
    ctx.status(204);
  }

  /** {@code DELETE /v3/projects/{id}/tags}: removes all. */
  void clearTags(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    project(id);
    setTags(ctx, caller, id, List.of());
    ctx.status(204);
  }

  private void setTags(Context ctx, TokenClaims caller, String id, List<String> tags) {
    if (tags.size() > MAX_TAGS) throw ApiException.badRequest("A project may have at most " + MAX_TAGS + " tags.");
    commands.send(ctx, caller, new UpdateProject(id, null, null, null, tags), id, id);
  }

  private IdentityDirectory.Project project(String id) {
    return directory.project(id).orElseThrow(() -> ApiException.notFound("Could not find project: " + id + "."));
  }

  private void tagsBody(Context ctx, List<String> tags) {
    var root = render.mapper().createObjectNode();
    var list = root.putArray("tags");
    tags.forEach(list::add);
    root.putObject("links").put("self", render.catalog().url("/identity/v3/projects/" + ctx.pathParam("id") + "/tags"))
        .putNull("previous").putNull("next");
    ctx.contentType("application/json").result(root.toString());
  }

  static String description(JsonBody body) {
    String description = body.optionalString("description").orElse("");
    if (description.length() > MAX_DESCRIPTION) {
      throw ApiException.badRequest("Invalid input for field 'description': too long.");
    }
    return description;
  }

  /** Keystone's tag rules: at most 80, each 1 to 255 characters without '/' or ','. */
  static List<String> tags(JsonBody body) {
    List<String> tags = new ArrayList<>();
    for (String tag : body.stringList("tags")) {
      checkTag(tag);
      if (!tags.contains(tag)) tags.add(tag);
    }
    if (tags.size() > MAX_TAGS) throw ApiException.badRequest("Invalid input for field 'tags': at most " + MAX_TAGS + " tags.");
    return tags;
  }

  private static String checkTag(String tag) {
    if (tag.isBlank() || tag.length() > 255 || tag.contains("/") || tag.contains(",")) {
      throw ApiException.badRequest("Invalid input for field 'tags': '" + tag
          + "' must be 1 to 255 characters without '/' or ','.");
    }
    return tag;
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
