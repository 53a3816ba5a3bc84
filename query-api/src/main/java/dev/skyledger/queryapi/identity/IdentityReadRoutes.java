package dev.skyledger.queryapi.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.SecretBox;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.identity.EffectiveGrants;
import dev.skyledger.views.identity.Grant;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * The identity (Keystone v3) read routes: version discovery, token validation, the catalog,
 * domains, projects, users, groups, roles and what they imply, grants and role assignments (as made
 * and effective), served from the identity views.
 */
public final class IdentityReadRoutes {
  private static final String V3 = "/identity/v3";
  private static final String VERSION = "v3.14";

  private final Authenticator auth;
  private final IdentityDirectory directory;
  private final IdentityJson render;
  private final SecretBox box;

  public IdentityReadRoutes(Authenticator auth, IdentityDirectory directory, IdentityJson render, SecretBox box) {
    this.box = box;
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
    r.get(V3 + "/users/{id}/application_credentials", this::listAppCredentials);
    r.get(V3 + "/users/{id}/application_credentials/{credential}", this::showAppCredential);
    r.get(V3 + "/groups", this::listGroups);
    r.get(V3 + "/groups/{id}", this::showGroup);
    r.get(V3 + "/groups/{id}/users", this::groupUsers);
    r.get(V3 + "/groups/{id}/users/{user}", this::checkMember);
    r.head(V3 + "/groups/{id}/users/{user}", this::checkMember);
    r.get(V3 + "/roles", this::listRoles);
    r.get(V3 + "/roles/{id}", this::showRole);
    r.get(V3 + "/roles/{prior}/implies", this::listImplied);
    r.get(V3 + "/roles/{prior}/implies/{implied}", ctx -> showImplied(ctx, true));
    r.head(V3 + "/roles/{prior}/implies/{implied}", ctx -> showImplied(ctx, false));
    r.get(V3 + "/role_inferences", this::listInferences);
    r.get(V3 + "/role_assignments", this::listAssignments);
    for (String target : List.of(Grant.PROJECT, Grant.DOMAIN, Grant.SYSTEM)) {
      for (String actor : List.of(Grant.USER, Grant.GROUP)) {
        String path = V3 + Grant.rolesPath(target, actor);
        r.get(path, ctx -> grantedRoles(ctx, target, actor, false));
        r.get(path + "/{role}", ctx -> checkGrant(ctx, target, actor, false));
        r.head(path + "/{role}", ctx -> checkGrant(ctx, target, actor, false));
        if (!target.equals(Grant.SYSTEM)) {
          String inherited = V3 + "/OS-INHERIT" + Grant.rolesPath(target, actor);
          r.get(inherited + "/inherited_to_projects", ctx -> grantedRoles(ctx, target, actor, true));
          r.get(inherited + "/{role}/inherited_to_projects", ctx -> checkGrant(ctx, target, actor, true));
          r.head(inherited + "/{role}/inherited_to_projects", ctx -> checkGrant(ctx, target, actor, true));
        }
      }
    }
    r.get(V3 + "/domains", this::listDomains);
    r.get(V3 + "/domains/{id}", this::showDomain);
    r.get(V3 + "/OS-TRUST/trusts", this::listTrusts);
    r.get(V3 + "/OS-TRUST/trusts/{id}", this::showTrust);
    r.get(V3 + "/OS-TRUST/trusts/{id}/roles", this::trustRoles);
    r.get(V3 + "/OS-TRUST/trusts/{id}/roles/{role}", ctx -> trustRole(ctx, true));
    r.head(V3 + "/OS-TRUST/trusts/{id}/roles/{role}", ctx -> trustRole(ctx, false));
    r.get(V3 + "/credentials", this::listCredentials);
    r.get(V3 + "/credentials/{id}", this::showCredential);
    r.get(V3 + "/users/{id}/credentials/OS-EC2", this::listEc2);
    r.get(V3 + "/users/{id}/credentials/OS-EC2/{access}", this::showEc2);
    r.get(V3 + "/policies", ctx -> list(ctx, "policies", directory.policies(ctx.queryParam("type")).stream()
        .map(render::policy).toList()));
    r.get(V3 + "/policies/{id}", ctx -> show(ctx, "policy", directory.policy(ctx.pathParam("id")).map(render::policy)));
    r.get(V3 + "/regions", ctx -> list(ctx, "regions", directory.regions(ctx.queryParam("parent_region_id")).stream()
        .map(render::region).toList()));
    r.get(V3 + "/regions/{id}", ctx -> show(ctx, "region", directory.region(ctx.pathParam("id")).map(render::region)));
    r.get(V3 + "/services", ctx -> list(ctx, "services", directory.services(ctx.queryParam("type"),
        ctx.queryParam("name")).stream().map(render::service).toList()));
    r.get(V3 + "/services/{id}", ctx -> show(ctx, "service", directory.service(ctx.pathParam("id")).map(render::service)));
    r.get(V3 + "/endpoints", ctx -> list(ctx, "endpoints", directory.endpoints(ctx.queryParam("service_id"),
        ctx.queryParam("interface"), ctx.queryParam("region_id")).stream().map(render::endpoint).toList()));
    r.get(V3 + "/endpoints/{id}", ctx -> show(ctx, "endpoint",
        directory.endpoint(ctx.pathParam("id")).map(render::endpoint)));
  }

