package dev.skyledger.platform.testkit;

import dev.skyledger.platform.embedded.EmbeddedDatabase;
import dev.skyledger.platform.embedded.EmbeddedKafka;
import dev.skyledger.platform.embedded.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The real broker and the real database of one test JVM, started once (JUnit's root store closes
 * them at the end). {@code SKY_TEST_DATABASE_URL} (with _USER/_PASSWORD) points the kit at an
 * existing PostgreSQL server instead of the embedded one.
 */
final class SharedServers implements AutoCloseable {
  private final Path dir;
  private final FreePorts ports = new FreePorts();
  private final EmbeddedKafka kafka;
  private final EmbeddedDatabase embeddedDb;
  private final String adminUrl;
  private final String dbUser;
  private final String dbPassword;

  SharedServers() {
    try {
      dir = Files.createTempDirectory("sky-testkit");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int kafkaPort = ports.block(2);
    kafka = new EmbeddedKafka(dir.resolve("kafka"), kafkaPort, kafkaPort + 1).start();
    String url = System.getenv("SKY_TEST_DATABASE_URL");
    if (url != null && !url.isBlank()) {
      embeddedDb = null;
      adminUrl = url;
      dbUser = System.getenv().getOrDefault("SKY_TEST_DATABASE_USER", "postgres");
      dbPassword = System.getenv().getOrDefault("SKY_TEST_DATABASE_PASSWORD", "");
    } else {
      embeddedDb = new EmbeddedDatabase(dir.resolve("pg/data"), ports.next(), true).start();
      adminUrl = embeddedDb.database("postgres");
      dbUser = "postgres";
      dbPassword = "";
    }
  }

  String kafkaBootstrap() {
    return kafka.bootstrapServers();
  }

  Path dir() {
    return dir;
  }

  String dbUser() {
    return dbUser;
  }

  String dbPassword() {
    return dbPassword;
  }

  /** A new empty database; returns its JDBC URL. */
  String freshDatabase() {
    String name = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(adminUrl, dbUser, dbPassword); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database", e);
    }
    int slash = adminUrl.lastIndexOf('/');
    int query = adminUrl.indexOf('?', slash);
    return adminUrl.substring(0, slash + 1) + name + (query > 0 ? adminUrl.substring(query) : "");
  }

  /** Where the tests of this JVM get their ports (see {@link FreePorts}). */
  FreePorts ports() {
    return ports;
  }

  @Override
  public void close() {
    kafka.close();
    if (embeddedDb != null) embeddedDb.close();
  }
}
