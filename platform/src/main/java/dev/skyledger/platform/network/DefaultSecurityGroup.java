package dev.skyledger.platform.network;

import dev.skyledger.events.StreamKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/** The ids of a project's {@code default} security group and its four rules, derived from the project id. */
public final class DefaultSecurityGroup {
  private DefaultSecurityGroup() {}

  public static String idOf(String projectId) {
    return UUID.nameUUIDFromBytes(("skyledger/default-security-group/" + projectId).getBytes(StandardCharsets.UTF_8)).toString();
  }

  public static List<String> ruleIdsOf(String projectId) {
    String group = idOf(projectId);
    return IntStream.range(0, 4).mapToObj(i -> UUID.nameUUIDFromBytes((group + "/rule/" + i)
        .getBytes(StandardCharsets.UTF_8)).toString()).toList();
  }

  /** Security groups, routers and quotas are decided per project: their commands' key. */
  public static String streamKey(String projectId) {
    return StreamKeys.project(projectId);
  }
}
