package dev.skyledger.platform.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Which database schema holds the live rows of each projection ({@code skyledger.projections}).
 * A replay builds a projection into a fresh schema and then switches this pointer.
 */
public final class ProjectionRegistry {
  private final Database db;

  public ProjectionRegistry(Database db) {
    this.db = db;
  }

  public Optional<String> activeSchema(String projection) {
    return db.read(c -> activeSchema(c, projection));
  }

  /** The same, on a connection the caller already holds (to read it together with other rows). */
  public Optional<String> activeSchema(Connection c, String projection) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT active_schema FROM skyledger.projections WHERE name = ?")) {
      s.setString(1, projection);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    }
  }

  /** The live schema of a projection; fails if the projection was never built. */
  public String schemaOf(String projection) {
    return activeSchema(projection).orElseThrow(() ->
        new IllegalStateException("projection " + projection + " has no schema yet"));
  }
}
