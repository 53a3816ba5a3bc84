package dev.skyledger.commandapi.compute.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Nova's 2.1 image API ({@code /images}, {@code /images/detail}, an image, its deletion and its
 * metadata), proxied to the image service: Glance's images in Nova's shape (status ACTIVE, SAVING,
 * DELETED, ERROR or UNKNOWN with a progress, the custom properties as metadata, the server a
 * snapshot was made from). Metadata changes are JSON patches of the image's properties.
 */
final class ImageProxy {
  /** Glance's own attributes of an image: everything else on it is a custom property, Nova's metadata. */
  private static final Set<String> GLANCE_FIELDS = Set.of("id", "name", "status", "visibility", "protected", "os_hidden",
      "owner", "disk_format", "container_format", "min_disk", "min_ram", "size", "virtual_size", "checksum",
      "os_hash_algo", "os_hash_value", "tags", "created_at", "updated_at", "self", "file", "schema", "direct_url",
      "locations", "stores");
  private static final String PATCH_TYPE = "application/openstack-images-v2.1-json-patch";

  private final ServiceClient glance;
  private final ObjectMapper json;
  private final String computeUrl;
  private final String bookmarkUrl;
  private final String imageUrl;

  ImageProxy(ServiceClient glance, ObjectMapper json, String computeUrl, String imageUrl) {
    this.glance = glance;
    this.json = json;
    this.computeUrl = computeUrl;
    this.bookmarkUrl = computeUrl.replaceFirst("/v2\\.1$", "");
    this.imageUrl = imageUrl;
  }

