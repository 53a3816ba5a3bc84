package dev.skyledger.platform.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server (binaries shipped as Maven artifacts) with its data under a directory
 * that survives restarts. Used when no database URL is configured.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private final boolean clean;
  private EmbeddedPostgres postgres;

  public EmbeddedDatabase(Path dataDir, int port, boolean clean) {
    this.dataDir = dataDir;
    this.port = port;
    this.clean = clean;
  }

  public EmbeddedDatabase start() {
    try {
      Files.createDirectories(dataDir.getParent());
      Path work = dataDir.getParent().resolve("pg-binaries");
      Files.createDirectories(work);
      postgres = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(clean)
          .setOverrideWorkingDirectory(work.toFile())
          .setPort(port)
          .setServerConfig("max_connections", "300")
          .setServerConfig("fsync", clean ? "off" : "on")
          .setRegisterShutdownHook(false)
          .start();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start PostgreSQL in " + dataDir, e);
    }
  }

  public int port() {
    return postgres.getPort();
  }

  /** The JDBC URL of a database, created if missing. */
  public String database(String name) {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      var r = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name.replace("'", "") + "'");
      if (!r.next()) s.execute("CREATE DATABASE \"" + name.replace("\"", "") + "\"");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return postgres.getJdbcUrl("postgres", name);
  }

  @Override
  public void close() {
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      postgres = null;
    }
  }
}
