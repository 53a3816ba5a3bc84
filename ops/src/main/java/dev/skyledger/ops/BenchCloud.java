package dev.skyledger.ops;

import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.embedded.EmbeddedDatabase;
import dev.skyledger.platform.embedded.EmbeddedKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A fresh all-in-one cloud for a benchmark: its own broker, database and data under one directory. */
final class BenchCloud implements AutoCloseable {
  static final String ADMIN_PASSWORD = "bench-password";

  private final EmbeddedKafka kafka;
  private final EmbeddedDatabase postgres;
  private final Cloud cloud;
  private final String url;

  BenchCloud(Path dir) throws IOException {
    deleteTree(dir);
    kafka = new EmbeddedKafka(dir.resolve("kafka"), freePort(), freePort()).start();
    postgres = new EmbeddedDatabase(dir.resolve("postgres/data"), freePort(), true).start();
    int port = freePort();
    url = "http://127.0.0.1:" + port;
    Map<String, String> settings = new HashMap<>();
    settings.put("SKY_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
    settings.put("SKY_DATABASE_URL", postgres.database("skyledger"));
    settings.put("SKY_PUBLIC_URL", url);
    settings.put("SKY_KEY_DIR", dir.resolve("keys").toString());
    settings.put("SKY_STATE_DIR", dir.resolve("streams").toString());
    settings.put("SKY_IMAGE_DIR", dir.resolve("images").toString());
    cloud = new Cloud(SkyConfig.fromEnvironment(settings)).start("127.0.0.1", port);
    cloud.bootstrap("admin", ADMIN_PASSWORD, "admin");
  }

  String url() {
    return url;
  }

  SkyConfig config() {
    return cloud.config();
  }

  static String adminAuth() {
    return "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"admin\","
        + "\"domain\":{\"name\":\"Default\"},\"password\":\"" + ADMIN_PASSWORD + "\"}}},\"scope\":{\"project\":"
        + "{\"name\":\"admin\",\"domain\":{\"name\":\"Default\"}}}}}";
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
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