  void list(Context ctx, boolean detail) {
    Map<String, String> q = new LinkedHashMap<>();
    String name = ctx.queryParam("name");
    if (name != null) q.put("name", name);
    String status = ctx.queryParam("status");
    if (status != null) q.put("status", glanceStatus(status));
    String server = ctx.queryParam("server");
    if (server != null) q.put("instance_uuid", server.substring(server.lastIndexOf('/') + 1));
    String type = ctx.queryParam("type");
    if (type != null) q.put("image_type", type);
    String since = ctx.queryParam("changes-since");
    if (since != null) q.put("updated_at", "gte:" + time(since));
    String limit = ctx.queryParam("limit");
    if (limit != null) {
      try {
        if (Integer.parseInt(limit.strip()) < 0) throw new NumberFormatException();
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Invalid input for query parameters limit. Value: " + limit + ".");
      }
      q.put("limit", limit.strip());
    }
    if (ctx.queryParam("marker") != null) q.put("marker", ctx.queryParam("marker"));
    Integer minRam = minimum(ctx, "minRam");
    Integer minDisk = minimum(ctx, "minDisk");
    JsonNode images = glance.expect(ctx, "GET", ServiceClient.query("/v2/images", q), null).path("images");
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("images");
    for (JsonNode i : images) {
      if (minRam != null && i.path("min_ram").asInt() < minRam) continue;
      if (minDisk != null && i.path("min_disk").asInt() < minDisk) continue;
      list.add(detail ? nova(i) : brief(i));
    }
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  void show(Context ctx) {
    ObjectNode root = json.createObjectNode();
    root.set("image", nova(image(ctx, ctx.pathParam("id"))));
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  void delete(Context ctx) {
    String id = ctx.pathParam("id");
    image(ctx, id);
    ServiceClient.Answer a = glance.call(ctx, "DELETE", "/v2/images/" + ServiceClient.encode(id), null, null);
    if (a.status() == 403) throw new ApiException(403, "forbidden", a.message());
    if (!a.ok()) throw ServiceClient.fault(a);
    ctx.status(204);
  }

  // ---- metadata ---------------------------------------------------------------------------------

  void metadata(Context ctx) {
    NovaProxyRoutes.answer(ctx, 200, metadataOf(image(ctx, ctx.pathParam("id"))));
  }

  void metadataItem(Context ctx) {
    String key = ctx.pathParam("key");
    JsonNode value = metadataOf(image(ctx, ctx.pathParam("id"))).path("metadata").get(key);
    if (value == null) throw new ApiException(404, "itemNotFound", "Image metadata key " + key + " not found.");
    ObjectNode root = json.createObjectNode();
    root.putObject("meta").set(key, value);
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  /** {@code POST} merges, {@code PUT} replaces: {"metadata": {...}}. */
  void setMetadata(Context ctx, boolean replace) {
    String id = ctx.pathParam("id");
    Map<String, String> given = metadataBody(JsonBody.object(ctx, json), "metadata");
    JsonNode image = image(ctx, id);
    Map<String, String> current = properties(image);
    ArrayNode ops = json.createArrayNode();
    if (replace) {
      for (String key : current.keySet()) {
        if (!given.containsKey(key)) ops.addObject().put("op", "remove").put("path", "/" + pointer(key));
      }
    }
    given.forEach((k, v) -> ops.addObject().put("op", current.containsKey(k) ? "replace" : "add")
        .put("path", "/" + pointer(k)).put("value", v));
    JsonNode updated = ops.isEmpty() ? image : patch(ctx, id, ops);
    NovaProxyRoutes.answer(ctx, 200, metadataOf(updated));
  }

  /** {@code PUT /images/{id}/metadata/{key} {"meta": {key: value}}}. */
  void putMetadataItem(Context ctx) {
    String id = ctx.pathParam("id");
    String key = ctx.pathParam("key");
    Map<String, String> given = metadataBody(JsonBody.object(ctx, json), "meta");
    if (given.size() != 1 || !given.containsKey(key)) throw ApiException.badRequest("Request body and URI mismatch");
    JsonNode image = image(ctx, id);
    ArrayNode ops = json.createArrayNode();
    ops.addObject().put("op", properties(image).containsKey(key) ? "replace" : "add").put("path", "/" + pointer(key))
        .put("value", given.get(key));
    patch(ctx, id, ops);
    ObjectNode root = json.createObjectNode();
    root.putObject("meta").put(key, given.get(key));
    NovaProxyRoutes.answer(ctx, 200, root);
  }

  void deleteMetadataItem(Context ctx) {
    String id = ctx.pathParam("id");
    String key = ctx.pathParam("key");
    if (!properties(image(ctx, id)).containsKey(key)) {
      throw new ApiException(404, "itemNotFound", "Image metadata key " + key + " not found.");
    }
    ArrayNode ops = json.createArrayNode();
    ops.addObject().put("op", "remove").put("path", "/" + pointer(key));
    patch(ctx, id, ops);
    ctx.status(204);
  }

  private JsonNode patch(Context ctx, String id, ArrayNode ops) {
    ServiceClient.Answer a = glance.call(ctx, "PATCH", "/v2/images/" + ServiceClient.encode(id), ops, PATCH_TYPE);
    if (a.status() == 403) throw new ApiException(403, "forbidden", a.message());
    if (!a.ok()) throw ServiceClient.fault(a);
    return a.body();
  }

  private static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static Map<String, String> metadataBody(ObjectNode root, String member) {
    JsonNode m = root.get(member);
    if (m == null || !m.isObject()) throw ApiException.badRequest("Malformed request body: '" + member + "' is required.");
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().isEmpty() || e.getKey().length() > 255) throw ApiException.badRequest("Invalid metadata key " + e.getKey());
      if (GLANCE_FIELDS.contains(e.getKey())) {
        throw new ApiException(403, "forbidden", "Attribute '" + e.getKey() + "' is reserved.");
      }
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw ApiException.badRequest("Invalid metadata value for " + e.getKey() + ": it is not a string.");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  // ---- Nova's shape -----------------------------------------------------------------------------

  private JsonNode image(Context ctx, String id) {
    ServiceClient.Answer a = glance.call(ctx, "GET", "/v2/images/" + ServiceClient.encode(id), null, null);
    if (a.status() == 404) throw new ApiException(404, "itemNotFound", "Image not found.");
    if (!a.ok()) throw ServiceClient.fault(a);
    return a.body();
  }

  private ObjectNode metadataOf(JsonNode image) {
    ObjectNode root = json.createObjectNode();
    ObjectNode m = root.putObject("metadata");
    properties(image).forEach(m::put);
    return root;
  }

  private static Map<String, String> properties(JsonNode image) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = image.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!GLANCE_FIELDS.contains(e.getKey()) && e.getValue().isValueNode() && !e.getValue().isNull()) {
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return out;
  }

  private ObjectNode brief(JsonNode i) {
    ObjectNode o = json.createObjectNode();
    o.put("id", i.path("id").asText());
    o.put("name", i.path("name").asText(null));
    o.set("links", links(i.path("id").asText()));
    return o;
  }

  private ObjectNode nova(JsonNode i) {
    String glanceStatus = i.path("status").asText("");
    ObjectNode o = json.createObjectNode();
    o.put("id", i.path("id").asText());
    if (i.path("name").isTextual()) o.put("name", i.get("name").asText());
    else o.putNull("name");
    o.put("status", novaStatus(glanceStatus));
    o.put("progress", switch (glanceStatus) {
      case "queued" -> 25;
      case "saving" -> 50;
      case "active" -> 100;
      default -> 0;
    });
    o.put("minDisk", i.path("min_disk").asInt(0));
    o.put("minRam", i.path("min_ram").asInt(0));
    o.put("created", isoSeconds(i.path("created_at").asText()));
    o.put("updated", isoSeconds(i.path("updated_at").asText()));
    ObjectNode metadata = o.putObject("metadata");
    properties(i).forEach(metadata::put);
    o.set("links", links(i.path("id").asText()));
    if (i.path("size").isNumber()) o.put("OS-EXT-IMG-SIZE:size", i.get("size").asLong());
    else o.putNull("OS-EXT-IMG-SIZE:size");
    String server = i.path("instance_uuid").asText(null);
    if (server != null && !server.isEmpty()) {
      ObjectNode s = o.putObject("server").put("id", server);
      ArrayNode links = s.putArray("links");
      links.addObject().put("rel", "self").put("href", computeUrl + "/servers/" + server);
      links.addObject().put("rel", "bookmark").put("href", bookmarkUrl + "/servers/" + server);
    }
    return o;
  }

  private ArrayNode links(String id) {
    ArrayNode links = json.createArrayNode();
    links.addObject().put("rel", "self").put("href", computeUrl + "/images/" + id);
    links.addObject().put("rel", "bookmark").put("href", bookmarkUrl + "/images/" + id);
    links.addObject().put("rel", "alternate").put("type", "application/vnd.openstack.image")
        .put("href", imageUrl + "/images/" + id);
    return links;
  }

  static String novaStatus(String glanceStatus) {
    return switch (glanceStatus) {
      case "active" -> "ACTIVE";
      case "queued", "saving", "uploading", "importing" -> "SAVING";
      case "deleted", "pending_delete" -> "DELETED";
      case "killed" -> "ERROR";
      default -> "UNKNOWN";
    };
  }

  private static String glanceStatus(String novaStatus) {
    return switch (novaStatus.strip().toUpperCase(Locale.ROOT)) {
      case "ACTIVE" -> "active";
      case "SAVING" -> "saving";
      case "DELETED" -> "deleted";
      case "ERROR" -> "killed";
      default -> novaStatus.toLowerCase(Locale.ROOT);
    };
  }

  private static Integer minimum(Context ctx, String param) {
    String value = ctx.queryParam(param);
    if (value == null) return null;
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Invalid input for query parameters " + param + ". Value: " + value + ".");
    }
  }

  private static String time(String value) {
    try {
      return OffsetDateTime.parse(value).toInstant().toString();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(value).toString();
      } catch (DateTimeParseException e2) {
        throw ApiException.badRequest("Invalid input for query parameters changes-since. Value: " + value + ".");
      }
    }
  }

  private static String isoSeconds(String value) {
    try {
      return Instant.parse(value).truncatedTo(ChronoUnit.SECONDS).toString();
    } catch (DateTimeParseException e) {
      return value;
    }
  }
}
