package dev.skyledger.views.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Renders the metadata definition catalogue the way Glance v2 does. */
public final class MetadefJson {
  private final ObjectMapper json;

  public MetadefJson(ObjectMapper json) {
    this.json = json;
  }

  public ObjectMapper mapper() {
    return json;
  }

  /** A namespace; with its associations, and (when shown alone) its objects, properties and tags. */
  public ObjectNode namespace(MetadefCatalog.Namespace n, List<MetadefCatalog.Association> associations,
                              List<MetadefCatalog.Definition> definitions) {
    ObjectNode node = json.createObjectNode();
    node.put("namespace", n.namespace());
    if (n.displayName() != null) node.put("display_name", n.displayName());
    if (n.description() != null) node.put("description", n.description());
    node.put("visibility", n.visibility());
    node.put("protected", n.isProtected());
    node.put("owner", n.owner());
    time(node, "created_at", n.createdAt());
    time(node, "updated_at", n.updatedAt());
    node.put("schema", "/v2/schemas/metadefs/namespace");
    node.put("self", "/v2/metadefs/namespaces/" + n.namespace());
    if (!associations.isEmpty()) {
      ArrayNode list = node.putArray("resource_type_associations");
      associations.forEach(a -> list.add(association(a)));
    }
    ArrayNode objects = json.createArrayNode();
    ObjectNode properties = json.createObjectNode();
    ArrayNode tags = json.createArrayNode();
    for (MetadefCatalog.Definition d : definitions) {
      switch (d.kind()) {
        case "object" -> objects.add(object(d));
        case "property" -> properties.set(d.name(), propertyBody(d));
        default -> tags.addObject().put("name", d.name());
      }
    }
    if (!objects.isEmpty()) node.set("objects", objects);
    if (!properties.isEmpty()) node.set("properties", properties);
    if (!tags.isEmpty()) node.set("tags", tags);
    return node;
  }

  public ObjectNode association(MetadefCatalog.Association a) {
    ObjectNode node = json.createObjectNode();
    node.put("name", a.name());
    if (a.prefix() != null) node.put("prefix", a.prefix());
    if (a.propertiesTarget() != null) node.put("properties_target", a.propertiesTarget());
    time(node, "created_at", a.createdAt());
    time(node, "updated_at", a.updatedAt());
    return node;
  }

  public ObjectNode resourceType(MetadefCatalog.ResourceType t) {
    ObjectNode node = json.createObjectNode();
    node.put("name", t.name());
    time(node, "created_at", t.createdAt());
    return node;
  }

  public ObjectNode object(MetadefCatalog.Definition d) {
    ObjectNode node = json.createObjectNode();
    node.put("name", d.name());
    node.setAll(body(d));
    node.put("schema", "/v2/schemas/metadefs/object");
    node.put("self", "/v2/metadefs/namespaces/" + d.namespace() + "/objects/" + d.name());
    time(node, "created_at", d.createdAt());
    time(node, "updated_at", d.updatedAt());
    return node;
  }

  /** A property shown alone: its definition with its name. */
  public ObjectNode property(MetadefCatalog.Definition d) {
    ObjectNode node = json.createObjectNode();
    node.put("name", d.name());
    node.setAll(propertyBody(d));
    return node;
  }

  public ObjectNode tag(MetadefCatalog.Definition d) {
    ObjectNode node = json.createObjectNode();
    node.put("name", d.name());
    time(node, "created_at", d.createdAt());
    time(node, "updated_at", d.updatedAt());
    return node;
  }

  private ObjectNode propertyBody(MetadefCatalog.Definition d) {
    ObjectNode body = body(d);
    body.remove("name");
    return body;
  }

  private ObjectNode body(MetadefCatalog.Definition d) {
    try {
      JsonNode node = json.readTree(d.definition());
      return node instanceof ObjectNode o ? o : json.createObjectNode();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void time(ObjectNode node, String field, Instant at) {
    if (at != null) node.put(field, at.truncatedTo(ChronoUnit.SECONDS).toString());
  }
}
