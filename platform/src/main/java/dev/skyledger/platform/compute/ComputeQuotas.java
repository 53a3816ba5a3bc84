package dev.skyledger.platform.compute;

import java.util.Collections;
import java.util.LinkedHashMap;
import dev.skyledger.platform.quota.Limits;
import java.util.Map;
import java.util.Set;

/** Nova's quota resources and their default limits per project (-1: unlimited). */
public final class ComputeQuotas {
  private ComputeQuotas() {}

  public static final Map<String, Integer> DEFAULTS;

  static {
    Map<String, Integer> d = new LinkedHashMap<>();
    d.put("instances", 10);
    d.put("cores", 20);
    d.put("ram", 51200);
    d.put("key_pairs", 100);
    d.put("server_groups", 10);
    d.put("server_group_members", 10);
    d.put("metadata_items", 128);
    d.put("injected_files", 5);
    d.put("injected_file_content_bytes", 10240);
    d.put("injected_file_path_bytes", 255);
    DEFAULTS = Collections.unmodifiableMap(d);
  }

  public static final Set<String> RESOURCES = DEFAULTS.keySet();

  /** The limits of a project: the defaults overridden by what was set for it. */
  public static Map<String, Integer> effective(Map<String, Integer> set) {
    return Limits.effective(DEFAULTS, set);
  }
}
