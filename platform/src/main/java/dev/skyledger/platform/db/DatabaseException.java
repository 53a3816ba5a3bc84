package dev.skyledger.platform.db;

import java.sql.SQLException;

/** A database failure, unchecked; its SQLState (if any) is kept for callers that map unique violations. */
public final class DatabaseException extends RuntimeException {
  public DatabaseException(String message, Throwable cause) {
    super(message, cause);
  }

  public String sqlState() {
    return getCause() instanceof SQLException s ? s.getSQLState() : null;
  }

  /** Whether {@code e} is a statement PostgreSQL cancelled at the pool's statement timeout. */
  public static boolean isTimeout(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) return "57014".equals(sql.getSQLState());
    }
    return false;
  }

  /**
   * Whether {@code e} says the database could not be used just now (no connection, the connection
   * lost, the server shutting down or out of resources, a deadlock or serialization failure), so the
   * same work may succeed later; rather than that this work can never be done (bad data, a
   * constraint, a bug).
   */
  public static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
            || state.startsWith("57") || state.startsWith("58");
      }
      // the pool's own failures: closed, exhausted, interrupted
      if (t instanceof DatabaseException && !(t.getCause() instanceof SQLException)) return true;
    }
    return false;
  }
}
