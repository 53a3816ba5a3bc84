package dev.skyledger.views.identity;

/**
 * A role granted to an actor (a user or a group) on a target (a project, a domain or the system,
 * whose id is {@code all}); {@code inherited}: to the projects under the target instead of on it.
 */
public record Grant(String actorType, String actorId, String targetType, String targetId, String roleId,
                    boolean inherited) {
  public static final String USER = "user";
  public static final String GROUP = "group";
  public static final String PROJECT = "project";
  public static final String DOMAIN = "domain";
  public static final String SYSTEM = "system";

  /** From an event's fields: one of userId, groupId; projectId, domainId or (both null) the system. */
  public static Grant of(String userId, String groupId, String projectId, String domainId, String roleId,
                         boolean inherited) {
    return new Grant(userId != null ? USER : GROUP, userId != null ? userId : groupId,
        projectId != null ? PROJECT : domainId != null ? DOMAIN : SYSTEM,
        projectId != null ? projectId : domainId != null ? domainId : "all", roleId, inherited);
  }

  /**
   * Keystone's path of the roles an actor has on a target, with {@code {target}} and {@code {actor}}
   * as route parameters: {@code /projects/{target}/users/{actor}/roles}; the system has no id.
   */
  public static String rolesPath(String targetType, String actorType) {
    String on = targetType.equals(SYSTEM) ? "/system" : "/" + targetType + "s/{target}";
    return on + "/" + actorType + "s/{actor}/roles";
  }
}