  /** An admin lists every trust; anyone else those they are trustor or trustee of (and must filter so). */
  private void listTrusts(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String trustor = ctx.queryParam("trustor_user_id");
    String trustee = ctx.queryParam("trustee_user_id");
    if (!caller.isAdmin() && !caller.userId().equals(trustor) && !caller.userId().equals(trustee)) {
      throw ApiException.forbidden("You are not authorized to perform the requested action: identity:list_trusts.");
    }
    json(ctx, render.collection("trusts", "OS-TRUST/trusts", directory.trusts(trustor, trustee).stream()
        .map(t -> render.trust(t, trustRolesOf(t))).toList()));
  }

  private IdentityDirectory.Trust trust(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    return directory.trust(id)
        .filter(t -> caller.isAdmin() || t.trustorUserId().equals(caller.userId()) || t.trusteeUserId().equals(caller.userId()))
        .orElseThrow(() -> ApiException.notFound("Could not find trust: " + id + "."));
  }

  private List<IdentityDirectory.Role> trustRolesOf(IdentityDirectory.Trust t) {
    return t.roleIds().stream().map(directory::role).flatMap(java.util.Optional::stream).toList();
  }

  private void showTrust(Context ctx) {
    IdentityDirectory.Trust t = trust(ctx);
    json(ctx, render.single("trust", render.trust(t, trustRolesOf(t))));
  }

  private void trustRoles(Context ctx) {
    IdentityDirectory.Trust t = trust(ctx);
    json(ctx, render.collection("roles", "OS-TRUST/trusts/" + t.id() + "/roles",
        trustRolesOf(t).stream().map(render::role).toList()));
  }

  private void trustRole(Context ctx, boolean body) {
    IdentityDirectory.Trust t = trust(ctx);
    String role = ctx.pathParam("role");
    IdentityDirectory.Role found = trustRolesOf(t).stream().filter(r -> r.id().equals(role)).findFirst()
        .orElseThrow(() -> ApiException.notFound("Could not find role: " + role + "."));
    if (body) json(ctx, render.single("role", render.role(found)));
    else ctx.status(200);
  }

  /** An admin sees every credential (filtered by user_id, type); anyone else their own. */
  private void listCredentials(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String user = caller.isAdmin() ? ctx.queryParam("user_id") : caller.userId();
    if (!caller.isAdmin() && ctx.queryParam("user_id") != null && !ctx.queryParam("user_id").equals(user)) {
      json(ctx, render.collection("credentials", "credentials", List.of()));
      return;
    }
    json(ctx, render.collection("credentials", "credentials", directory.credentials(user, ctx.queryParam("type"))
        .stream().map(c -> render.credential(c, box.open(c.sealedBlob()))).toList()));
  }

