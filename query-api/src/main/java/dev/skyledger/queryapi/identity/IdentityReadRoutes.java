package dev.skyledger.queryapi.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * The identity (Keystone v3) read routes: version discovery, token validation, the catalog,
 * projects, users, roles, role assignments and the default domain, served from the identity views.
 */
public final class IdentityReadRoutes {
  private static final String V3 = "/identity/v3";
  private static final String VERSION = "v3.14";

  private final Authenticator auth;
  private final IdentityDirectory directory;
  private final IdentityJson render;

  public IdentityReadRoutes(Authenticator auth, IdentityDirectory directory, IdentityJson render) {
    this.auth = auth;
    this.directory = directory;
    this.render = render;
  }

  public void routes(JavalinConfig config) {
    var r = config.routes;
    r.get("/identity", this::versions);
    r.get(V3, this::version);
    r.get(V3 + "/auth/tokens", ctx -> validate(ctx, true));
    r.head(V3 + "/auth/tokens", ctx -> validate(ctx, false));
    r.get(V3 + "/auth/catalog", this::catalog);
    r.get(V3 + "/auth/projects", this::authProjects);
    r.get(V3 + "/projects", this::listProjects);
    r.get(V3 + "/projects/{id}", this::showProject);
    r.get(V3 + "/users", this::listUsers);
    r.get(V3 + "/users/{id}", this::showUser);
    r.get(V3 + "/users/{id}/projects", this::userProjects);
    r.get(V3 + "/roles", this::listRoles);
    r.get(V3 + "/roles/{id}", this::showRole);
    r.get(V3 + "/role_assignments", this::listAssignments);
    r.get(V3 + "/projects/{project}/users/{user}/roles", this::rolesOnProject);
    r.get(V3 + "/projects/{project}/users/{user}/roles/{role}", this::checkRole);
    r.head(V3 + "/projects/{project}/users/{user}/roles/{role}", this::checkRole);
    r.get(V3 + "/domains", this::listDomains);
    r.get(V3 + "/domains/{id}", this::showDomain);
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
    json(ctx.status(300), root);
  }

  private void version(Context ctx) {
    ObjectNode root = render.mapper().createObjectNode();
    root.set("version", versionNode());
    json(ctx, root);
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
    if (body) json(ctx, render.token(token, ctx.queryParam("nocatalog") == null));
    else ctx.status(200);
  }

  private void catalog(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    ObjectNode root = render.mapper().createObjectNode();
    root.set("catalog", render.catalog().render(render.mapper(), caller.projectId()));
    root.putObject("links").put("self", render.catalog().url(V3 + "/auth/catalog")).putNull("previous").putNull("next");
    json(ctx, root);
  }

  private void authProjects(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    json(ctx, render.collection("projects", "auth/projects",
        directory.projectsOfUser(caller.userId()).stream().filter(IdentityDirectory.Project::enabled)
            .map(render::project).toList()));
  }

  private void listProjects(Context ctx) {
    auth.admin(ctx);
    json(ctx, render.collection("projects", "projects",
        directory.projects(filter(ctx)).stream().map(render::project).toList()));
  }

  private void showProject(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    if (!caller.isAdmin() && !id.equals(caller.projectId())) {
      throw ApiException.forbidden("You are not authorized to perform the requested action: identity:get_project.");
    }
    IdentityDirectory.Project project = directory.project(id)
        .orElseThrow(() -> ApiException.notFound("Could not find project: " + id + "."));
    json(ctx, render.single("project", render.project(project)));
  }

  private void listUsers(Context ctx) {
    auth.admin(ctx);
    json(ctx, render.collection("users", "users", directory.users(filter(ctx)).stream().map(render::user).toList()));
  }

  private void showUser(Context ctx) {
    String id = ctx.pathParam("id");
    selfOrAdmin(ctx, id, "identity:get_user");
    IdentityDirectory.User user = directory.user(id).orElseThrow(() -> ApiException.notFound("Could not find user: " + id + "."));
    json(ctx, render.single("user", render.user(user)));
  }

  private void userProjects(Context ctx) {
    String id = ctx.pathParam("id");
    selfOrAdmin(ctx, id, "identity:list_user_projects");
    if (directory.user(id).isEmpty()) throw ApiException.notFound("Could not find user: " + id + ".");
    json(ctx, render.collection("projects", "users/" + id + "/projects",
        directory.projectsOfUser(id).stream().map(render::project).toList()));
  }

  private void listRoles(Context ctx) {
    auth.admin(ctx);
    json(ctx, render.collection("roles", "roles",
        directory.roles(ctx.queryParam("name")).stream().map(render::role).toList()));
  }

  private void showRole(Context ctx) {
    auth.admin(ctx);
    String id = ctx.pathParam("id");
    IdentityDirectory.Role role = directory.role(id).orElseThrow(() -> ApiException.notFound("Could not find role: " + id + "."));
    json(ctx, render.single("role", render.role(role)));
  }

