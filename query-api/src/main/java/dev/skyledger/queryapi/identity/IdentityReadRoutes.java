package dev.skyledger.queryapi.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.identity.EffectiveGrants;
import dev.skyledger.views.identity.Grant;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.List;
import dev.skyledger.platform.auth.SecretBox;

/**
 * The identity (Keystone v3) read routes, served from the identity views: version discovery, token
 * validation and the token's scopes, domains, projects, users and groups here; roles and grants in
 * {@link GrantReadRoutes}, what users hold to act in {@link CredentialReadRoutes}, the registered
 * catalog in {@link CatalogReadRoutes}.
 */
public final class IdentityReadRoutes {
  private static final String V3 = IdentityReads.V3;
  private static final String VERSION = "v3.14";

  private final IdentityReads reads;
  private final Authenticator auth;
  private final IdentityDirectory directory;
  private final IdentityJson render;
  private final GrantReadRoutes grants;
  private final CredentialReadRoutes credentials;
  private final CatalogReadRoutes catalog;

  public IdentityReadRoutes(Authenticator auth, IdentityDirectory directory, IdentityJson render, SecretBox box) {
    this.reads = new IdentityReads(auth, directory, render);
    this.auth = auth;
    this.directory = directory;
    this.render = render;
    this.grants = new GrantReadRoutes(reads);
    this.credentials = new CredentialReadRoutes(reads, box);
    this.catalog = new CatalogReadRoutes(reads);
  }

  public void routes(JavalinConfig config) {
    var r = config.routes;
    r.get("/identity", this::versions);
    r.get(V3, this::version);
    r.get(V3 + "/auth/tokens", ctx -> validate(ctx, true));
    r.head(V3 + "/auth/tokens", ctx -> validate(ctx, false));
    r.get(V3 + "/auth/catalog", this::catalog);
    r.get(V3 + "/auth/projects", this::authProjects);
    r.get(V3 + "/auth/domains", this::authDomains);
    r.get(V3 + "/auth/system", this::authSystem);
    r.get(V3 + "/projects", this::listProjects);
    r.get(V3 + "/projects/{id}", this::showProject);
    r.get(V3 + "/projects/{id}/tags", this::listTags);
    r.get(V3 + "/projects/{id}/tags/{tag}", this::checkTag);
    r.head(V3 + "/projects/{id}/tags/{tag}", this::checkTag);
    r.get(V3 + "/users", this::listUsers);
    r.get(V3 + "/users/{id}", this::showUser);
    r.get(V3 + "/users/{id}/projects", this::userProjects);
    r.get(V3 + "/users/{id}/groups", this::userGroups);
    r.get(V3 + "/groups", this::listGroups);
    r.get(V3 + "/groups/{id}", this::showGroup);
    r.get(V3 + "/groups/{id}/users", this::groupUsers);
    r.get(V3 + "/groups/{id}/users/{user}", this::checkMember);
    r.head(V3 + "/groups/{id}/users/{user}", this::checkMember);
    r.get(V3 + "/domains", this::listDomains);
    r.get(V3 + "/domains/{id}", this::showDomain);
    grants.routes(config);
    credentials.routes(config);
    catalog.routes(config);
  }

  private ObjectNode versionNode() {
    ObjectNode v = render.mapper().createObjectNode();
    v.put("id", VERSION);
    v.put("status", "stable");
    v.put("updated", "2020-04-07T00:00:00Z");
    v.putArray("links").addObject().put("rel", "self").put("href", render.catalog().url(V3 + "/"));
    v.putArray("media-types").addObject().put("base", "application/json")
        .put("type", "application/vnd.openstack.identity-v3+json");
    return v;
  }

  private void versions(Context ctx) {
    ObjectNode root = render.mapper().createObjectNode();
    root.putObject("versions").putArray("values").add(versionNode());
    IdentityReads.json(ctx.status(300), root);
  }

  private void version(Context ctx) {
    ObjectNode root = render.mapper().createObjectNode();
    root.set("version", versionNode());
    IdentityReads.json(ctx, root);
  }