  private void showCredential(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    IdentityDirectory.Credential c = directory.credential(id)
        .filter(found -> caller.isAdmin() || found.userId().equals(caller.userId()))
        .orElseThrow(() -> ApiException.notFound("Could not find credential: " + id + "."));
    json(ctx, render.single("credential", render.credential(c, box.open(c.sealedBlob()))));
  }

  private void listEc2(Context ctx) {
    String user = ctx.pathParam("id");
    selfOrAdmin(ctx, user, "identity:ec2_list_credentials");
    json(ctx, render.collection("credentials", "users/" + user + "/credentials/OS-EC2",
        directory.credentials(user, "ec2").stream().map(c -> render.ec2Credential(c, box.open(c.sealedBlob()))).toList()));
  }

  private void showEc2(Context ctx) {
    String user = ctx.pathParam("id");
    selfOrAdmin(ctx, user, "identity:ec2_get_credential");
    String access = ctx.pathParam("access");
    IdentityDirectory.Credential c = directory.credentials(user, "ec2").stream()
        .filter(found -> render.ec2Credential(found, box.open(found.sealedBlob())).path("access").asText().equals(access))
        .findFirst().orElseThrow(() -> ApiException.notFound("Could not find credential: " + access + "."));
    json(ctx, render.single("credential", render.ec2Credential(c, box.open(c.sealedBlob()))));
  }

  /** An admin's list of catalog entries. */
  private void list(Context ctx, String key, List<ObjectNode> items) {
    auth.admin(ctx);
    json(ctx, render.collection(key, key, items));
  }

  private void show(Context ctx, String key, java.util.Optional<ObjectNode> item) {
    auth.admin(ctx);
    json(ctx, render.single(key, item.orElseThrow(() ->
        ApiException.notFound("Could not find " + key + ": " + ctx.pathParam("id") + "."))));
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
    if (body) {
      json(ctx, render.token(token, ctx.queryParam("nocatalog") == null ? render.catalog(directory, token.projectId())
          : null, directory::domainName));
    }
    else ctx.status(200);
  }

  private void catalog(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    ObjectNode root = render.mapper().createObjectNode();
    root.set("catalog", render.catalog(directory, caller.projectId()));
    root.putObject("links").put("self", render.catalog().url(V3 + "/auth/catalog")).putNull("previous").putNull("next");
    json(ctx, root);
  }

  private void authProjects(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    json(ctx, render.collection("projects", "auth/projects",
        directory.projectsOfUser(caller.userId()).stream().filter(IdentityDirectory.Project::enabled)
            .map(render::project).toList()));
  }

