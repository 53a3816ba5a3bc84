package dev.skyledger.views.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * What PostgreSQL cannot hold, made storable the same way every time, so a replay writes the same
 * rows: U+0000 (refused by text and jsonb) and unpaired surrogates (not UTF-8) in any string of a
 * record, its lists, maps and nested records become U+FFFD, the replacement character. The API
 * refuses such text at the edge; this is for what is already in the log (an older release wrote
 * it, or a path the edge does not guard), so that it can never wedge a projection.
 */
public final class Storable {
  static final char REPLACEMENT = '\uFFFD';

  private Storable() {}

  /** The text as it is stored: itself when it is storable (the common case, no copy). */
  public static String text(String text) {
    if (text == null || storable(text)) return text;
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == 0) {
        out.append(REPLACEMENT);
      } else if (Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        out.append(ch).append(text.charAt(++i));
      } else if (Character.isSurrogate(ch)) {
        out.append(REPLACEMENT);
      } else {
        out.append(ch);
      }
    }
    return out.toString();
  }

  static boolean storable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == 0) return false;
      if (Character.isHighSurrogate(ch)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
          continue;
        }
        return false;
      }
      if (Character.isLowSurrogate(ch)) return false;
    }
    return true;
  }

  /** The record with every string made storable: the same instance when nothing needed to change. */
  @SuppressWarnings("unchecked")
  public static <T extends SpecificRecord> T record(T record) {
    return (T) value(record);
  }

  private static Object value(Object value) {
    if (value instanceof CharSequence text) {
      String s = text.toString();
      return storable(s) ? value : text(s);
    }
    if (value instanceof SpecificRecord record) {
      SpecificRecord copy = null;
      List<Schema.Field> fields = record.getSchema().getFields();
      for (Schema.Field field : fields) {
        Object before = record.get(field.pos());
        Object after = value(before);
        if (after != before) {
          if (copy == null) copy = SpecificData.get().deepCopy(record.getSchema(), record);
          copy.put(field.pos(), after);
        }
      }
      return copy == null ? record : copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = null;
      for (int i = 0; i < list.size(); i++) {
        Object before = list.get(i);
        Object after = value(before);
        if (after != before && copy == null) copy = new ArrayList<>(list);
        if (copy != null) copy.set(i, after);
      }
      return copy == null ? list : copy;
    }
    if (value instanceof Map<?, ?> map) {
      boolean changed = false;
      Map<Object, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object k = value(e.getKey());
        Object v = value(e.getValue());
        changed |= k != e.getKey() || v != e.getValue();
        copy.put(k, v);
      }
      return changed ? copy : map;
    }
    return value;
  }
}