  private void validate(Context ctx, boolean body) {
    TokenClaims caller = auth.caller(ctx);
    String subject = ctx.header("X-Subject-Token");
    if (subject == null || subject.isBlank()) throw ApiException.badRequest("Missing X-Subject-Token header.");
    TokenClaims token = auth.validate(subject.strip())
        .orElseThrow(() -> ApiException.notFound("Could not find token."));
    if (!caller.isAdmin() && !caller.userId().equals(token.userId())) {
      throw ApiException.forbidden("You are not authorized to validate another user's token.");
    }
    ctx.header("X-Subject-Token", subject.strip());
    if (body) {
      IdentityReads.json(ctx, render.token(token, ctx.queryParam("nocatalog") == null ? render.catalog(directory, token.projectId())
          : null, directory::domainName));
    }
    else ctx.status(200);
  }

  private void catalog(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    ObjectNode root = render.mapper().createObjectNode();
    root.set("catalog", render.catalog(directory, caller.projectId()));
    root.putObject("links").put("self", render.catalog().url(V3 + "/auth/catalog")).putNull("previous").putNull("next");
    IdentityReads.json(ctx, root);
  }

  private void authProjects(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    IdentityReads.json(ctx, render.collection("projects", "auth/projects",
        directory.projectsOfUser(caller.userId()).stream().filter(IdentityDirectory.Project::enabled)
            .map(render::project).toList()));
  }

  private void authDomains(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    IdentityReads.json(ctx, render.collection("domains", "auth/domains",
        directory.domainsOfUser(caller.userId()).stream().filter(IdentityDirectory.Domain::enabled)
            .map(render::domain).toList()));
  }

  private void authSystem(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    boolean any = !directory.effectiveRoles(caller.userId(), Grant.SYSTEM, "all").isEmpty();
    ObjectNode root = render.mapper().createObjectNode();
    var system = root.putArray("system");
    if (any) system.addObject().put("all", true);
    root.putObject("links").put("self", render.catalog().url(V3 + "/auth/system")).putNull("previous").putNull("next");
    IdentityReads.json(ctx, root);
  }

  private void listProjects(Context ctx) {
    auth.admin(ctx);
    if (IdentityReads.bool(ctx, "is_domain").orElse(false)) {
      IdentityReads.json(ctx, render.collection("projects", "projects", List.of()));
      return;
    }
    List<String> tags = IdentityReads.csv(ctx.queryParam("tags"));
    List<String> tagsAny = IdentityReads.csv(ctx.queryParam("tags-any"));
    List<String> notTags = IdentityReads.csv(ctx.queryParam("not-tags"));
    List<String> notTagsAny = IdentityReads.csv(ctx.queryParam("not-tags-any"));
    IdentityReads.json(ctx, render.collection("projects", "projects",
        directory.projects(IdentityReads.filter(ctx), ctx.queryParam("parent_id")).stream()
            .filter(p -> p.tags().containsAll(tags))
            .filter(p -> tagsAny.isEmpty() || tagsAny.stream().anyMatch(p.tags()::contains))
            .filter(p -> notTags.isEmpty() || !p.tags().containsAll(notTags))
            .filter(p -> notTagsAny.stream().noneMatch(p.tags()::contains))
            .map(render::project).toList()));
  }

  private void showProject(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    if (!caller.isAdmin() && !id.equals(caller.projectId())) {
      throw ApiException.forbidden("You are not authorized to perform the requested action: identity:get_project.");
    }
    IdentityDirectory.Project project = reads.project(id);
    ObjectNode node = render.project(project);
    if (IdentityReads.flag(ctx, "parents_as_list") || IdentityReads.flag(ctx, "parents_as_ids")) {
      List<IdentityDirectory.Project> parents = directory.parents(id);
      if (IdentityReads.flag(ctx, "parents_as_list")) {
        var list = node.putArray("parents");
        parents.forEach(p -> list.addObject().set("project", render.project(p)));
      } else {
        node.set("parents", idTree(parents));
      }
    }
    if (IdentityReads.flag(ctx, "subtree_as_list") || IdentityReads.flag(ctx, "subtree_as_ids")) {
      List<IdentityDirectory.Project> subtree = new EffectiveGrants(java.util.Map.of(), directory.places(),
          java.util.Map.of()).subtree(id).stream().map(directory::project).flatMap(java.util.Optional::stream).toList();
      if (IdentityReads.flag(ctx, "subtree_as_list")) {
        var list = node.putArray("subtree");
        subtree.forEach(p -> list.addObject().set("project", render.project(p)));
      } else {
        ObjectNode ids = render.mapper().createObjectNode();
        subtree.forEach(p -> ids.putNull(p.id()));
        node.set("subtree", ids);
      }
    }
    IdentityReads.json(ctx, render.single("project", node));
  }

