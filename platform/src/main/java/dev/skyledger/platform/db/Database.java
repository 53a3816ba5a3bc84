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
 * again after an error; a broken one is replaced. Waiters are served first come, first served:
 * under a burst, a thread that has waited longest gets the next free connection, so none starves
 * while newcomers barge past it.
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
  private final java.util.Properties connectionProperties = new java.util.Properties();
  private final BlockingQueue<Connection> idle;
  private final Semaphore permits;
  /** The connection this thread holds while it runs work, for work that calls the pool again. */
  private final ThreadLocal<Connection> held = new ThreadLocal<>();
  private volatile boolean closed;

  public Database(String url, String user, String password, int maxConnections) {
    this(url, user, password, maxConnections, null);
  }

  /**
   * {@code statementTimeout} (null: none): PostgreSQL cancels any statement of this pool that runs
   * longer (SQLState 57014), so one costly query cannot hold a connection, and the pool, for long.
   */
  public Database(String url, String user, String password, int maxConnections, java.time.Duration statementTimeout) {
    this.url = url;
    this.user = user;
    this.password = password;
    connectionProperties.setProperty("user", user);
    connectionProperties.setProperty("password", password == null ? "" : password);
    connectionProperties.setProperty("connectTimeout", "5");
    if (statementTimeout != null && !statementTimeout.isZero()) {
      connectionProperties.setProperty("options", "-c statement_timeout=" + statementTimeout.toMillis());
    }
    this.idle = new ArrayBlockingQueue<>(maxConnections);
    this.permits = new Semaphore(maxConnections, true);
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

  /**
   * Runs work in autocommit mode. Called again from inside work on this pool, it runs on the
   * connection the thread already holds (inside its transaction, if it has one): a thread never
   * waits for a second connection while holding one, which under a burst would let every holder wait
   * for every other until the pool's bound runs out.
   */
  public <T> T read(SqlWork<T> work) {
    Connection outer = held.get();
    if (outer != null) return nested(outer, work);
    return use(connection -> {
      connection.setAutoCommit(true);
      return work.run(connection);
    });
  }

  /**
   * Runs work in one transaction: committed if it returns, rolled back if it throws. Called from
   * inside work on this pool, it joins the thread's open transaction, or opens one on the thread's
   * connection when that is in autocommit mode.
   */
  public <T> T inTransaction(SqlWork<T> work) {
    Connection outer = held.get();
    if (outer != null) {
      return nested(outer, connection -> {
        if (!connection.getAutoCommit()) return work.run(connection);
        try {
          return transaction(connection, work);
        } finally {
          connection.setAutoCommit(true);
        }
      });
    }
    return use(connection -> transaction(connection, work));
  }

  private static <T> T transaction(Connection connection, SqlWork<T> work) throws SQLException {
    connection.setAutoCommit(false);
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    }
  }

  private static <T> T nested(Connection connection, SqlWork<T> work) {
    try {
      return work.run(connection);
    } catch (SQLException e) {
      throw new DatabaseException(e.getMessage(), e);
    }
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
      if (connection == null) connection = DriverManager.getConnection(url, connectionProperties);
      held.set(connection);
      return work.run(connection);
    } catch (SQLException e) {
      broken = connection == null || isBroken(connection);
      throw new DatabaseException(e.getMessage(), e);
    } finally {
      held.remove();
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
