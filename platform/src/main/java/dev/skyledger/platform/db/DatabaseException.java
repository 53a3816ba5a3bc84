package dev.skyledger.platform.db;

/** A database failure, unchecked; its SQLState (if any) is kept for callers that map unique violations. */
public final class DatabaseException extends RuntimeException {
  public DatabaseException(String message, Throwable cause) {
    super(message, cause);
  }

  public String sqlState() {
    return getCause() instanceof java.sql.SQLException s ? s.getSQLState() : null;
  }
}
