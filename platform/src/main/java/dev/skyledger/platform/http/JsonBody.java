package dev.skyledger.platform.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * A request body parsed as a JSON object, with typed field access whose errors name the field:
 * {@code Invalid input for field 'user.enabled': expected a boolean}.
 */
public final class JsonBody {
  private final ObjectNode node;
  private final String path;

  private JsonBody(ObjectNode node, String path) {
    this.node = node;
    this.path = path;
  }

  /**
   * Reads the body of a request as a JSON object, with the field access this class offers and
   * Keystone's and Glance's wording. Services that word errors as Nova or Neutron do read the same
   * object through {@link #object} and validate it with their own vocabulary.
   */
  public static JsonBody of(Context ctx, ObjectMapper json) {
    return new JsonBody(object(ctx, json), "");
  }

  /**
   * The one way a request body is read as a JSON object, for every service: JSON by content type
   * (when one is given, else 415), not empty, well-formed, every string and member name checked
   * ({@link #parse}), and an object.
   */
  public static ObjectNode object(Context ctx, ObjectMapper json) {
    String contentType = ctx.contentType();
    if (contentType != null && !contentType.isBlank()
        && !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(415, "Unsupported Media Type",
          "Content type '" + contentType + "' is not supported; send application/json.");
    }
    if (ctx.body().isBlank()) throw ApiException.badRequest("The request body is empty; a JSON object is expected.");
    if (!(parse(ctx, json) instanceof ObjectNode object)) {
      throw ApiException.badRequest("The request body must be a JSON object.");
    }
    return object;
  }

  /**
   * A request body read as any JSON (a JSON patch is a list): parsed, and every string and member
   * name in it checked against {@link UserText}, so no route can let through what cannot be
   * stored. An empty body gives a missing node. A body that must be an object is read with
   * {@link #object}.
   */
  public static JsonNode parse(Context ctx, ObjectMapper json) {
    JsonNode parsed;
    try {
      parsed = json.readTree(ctx.body());
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("Malformed request body, not valid JSON: " + e.getOriginalMessage());
    }
    UserText.checkTree("", parsed);
    return parsed;
  }

  public ObjectNode node() {
    return node;
  }

  public boolean has(String field) {
    return node.has(field);
  }

  private String name(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  private ApiException invalid(String field, String expected) {
    return ApiException.badRequest("Invalid input for field '" + name(field) + "': expected " + expected + ".");
  }

  public JsonBody object(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) throw ApiException.badRequest("Missing required field '" + name(field) + "'.");
    if (!(value instanceof ObjectNode object)) throw invalid(field, "an object");
    return new JsonBody(object, name(field));
  }

  public Optional<JsonBody> optionalObject(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) return Optional.empty();
    if (!(value instanceof ObjectNode object)) throw invalid(field, "an object");
    return Optional.of(new JsonBody(object, name(field)));
  }

  public String string(String field) {
    return optionalString(field).orElseThrow(() ->
        ApiException.badRequest("Missing required field '" + name(field) + "'."));
  }

  /** A required string that must not be blank and must fit {@code max} characters. */
  public String name(String field, int max) {
    String value = string(field);
    return checkLength(field, value, max);
  }

  public String checkLength(String field, String value, int max) {
    if (value.isBlank()) throw ApiException.badRequest("Invalid input for field '" + name(field) + "': must not be empty.");
    if (value.length() > max) {
      throw ApiException.badRequest("Invalid input for field '" + name(field) + "': longer than " + max + " characters.");
    }
    return value;
  }

  public Optional<String> optionalString(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) return Optional.empty();
    if (!value.isTextual()) throw invalid(field, "a string");
    return Optional.of(value.asText());
  }

  public Optional<Boolean> optionalBoolean(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) return Optional.empty();
    if (!value.isBoolean()) throw invalid(field, "a boolean");
    return Optional.of(value.asBoolean());
  }

  public java.util.List<String> stringList(String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) return java.util.List.of();
    if (!value.isArray()) throw invalid(field, "a list of strings");
    java.util.List<String> items = new java.util.ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual()) throw invalid(field, "a list of strings");
      items.add(item.asText());
    }
    return items;
  }
}
