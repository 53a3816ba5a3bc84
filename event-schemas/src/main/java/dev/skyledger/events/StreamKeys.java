package dev.skyledger.events;

/**
 * The stream keys of the topics (see {@link Topics} for what each topic is keyed by), made in one
 * place so a key is never spelled in a handler: what must be decided in order shares a key.
 */
public final class StreamKeys {
  /** Every flavor: names and ids are unique across the cloud. */
  public static final String FLAVORS = "flavors";
  /** Glance's metadata definition catalogue: namespace names are unique across the cloud. */
  public static final String METADEFS = "metadefs";
  /** Every host aggregate: names are unique across the cloud, and a host's zone is decided across aggregates. */
  public static final String AGGREGATES = "aggregates";
  private static final String INSTANCE = "instance/";

  private StreamKeys() {}

  /** What a project holds as a whole: its quotas, servers, server groups, security groups, routers. */
  public static String project(String projectId) {
    return "project/" + projectId;
  }

  /** A user's key pairs (names are unique per user). */
  public static String user(String userId) {
    return "user/" + userId;
  }

  /** A compute host's service status. */
  public static String host(String hostId) {
    return "host/" + hostId;
  }

  /** One server's own facts and the saga's commands about it (also the correlation id of what the saga does for it). */
  public static String instance(String instanceId) {
    return INSTANCE + instanceId;
  }

  /** The server a key or correlation id made by {@link #instance} names; null for any other. */
  public static String instanceIdOf(String key) {
    return key != null && key.startsWith(INSTANCE) ? key.substring(INSTANCE.length()) : null;
  }
}
