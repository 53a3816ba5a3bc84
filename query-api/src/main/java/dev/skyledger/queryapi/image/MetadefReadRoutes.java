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
import java.util.Arrays;
import java.util.List;

/** Glance's metadata definition catalogue, read: namespaces and their objects, properties, tags and resource types. */
public final class MetadefReadRoutes {
  private static final String ROOT = "/image/v2/metadefs";
  private static final String NS = ROOT + "/namespaces/{namespace}";

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
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode namespaces = root.putArray("namespaces");
    for (MetadefCatalog.Namespace n : catalog.list(ImageReadRoutes.viewer(caller), visibility, resourceTypes)) {
      namespaces.add(render.namespace(n, catalog.associations(n.namespace()), List.of()));
    }
    root.put("first", "/v2/metadefs/namespaces");
    root.put("schema", "/v2/schemas/metadefs/namespaces");
    ctx.contentType("application/json").result(root.toString());
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
