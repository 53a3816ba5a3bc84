package dev.skyledger.projectors.core;

import dev.skyledger.platform.db.Database;
import dev.skyledger.views.core.Projection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.flywaydb.core.Flyway;

/** Creates, migrates and switches the schemas projections live in. */
public final class ProjectionSchemas {
  /** A projection's live schema and its generation (1 for the first build, +1 per replay). */
  public record Active(String schema, int generation) {}

  private final Database db;

  public ProjectionSchemas(Database db) {
    this.db = db;
  }

  /** Migrates the registry schema; safe to call from every process at start. */
  public void migrateRegistry() {
    flyway("skyledger", "classpath:db/meta").migrate();
  }

  public Optional<Active> active(String projection) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT active_schema, generation FROM skyledger.projections WHERE name = ?")) {
        s.setString(1, projection);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(new Active(r.getString(1), r.getInt(2))) : Optional.empty();
        }
      }
    });
  }

  /** The next offset to apply of each partition {@code schema} has seen (its {@code projector_offsets}). */
  public Map<TopicPartition, Long> appliedOffsets(String schema) {
    return db.read(c -> {
      Map<TopicPartition, Long> offsets = new java.util.HashMap<>();
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
          "SELECT topic, partition, next_offset FROM \"" + schema + "\".projector_offsets")) {
        while (r.next()) offsets.put(new TopicPartition(r.getString(1), r.getInt(2)), r.getLong(3));
      }
      return offsets;
    });
  }

  /** The live schema, created and migrated (first generation) if the projection has none yet. */
  public Active activeOrCreate(Projection projection) {
    Optional<Active> active = active(projection.name());
    if (active.isPresent()) {
      migrate(projection, active.get().schema());
      return active.get();
    }
    String schema = schemaName(projection, 1);
    migrate(projection, schema);
    db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO skyledger.projections (name, active_schema, generation) VALUES (?, ?, 1) ON CONFLICT (name) DO NOTHING")) {
        s.setString(1, projection.name());
        s.setString(2, schema);
        return s.executeUpdate();
      }
    });
    return active(projection.name()).orElseThrow();
  }

  /** A new empty schema for the next generation (a leftover of a failed replay is dropped first). */
  public Active prepareNext(Projection projection) {
    int generation = active(projection.name()).map(Active::generation).orElse(0) + 1;
    String schema = schemaName(projection, generation);
    db.read(c -> {
      try (Statement s = c.createStatement()) {
        s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
      }
      return null;
    });
    migrate(projection, schema);
    return new Active(schema, generation);
  }

  /**
   * Points the projection at {@code next}, whose writer has applied the records up to {@code applied},
   * if that is everything the live schema holds; readers and the live projector follow. The live
   * schema's offsets stay locked until then, so the live projector cannot commit a batch (and a
   * writer be told its change is visible) that the next schema lacks. False, and nothing changed,
   * when {@code next} is behind: catch up and try again.
   */
  public boolean switchTo(Projection projection, Active next, Map<TopicPartition, Long> applied) {
    return db.inTransaction(c -> {
      String live = null;
      try (PreparedStatement s = c.prepareStatement(
          "SELECT active_schema FROM skyledger.projections WHERE name = ? FOR UPDATE")) {
        s.setString(1, projection.name());
        try (ResultSet r = s.executeQuery()) {
          if (r.next()) live = r.getString(1);
        }
      }
      if (live != null && !live.equals(next.schema())) {
        try (Statement s = c.createStatement()) {
          s.execute("LOCK TABLE \"" + live + "\".projector_offsets IN EXCLUSIVE MODE");
          try (ResultSet r = s.executeQuery("SELECT topic, partition, next_offset FROM \"" + live + "\".projector_offsets")) {
            while (r.next()) {
              if (r.getLong(3) > applied.getOrDefault(new TopicPartition(r.getString(1), r.getInt(2)), 0L)) return false;
            }
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO skyledger.projections (name, active_schema, generation) VALUES (?, ?, ?) "
              + "ON CONFLICT (name) DO UPDATE SET active_schema = EXCLUDED.active_schema, "
              + "generation = EXCLUDED.generation, switched_at = now()")) {
        s.setString(1, projection.name());
        s.setString(2, next.schema());
        s.setInt(3, next.generation());
        s.executeUpdate();
      }
      return true;
    });
  }

  private void migrate(Projection projection, String schema) {
    flyway(schema, "classpath:db/projection", projection.migrations()).migrate();
  }

  private Flyway flyway(String schema, String... locations) {
    return Flyway.configure()
        .dataSource(db.url(), db.user(), db.password())
        .schemas(schema)
        .createSchemas(true)
        .locations(locations)
        // every projection schema takes the shared migrations (db/projection, V1.x) and its own (V2 on):
        // a shared one added later sorts below a projection's applied ones and must still be applied
        .outOfOrder(true)
        .load();
  }

  static String schemaName(Projection projection, int generation) {
    return projection.name() + "_" + generation;
  }
}
