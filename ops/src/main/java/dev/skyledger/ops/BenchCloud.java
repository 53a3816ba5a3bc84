package dev.skyledger.ops;

import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.embedded.EmbeddedDatabase;
import dev.skyledger.platform.embedded.EmbeddedKafka;
import dev.skyledger.platform.embedded.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A fresh all-in-one cloud for a benchmark: its own broker, database and data under one directory. */
final class BenchCloud implements AutoCloseable {
  static final String ADMIN_PASSWORD = "bench-password";

  private final EmbeddedKafka kafka;
  private final EmbeddedDatabase postgres;
  private final SkyConfig config;
  private final int port;
  private Cloud cloud;
  private final String url;

  BenchCloud(Path dir) throws IOException {
    deleteTree(dir);
    FreePorts ports = new FreePorts();
    int kafkaPort = ports.block(2);
    kafka = new EmbeddedKafka(dir.resolve("kafka"), kafkaPort, kafkaPort + 1).start();
    postgres = new EmbeddedDatabase(dir.resolve("postgres/data"), ports.next(), true).start();
    port = ports.next();
    url = "http://127.0.0.1:" + port;
    Map<String, String> settings = new HashMap<>();
    settings.put("SKY_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
    settings.put("SKY_DATABASE_URL", postgres.database("skyledger"));
    settings.put("SKY_PUBLIC_URL", url);
    settings.put("SKY_KEY_DIR", dir.resolve("keys").toString());
    settings.put("SKY_STATE_DIR", dir.resolve("streams").toString());
    settings.put("SKY_IMAGE_DIR", dir.resolve("images").toString());
    config = SkyConfig.fromEnvironment(settings);
    cloud = new Cloud(config);
    try {
      cloud.start("127.0.0.1", port);
      cloud.bootstrap("admin", ADMIN_PASSWORD, "admin");
    } catch (RuntimeException | Error e) {
      // nobody will close a cloud that failed to start: stop what did start, or its threads keep the JVM alive
      close();
      throw e;
    }
  }

  String url() {
    return url;
  }

  SkyConfig config() {
    return config;
  }

  Cloud cloud() {
    return cloud;
  }

  interface Work {
    void run() throws Exception;
  }

  /**
   * Stops every processor, projector, host and API of the cloud (its broker and database keep
   * running), does {@code whileStopped}, and starts them again on the same port.
   */
  void restartCloud(Work whileStopped) throws Exception {
    cloud.close();
    whileStopped.run();
    cloud = new Cloud(config).start("127.0.0.1", port);
  }

  static String adminAuth() {
    return "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"admin\","
        + "\"domain\":{\"name\":\"Default\"},\"password\":\"" + ADMIN_PASSWORD + "\"}}},\"scope\":{\"project\":"
        + "{\"name\":\"admin\",\"domain\":{\"name\":\"Default\"}}}}}";
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) return;
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  @Override
  public void close() {
    cloud.close();
    postgres.close();
    kafka.close();
  }
}
