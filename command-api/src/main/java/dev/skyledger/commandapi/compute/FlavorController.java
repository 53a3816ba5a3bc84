package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.compute.AddFlavorAccess;
import dev.skyledger.events.compute.CreateFlavor;
import dev.skyledger.events.compute.DeleteFlavor;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.RemoveFlavorAccess;
import dev.skyledger.events.compute.SetFlavorExtraSpecs;
import dev.skyledger.events.compute.UnsetFlavorExtraSpec;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.compute.ComputeJson;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Flavors ({@code /flavors}): create, delete, extra specs and access to private flavors, for admins; decided on one stream. */
final class FlavorController {
  private final ComputeAccess access;
  private final ComputeCommands commands;
  private final ComputeCatalog catalog;
  private final ComputeJson render;

  FlavorController(ComputeAccess access, ComputeCommands commands, ComputeCatalog catalog, ComputeJson render) {
    this.access = access;
    this.commands = commands;
    this.catalog = catalog;
    this.render = render;
  }

  void create(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    ObjectNode f = NovaBody.resource(ctx, render.mapper(), "flavor");
    if (!f.path("name").isTextual() || f.get("name").asText().isBlank()) {
      throw NovaBody.invalid("name", f.get("name"), "'name' is a required property and must be a non-empty string");
    }
    // an id may be a string or an integer (Nova keeps it as a string); absent, null or "auto": a new UUID
    JsonNode given = f.get("id");
    boolean generated = given == null || given.isNull() || (given.isTextual() && given.asText().equals("auto"));
    if (!generated && !given.isTextual() && !given.isIntegralNumber()) {
      throw NovaBody.invalid("id", given, given + " is not of type 'string', 'null'");
    }
    String id = generated ? UUID.randomUUID().toString() : given.asText();
    if (id.length() > 255 || !id.matches("[A-Za-z0-9_.\\- ]+")) throw NovaBody.invalid("id", f.get("id"), "Invalid flavor id.");
    double rxtx = f.has("rxtx_factor") ? f.get("rxtx_factor").asDouble(1.0) : 1.0;
    boolean isPublic = NovaBody.bool(f, "os-flavor-access:is_public", true);
    Flavor flavor = Flavor.newBuilder().setFlavorId(id).setName(f.get("name").asText().trim())
        .setVcpus(NovaBody.integer(f, "vcpus", null)).setRamMb(NovaBody.integer(f, "ram", null)).setDiskGb(NovaBody.integer(f, "disk", null))
        .setEphemeralGb(NovaBody.integer(f, "OS-FLV-EXT-DATA:ephemeral", 0)).setSwapMb(NovaBody.integer(f, "swap", 0))
        .setRxtxFactor(rxtx).setIsPublic(isPublic)
        .setDescription(f.path("description").isTextual() ? f.get("description").asText() : null).build();
    commands.send(ctx, caller, StreamKeys.FLAVORS, new CreateFlavor(flavor), id, null);
    ObjectNode root = render.mapper().createObjectNode();
    root.set("flavor", render.flavor(catalog.flavor(new ComputeCatalog.Viewer(caller.projectId(), true), id).orElseThrow()));
    ctx.contentType("application/json").result(root.toString());
  }

  void delete(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    commands.send(ctx, caller, StreamKeys.FLAVORS, new DeleteFlavor(ctx.pathParam("id")), ctx.pathParam("id"), null);
    ctx.status(202);
  }

  void setSpecs(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    ObjectNode specs = NovaBody.resource(ctx, render.mapper(), "extra_specs");
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = specs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode() || e.getValue().isNull()) throw NovaBody.invalid("extra_specs", e.getValue(), "values are strings");
      values.put(e.getKey(), e.getValue().asText());
    }
    commands.send(ctx, caller, StreamKeys.FLAVORS, new SetFlavorExtraSpecs(ctx.pathParam("id"), values), ctx.pathParam("id"), null);
    ctx.contentType("application/json").result(render.extraSpecs(values).toString());
  }

  void putSpec(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    JsonNode root = NovaBody.root(ctx, render.mapper());
    String key = ctx.pathParam("key");
    if (root.size() != 1 || !root.has(key) || !root.get(key).isValueNode()) {
      throw ApiException.badRequest("Request body and URI mismatch");
    }
    commands.send(ctx, caller, StreamKeys.FLAVORS, new SetFlavorExtraSpecs(ctx.pathParam("id"), Map.of(key, root.get(key).asText())),
        ctx.pathParam("id"), null);
    ctx.contentType("application/json").result(render.mapper().createObjectNode().put(key, root.get(key).asText()).toString());
  }

  void deleteSpec(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    commands.send(ctx, caller, StreamKeys.FLAVORS, new UnsetFlavorExtraSpec(ctx.pathParam("id"), ctx.pathParam("key")), ctx.pathParam("id"), null);
    ctx.status(200);
  }

  void action(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    JsonNode root = NovaBody.root(ctx, render.mapper());
    String id = ctx.pathParam("id");
    if (root.path("addTenantAccess").path("tenant").isTextual()) {
      // 2.7: access to a public flavor is a conflict (before, Nova recorded it to no effect)
      if (Microversions.negotiate(ctx).atLeast(7) && caller.isAdmin()
          && catalog.flavor(new ComputeCatalog.Viewer(caller.projectId(), true), id).map(ComputeCatalog.Flavor::isPublic).orElse(false)) {
        throw new ApiException(409, "conflict", "Can not add access to a public flavor.");
      }
      commands.send(ctx, caller, StreamKeys.FLAVORS, new AddFlavorAccess(id, root.get("addTenantAccess").get("tenant").asText()), id, null);
    } else if (root.path("removeTenantAccess").path("tenant").isTextual()) {
      commands.send(ctx, caller, StreamKeys.FLAVORS, new RemoveFlavorAccess(id, root.get("removeTenantAccess").get("tenant").asText()), id, null);
    } else {
      throw ApiException.badRequest("Invalid input for field/attribute action: addTenantAccess or removeTenantAccess with a tenant.");
    }
    ctx.contentType("application/json").result(render.flavorAccess(id, catalog.flavorAccess(id)).toString());
  }
}
