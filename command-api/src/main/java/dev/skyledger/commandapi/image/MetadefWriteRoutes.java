package dev.skyledger.commandapi.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.Topics;
import dev.skyledger.events.image.AssociateMetadefResourceType;
import dev.skyledger.events.image.CreateMetadefDefinition;
import dev.skyledger.events.image.CreateMetadefNamespace;
import dev.skyledger.events.image.CreateMetadefTags;
import dev.skyledger.events.image.DeleteMetadefDefinition;
import dev.skyledger.events.image.DeleteMetadefDefinitions;
import dev.skyledger.events.image.DeleteMetadefNamespace;
import dev.skyledger.events.image.DissociateMetadefResourceType;
import dev.skyledger.events.image.UpdateMetadefDefinition;
import dev.skyledger.events.image.UpdateMetadefNamespace;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.command.CommandSender;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.views.image.ImageCatalog;
import dev.skyledger.views.image.MetadefCatalog;
import dev.skyledger.views.image.MetadefJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Glance's metadata definition catalogue, written: namespaces and their objects, properties, tags
 * and resource type associations. Every command goes to the image decider on the catalogue's one
 * stream ({@link StreamKeys#METADEFS}), which lets administrators only (Glance's default policy);
 * a namespace the caller may not see is a 404 here first. Answers are read back from the view.
 */
public final class MetadefWriteRoutes {
  private static final String NS = "/image/v2/metadefs/namespaces/{namespace}";
  /** Members of an object or property body that the service writes, never part of its definition. */
  private static final List<String> READ_ONLY = List.of("name", "schema", "self", "created_at", "updated_at");

  private final Authenticator auth;
  private final CommandSender sender;
  private final MetadefCatalog catalog;
  private final MetadefJson render;

  public MetadefWriteRoutes(Authenticator auth, CommandSender sender, MetadefCatalog catalog, MetadefJson render) {
    this.auth = auth;
    this.sender = sender;
    this.catalog = catalog;
    this.render = render;
  }

  public void routes(JavalinConfig config) {
    var r = config.routes;
    r.post("/image/v2/metadefs/namespaces", this::createNamespace);
    r.put(NS, this::updateNamespace);
    r.delete(NS, this::deleteNamespace);
    r.post(NS + "/objects", ctx -> createDefinition(ctx, "object"));
    r.put(NS + "/objects/{name}", ctx -> updateDefinition(ctx, "object"));
    r.delete(NS + "/objects/{name}", ctx -> deleteDefinition(ctx, "object"));
    r.delete(NS + "/objects", ctx -> deleteDefinitions(ctx, "object"));
    r.post(NS + "/properties", ctx -> createDefinition(ctx, "property"));
    r.put(NS + "/properties/{name}", ctx -> updateDefinition(ctx, "property"));
    r.delete(NS + "/properties/{name}", ctx -> deleteDefinition(ctx, "property"));
    r.delete(NS + "/properties", ctx -> deleteDefinitions(ctx, "property"));
    r.post(NS + "/tags/{name}", this::createTag);
    r.put(NS + "/tags/{name}", ctx -> updateDefinition(ctx, "tag"));
    r.delete(NS + "/tags/{name}", ctx -> deleteDefinition(ctx, "tag"));
    r.post(NS + "/tags", this::createTags);
    r.delete(NS + "/tags", ctx -> deleteDefinitions(ctx, "tag"));
    r.post(NS + "/resource_types", this::associate);
    r.delete(NS + "/resource_types/{name}", this::dissociate);
  }

  private void createNamespace(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    JsonBody body = JsonBody.of(ctx, render.mapper());
    String namespace = body.name("namespace", 80);
    List<String> types = new ArrayList<>();
    List<AssociateMetadefResourceType> detailed = new ArrayList<>();
    for (JsonNode a : array(body.node(), "resource_type_associations")) {
      String name = text(a, "name", true, 80);
      String prefix = text(a, "prefix", false, 80);
      String target = text(a, "properties_target", false, 80);
      if (prefix == null && target == null) types.add(name);
      else detailed.add(new AssociateMetadefResourceType(namespace, name, prefix, target));
    }
    Map<String, String> objects = new LinkedHashMap<>();
    for (JsonNode o : array(body.node(), "objects")) objects.put(text(o, "name", true, 80), definition(o));
    Map<String, String> properties = new LinkedHashMap<>();
    JsonNode props = body.node().path("properties");
    if (!props.isMissingNode() && !props.isNull()) {
      if (!props.isObject()) throw ApiException.badRequest("Invalid input for field 'properties': expected an object.");
      props.fields().forEachRemaining(p -> properties.put(p.getKey(), property(p.getKey(), p.getValue())));
    }
    List<String> tags = new ArrayList<>();
    for (JsonNode t : array(body.node(), "tags")) tags.add(text(t, "name", true, 255));
    send(ctx, caller, namespace, new CreateMetadefNamespace(namespace, optional(body, "display_name", 80),
        optional(body, "description", 500), body.optionalString("visibility").orElse("private"),
        body.optionalBoolean("protected").orElse(false), owner(body, caller), types, objects, properties, tags));
    for (AssociateMetadefResourceType a : detailed) send(ctx, caller, namespace, a);
    ctx.status(201);
    showNamespace(ctx, caller, namespace);
  }

  private void updateNamespace(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    MetadefCatalog.Namespace n = visible(ctx, caller);
    JsonBody body = JsonBody.of(ctx, render.mapper());
    String renamed = body.name("namespace", 80);
    send(ctx, caller, n.namespace(), new UpdateMetadefNamespace(n.namespace(), renamed, optional(body, "display_name", 80),
        optional(body, "description", 500), body.optionalString("visibility").orElse("private"),
        body.optionalBoolean("protected").orElse(false), owner(body, caller)));
    showNamespace(ctx, caller, renamed);
  }

  private void deleteNamespace(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    MetadefCatalog.Namespace n = visible(ctx, caller);
    send(ctx, caller, n.namespace(), new DeleteMetadefNamespace(n.namespace()));
    ctx.status(204);
  }

  private void createDefinition(Context ctx, String kind) {
    TokenClaims caller = auth.caller(ctx);
    MetadefCatalog.Namespace n = visible(ctx, caller);
    ObjectNode body = JsonBody.of(ctx, render.mapper()).node();
    String name = text(body, "name", true, kind.equals("object") ? 80 : 255);
    String definition = kind.equals("property") ? property(name, body) : definition(body);
    send(ctx, caller, n.namespace(), new CreateMetadefDefinition(n.namespace(), kind, name, definition));
    ctx.status(201);
    showDefinition(ctx, n.namespace(), kind, name);
  }

  private void updateDefinition(Context ctx, String kind) {
    TokenClaims caller = auth.caller(ctx);
    MetadefCatalog.Namespace n = visible(ctx, caller);
    String name = ctx.pathParam("name");
    ObjectNode body = JsonBody.of(ctx, render.mapper()).node();
    String renamed = text(body, "name", true, kind.equals("object") ? 80 : 255);
    String definition = switch (kind) {
      case "property" -> property(renamed, body);
      case "object" -> definition(body);
      default -> "{}";
    };
    send(ctx, caller, n.namespace(), new UpdateMetadefDefinition(n.namespace(), kind, name, renamed, definition));
    showDefinition(ctx, n.namespace(), kind, renamed);
  }

  private void deleteDefinition(Context ctx, String kind) {
    TokenClaims caller = auth.caller(ctx);
    MetadefCatalog.Namespace n = visible(ctx, caller);
    send(ctx, caller, n.namespace(), new DeleteMetadefDefinition(n.namespace(), kind, ctx.pathParam("name")));
    ctx.status(204);
  }

  private void deleteDefinitions(Context ctx, String kind) {
    TokenClaims caller = auth.caller(ctx);
    MetadefCatalog.Namespace n = visible(ctx, caller);
    send(ctx, caller, n.namespace(), new DeleteMetadefDefinitions(n.namespace(), kind));
    ctx.status(204);
  }

  private void createTag(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    MetadefCatalog.Namespace n = visible(ctx, caller);
    String name = ctx.pathParam("name");
    if (name.isBlank() || name.length() > 255) throw ApiException.badRequest("A tag name is 1 to 255 characters.");
    send(ctx, caller, n.namespace(), new CreateMetadefDefinition(n.namespace(), "tag", name, "{}"));
    ctx.status(201);
    showDefinition(ctx, n.namespace(), "tag", name);
  }

  /** Tags in bulk: they replace the namespace's tags unless {@code X-Openstack-Append: True}, as in Glance. */
  private void createTags(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    MetadefCatalog.Namespace n = visible(ctx, caller);
    ObjectNode body = JsonBody.of(ctx, render.mapper()).node();
    List<String> names = new ArrayList<>();
    for (JsonNode t : array(body, "tags")) names.add(text(t, "name", true, 255));
    boolean append = "true".equalsIgnoreCase(ctx.header("X-Openstack-Append"));
    send(ctx, caller, n.namespace(), new CreateMetadefTags(n.namespace(), names, append));
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode tags = root.putArray("tags");
    names.forEach(t -> tags.addObject().put("name", t));
    ctx.status(201).contentType("application/json").result(root.toString());
  }

  private void associate(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    MetadefCatalog.Namespace n = visible(ctx, caller);
    ObjectNode body = JsonBody.of(ctx, render.mapper()).node();
    String name = text(body, "name", true, 80);
    send(ctx, caller, n.namespace(), new AssociateMetadefResourceType(n.namespace(), name, text(body, "prefix", false, 80),
        text(body, "properties_target", false, 80)));
    MetadefCatalog.Association a = catalog.associations(n.namespace()).stream().filter(x -> x.name().equals(name)).findFirst()
        .orElseThrow(() -> ApiException.notFound("Metadata definition resource-type-association of resource-type=" + name
            + " to namespace=" + n.namespace() + " not found."));
    ctx.status(201).contentType("application/json").result(render.association(a).toString());
  }

  private void dissociate(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    MetadefCatalog.Namespace n = visible(ctx, caller);
    send(ctx, caller, n.namespace(), new DissociateMetadefResourceType(n.namespace(), ctx.pathParam("name")));
    ctx.status(204);
  }

  private void send(Context ctx, TokenClaims caller, String namespace, SpecificRecord command) {
    sender.send(ctx, caller, Topics.IMAGE_COMMANDS, StreamKeys.METADEFS, "image", command, namespace, caller.projectId());
  }

  private MetadefCatalog.Namespace visible(Context ctx, TokenClaims caller) {
    String namespace = ctx.pathParam("namespace");
    return catalog.visible(namespace, new ImageCatalog.Viewer(caller.projectId(), caller.isAdmin()))
        .orElseThrow(() -> ApiException.notFound("Metadata definition namespace=" + namespace + " was not found."));
  }

  private void showNamespace(Context ctx, TokenClaims caller, String namespace) {
    MetadefCatalog.Namespace n = catalog.visible(namespace, new ImageCatalog.Viewer(caller.projectId(), caller.isAdmin()))
        .orElseThrow(() -> ApiException.notFound("Metadata definition namespace=" + namespace + " was not found."));
    List<MetadefCatalog.Definition> definitions = new ArrayList<>();
    for (String kind : List.of("object", "property", "tag")) definitions.addAll(catalog.definitions(namespace, kind));
    ctx.contentType("application/json").result(render.namespace(n, catalog.associations(namespace), definitions).toString());
  }

  private void showDefinition(Context ctx, String namespace, String kind, String name) {
    MetadefCatalog.Definition d = catalog.definition(namespace, kind, name).orElseThrow(() ->
        ApiException.notFound("Metadata definition " + kind + "=" + name + " not found in namespace=" + namespace + "."));
    ObjectNode body = switch (kind) {
      case "object" -> render.object(d);
      case "property" -> render.property(d);
      default -> render.tag(d);
    };
    ctx.contentType("application/json").result(body.toString());
  }

  private static String owner(JsonBody body, TokenClaims caller) {
    return body.optionalString("owner").map(o -> body.checkLength("owner", o, 255)).orElse(caller.projectId() == null ? "" : caller.projectId());
  }

  private static String optional(JsonBody body, String field, int max) {
    String value = body.optionalString(field).orElse(null);
    if (value != null && value.length() > max) {
      throw ApiException.badRequest("Invalid input for field '" + field + "': longer than " + max + " characters.");
    }
    return value;
  }

  private static List<JsonNode> array(JsonNode body, String field) {
    JsonNode value = body.path(field);
    if (value.isMissingNode() || value.isNull()) return List.of();
    if (!value.isArray()) throw ApiException.badRequest("Invalid input for field '" + field + "': expected a list.");
    List<JsonNode> items = new ArrayList<>();
    value.forEach(item -> {
      if (!item.isObject()) throw ApiException.badRequest("Invalid input for field '" + field + "': expected a list of objects.");
      items.add(item);
    });
    return items;
  }

  private static String text(JsonNode node, String field, boolean required, int max) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      if (required) throw ApiException.badRequest("Missing required field '" + field + "'.");
      return null;
    }
    if (!value.isTextual()) throw ApiException.badRequest("Invalid input for field '" + field + "': expected a string.");
    if (required && value.asText().isBlank()) throw ApiException.badRequest("Invalid input for field '" + field + "': must not be empty.");
    if (value.asText().length() > max) {
      throw ApiException.badRequest("Invalid input for field '" + field + "': longer than " + max + " characters.");
    }
    return value.asText();
  }

  /** An object's definition: its body without what the service writes. */
  private static String definition(JsonNode body) {
    ObjectNode copy = ((ObjectNode) body).deepCopy();
    copy.remove(READ_ONLY);
    JsonNode required = copy.get("required");
    if (required != null && !required.isNull() && !required.isArray()) {
      throw ApiException.badRequest("Invalid input for field 'required': expected a list of strings.");
    }
    JsonNode properties = copy.get("properties");
    if (properties != null && !properties.isNull() && !properties.isObject()) {
      throw ApiException.badRequest("Invalid input for field 'properties': expected an object.");
    }
    return copy.toString();
  }

  /** A property's definition: it needs a title and a type (Glance's required members). */
  private static String property(String name, JsonNode body) {
    if (!body.isObject()) throw ApiException.badRequest("Invalid input for property '" + name + "': expected an object.");
    text(body, "title", true, 255);
    String type = text(body, "type", true, 32);
    if (!List.of("array", "boolean", "integer", "number", "object", "string").contains(type)) {
      throw ApiException.badRequest("Invalid input for field 'type': one of array, boolean, integer, number, object, string.");
    }
    return definition(body);
  }
}
