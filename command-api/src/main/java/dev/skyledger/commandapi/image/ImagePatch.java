package dev.skyledger.commandapi.image;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.platform.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a Glance image JSON patch into operations, in both of the media types Glance takes:
 * {@code application/openstack-images-v2.1-json-patch} (RFC 6902: {@code {"op": "replace", "path":
 * "/name", "value": ...}}) and {@code application/openstack-images-v2.0-json-patch} (the older
 * draft Glance also accepts, which Tempest's client sends: the operation is the member's name,
 * {@code {"replace": "/name", "value": ...}}). Pure; the errors are Glance's words.
 */
final class ImagePatch {
  static final String V21 = "application/openstack-images-v2.1-json-patch";
  static final String V20 = "application/openstack-images-v2.0-json-patch";
  private static final List<String> OPERATIONS = List.of("add", "remove", "replace");
  private static final Pattern ADJACENT_SLASHES = Pattern.compile("/\\s*?/");
  private static final Pattern BAD_ESCAPE = Pattern.compile("~[^01]");

  /** One operation: what it does, the pointer's tokens (unescaped), and its value (null for remove). */
  record Op(String kind, List<String> path, JsonNode value) {
    String root() {
      return path.get(0);
    }
  }

  private ImagePatch() {}

  /** The operations of a patch sent as {@code mediaType} (one of {@link #V20} and {@link #V21}). */
  static List<Op> parse(JsonNode body, String mediaType) {
    boolean draft4 = mediaType.startsWith(V20);
    if (body == null || !body.isArray()) throw ApiException.badRequest("Request body must be a JSON array of operation objects.");
    List<Op> ops = new ArrayList<>();
    for (JsonNode raw : body) {
      if (!raw.isObject()) throw ApiException.badRequest("Operations must be JSON objects.");
      String kind = draft4 ? draft4Operation(raw) : operation(raw);
      JsonNode pointer = draft4 ? raw.get(kind) : raw.get("path");
      if (pointer == null) throw ApiException.badRequest("Unable to find 'path' in JSON Schema change");
      if (!pointer.isTextual()) throw ApiException.badRequest("Pointer `" + pointer + "` does not start with \"/\".");
      List<String> path = decode(pointer.asText());
      JsonNode value = null;
      if (!kind.equals("remove")) {
        if (!raw.has("value")) throw ApiException.badRequest("Operation \"" + kind + "\" requires a member named \"value\".");
        value = raw.get("value");
      }
      ops.add(new Op(kind, path, value));
    }
    return ops;
  }

  private static String operation(JsonNode raw) {
    JsonNode op = raw.get("op");
    if (op == null) {
      throw ApiException.badRequest("Unable to find `op` in JSON Schema change. It must be one of the following: "
          + String.join(", ", OPERATIONS) + ".");
    }
    if (!op.isTextual() || !OPERATIONS.contains(op.asText())) {
      throw ApiException.badRequest("Invalid operation: `" + (op.isTextual() ? op.asText() : op.toString())
          + "`. It must be one of the following: " + String.join(", ", OPERATIONS) + ".");
    }
    return op.asText();
  }

  private static String draft4Operation(JsonNode raw) {
    String found = null;
    for (String kind : OPERATIONS) {
      if (!raw.has(kind)) continue;
      if (found != null) {
        throw ApiException.badRequest("Operation objects must contain only one member named \"add\", \"remove\", or \"replace\".");
      }
      found = kind;
    }
    if (found == null) {
      throw ApiException.badRequest("Operation objects must contain exactly one member named \"add\", \"remove\", or \"replace\".");
    }
    return found;
  }

  /** A JSON pointer in the limited form Glance accepts, as its unescaped tokens. */
  static List<String> decode(String pointer) {
    if (!pointer.startsWith("/")) throw ApiException.badRequest("Pointer `" + pointer + "` does not start with \"/\".");
    if (ADJACENT_SLASHES.matcher(pointer.substring(1)).find()) {
      throw ApiException.badRequest("Pointer `" + pointer + "` contains adjacent \"/\".");
    }
    if (pointer.length() > 1 && pointer.endsWith("/")) throw ApiException.badRequest("Pointer `" + pointer + "` end with \"/\".");
    if (pointer.length() == 1 || pointer.substring(1).isBlank()) {
      throw ApiException.badRequest("Pointer `" + pointer + "` does not contains valid token.");
    }
    if (BAD_ESCAPE.matcher(pointer).find() || pointer.endsWith("~")) {
      throw ApiException.badRequest("Pointer `" + pointer + "` contains \"~\" not part of a recognized escape sequence.");
    }
    List<String> tokens = new ArrayList<>();
    for (String part : pointer.substring(1).split("/", -1)) tokens.add(part.replace("~1", "/").replace("~0", "~").strip());
    return tokens;
  }
}
