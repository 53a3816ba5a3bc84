package dev.skyledger.platform.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * The one rule for every string a user sets, checked at the edge for every route: a character
 * that some part of the cloud cannot store or render is refused with a 400 that names the field.
 * Refused: U+0000 (PostgreSQL text and jsonb cannot hold it), the other C0 control characters
 * except tab, line feed and carriage return (Nova refuses them in names, and XML 1.0 listings
 * cannot carry them), unpaired UTF-16 surrogates (not encodable as UTF-8: they would be stored as
 * something else than was sent) and the non-characters U+FFFE and U+FFFF.
 */
public final class UserText {
  private UserText() {}

  /** Why {@code text} cannot be accepted, or empty when it can. */
  public static Optional<String> problem(String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
        return Optional.of("the control character " + codePoint(ch) + " is not allowed");
      }
      if (ch == 0xFFFE || ch == 0xFFFF) return Optional.of("the non-character " + codePoint(ch) + " is not allowed");
      if (Character.isHighSurrogate(ch)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        return Optional.of("the unpaired surrogate " + codePoint(ch) + " is not allowed");
      }
      if (Character.isLowSurrogate(ch)) return Optional.of("the unpaired surrogate " + codePoint(ch) + " is not allowed");
    }
    return Optional.empty();
  }

  /** Refuses {@code text} (the value of {@code field}) with a 400 naming the field when it breaks the rule. */
  public static String check(String field, String text) {
    if (text == null) return null;
    problem(text).ifPresent(why -> {
      throw ApiException.badRequest("Invalid input for field '" + field + "': " + why + ".");
    });
    return text;
  }

  /** Checks every string and every member name of a parsed body; {@code path} names the root ("" for the body). */
  public static void checkTree(String path, JsonNode node) {
    if (node == null) return;
    if (node.isTextual()) {
      check(path.isEmpty() ? "body" : path, node.textValue());
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> member = it.next();
        String name = path.isEmpty() ? member.getKey() : path + "." + member.getKey();
        problem(member.getKey()).ifPresent(why -> {
          throw ApiException.badRequest("Invalid input for a key of '" + (path.isEmpty() ? "body" : path) + "': "
              + why + ".");
        });
        checkTree(name, member.getValue());
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) checkTree(path + "[" + i + "]", node.get(i));
    }
  }

  private static String codePoint(char ch) {
    return String.format("U+%04X", (int) ch);
  }
}
