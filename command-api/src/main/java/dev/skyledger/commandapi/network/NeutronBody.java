package dev.skyledger.commandapi.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One Neutron resource from a request body ({@code {"network": {...}}}), read attribute by
 * attribute with Neutron's messages: "Invalid input for cidr. Reason: ...". Attributes the
 * resource does not know are refused, as Neutron refuses them. The body itself is read as every
 * service reads one ({@link JsonBody#object}); only the wording and Neutron's coercions (a boolean
 * may be the string "true") are Neutron's.
 */
final class NeutronBody {
  private final ObjectNode node;

  private NeutronBody(ObjectNode node) {
    this.node = node;
  }

  static NeutronBody of(Context ctx, ObjectMapper json, String resource, Set<String> known) {
    ObjectNode root = root(ctx, json);
    return one(root, resource, known);
  }

  private static NeutronBody one(ObjectNode root, String resource, Set<String> known) {
    JsonNode inner = root.get(resource);
    if (inner == null) {
      if (root.has(resource + "s")) throw ApiException.badRequest("Bulk creation of " + resource + "s is not supported.");
      throw ApiException.badRequest("Resource body required: expected '" + resource + "'.");
    }
    if (!inner.isObject()) throw ApiException.badRequest("Invalid input for " + resource + ". Reason: expected an object.");
    return checked((ObjectNode) inner, known);
  }

  /**
   * The resources a create asks for: one ({@code {"network": {...}}}) or, in Neutron's bulk form,
   * several ({@code {"networks": [{...}, ...]}}), each read and checked as a single one is.
   */
  static Creates creates(Context ctx, ObjectMapper json, String resource, Set<String> known) {
    ObjectNode root = root(ctx, json);
    JsonNode many = root.get(resource + "s");
    if (many == null || root.has(resource)) return new Creates(List.of(one(root, resource, known)), false);
    if (!many.isArray()) throw ApiException.badRequest("Invalid input for " + resource + "s. Reason: expected a list.");
    if (many.isEmpty()) throw ApiException.badRequest("Resources required");
    List<NeutronBody> out = new ArrayList<>();
    for (JsonNode item : many) {
      if (!item.isObject()) throw ApiException.badRequest("Invalid input for " + resource + "s. Reason: '" + item + "' is not a dictionary.");
      out.add(checked((ObjectNode) item, known));
    }
    return new Creates(out, true);
  }

  /** The bodies of a create, and whether it was the bulk form (answered with the plural key). */
  record Creates(List<NeutronBody> bodies, boolean bulk) {}

  /** A body that is the attributes themselves, as the router interface actions take them. */
  static NeutronBody flat(Context ctx, ObjectMapper json, Set<String> known) {
    return checked(root(ctx, json), known);
  }

  /** The body as a JSON object, read as every service reads one ({@link JsonBody#object}). */
  static ObjectNode root(Context ctx, ObjectMapper json) {
    return JsonBody.object(ctx, json);
  }

  private static NeutronBody checked(ObjectNode inner, Set<String> known) {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = inner.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!known.contains(field)) unknown.add(field);
    }
    if (!unknown.isEmpty()) throw ApiException.badRequest("Unrecognized attribute(s) '" + String.join(", ", unknown) + "'");
    return new NeutronBody(inner);
  }

  boolean has(String field) {
    return node.has(field);
  }

  boolean isNull(String field) {
    return node.has(field) && node.get(field).isNull();
  }

  JsonNode raw(String field) {
    return node.get(field);
  }

  static ApiException invalid(String field, String reason) {
    return ApiException.badRequest("Invalid input for " + field + ". Reason: " + reason);
  }

  String string(String field, String otherwise, int max) {
    JsonNode v = node.get(field);
    if (v == null) return otherwise;
    if (!v.isTextual()) throw invalid(field, "'" + v + "' is not a valid string.");
    if (v.asText().length() > max) throw invalid(field, "'" + v.asText() + "' exceeds maximum length of " + max + ".");
    return v.asText();
  }

  String requiredString(String field) {
    if (!node.has(field) || node.get(field).isNull()) throw ApiException.badRequest("Failed to parse request. Required attribute '" + field + "' not specified");
    return string(field, null, 255);
  }

  /** A string that may be given as JSON null (returned as null); absent gives {@code otherwise}. */
  String nullableString(String field, String otherwise) {
    if (isNull(field)) return null;
    return string(field, otherwise, 255);
  }

  Boolean bool(String field, Boolean otherwise) {
    JsonNode v = node.get(field);
    if (v == null) return otherwise;
    if (v.isBoolean()) return v.asBoolean();
    if (v.isTextual() && (v.asText().equalsIgnoreCase("true") || v.asText().equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(v.asText());
    }
    throw invalid(field, "'" + v + "' is not a valid boolean value.");
  }

  Integer integer(String field, Integer otherwise) {
    JsonNode v = node.get(field);
    if (v == null) return otherwise;
    if (v.isInt()) return v.asInt();
    if (v.isTextual()) {
      try {
        return Integer.parseInt(v.asText());
      } catch (NumberFormatException ignored) {
        // falls through to the error
      }
    }
    throw invalid(field, "'" + v + "' is not an integer.");
  }

  List<String> strings(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isArray()) throw invalid(field, "'" + v + "' is not a list.");
    List<String> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual()) throw invalid(field, "'" + item + "' is not a valid string.");
      out.add(item.asText());
    }
    return out;
  }

  List<ObjectNode> objects(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isArray()) throw invalid(field, "'" + v + "' is not a list.");
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isObject()) throw invalid(field, "'" + item + "' is not a dictionary.");
      out.add((ObjectNode) item);
    }
    return out;
  }

  static String uuid(String field, String value) {
    try {
      return UUID.fromString(value).toString();
    } catch (IllegalArgumentException e) {
      throw invalid(field, "'" + value + "' is not a valid UUID.");
    }
  }
}
