package dev.skyledger.platform.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Settings of one Skyledger process, read once from the environment (SKY_* variables) or given
 * explicitly by tests. Immutable; passed to whatever needs it.
 *
 * @param kafkaBootstrap Kafka bootstrap servers
 * @param topicPrefix prefix of every topic name (lets tests and deployments share a broker)
 * @param partitions partition count of new topics
 * @param jdbcUrl PostgreSQL JDBC URL
 * @param dbUser PostgreSQL user
 * @param dbPassword PostgreSQL password
 * @param keyDir directory holding the token signing key pair (token-signing.key / .pub)
 * @param publicUrl base URL clients reach the gateway at (for the catalog and links)
 * @param region region name in the service catalog
 * @param tokenLifetime how long an issued token is valid
 * @param passwordIterations PBKDF2 iterations for new password hashes
 * @param stateDir Kafka Streams state directory
 * @param instanceId this process's name (Streams application instance, consumer client ids)
 * @param imageDir where the file image store keeps image data
 * @param imageMaxBytes the largest image upload accepted
 * @param imageQuotaCount how many images a project may have
 * @param imageQuotaBytes how many bytes of image data a project may store
 * @param security lockout after failed passwords, and the longest a query may run
 * @param compute the bounds on the compute service's transitional states
 */
