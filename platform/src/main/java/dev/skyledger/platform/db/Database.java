package dev.skyledger.platform.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A small bounded pool of PostgreSQL connections. Connections are validated when handed out
 * again after an error; a broken one is replaced.
 */
public final class Database implements AutoCloseable {
  /** Work on a connection that may throw SQLException. */
  @FunctionalInterface
  public interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
  }

  private final String url;
  private final String user;
  private final String password;
  private final BlockingQueue<Connection> idle;
  private final Semaphore permits;
  private volatile boolean closed;

  public Database(String url, String user, String password, int maxConnections) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.idle = new ArrayBlockingQueue<>(maxConnections);
    this.permits = new Semaphore(maxConnections);
  }

  public String url() {
    return url;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  /** Runs work in autocommit mode. */
  public <T> T read(SqlWork<T> work) {
    return use(connection -> {
      connection.setAutoCommit(true);
      return work.run(connection);
    });
  }

  /** Runs work in one transaction: committed if it returns, rolled back if it throws. */
  public <T> T inTransaction(SqlWork<T> work) {
    return use(connection -> {
      connection.setAutoCommit(false);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      }
    });
  }

  private <T> T use(SqlWork<T> work) {
    if (closed) throw new DatabaseException("database pool closed", null);
    try {
      if (!permits.tryAcquire(30, TimeUnit.SECONDS)) throw new DatabaseException("no database connection free within 30 s", null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DatabaseException("interrupted waiting for a connection", e);
    }
    Connection connection = null;
    boolean broken = false;
    try {
      connection = idle.poll();
      if (connection == null) connection = DriverManager.getConnection(url, user, password);
      return work.run(connection);
    } catch (SQLException e) {
      broken = connection == null || isBroken(connection);
      throw new DatabaseException(e.getMessage(), e);
    } finally {
      if (connection != null) {
        if (broken || closed || !idle.offer(connection)) closeQuietly(connection);
      }
      permits.release();
    }
  }

  private static boolean isBroken(Connection connection) {
    try {
      return connection.isClosed() || !connection.isValid(1);
    } catch (SQLException e) {
      return true;
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // the connection is being thrown away
    }
  }

  @Override
  public void close() {
    closed = true;
    Connection connection;
    while ((connection = idle.poll()) != null) closeQuietly(connection);
  }
}
