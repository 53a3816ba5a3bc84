package dev.skyledger.views.identity;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What grants mean for each user, as Keystone's {@code effective} role assignments: a group's
 * grant reaches each member, an inherited grant reaches every project under its target (and not
 * the target itself), and a role brings every role it implies. Pure: from the grants, memberships,
 * projects and implication rules given, so it is tested without a database.
 */
public final class EffectiveGrants {
  /** A project's place: its domain and its parent project (null directly under the domain). */
  public record Place(String id, String domainId, String parentId) {}

  /** A user holds a role on a target; {@code groupId} is the group it comes through, or null. */
  public record Effective(String userId, String targetType, String targetId, String roleId, String groupId,
                          Grant from) {}

  private final Map<String, List<String>> membersOfGroup;
  private final Map<String, Place> projects;
  private final Map<String, List<String>> implied;

  /**
   * @param members group id to its members' user ids
   * @param projects every project's place
   * @param implied a prior role's id to the roles it implies
   */
  public EffectiveGrants(Map<String, List<String>> members, List<Place> projects, Map<String, List<String>> implied) {
    this.membersOfGroup = members;
    this.projects = new LinkedHashMap<>();
    projects.forEach(p -> this.projects.put(p.id(), p));
    this.implied = implied;
  }

  public List<Effective> expand(List<Grant> grants) {
    Set<Effective> out = new LinkedHashSet<>();
    for (Grant g : grants) {
      List<String> users = g.actorType().equals(Grant.USER) ? List.of(g.actorId())
          : membersOfGroup.getOrDefault(g.actorId(), List.of());
      String group = g.actorType().equals(Grant.GROUP) ? g.actorId() : null;
      List<String[]> targets = new ArrayList<>();
      if (!g.inherited()) {
        targets.add(new String[] {g.targetType(), g.targetId()});
      } else {
        for (Place p : projects.values()) {
          if (g.targetType().equals(Grant.DOMAIN) && p.domainId().equals(g.targetId())
              || g.targetType().equals(Grant.PROJECT) && isBelow(p, g.targetId())) {
            targets.add(new String[] {Grant.PROJECT, p.id()});
          }
        }
      }
      for (String role : withImplied(g.roleId())) {
        for (String user : users) {
          for (String[] t : targets) out.add(new Effective(user, t[0], t[1], role, group, g));
        }
      }
    }
    return List.copyOf(out);
  }

  /** The projects under {@code projectId}, at any depth. */
  public List<String> subtree(String projectId) {
    return projects.values().stream().filter(p -> isBelow(p, projectId)).map(Place::id).toList();
  }

  private boolean isBelow(Place p, String ancestorId) {
    Place at = p;
    for (int depth = 0; at.parentId() != null && depth < 64; depth++) {
      if (at.parentId().equals(ancestorId)) return true;
      at = projects.get(at.parentId());
      if (at == null) return false;
    }
    return false;
  }

  private Set<String> withImplied(String roleId) {
    Set<String> out = new LinkedHashSet<>();
    out.add(roleId);
    Deque<String> todo = new ArrayDeque<>(out);
    while (!todo.isEmpty()) {
      for (String next : implied.getOrDefault(todo.pop(), List.of())) if (out.add(next)) todo.push(next);
    }
    return out;
  }
}
