package dev.skyledger.queryapi.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.image.ImageCatalog;
import dev.skyledger.views.image.MetadefCatalog;
import dev.skyledger.views.image.MetadefJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Glance's metadata definition catalogue, read: namespaces and their objects, properties, tags and resource types. */
public final class MetadefReadRoutes {
  private static final String ROOT = "/image/v2/metadefs";
  private static final String NS = ROOT + "/namespaces/{namespace}";
  private static final int DEFAULT_LIMIT = 25;
  private static final int MAX_LIMIT = 1000;

  private final Authenticator auth;
  private final MetadefCatalog catalog;
  private final MetadefJson render;

  public MetadefReadRoutes(Authenticator auth, MetadefCatalog catalog, MetadefJson render) {
    this.auth = auth;
    this.catalog = catalog;
    this.render = render;
  }

  public void routes(JavalinConfig config) {
    var r = config.routes;
    r.get(ROOT + "/resource_types", this::resourceTypes);
    r.get(ROOT + "/namespaces", this::list);
    r.get(NS, this::show);
    r.get(NS + "/resource_types", this::associations);
    r.get(NS + "/objects", ctx -> definitions(ctx, "object"));
    r.get(NS + "/objects/{name}", ctx -> definition(ctx, "object"));
    r.get(NS + "/properties", ctx -> definitions(ctx, "property"));
    r.get(NS + "/properties/{name}", ctx -> definition(ctx, "property"));
    r.get(NS + "/tags", ctx -> definitions(ctx, "tag"));
    r.get(NS + "/tags/{name}", ctx -> definition(ctx, "tag"));
  }

  private void resourceTypes(Context ctx) {
    auth.caller(ctx);
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode types = root.putArray("resource_types");
    catalog.resourceTypes().forEach(t -> types.add(render.resourceType(t)));
    ctx.contentType("application/json").result(root.toString());
  }

  private void list(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String visibility = ctx.queryParam("visibility");
    if (visibility != null && !List.of("public", "private").contains(visibility)) {
      throw ApiException.badRequest("Invalid visibility value: " + visibility + ".");
    }
    String types = ctx.queryParam("resource_types");
    List<String> resourceTypes = types == null ? List.of() : Arrays.stream(types.split(",")).map(String::strip)
        .filter(t -> !t.isEmpty()).toList();
    int limit = limit(ctx);
    String sortKey = ctx.queryParamAsClass("sort_key", String.class).getOrDefault("created_at");
    if (!MetadefCatalog.SORT_KEYS.contains(sortKey)) throw ApiException.badRequest("Invalid sort key: " + sortKey + ".");
    String sortDir = ctx.queryParamAsClass("sort_dir", String.class).getOrDefault("desc");
    if (!sortDir.equals("asc") && !sortDir.equals("desc")) throw ApiException.badRequest("Invalid sort direction: " + sortDir + ".");
    ImageCatalog.Viewer viewer = ImageReadRoutes.viewer(caller);
    String markerName = ctx.queryParam("marker");
    MetadefCatalog.Namespace marker = markerName == null ? null : catalog.visible(markerName, viewer)
        .orElseThrow(() -> ApiException.notFound("Metadata definition namespace=" + markerName + " was not found."));
    List<MetadefCatalog.Namespace> page = catalog.list(viewer, visibility, resourceTypes, sortKey, sortDir.equals("asc"),
        marker, limit);
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode namespaces = root.putArray("namespaces");
    for (MetadefCatalog.Namespace n : page) namespaces.add(render.namespace(n, catalog.associations(n.namespace()), List.of()));
    root.put("first", "/v2/metadefs/namespaces");
    root.put("schema", "/v2/schemas/metadefs/namespaces");
    if (limit > 0 && page.size() == limit) {
      StringBuilder next = new StringBuilder("/v2/metadefs/namespaces?marker=")
          .append(URLEncoder.encode(page.get(limit - 1).namespace(), StandardCharsets.UTF_8)).append("&limit=").append(limit);
      ctx.queryParamMap().forEach((key, values) -> {
        if (key.equals("marker") || key.equals("limit")) return;
        for (String v : values) next.append('&').append(key).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
      });
      root.put("next", next.toString());
    }
    ctx.contentType("application/json").result(root.toString());
  }

  private static int limit(Context ctx) {
    String value = ctx.queryParam("limit");
    if (value == null) return DEFAULT_LIMIT;
    try {
      int limit = Integer.parseInt(value);
      if (limit < 0) throw ApiException.badRequest("limit param must be positive");
      return Math.min(limit, MAX_LIMIT);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("limit param must be an integer");
    }
  }

  private void show(Context ctx) {
    MetadefCatalog.Namespace n = visible(ctx);
    List<MetadefCatalog.Definition> definitions = new java.util.ArrayList<>();
    for (String kind : List.of("object", "property", "tag")) definitions.addAll(catalog.definitions(n.namespace(), kind));
    ctx.contentType("application/json").result(render.namespace(n, catalog.associations(n.namespace()), definitions).toString());
  }

  private void associations(Context ctx) {
    MetadefCatalog.Namespace n = visible(ctx);
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode list = root.putArray("resource_type_associations");
    catalog.associations(n.namespace()).forEach(a -> list.add(render.association(a)));
    ctx.contentType("application/json").result(root.toString());
  }

  private void definitions(Context ctx, String kind) {
    MetadefCatalog.Namespace n = visible(ctx);
    List<MetadefCatalog.Definition> found = catalog.definitions(n.namespace(), kind);
    ObjectNode root = render.mapper().createObjectNode();
    switch (kind) {
      case "object" -> {
        ArrayNode list = root.putArray("objects");
        found.forEach(d -> list.add(render.object(d)));
        root.put("schema", "v2/schemas/metadefs/objects");
      }
      case "property" -> {
        ObjectNode map = root.putObject("properties");
        found.forEach(d -> map.set(d.name(), render.property(d).without("name")));
        root.put("schema", "v2/schemas/metadefs/properties");
      }
      default -> {
        ArrayNode list = root.putArray("tags");
        found.forEach(d -> list.add(render.tag(d)));
      }
    }
    ctx.contentType("application/json").result(root.toString());
  }

  private void definition(Context ctx, String kind) {
    MetadefCatalog.Namespace n = visible(ctx);
    String name = ctx.pathParam("name");
    MetadefCatalog.Definition d = catalog.definition(n.namespace(), kind, name).orElseThrow(() ->
        ApiException.notFound("Metadata definition " + kind + "=" + name + " not found in namespace=" + n.namespace() + "."));
    ObjectNode body = switch (kind) {
      case "object" -> render.object(d);
      case "property" -> render.property(d);
      default -> render.tag(d);
    };
    ctx.contentType("application/json").result(body.toString());
  }

  private MetadefCatalog.Namespace visible(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String namespace = ctx.pathParam("namespace");
    ImageCatalog.Viewer viewer = ImageReadRoutes.viewer(caller);
    return catalog.visible(namespace, viewer)
        .orElseThrow(() -> ApiException.notFound("Metadata definition namespace=" + namespace + " was not found."));
  }
}