public record SkyConfig(
    String kafkaBootstrap,
    String topicPrefix,
    int partitions,
    String jdbcUrl,
    String dbUser,
    String dbPassword,
    Path keyDir,
    String publicUrl,
    String region,
    Duration tokenLifetime,
    int passwordIterations,
    Path stateDir,
    String instanceId,
    Path imageDir,
    long imageMaxBytes,
    int imageQuotaCount,
    long imageQuotaBytes,
    Security security,
    Compute compute) {

  public static final int DEFAULT_PASSWORD_ITERATIONS = 100_000;

  /**
   * Keystone's security compliance options and the database's guard: after
   * {@code lockoutFailureAttempts} failed passwords in a row (0: never) a user is locked out for
   * {@code lockoutDuration}; a query the API runs is cancelled after {@code statementTimeout}; no
   * token is accepted while this process's revocation list is more than {@code revocationMaxBehind}
   * behind the identity log.
   */
  public record Security(int lockoutFailureAttempts, Duration lockoutDuration, Duration statementTimeout,
                         Duration revocationMaxBehind) {
    public static Security defaults() {
      return new Security(6, Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    static Security fromEnvironment(Map<String, String> env) {
      Security d = defaults();
      return new Security(
          Integer.parseInt(env.getOrDefault("SKY_LOCKOUT_FAILURE_ATTEMPTS", String.valueOf(d.lockoutFailureAttempts()))),
          Duration.ofSeconds(Long.parseLong(env.getOrDefault("SKY_LOCKOUT_DURATION_SECONDS",
              String.valueOf(d.lockoutDuration().toSeconds())))),
          Duration.ofMillis(Long.parseLong(env.getOrDefault("SKY_STATEMENT_TIMEOUT_MS",
              String.valueOf(d.statementTimeout().toMillis())))),
          Duration.ofSeconds(Long.parseLong(env.getOrDefault("SKY_REVOCATION_MAX_BEHIND_SECONDS",
              String.valueOf(d.revocationMaxBehind().toSeconds())))));
    }
  }

  /**
   * How long the compute service's transitional states may last: the boot saga's steps (the
   * network allocating a server's ports, its host spawning it, its host destroying it; an action a
   * host never answers ends at the spawn bound) and an image upload left saving.
   */
  public record Compute(Duration networkTimeout, Duration spawnTimeout, Duration deleteTimeout,
                        Duration imageUploadTimeout) {
    public static Compute defaults() {
      return new Compute(Duration.ofSeconds(30), Duration.ofSeconds(120), Duration.ofSeconds(30), Duration.ofHours(1));
    }

    static Compute fromEnvironment(Map<String, String> env) {
      Compute d = defaults();
      return new Compute(seconds(env, "SKY_BOOT_NETWORK_TIMEOUT_SECONDS", d.networkTimeout()),
          seconds(env, "SKY_BOOT_SPAWN_TIMEOUT_SECONDS", d.spawnTimeout()),
          seconds(env, "SKY_BOOT_DELETE_TIMEOUT_SECONDS", d.deleteTimeout()),
          seconds(env, "SKY_IMAGE_UPLOAD_TIMEOUT_SECONDS", d.imageUploadTimeout()));
    }

    private static Duration seconds(Map<String, String> env, String name, Duration otherwise) {
      return Duration.ofSeconds(Long.parseLong(env.getOrDefault(name, String.valueOf(otherwise.toSeconds()))));
    }
  }

  /** Reads SKY_* variables; missing ones take the defaults of a single-machine deployment. */
  public static SkyConfig fromEnvironment(Map<String, String> env) {
    return new SkyConfig(
        env.getOrDefault("SKY_KAFKA_BOOTSTRAP", "localhost:9092"),
        env.getOrDefault("SKY_TOPIC_PREFIX", ""),
        Integer.parseInt(env.getOrDefault("SKY_PARTITIONS", "3")),
        env.getOrDefault("SKY_DATABASE_URL", "jdbc:postgresql://localhost:5432/skyledger"),
        env.getOrDefault("SKY_DATABASE_USER", "postgres"),
        env.getOrDefault("SKY_DATABASE_PASSWORD", ""),
        Path.of(env.getOrDefault("SKY_KEY_DIR", "var/keys")),
        env.getOrDefault("SKY_PUBLIC_URL", "http://localhost:8780"),
        env.getOrDefault("SKY_REGION", "RegionOne"),
        Duration.ofSeconds(Long.parseLong(env.getOrDefault("SKY_TOKEN_LIFETIME_SECONDS", "3600"))),
        Integer.parseInt(env.getOrDefault("SKY_PASSWORD_ITERATIONS", String.valueOf(DEFAULT_PASSWORD_ITERATIONS))),
        Path.of(env.getOrDefault("SKY_STATE_DIR", "var/streams")),
        env.getOrDefault("SKY_INSTANCE_ID", "sky-1"),
        Path.of(env.getOrDefault("SKY_IMAGE_DIR", "var/images")),
        Long.parseLong(env.getOrDefault("SKY_IMAGE_MAX_BYTES", String.valueOf(64L << 30))),
        Integer.parseInt(env.getOrDefault("SKY_IMAGE_QUOTA_COUNT", "100")),
        Long.parseLong(env.getOrDefault("SKY_IMAGE_QUOTA_BYTES", String.valueOf(100L << 30))),
        Security.fromEnvironment(env),
        Compute.fromEnvironment(env));
  }

  public SkyConfig withPublicUrl(String url) {
    return new SkyConfig(kafkaBootstrap, topicPrefix, partitions, jdbcUrl, dbUser, dbPassword, keyDir, url,
        region, tokenLifetime, passwordIterations, stateDir, instanceId, imageDir, imageMaxBytes, imageQuotaCount,
        imageQuotaBytes, security, compute);
  }

  public SkyConfig withImageQuota(int count, long bytes) {
    return new SkyConfig(kafkaBootstrap, topicPrefix, partitions, jdbcUrl, dbUser, dbPassword, keyDir, publicUrl,
        region, tokenLifetime, passwordIterations, stateDir, instanceId, imageDir, imageMaxBytes, count, bytes,
        security, compute);
  }

  public SkyConfig withKafkaBootstrap(String bootstrap) {
    return new SkyConfig(bootstrap, topicPrefix, partitions, jdbcUrl, dbUser, dbPassword, keyDir, publicUrl,
        region, tokenLifetime, passwordIterations, stateDir, instanceId, imageDir, imageMaxBytes, imageQuotaCount,
        imageQuotaBytes, security, compute);
  }

  public SkyConfig withJdbcUrl(String url) {
    return new SkyConfig(kafkaBootstrap, topicPrefix, partitions, url, dbUser, dbPassword, keyDir, publicUrl,
        region, tokenLifetime, passwordIterations, stateDir, instanceId, imageDir, imageMaxBytes, imageQuotaCount,
        imageQuotaBytes, security, compute);
  }

  public SkyConfig withSecurity(Security next) {
    return new SkyConfig(kafkaBootstrap, topicPrefix, partitions, jdbcUrl, dbUser, dbPassword, keyDir, publicUrl,
        region, tokenLifetime, passwordIterations, stateDir, instanceId, imageDir, imageMaxBytes, imageQuotaCount,
        imageQuotaBytes, next, compute);
  }

  public SkyConfig withCompute(Compute next) {
    return new SkyConfig(kafkaBootstrap, topicPrefix, partitions, jdbcUrl, dbUser, dbPassword, keyDir, publicUrl,
        region, tokenLifetime, passwordIterations, stateDir, instanceId, imageDir, imageMaxBytes, imageQuotaCount,
        imageQuotaBytes, security, next);
  }

  /** The real name of a catalogue topic in this deployment. */
  public String topic(dev.skyledger.events.Topic<?, ?> topic) {
    return topicPrefix + topic.name();
  }
}
