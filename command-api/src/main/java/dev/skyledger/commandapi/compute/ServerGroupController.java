package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.compute.CreateServerGroup;
import dev.skyledger.events.compute.DeleteServerGroup;
import dev.skyledger.events.compute.ServerGroup;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.Microversion;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import io.javalin.http.Context;
import java.util.Set;
import java.util.UUID;

/** Server groups ({@code /os-server-groups}), decided on their project's stream (their quota). */
final class ServerGroupController {
  private static final Set<String> HARD = Set.of("affinity", "anti-affinity");
  private static final Set<String> WITH_SOFT = Set.of("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity");

  private final ComputeAccess access;
  private final ComputeCommands commands;
  private final ComputeWriteRoutes.Groups groups;
  private final ObjectMapper json;

  ServerGroupController(ComputeAccess access, ComputeCommands commands, ComputeWriteRoutes.Groups groups, ObjectMapper json) {
    this.access = access;
    this.commands = commands;
    this.groups = groups;
    this.json = json;
  }

  /** {@code {"server_group":{"name","policies":[one policy]}}}: affinity or anti-affinity, from 2.15 also soft ones. */
  void create(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    Microversion version = Microversions.negotiate(ctx);
    if (caller.projectId() == null) throw ApiException.forbidden("Server groups are created with a project-scoped token.");
    ObjectNode g = NovaBody.resource(ctx, json, "server_group");
    NovaBody.onlyFields(g, "server_group", Set.of("name", "policies"));
    String name = NovaBody.name(g.get("name"));
    String policy = policy(g.get("policies"), version);
    String id = UUID.randomUUID().toString();
    commands.forProject(ctx, caller, caller.projectId(),
        new CreateServerGroup(new ServerGroup(id, caller.projectId(), caller.userId(), name, policy)), id);
    ObjectNode root = json.createObjectNode();
    root.set("server_group", groups.show(caller, id, version).orElseThrow(() -> notFound(id)));
    ctx.contentType("application/json").result(root.toString());
  }

  private static String policy(JsonNode policies, Microversion version) {
    Set<String> allowed = version.atLeast(15) ? WITH_SOFT : HARD;
    if (policies == null || !policies.isArray() || policies.size() != 1 || !policies.get(0).isTextual()
        || !allowed.contains(policies.get(0).asText())) {
      throw NovaBody.invalid("policies", policies, version.atLeast(15)
          ? "exactly one of 'affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'"
          : "exactly one of 'affinity', 'anti-affinity' (soft policies need microversion 2.15)");
    }
    return policies.get(0).asText();
  }

  void delete(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    String id = ctx.pathParam("id");
    ObjectNode g = groups.show(caller, id, Microversions.MAX).orElseThrow(() -> notFound(id));
    String project = g.path("project_id").asText();
    commands.forProject(ctx, caller, project, new DeleteServerGroup(id, project), id);
    ctx.status(204);
  }

  private static ApiException notFound(String id) {
    return new ApiException(404, "itemNotFound", "Instance group " + id + " could not be found.");
  }
}