  /** Keystone's parents_as_ids: the nearest parent's id holding its parent's, up to the top. */
  private ObjectNode idTree(List<IdentityDirectory.Project> nearestFirst) {
    ObjectNode root = render.mapper().createObjectNode();
    ObjectNode at = root;
    for (IdentityDirectory.Project p : nearestFirst) at = at.putObject(p.id());
    return root;
  }

  private void listTags(Context ctx) {
    auth.admin(ctx);
    String id = ctx.pathParam("id");
    ObjectNode root = render.mapper().createObjectNode();
    var list = root.putArray("tags");
    reads.project(id).tags().forEach(list::add);
    root.putObject("links").put("self", render.catalog().url(V3 + "/projects/" + id + "/tags"))
        .putNull("previous").putNull("next");
    IdentityReads.json(ctx, root);
  }

  private void checkTag(Context ctx) {
    auth.admin(ctx);
    String tag = ctx.pathParam("tag");
    if (!reads.project(ctx.pathParam("id")).tags().contains(tag)) throw ApiException.notFound("Tag " + tag + " not found.");
    ctx.status(204);
  }

  private void listUsers(Context ctx) {
    auth.admin(ctx);
    IdentityReads.json(ctx, render.collection("users", "users", directory.users(IdentityReads.filter(ctx)).stream().map(render::user).toList()));
  }

  private void showUser(Context ctx) {
    String id = ctx.pathParam("id");
    reads.selfOrAdmin(ctx, id, "identity:get_user");
    IdentityReads.json(ctx, render.single("user", render.user(reads.user(id))));
  }

  private void userProjects(Context ctx) {
    String id = ctx.pathParam("id");
    reads.selfOrAdmin(ctx, id, "identity:list_user_projects");
    reads.user(id);
    IdentityReads.json(ctx, render.collection("projects", "users/" + id + "/projects",
        directory.projectsOfUser(id).stream().map(render::project).toList()));
  }

  private void userGroups(Context ctx) {
    String id = ctx.pathParam("id");
    reads.selfOrAdmin(ctx, id, "identity:list_groups_for_user");
    reads.user(id);
    IdentityReads.json(ctx, render.collection("groups", "users/" + id + "/groups",
        directory.groupsOfUser(id).stream().map(render::group).toList()));
  }

  private void listGroups(Context ctx) {
    auth.admin(ctx);
    IdentityReads.json(ctx, render.collection("groups", "groups", directory.groups(ctx.queryParam("name"),
        ctx.queryParam("domain_id")).stream().map(render::group).toList()));
  }

  private void showGroup(Context ctx) {
    auth.admin(ctx);
    IdentityReads.json(ctx, render.single("group", render.group(reads.group(ctx.pathParam("id")))));
  }

  private void groupUsers(Context ctx) {
    auth.admin(ctx);
    String id = ctx.pathParam("id");
    reads.group(id);
    IdentityReads.json(ctx, render.collection("users", "groups/" + id + "/users",
        directory.members(id).stream().map(render::user).toList()));
  }

  private void checkMember(Context ctx) {
    auth.admin(ctx);
    String id = ctx.pathParam("id");
    String user = ctx.pathParam("user");
    reads.group(id);
    reads.user(user);
    if (!directory.member(id, user)) {
      throw ApiException.notFound("Could not find user in group: " + user + ", group: " + id + ".");
    }
    ctx.status(204);
  }

  private void listDomains(Context ctx) {
    auth.admin(ctx);
    IdentityReads.json(ctx, render.collection("domains", "domains", directory.domains(ctx.queryParam("name"), IdentityReads.bool(ctx, "enabled")
        .orElse(null)).stream().map(render::domain).toList()));
  }

  private void showDomain(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    boolean own = id.equals(caller.userDomainId()) || id.equals(caller.projectDomainId()) || id.equals(caller.domainId());
    if (!caller.isAdmin() && !own) {
      throw ApiException.forbidden("You are not authorized to perform the requested action: identity:get_domain.");
    }
    IdentityDirectory.Domain domain = directory.domain(id)
        .orElseThrow(() -> ApiException.notFound("Could not find domain: " + id + "."));
    IdentityReads.json(ctx, render.single("domain", render.domain(domain)));
  }
}
