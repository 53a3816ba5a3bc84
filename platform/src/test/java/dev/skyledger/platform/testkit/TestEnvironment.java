package dev.skyledger.platform.testkit;

import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.embedded.FreePorts;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What one test class gets: a configuration pointing at the shared broker with topic names of
 * its own, at a database of its own, and at a state and key directory of its own.
 */
public record TestEnvironment(SkyConfig config, Path dir, FreePorts ports) {
  /** Low PBKDF2 cost in tests: hashing is not what they measure. */
  public static final int TEST_PASSWORD_ITERATIONS = 1_000;

  static TestEnvironment create(SharedServers servers, String name) {
    String id = Long.toHexString(System.nanoTime());
    Path dir = servers.dir().resolve("env-" + id);
    SkyConfig config = new SkyConfig(
        servers.kafkaBootstrap(),
        "t" + id + ".",
        2,
        servers.freshDatabase(),
        servers.dbUser(),
        servers.dbPassword(),
        dir.resolve("keys"),
        "http://127.0.0.1:0",
        "RegionOne",
        Duration.ofHours(1),
        TEST_PASSWORD_ITERATIONS,
        dir.resolve("streams"),
        name + "-" + id,
        dir.resolve("images"),
        1L << 30,
        100,
        1L << 30,
        SkyConfig.Security.defaults(), SkyConfig.Compute.defaults());
    return new TestEnvironment(config, dir, servers.ports());
  }

  /** A free port below the ephemeral range (see {@link FreePorts}), never given to another test of this run. */
  public int freePort() {
    return ports.next();
  }

  /** {@code count} consecutive free ports (a broker and its controller); the first. */
  public int freePorts(int count) {
    return ports.block(count);
  }
}
