package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.compute.SetComputeQuota;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.ComputeQuotas;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.compute.ComputeJson;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** Quota sets ({@code /os-quota-sets}): set and reset for admins, decided on the project's stream. */
final class ComputeQuotaController {
  private final ComputeAccess access;
  private final ComputeCommands commands;
  private final ComputeCatalog catalog;
  private final ComputeJson render;

  ComputeQuotaController(ComputeAccess access, ComputeCommands commands, ComputeCatalog catalog, ComputeJson render) {
    this.access = access;
    this.commands = commands;
    this.catalog = catalog;
    this.render = render;
  }

  void set(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    ObjectNode q = NovaBody.resource(ctx, render.mapper(), "quota_set");
    String project = ctx.pathParam("project");
    Map<String, Integer> limits = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = q.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("force")) continue;
      if (!ComputeQuotas.RESOURCES.contains(e.getKey())) {
        throw ApiException.badRequest("Invalid input for field/attribute quota_set. Additional properties are not allowed ('"
            + e.getKey() + "' was unexpected)");
      }
      limits.put(e.getKey(), NovaBody.integer(q, e.getKey(), null));
    }
    commands.send(ctx, caller, StreamKeys.project(project), new SetComputeQuota(project, limits, false), project, project);
    ctx.contentType("application/json").result(render.quotaSet(null, ComputeQuotas.effective(catalog.quotaOverrides(project))).toString());
  }

  void reset(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    String project = ctx.pathParam("project");
    commands.send(ctx, caller, StreamKeys.project(project), new SetComputeQuota(project, Map.of(), true), project, project);
    ctx.status(202);
  }
}
