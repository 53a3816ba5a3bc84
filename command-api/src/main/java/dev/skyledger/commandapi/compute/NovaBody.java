package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A compute request body, read through {@link JsonBody#object} as every service's body is (content
 * type, well-formed JSON, every string checked, an object) and validated with Nova's messages: {@code Invalid input for field/attribute <field>. Value: <v>. <why>}.
 */
final class NovaBody {
  private NovaBody() {}

  /** The body as a JSON object, read as every service reads one ({@link JsonBody#object}). */
  static ObjectNode root(Context ctx, ObjectMapper json) {
    return JsonBody.object(ctx, json);
  }

  /** The object a body wraps its resource in ({@code {"server": {...}}}). */
  static ObjectNode resource(ObjectNode root, String resource) {
    if (!root.path(resource).isObject()) {
      throw ApiException.badRequest("Invalid input for field/attribute " + resource + ". Value: " + root
          + ". '" + resource + "' is a required property");
    }
    return (ObjectNode) root.get(resource);
  }

  static ObjectNode resource(Context ctx, ObjectMapper json, String resource) {
    return resource(root(ctx, json), resource);
  }

  static ApiException invalid(String field, JsonNode value, String why) {
    return ApiException.badRequest("Invalid input for field/attribute " + field + ". Value: " + value + ". " + why);
  }

  /** Nova's answer to a member its schema does not have. */
  static void onlyFields(ObjectNode o, String resource, Set<String> allowed) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        throw ApiException.badRequest("Invalid input for field/attribute " + resource
            + ". Additional properties are not allowed ('" + field + "' was unexpected)");
      }
    }
  }

  /** A name: 1 to 255 characters without leading or trailing whitespace. */
  static String name(JsonNode v) {
    if (v == null || !v.isTextual()) throw invalid("name", v, "'name' is a required property");
    String name = v.asText();
    if (name.isBlank() || name.length() > 255 || !name.equals(name.strip())) {
      throw invalid("name", v, "a name is 1 to 255 characters without leading or trailing whitespace");
    }
    return name;
  }

  /** An integer or a string of one; {@code otherwise} when absent (null: required). */
  static int integer(ObjectNode o, String field, Integer otherwise) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty() && otherwise != null)) {
      if (otherwise == null) throw ApiException.badRequest("Invalid input for field/attribute flavor. '" + field + "' is a required property");
      return otherwise;
    }
    if (v.isIntegralNumber()) return v.asInt();
    if (v.isTextual()) {
      try {
        return Integer.parseInt(v.asText().trim());
      } catch (NumberFormatException ignored) {
        // the error below
      }
    }
    throw invalid(field, v, v + " is not of type 'integer', 'string'");
  }

  /** Nova's boolean: true or false, or one of the strings Nova takes for them ("True", "0", "yes", "off" ...). */
  static boolean bool(ObjectNode o, String field, boolean otherwise) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull()) return otherwise;
    if (v.isBoolean()) return v.asBoolean();
    if (v.isTextual()) {
      switch (v.asText().strip().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "1", "t", "on", "y", "yes" -> {
          return true;
        }
        case "false", "0", "f", "off", "n", "no" -> {
          return false;
        }
        default -> { }
      }
    }
    throw invalid(field, v, v + " is not of type 'boolean'");
  }

  /** Metadata: string keys of 1 to 255 characters, string values of at most 255. */
  static Map<String, String> metadata(JsonNode v, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null || v.isNull()) return out;
    if (!v.isObject()) throw invalid(field, v, "it is not of type 'object'");
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().isEmpty() || e.getKey().length() > 255) throw invalid(field, v, "keys are 1 to 255 characters");
      if (!e.getValue().isTextual()) throw invalid(field, e.getValue(), "values are strings");
      if (e.getValue().asText().length() > 255) throw invalid(field, e.getValue(), "values are at most 255 characters");
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }
}