  private void authDomains(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    json(ctx, render.collection("domains", "auth/domains",
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
    json(ctx, root);
  }

  private void listProjects(Context ctx) {
    auth.admin(ctx);
    if (bool(ctx, "is_domain").orElse(false)) {
      json(ctx, render.collection("projects", "projects", List.of()));
      return;
    }
    List<String> tags = csv(ctx.queryParam("tags"));
    List<String> tagsAny = csv(ctx.queryParam("tags-any"));
    List<String> notTags = csv(ctx.queryParam("not-tags"));
    List<String> notTagsAny = csv(ctx.queryParam("not-tags-any"));
    json(ctx, render.collection("projects", "projects",
        directory.projects(filter(ctx), ctx.queryParam("parent_id")).stream()
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
    IdentityDirectory.Project project = project(id);
    ObjectNode node = render.project(project);
    if (flag(ctx, "parents_as_list") || flag(ctx, "parents_as_ids")) {
      List<IdentityDirectory.Project> parents = directory.parents(id);
      if (flag(ctx, "parents_as_list")) {
        var list = node.putArray("parents");
        parents.forEach(p -> list.addObject().set("project", render.project(p)));
      } else {
        node.set("parents", idTree(parents));
      }
    }
    if (flag(ctx, "subtree_as_list") || flag(ctx, "subtree_as_ids")) {
      List<IdentityDirectory.Project> subtree = new EffectiveGrants(java.util.Map.of(), directory.places(),
          java.util.Map.of()).subtree(id).stream().map(directory::project).flatMap(java.util.Optional::stream).toList();
      if (flag(ctx, "subtree_as_list")) {
        var list = node.putArray("subtree");
        subtree.forEach(p -> list.addObject().set("project", render.project(p)));
      } else {
        ObjectNode ids = render.mapper().createObjectNode();
        subtree.forEach(p -> ids.putNull(p.id()));
        node.set("subtree", ids);
      }
    }
    json(ctx, render.single("project", node));
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
    project(id).tags().forEach(list::add);
    root.putObject("links").put("self", render.catalog().url(V3 + "/projects/" + id + "/tags"))
        .putNull("previous").putNull("next");
    json(ctx, root);
  }

  private void checkTag(Context ctx) {
    auth.admin(ctx);
    String tag = ctx.pathParam("tag");
    if (!project(ctx.pathParam("id")).tags().contains(tag)) throw ApiException.notFound("Tag " + tag + " not found.");
    ctx.status(204);
  }

  private IdentityDirectory.Project project(String id) {
    return directory.project(id).orElseThrow(() -> ApiException.notFound("Could not find project: " + id + "."));
  }

  private void listUsers(Context ctx) {
    auth.admin(ctx);
    json(ctx, render.collection("users", "users", directory.users(filter(ctx)).stream().map(render::user).toList()));
  }

  private void showUser(Context ctx) {
    String id = ctx.pathParam("id");
    selfOrAdmin(ctx, id, "identity:get_user");
    json(ctx, render.single("user", render.user(user(id))));
  }

  private IdentityDirectory.User user(String id) {
    return directory.user(id).orElseThrow(() -> ApiException.notFound("Could not find user: " + id + "."));
  }

  private void userProjects(Context ctx) {
    String id = ctx.pathParam("id");
    selfOrAdmin(ctx, id, "identity:list_user_projects");
    user(id);
    json(ctx, render.collection("projects", "users/" + id + "/projects",
        directory.projectsOfUser(id).stream().map(render::project).toList()));
  }

  private void userGroups(Context ctx) {
    String id = ctx.pathParam("id");
    selfOrAdmin(ctx, id, "identity:list_groups_for_user");
    user(id);
    json(ctx, render.collection("groups", "users/" + id + "/groups",
        directory.groupsOfUser(id).stream().map(render::group).toList()));
  }

  private void listAppCredentials(Context ctx) {
    String id = ctx.pathParam("id");
    selfOrAdmin(ctx, id, "identity:list_application_credentials");
    user(id);
    json(ctx, render.collection("application_credentials", "users/" + id + "/application_credentials",
        directory.appCredentials(id, ctx.queryParam("name")).stream()
            .map(a -> render.appCredential(a, rolesOf(a), null)).toList()));
  }

  private void showAppCredential(Context ctx) {
    String id = ctx.pathParam("id");
    selfOrAdmin(ctx, id, "identity:get_application_credential");
    String credential = ctx.pathParam("credential");
    IdentityDirectory.AppCredential a = directory.appCredential(credential).filter(c -> c.userId().equals(id))
        .orElseThrow(() -> ApiException.notFound("Could not find Application Credential: " + credential + "."));
    json(ctx, render.single("application_credential", render.appCredential(a, rolesOf(a), null)));
  }

  private List<IdentityDirectory.Role> rolesOf(IdentityDirectory.AppCredential a) {
    return a.roleIds().stream().map(directory::role).flatMap(java.util.Optional::stream).toList();
  }

  private void listGroups(Context ctx) {
    auth.admin(ctx);
    json(ctx, render.collection("groups", "groups", directory.groups(ctx.queryParam("name"),
        ctx.queryParam("domain_id")).stream().map(render::group).toList()));
  }

  private IdentityDirectory.Group group(String id) {
    return directory.group(id).orElseThrow(() -> ApiException.notFound("Could not find group: " + id + "."));
  }

  private void showGroup(Context ctx) {
    auth.admin(ctx);
    json(ctx, render.single("group", render.group(group(ctx.pathParam("id")))));
  }

  private void groupUsers(Context ctx) {
    auth.admin(ctx);
    String id = ctx.pathParam("id");
    group(id);
    json(ctx, render.collection("users", "groups/" + id + "/users",
        directory.members(id).stream().map(render::user).toList()));
  }

  private void checkMember(Context ctx) {
    auth.admin(ctx);
    String id = ctx.pathParam("id");
    String user = ctx.pathParam("user");
    group(id);
    user(user);
    if (!directory.member(id, user)) {
      throw ApiException.notFound("Could not find user in group: " + user + ", group: " + id + ".");
    }
    ctx.status(204);
  }

  private void listRoles(Context ctx) {
    auth.admin(ctx);
    json(ctx, render.collection("roles", "roles",
        directory.roles(ctx.queryParam("name"), ctx.queryParam("domain_id")).stream().map(render::role).toList()));
  }

  private IdentityDirectory.Role role(String id) {
    return directory.role(id).orElseThrow(() -> ApiException.notFound("Could not find role: " + id + "."));
  }

  private void showRole(Context ctx) {
    auth.admin(ctx);
    json(ctx, render.single("role", render.role(role(ctx.pathParam("id")))));
  }

  private void listImplied(Context ctx) {
    auth.admin(ctx);
    IdentityDirectory.Role prior = role(ctx.pathParam("prior"));
    ObjectNode root = render.mapper().createObjectNode();
    ObjectNode rule = root.putObject("role_inference");
    rule.set("prior_role", render.roleRef(prior));
    var implies = rule.putArray("implies");
    directory.implied(prior.id()).forEach(r -> implies.add(render.roleRef(r)));
    root.putObject("links").put("self", render.catalog().url(V3 + "/roles/" + prior.id() + "/implies"));
    json(ctx, root);
  }

  private void showImplied(Context ctx, boolean body) {
    auth.admin(ctx);
    IdentityDirectory.Role prior = role(ctx.pathParam("prior"));
    String impliedId = ctx.pathParam("implied");
    IdentityDirectory.Role implied = directory.implied(prior.id()).stream().filter(r -> r.id().equals(impliedId))
        .findFirst().orElseThrow(() -> ApiException.notFound("Could not find implied role: " + prior.id()
            + " implies " + impliedId + "."));
    if (!body) {
      ctx.status(204);
      return;
    }
    ObjectNode root = render.mapper().createObjectNode();
    ObjectNode rule = root.putObject("role_inference");
    rule.set("prior_role", render.roleRef(prior));
    rule.set("implies", render.roleRef(implied));
    json(ctx, root);
  }

  private void listInferences(Context ctx) {
    auth.admin(ctx);
    java.util.Map<String, List<String>> byPrior = new java.util.LinkedHashMap<>();
    for (String[] rule : directory.inferences()) byPrior.computeIfAbsent(rule[0], k -> new ArrayList<>()).add(rule[1]);
    ObjectNode root = render.mapper().createObjectNode();
    var list = root.putArray("role_inferences");
    byPrior.forEach((prior, implied) -> {
      ObjectNode rule = list.addObject();
      directory.role(prior).ifPresent(r -> rule.set("prior_role", render.roleRef(r)));
      var implies = rule.putArray("implies");
      implied.forEach(id -> directory.role(id).ifPresent(r -> implies.add(render.roleRef(r))));
    });
    root.putObject("links").put("self", render.catalog().url(V3 + "/role_inferences"));
    json(ctx, root);
  }

  /** {@code GET .../roles}: the roles granted directly to the actor on the target. */
  private void grantedRoles(Context ctx, String targetType, String actorType, boolean inherited) {
    auth.admin(ctx);
    String target = requireTarget(ctx, targetType);
    String actor = requireActor(ctx, actorType);
    String path = ctx.path().substring(ctx.path().indexOf(V3) + V3.length() + 1);
    json(ctx, render.collection("roles", path, directory.grantedRoles(actorType, actor, targetType, target, inherited)
        .stream().map(render::role).toList()));
  }

  /** {@code GET|HEAD .../roles/{role}}: 204 when granted directly, 404 otherwise. */
  private void checkGrant(Context ctx, String targetType, String actorType, boolean inherited) {
    auth.admin(ctx);
    String target = requireTarget(ctx, targetType);
    String actor = requireActor(ctx, actorType);
    String role = role(ctx.pathParam("role")).id();
    boolean granted = directory.grantedRoles(actorType, actor, targetType, target, inherited).stream()
        .anyMatch(r -> r.id().equals(role));
    if (!granted) {
      throw ApiException.notFound("Could not find role assignment with role: " + role + ", user or group: " + actor
          + ", project, domain, or system: " + target + ".");
    }
    ctx.status(204);
  }

  private String requireTarget(Context ctx, String targetType) {
    if (targetType.equals(Grant.SYSTEM)) return "all";
    String id = ctx.pathParam("target");
    if (targetType.equals(Grant.PROJECT)) return project(id).id();
    return directory.domain(id).orElseThrow(() -> ApiException.notFound("Could not find domain: " + id + ".")).id();
  }

  private String requireActor(Context ctx, String actorType) {
    String id = ctx.pathParam("actor");
    return actorType.equals(Grant.USER) ? user(id).id() : group(id).id();
  }

  private void listAssignments(Context ctx) {
    auth.admin(ctx);
    String user = ctx.queryParam("user.id");
    String group = ctx.queryParam("group.id");
    String project = ctx.queryParam("scope.project.id");
    String domain = ctx.queryParam("scope.domain.id");
    String system = ctx.queryParam("scope.system");
    String role = ctx.queryParam("role.id");
    boolean inheritedOnly = ctx.queryParam("scope.OS-INHERIT:inherited_to") != null;
    boolean names = flag(ctx, "include_names");
    boolean effective = ctx.queryParam("effective") != null && !"false".equalsIgnoreCase(ctx.queryParam("effective"));
    if (user != null && group != null) throw ApiException.badRequest("Specify at most one of user.id and group.id.");
    if ((project != null ? 1 : 0) + (domain != null ? 1 : 0) + (system != null ? 1 : 0) > 1) {
      throw ApiException.badRequest("Specify at most one of scope.project.id, scope.domain.id and scope.system.");
    }
    List<String> projects = project == null ? List.of() : new ArrayList<>(List.of(project));
    if (project != null && flag(ctx, "include_subtree")) {
      projects.addAll(new EffectiveGrants(java.util.Map.of(), directory.places(), java.util.Map.of()).subtree(project));
    }
    List<ObjectNode> items = new ArrayList<>();
    if (effective) {
      if (group != null) throw ApiException.badRequest("effective cannot be combined with group.id.");
      java.util.Set<String> domainRoles = directory.domainRoleIds();
      for (EffectiveGrants.Effective e : directory.effective()) {
        if (domainRoles.contains(e.roleId())) continue; // only what they imply is effective
        if (user != null && !user.equals(e.userId())) continue;
        if (!matchesScope(e.targetType(), e.targetId(), projects, domain, system)) continue;
        if (role != null && !role.equals(e.roleId())) continue;
        if (inheritedOnly) continue;
        items.add(assignment(Grant.USER, e.userId(), e.targetType(), e.targetId(), e.roleId(), false, names, e));
      }
    } else {
      for (Grant g : directory.grants(user != null ? Grant.USER : group != null ? Grant.GROUP : null,
          user != null ? user : group, null, null, role, inheritedOnly ? Boolean.TRUE : null)) {
        if (!matchesScope(g.targetType(), g.targetId(), projects, domain, system)) continue;
        items.add(assignment(g.actorType(), g.actorId(), g.targetType(), g.targetId(), g.roleId(), g.inherited(), names,
            null));
      }
    }
    json(ctx, render.collection("role_assignments", "role_assignments", items));
  }

  private static boolean matchesScope(String type, String id, List<String> projects, String domain, String system) {
    if (!projects.isEmpty()) return type.equals(Grant.PROJECT) && projects.contains(id);
    if (domain != null) return type.equals(Grant.DOMAIN) && domain.equals(id);
    if (system != null) return type.equals(Grant.SYSTEM);
    return true;
  }

  private ObjectNode assignment(String actorType, String actorId, String targetType, String targetId, String roleId,
                                boolean inherited, boolean names, EffectiveGrants.Effective via) {
    ObjectNode node = render.mapper().createObjectNode();
    ObjectNode role = node.putObject("role").put("id", roleId);
    ObjectNode actor = node.putObject(actorType).put("id", actorId);
    ObjectNode scope = node.putObject("scope");
    ObjectNode target = targetType.equals(Grant.SYSTEM) ? scope.putObject("system").put("all", true)
        : scope.putObject(targetType).put("id", targetId);
    if (inherited) scope.put("OS-INHERIT:inherited_to", "projects");
    if (names) {
      directory.role(roleId).ifPresent(r -> {
        role.put("name", r.name());
        if (r.domainId() != null) role.putObject("domain").put("id", r.domainId()).put("name", directory.domainName(r.domainId()));
      });
      String actorDomain = actorType.equals(Grant.USER)
          ? directory.user(actorId).map(IdentityDirectory.User::domainId).orElse(null)
          : directory.group(actorId).map(IdentityDirectory.Group::domainId).orElse(null);
      actor.put("name", actorType.equals(Grant.USER)
          ? directory.user(actorId).map(IdentityDirectory.User::name).orElse(actorId)
          : directory.group(actorId).map(IdentityDirectory.Group::name).orElse(actorId));
      if (actorDomain != null) actor.putObject("domain").put("id", actorDomain).put("name", directory.domainName(actorDomain));
      if (targetType.equals(Grant.PROJECT)) {
        directory.project(targetId).ifPresent(p -> {
          target.put("name", p.name());
          target.putObject("domain").put("id", p.domainId()).put("name", directory.domainName(p.domainId()));
        });
      } else if (targetType.equals(Grant.DOMAIN)) {
        target.put("name", directory.domainName(targetId));
      }
    }
    Grant from = via != null ? via.from() : new Grant(actorType, actorId, targetType, targetId, roleId, inherited);
    String link = (from.inherited() ? V3 + "/OS-INHERIT" : V3)
        + Grant.rolesPath(from.targetType(), from.actorType()).replace("{target}", from.targetId())
            .replace("{actor}", from.actorId()) + "/" + from.roleId()
        + (from.inherited() ? "/inherited_to_projects" : "");
    ObjectNode links = node.putObject("links");
    links.put("assignment", render.catalog().url(link));
    if (via != null && via.groupId() != null) {
      links.put("membership", render.catalog().url(V3 + "/groups/" + via.groupId() + "/users/" + via.userId()));
    }
    return node;
  }

  private void listDomains(Context ctx) {
    auth.admin(ctx);
    json(ctx, render.collection("domains", "domains", directory.domains(ctx.queryParam("name"), bool(ctx, "enabled")
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
    json(ctx, render.single("domain", render.domain(domain)));
  }

  private static boolean flag(Context ctx, String name) {
    String value = ctx.queryParam(name);
    return value != null && !value.equalsIgnoreCase("false") && !value.equals("0");
  }

  private static List<String> csv(String value) {
    if (value == null || value.isEmpty()) return List.of();
    return List.of(value.split(","));
  }

  private static java.util.Optional<Boolean> bool(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null) return java.util.Optional.empty();
    if (value.equalsIgnoreCase("true") || value.equals("1") || value.isEmpty()) return java.util.Optional.of(true);
    if (value.equalsIgnoreCase("false") || value.equals("0")) return java.util.Optional.of(false);
    throw ApiException.badRequest("Invalid value for query parameter '" + name + "': " + value + ".");
  }

  private void selfOrAdmin(Context ctx, String userId, String action) {
    TokenClaims caller = auth.caller(ctx);
    if (!caller.isAdmin() && !caller.userId().equals(userId)) {
      throw ApiException.forbidden("You are not authorized to perform the requested action: " + action + ".");
    }
  }

  private static IdentityDirectory.Filter filter(Context ctx) {
    return new IdentityDirectory.Filter(ctx.queryParam("name"), bool(ctx, "enabled").orElse(null),
        ctx.queryParam("domain_id"));
  }

  private static void json(Context ctx, ObjectNode body) {
    ctx.contentType("application/json").result(body.toString());
  }
}
