package dev.skyledger.queryapi.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.identity.EffectiveGrants;
import dev.skyledger.views.identity.Grant;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/** Roles, the roles they imply, grants on projects, domains and the system, and role assignments. */
final class GrantReadRoutes {
  private static final String V3 = IdentityReads.V3;

  private final IdentityReads reads;
  private final Authenticator auth;
  private final IdentityDirectory directory;
  private final IdentityJson render;

  GrantReadRoutes(IdentityReads reads) {
    this.reads = reads;
    this.auth = reads.auth;
    this.directory = reads.directory;
    this.render = reads.render;
  }

  void routes(JavalinConfig config) {
    var r = config.routes;
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
  }

  private void listRoles(Context ctx) {
    auth.admin(ctx);
    IdentityReads.json(ctx, render.collection("roles", "roles",
        directory.roles(ctx.queryParam("name"), ctx.queryParam("domain_id")).stream().map(render::role).toList()));
  }

  private void showRole(Context ctx) {
    auth.admin(ctx);
    IdentityReads.json(ctx, render.single("role", render.role(reads.role(ctx.pathParam("id")))));
  }

  private void listImplied(Context ctx) {
    auth.admin(ctx);
    IdentityDirectory.Role prior = reads.role(ctx.pathParam("prior"));
    ObjectNode root = render.mapper().createObjectNode();
    ObjectNode rule = root.putObject("role_inference");
    rule.set("prior_role", render.roleRef(prior));
    var implies = rule.putArray("implies");
    directory.implied(prior.id()).forEach(r -> implies.add(render.roleRef(r)));
    root.putObject("links").put("self", render.catalog().url(V3 + "/roles/" + prior.id() + "/implies"));
    IdentityReads.json(ctx, root);
  }

  private void showImplied(Context ctx, boolean body) {
    auth.admin(ctx);
    IdentityDirectory.Role prior = reads.role(ctx.pathParam("prior"));
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
    IdentityReads.json(ctx, root);
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
    IdentityReads.json(ctx, root);
  }

  /** {@code GET .../roles}: the roles granted directly to the actor on the target. */
  private void grantedRoles(Context ctx, String targetType, String actorType, boolean inherited) {
    auth.admin(ctx);
    String target = requireTarget(ctx, targetType);
    String actor = requireActor(ctx, actorType);
    String path = ctx.path().substring(ctx.path().indexOf(V3) + V3.length() + 1);
    IdentityReads.json(ctx, render.collection("roles", path, directory.grantedRoles(actorType, actor, targetType, target, inherited)
        .stream().map(render::role).toList()));
  }

  /** {@code GET|HEAD .../roles/{role}}: 204 when granted directly, 404 otherwise. */
  private void checkGrant(Context ctx, String targetType, String actorType, boolean inherited) {
    auth.admin(ctx);
    String target = requireTarget(ctx, targetType);
    String actor = requireActor(ctx, actorType);
    String role = reads.role(ctx.pathParam("role")).id();
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
    if (targetType.equals(Grant.PROJECT)) return reads.project(id).id();
    return directory.domain(id).orElseThrow(() -> ApiException.notFound("Could not find domain: " + id + ".")).id();
  }

  private String requireActor(Context ctx, String actorType) {
    String id = ctx.pathParam("actor");
    return actorType.equals(Grant.USER) ? reads.user(id).id() : reads.group(id).id();
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
    boolean names = IdentityReads.flag(ctx, "include_names");
    boolean effective = ctx.queryParam("effective") != null && !"false".equalsIgnoreCase(ctx.queryParam("effective"));
    if (user != null && group != null) throw ApiException.badRequest("Specify at most one of user.id and group.id.");
    if ((project != null ? 1 : 0) + (domain != null ? 1 : 0) + (system != null ? 1 : 0) > 1) {
      throw ApiException.badRequest("Specify at most one of scope.project.id, scope.domain.id and scope.system.");
    }
    List<String> projects = project == null ? List.of() : new ArrayList<>(List.of(project));
    if (project != null && IdentityReads.flag(ctx, "include_subtree")) {
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
    IdentityReads.json(ctx, render.collection("role_assignments", "role_assignments", items));
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
}
