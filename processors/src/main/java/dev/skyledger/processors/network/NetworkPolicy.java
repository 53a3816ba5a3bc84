package dev.skyledger.processors.network;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.Port;
import dev.skyledger.processors.core.Decision;

/** Who may do what to networks and ports, as Neutron's default policy says, and its answer when not. */
final class NetworkPolicy {
  private NetworkPolicy() {}

  static boolean isAdmin(Actor actor) {
    return actor.getRoles().contains("admin") || actor.getRoles().contains("system");
  }

  static boolean isMemberOf(Actor actor, String projectId) {
    return projectId.equals(actor.getProjectId()) && actor.getRoles().contains("member");
  }

  /** The network's owner, an admin, or anyone for a shared or external network sees it. */
  static boolean sees(Actor actor, Network n) {
    return isAdmin(actor) || n.getProjectId().equals(actor.getProjectId()) || n.getShared() || n.getExternal();
  }

  static boolean ownsNetwork(Actor actor, Network n) {
    return isAdmin(actor) || isMemberOf(actor, n.getProjectId());
  }

  static boolean seesPort(Actor actor, Network n, Port p) {
    return isAdmin(actor) || p.getProjectId().equals(actor.getProjectId()) || n.getProjectId().equals(actor.getProjectId());
  }

  static boolean ownsPort(Actor actor, Network n, Port p) {
    return isAdmin(actor) || isMemberOf(actor, p.getProjectId()) || isMemberOf(actor, n.getProjectId());
  }

  static Decision policy(String rule) {
    return Decision.reject(403, "PolicyNotAuthorized", "(rule:" + rule + ") is disallowed by policy.");
  }
}
