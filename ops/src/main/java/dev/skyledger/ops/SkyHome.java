package dev.skyledger.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * The all-in-one's data directory ({@code ./var} unless SKY_HOME says otherwise): the broker's
 * log, the database, the token keys, the Streams state, the admin password, the openrc, and
 * {@code sky.env}, which tells the operator commands (replay, audit, topics) where the running
 * cloud's broker and database are.
 */
record SkyHome(Path dir) {
  Path kafka() {
    return dir.resolve("kafka");
  }

  Path postgres() {
    return dir.resolve("postgres/data");
  }

  Path keys() {
    return dir.resolve("keys");
  }

  Path streams() {
    return dir.resolve("streams");
  }

  Path pidFile() {
    return dir.resolve("sky.pid");
  }

  Path envFile() {
    return dir.resolve("sky.env");
  }

  Path openrc() {
    return dir.resolve("openrc");
  }

  /** The admin password: given, or the one generated at the first start, or a new one. */
  String adminPassword(String given) {
    Path file = dir.resolve("admin-password");
    try {
      if (given != null && !given.isBlank()) {
        Files.createDirectories(dir);
        Files.writeString(file, given + "\n");
        restrict(file);
        return given;
      }
      if (Files.exists(file)) return Files.readString(file).strip();
      byte[] bytes = new byte[18];
      new java.security.SecureRandom().nextBytes(bytes);
      String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      Files.createDirectories(dir);
      Files.writeString(file, password + "\n");
      restrict(file);
      return password;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the cloud started from this directory is running (its pid file names a live process). */
  boolean running() {
    try {
      if (!Files.exists(pidFile())) return false;
      long pid = Long.parseLong(Files.readString(pidFile()).strip());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  void writeEnv(Properties env) {
    try (OutputStream out = Files.newOutputStream(envFile())) {
      env.store(out, "where the running Skyledger's broker and database are (read by ./sky replay, audit, topics)");
      restrict(envFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Properties readEnv() {
    if (!running()) {
      throw new IllegalStateException("no cloud is running from " + dir + ": start one with ./sky up");
    }
    if (!Files.exists(envFile())) {
      throw new IllegalStateException("no running cloud found (" + envFile() + " is missing): start one with ./sky up");
    }
    Properties env = new Properties();
    try (InputStream in = Files.newInputStream(envFile())) {
      env.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return env;
  }

  static void restrict(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | UnsupportedOperationException e) {
      // best effort on file systems without POSIX permissions
    }
  }
}
