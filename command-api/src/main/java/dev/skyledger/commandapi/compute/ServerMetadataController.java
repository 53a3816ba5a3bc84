package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.compute.DeleteServerMetadataItem;
import dev.skyledger.events.compute.SetServerMetadata;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import io.javalin.http.Context;
import java.util.Map;

/** A server's metadata ({@code /servers/{id}/metadata}): merge, replace, set and delete one item. */
final class ServerMetadataController {
  private final ComputeAccess access;
  private final ComputeCommands commands;
  private final ComputeWriteRoutes.Servers servers;
  private final ObjectMapper json;

  ServerMetadataController(ComputeAccess access, ComputeCommands commands, ComputeWriteRoutes.Servers servers,
                           ObjectMapper json) {
    this.access = access;
    this.commands = commands;
    this.servers = servers;
    this.json = json;
  }

  /** {@code POST} merges, {@code PUT} ({@code replace}) replaces; both answer with all of it. */
  void set(Context ctx, boolean replace) {
    TokenClaims caller = access.caller(ctx);
    String id = ctx.pathParam("id");
    String project = access.projectOf(caller, id);
    ObjectNode root = NovaBody.root(ctx, json);
    if (!root.path("metadata").isObject()) throw NovaBody.invalid("metadata", root, "'metadata' is a required property");
    Map<String, String> metadata = NovaBody.metadata(root.get("metadata"), "metadata");
    commands.forProject(ctx, caller, project, new SetServerMetadata(id, project, metadata, replace), id);
    ObjectNode server = servers.show(caller, id).orElseThrow(() -> ComputeAccess.notFound(id));
    ObjectNode out = json.createObjectNode();
    out.set("metadata", server.path("metadata").isObject() ? server.get("metadata") : json.createObjectNode());
    ctx.contentType("application/json").result(out.toString());
  }

  void putItem(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    String id = ctx.pathParam("id");
    String key = ctx.pathParam("key");
    String project = access.projectOf(caller, id);
    JsonNode meta = NovaBody.root(ctx, json).get("meta");
    if (meta == null || !meta.isObject() || meta.size() != 1) {
      throw NovaBody.invalid("meta", meta, "'meta' is a required property with exactly one item");
    }
    if (!meta.has(key)) throw ApiException.badRequest("Request body and URI mismatch");
    Map<String, String> item = NovaBody.metadata(meta, "meta");
    commands.forProject(ctx, caller, project, new SetServerMetadata(id, project, item, false), id);
    ObjectNode out = json.createObjectNode();
    out.putObject("meta").put(key, item.get(key));
    ctx.contentType("application/json").result(out.toString());
  }

  void deleteItem(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    String id = ctx.pathParam("id");
    String project = access.projectOf(caller, id);
    commands.forProject(ctx, caller, project, new DeleteServerMetadataItem(id, project, ctx.pathParam("key")), id);
    ctx.status(204);
  }
}
