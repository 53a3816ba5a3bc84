package dev.skyledger.commandapi.identity;

import dev.skyledger.events.identity.CreateEndpoint;
import dev.skyledger.events.identity.CreateRegion;
import dev.skyledger.events.identity.CreateService;
import dev.skyledger.events.identity.DeleteEndpoint;
import dev.skyledger.events.identity.DeleteRegion;
import dev.skyledger.events.identity.DeleteService;
import dev.skyledger.events.identity.UpdateEndpoint;
import dev.skyledger.events.identity.UpdateRegion;
import dev.skyledger.events.identity.UpdateService;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import io.javalin.http.Context;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** The service catalog: regions, services and endpoints, registered by admins. */
final class CatalogCommandController {
  static final int MAX_ID = 255;
  static final int MAX_URL = 225;
  private static final Pattern URL = Pattern.compile("^[a-zA-Z0-9+.-]+:.+");

  private final Authenticator auth;
  private final IdentityCommands commands;
  private final IdentityDirectory directory;
  private final IdentityJson render;

  CatalogCommandController(Authenticator auth, IdentityCommands commands, IdentityDirectory directory, IdentityJson render) {
    this.auth = auth;
    this.commands = commands;
    this.directory = directory;
    this.render = render;
  }

  /** {@code POST /v3/regions} (the id chosen here unless given) and {@code PUT /v3/regions/{id}}. */
  void createRegion(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    JsonBody r = JsonBody.of(ctx, render.mapper()).object("region");
    String path = ctx.pathParamMap().get("id");
    String id = path != null ? path : r.optionalString("id").orElseGet(() -> UUID.randomUUID().toString().replace("-", ""));
    if (path != null && r.optionalString("id").filter(given -> !given.equals(path)).isPresent()) {
      throw ApiException.badRequest("Invalid input for field 'region.id': it differs from the id in the path.");
    }
    r.checkLength("id", id, MAX_ID);
    commands.send(ctx, caller, new CreateRegion(id, ProjectCommandController.description(r),
        r.optionalString("parent_region_id").orElse(null)), id, null);
    respond(ctx, 201, "region", directory.region(id).map(render::region), id);
  }

  void updateRegion(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    JsonBody r = JsonBody.of(ctx, render.mapper()).object("region");
    if (r.has("id")) throw ApiException.badRequest("Invalid input for field 'region.id': it cannot be changed.");
    String parent = r.has("parent_region_id") ? r.optionalString("parent_region_id").orElse("") : null;
    commands.send(ctx, caller, new UpdateRegion(id, r.has("description") ? ProjectCommandController.description(r) : null,
        parent), id, null);
    respond(ctx, 200, "region", directory.region(id).map(render::region), id);
  }

  void deleteRegion(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    commands.send(ctx, caller, new DeleteRegion(id), id, null);
    ctx.status(204);
  }

  void createService(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    JsonBody s = JsonBody.of(ctx, render.mapper()).object("service");
    String type = s.name("type", MAX_ID);
    String id = UUID.randomUUID().toString().replace("-", "");
    commands.send(ctx, caller, new CreateService(id, type, name(s), s.optionalString("description").orElse(null),
        s.optionalBoolean("enabled").orElse(true)), id, null);
    respond(ctx, 201, "service", directory.service(id).map(render::service), id);
  }

  void updateService(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    JsonBody s = JsonBody.of(ctx, render.mapper()).object("service");
    String type = s.optionalString("type").map(t -> s.checkLength("type", t, MAX_ID)).orElse(null);
    commands.send(ctx, caller, new UpdateService(id, type, name(s), s.optionalString("description").orElse(null),
        s.optionalBoolean("enabled").orElse(null)), id, null);
    respond(ctx, 200, "service", directory.service(id).map(render::service), id);
  }

  void deleteService(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    commands.send(ctx, caller, new DeleteService(id), id, null);
    ctx.status(204);
  }

  void createEndpoint(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    JsonBody e = JsonBody.of(ctx, render.mapper()).object("endpoint");
    String service = e.string("service_id");
    String iface = e.string("interface");
    String url = url(e, e.string("url"));
    String id = UUID.randomUUID().toString().replace("-", "");
    commands.send(ctx, caller, new CreateEndpoint(id, service, iface, url, region(e).orElse(null),
        e.optionalBoolean("enabled").orElse(true)), id, null);
    respond(ctx, 201, "endpoint", directory.endpoint(id).map(render::endpoint), id);
  }

  void updateEndpoint(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    JsonBody e = JsonBody.of(ctx, render.mapper()).object("endpoint");
    String url = e.optionalString("url").map(u -> url(e, u)).orElse(null);
    commands.send(ctx, caller, new UpdateEndpoint(id, e.optionalString("service_id").orElse(null),
        e.optionalString("interface").orElse(null), url, region(e).orElse(null),
        e.optionalBoolean("enabled").orElse(null)), id, null);
    respond(ctx, 200, "endpoint", directory.endpoint(id).map(render::endpoint), id);
  }

  void deleteEndpoint(Context ctx) {
    TokenClaims caller = auth.admin(ctx);
    String id = ctx.pathParam("id");
    commands.send(ctx, caller, new DeleteEndpoint(id), id, null);
    ctx.status(204);
  }

  private static String name(JsonBody s) {
    return s.optionalString("name").map(n -> s.checkLength("name", n, MAX_ID)).orElse(null);
  }

  /** {@code region_id}, or the older {@code region}. */
  private static Optional<String> region(JsonBody e) {
    Optional<String> region = e.optionalString("region_id").or(() -> e.optionalString("region"));
    region.ifPresent(r -> e.checkLength("region_id", r, MAX_ID));
    return region;
  }

  private static String url(JsonBody e, String url) {
    if (url.length() > MAX_URL || !URL.matcher(url).matches()) {
      throw ApiException.badRequest("Invalid input for field 'endpoint.url': expected a URL of at most " + MAX_URL
          + " characters.");
    }
    return url;
  }

  private void respond(Context ctx, int status, String key, Optional<com.fasterxml.jackson.databind.node.ObjectNode> node,
                       String id) {
    var found = node.orElseThrow(() -> ApiException.notFound("Could not find " + key + ": " + id + "."));
    ctx.status(status).contentType("application/json").result(render.single(key, found).toString());
  }
}