  private void listAssignments(Context ctx) {
    auth.admin(ctx);
    if (ctx.queryParam("scope.domain.id") != null || ctx.queryParam("group.id") != null) {
      json(ctx, render.collection("role_assignments", "role_assignments", List.of()));
      return;
    }
    boolean names = ctx.queryParam("include_names") != null && !"false".equalsIgnoreCase(ctx.queryParam("include_names"));
    List<ObjectNode> items = directory.assignments(ctx.queryParam("user.id"), ctx.queryParam("scope.project.id"),
        ctx.queryParam("role.id")).stream().map(a -> assignment(a, names)).toList();
    json(ctx, render.collection("role_assignments", "role_assignments", items));
  }

  private ObjectNode assignment(IdentityDirectory.Assignment a, boolean names) {
    ObjectNode node = render.mapper().createObjectNode();
    ObjectNode role = node.putObject("role").put("id", a.roleId());
    ObjectNode user = node.putObject("user").put("id", a.userId());
    ObjectNode project = node.putObject("scope").putObject("project").put("id", a.projectId());
    if (names) {
      role.put("name", a.roleName());
      user.put("name", a.userName()).putObject("domain").put("id", IdentityJson.DEFAULT_DOMAIN_ID)
          .put("name", IdentityJson.DEFAULT_DOMAIN_NAME);
      project.put("name", a.projectName()).putObject("domain").put("id", IdentityJson.DEFAULT_DOMAIN_ID)
          .put("name", IdentityJson.DEFAULT_DOMAIN_NAME);
    }
    node.putObject("links").put("assignment", render.catalog().url(V3 + "/projects/" + a.projectId() + "/users/"
        + a.userId() + "/roles/" + a.roleId()));
    return node;
  }

  private void rolesOnProject(Context ctx) {
    auth.admin(ctx);
    String project = ctx.pathParam("project");
    String user = ctx.pathParam("user");
    requireTargets(project, user);
    json(ctx, render.collection("roles", "projects/" + project + "/users/" + user + "/roles",
        directory.rolesOf(user, project).stream().map(render::role).toList()));
  }

  private void checkRole(Context ctx) {
    auth.admin(ctx);
    String project = ctx.pathParam("project");
    String user = ctx.pathParam("user");
    String role = ctx.pathParam("role");
    requireTargets(project, user);
    if (directory.role(role).isEmpty()) throw ApiException.notFound("Could not find role: " + role + ".");
    boolean granted = directory.rolesOf(user, project).stream().anyMatch(r -> r.id().equals(role));
    if (!granted) {
      throw ApiException.notFound("Could not find role assignment with role: " + role + ", user or group: " + user
          + ", project, domain, or system: " + project + ".");
    }
    ctx.status(204);
  }

  private void requireTargets(String project, String user) {
    if (directory.project(project).isEmpty()) throw ApiException.notFound("Could not find project: " + project + ".");
    if (directory.user(user).isEmpty()) throw ApiException.notFound("Could not find user: " + user + ".");
  }

  private void listDomains(Context ctx) {
    auth.caller(ctx);
    String name = ctx.queryParam("name");
    List<ObjectNode> domains = name == null || name.equals(IdentityJson.DEFAULT_DOMAIN_NAME)
        ? List.of(render.defaultDomain()) : List.of();
    json(ctx, render.collection("domains", "domains", domains));
  }

  private void showDomain(Context ctx) {
    auth.caller(ctx);
    String id = ctx.pathParam("id");
    if (!id.equals(IdentityJson.DEFAULT_DOMAIN_ID)) throw ApiException.notFound("Could not find domain: " + id + ".");
    json(ctx, render.single("domain", render.defaultDomain()));
  }

  private void selfOrAdmin(Context ctx, String userId, String action) {
    TokenClaims caller = auth.caller(ctx);
    if (!caller.isAdmin() && !caller.userId().equals(userId)) {
      throw ApiException.forbidden("You are not authorized to perform the requested action: " + action + ".");
    }
  }

  private static IdentityDirectory.Filter filter(Context ctx) {
    String enabled = ctx.queryParam("enabled");
    Boolean flag = null;
    if (enabled != null) {
      if (enabled.equalsIgnoreCase("true") || enabled.equals("1") || enabled.isEmpty()) flag = true;
      else if (enabled.equalsIgnoreCase("false") || enabled.equals("0")) flag = false;
      else throw ApiException.badRequest("Invalid value for query parameter 'enabled': " + enabled + ".");
    }
    return new IdentityDirectory.Filter(ctx.queryParam("name"), flag, ctx.queryParam("domain_id"));
  }

  private static void json(Context ctx, ObjectNode body) {
    ctx.contentType("application/json").result(body.toString());
  }
}
