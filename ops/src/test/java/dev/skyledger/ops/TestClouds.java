package dev.skyledger.ops;

import dev.skyledger.platform.testkit.TestEnvironment;

/** Starts the whole cloud in the test JVM on a free port, against the test kit's broker and database. */
public final class TestClouds {
  private TestClouds() {}

  /** A running cloud with the admin user and project bootstrapped; its URL is {@code cloud.config().publicUrl()}. */
  public static Cloud start(TestEnvironment env, String adminPassword) {
    return start(env, adminPassword, env.config());
  }

  /** As {@link #start(TestEnvironment, String)} with a configuration derived from the environment's (its timeouts, say). */
  public static Cloud start(TestEnvironment env, String adminPassword, dev.skyledger.platform.config.SkyConfig config) {
    int port = env.freePort();
    Cloud cloud = new Cloud(config.withPublicUrl("http://127.0.0.1:" + port));
    cloud.start("127.0.0.1", port);
    cloud.bootstrap("admin", adminPassword, "admin");
    return cloud;
  }
}
