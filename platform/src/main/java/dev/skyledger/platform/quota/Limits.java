package dev.skyledger.platform.quota;

import java.util.LinkedHashMap;
import java.util.Map;

/** Quota limits as every service keeps them: defaults, per-project overrides, and -1 for unlimited. */
public final class Limits {
  private Limits() {}

  /** The limits of a project: the defaults, overridden by those set for it (unknown resources ignored). */
  public static Map<String, Integer> effective(Map<String, Integer> defaults, Map<String, Integer> set) {
    Map<String, Integer> out = new LinkedHashMap<>(defaults);
    set.forEach((k, v) -> {
      if (out.containsKey(k)) out.put(k, v);
    });
    return out;
  }

  /** Whether adding {@code adding} to {@code used} goes over {@code limit} (-1: never). */
  public static boolean exceeded(int limit, int used, int adding) {
    return limit >= 0 && used + adding > limit;
  }
}
