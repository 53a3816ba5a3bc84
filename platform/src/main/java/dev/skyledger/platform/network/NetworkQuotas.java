package dev.skyledger.platform.network;

import java.util.LinkedHashMap;
import dev.skyledger.platform.quota.Limits;
import java.util.Map;
import java.util.Set;

/** Neutron's quota resources and their default limits per project (-1: unlimited). */
public final class NetworkQuotas {
  private NetworkQuotas() {}

  public static final Map<String, Integer> DEFAULTS;

  static {
    Map<String, Integer> d = new LinkedHashMap<>();
    d.put("network", 100);
    d.put("subnet", 100);
    d.put("port", 500);
    d.put("router", 10);
    d.put("floatingip", 50);
    d.put("security_group", 10);
    d.put("security_group_rule", 100);
    DEFAULTS = java.util.Collections.unmodifiableMap(d);
  }

  public static final Set<String> RESOURCES = DEFAULTS.keySet();

  /** The limits of a project: the defaults overridden by what was set for it. */
  public static Map<String, Integer> effective(Map<String, Integer> set) {
    return Limits.effective(DEFAULTS, set);
  }

  public static boolean exceeded(int limit, int used, int adding) {
    return Limits.exceeded(limit, used, adding);
  }

  /** Neutron's message for a quota refusal. */
  public static String message(String resource, int limit) {
    return "Quota exceeded for resources: ['" + resource + "'].";
  }
}
