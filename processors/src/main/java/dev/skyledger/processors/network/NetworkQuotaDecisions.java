package dev.skyledger.processors.network;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.NetworkQuotaSet;
import dev.skyledger.events.network.SetNetworkQuota;
import dev.skyledger.platform.network.NetworkQuotas;
import dev.skyledger.processors.core.Decision;
import java.util.Map;
import java.util.TreeMap;

/**
 * Network quotas, decided in this one place on the project's stream: setting a project's limits
 * (admins), and whether what the project holds of a resource can grow (routers, security groups
 * and their rules, which are decided on the same stream).
 */
final class NetworkQuotaDecisions {
  private NetworkQuotaDecisions() {}

  static Decision set(SetNetworkQuota c, Actor actor, NetworkState s) {
    if (!NetworkPolicy.isAdmin(actor)) return NetworkPolicy.policy("update_quota");
    for (Map.Entry<String, Integer> e : c.getLimits().entrySet()) {
      if (!NetworkQuotas.RESOURCES.contains(e.getKey())) {
        return NetworkRejections.invalid("Unrecognized quota resource '" + e.getKey() + "'.");
      }
      if (e.getValue() < -1) {
        return NetworkRejections.invalid("'" + e.getValue() + "' is smaller than the minimum -1 for " + e.getKey() + ".");
      }
    }
    Map<String, Integer> merged = new TreeMap<>(s.quota(c.getProjectId()));
    merged.putAll(c.getLimits());
    return Decision.accept(c.getProjectId(), new NetworkQuotaSet(c.getProjectId(), merged));
  }

  /** Neutron's OverQuota if the project, holding {@code used} of {@code resource}, may not take {@code adding} more; else null. */
  static Decision exceeded(NetworkState s, String projectId, String resource, int used, int adding) {
    Map<String, Integer> limits = NetworkQuotas.effective(s.quota(projectId));
    if (!NetworkQuotas.exceeded(limits.get(resource), used, adding)) return null;
    return Decision.reject(409, "OverQuota", NetworkQuotas.message(resource, limits.get(resource)));
  }
}
