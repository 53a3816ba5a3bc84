package dev.skyledger.platform.command;

import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-your-writes: waits, bounded, until a projection has applied a stream up to a sequence
 * number, so that a GET right after a successful write sees it.
 */
public final class ProjectionWaiter {
  private static final Logger log = LoggerFactory.getLogger(ProjectionWaiter.class);

  private final Database db;
  private final ProjectionRegistry registry;
  private final Duration timeout;

  public ProjectionWaiter(Database db, ProjectionRegistry registry, Duration timeout) {
    this.db = db;
    this.registry = registry;
    this.timeout = timeout;
  }

  /** True when caught up; false (logged) when the bound ran out first. */
  public boolean await(String projection, String streamKey, long sequence) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 1;
    while (true) {
      String schema = registry.activeSchema(projection).orElse(null);
      // the schema is read again after the position: a replay may have switched to a schema the live
      // projector has not reached yet, and readers will read that one
      if (schema != null && position(schema, streamKey) >= sequence
          && schema.equals(registry.activeSchema(projection).orElse(null))) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        log.warn("projection {} did not reach {}#{} within {}", projection, streamKey, sequence, timeout);
        return false;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      pause = Math.min(pause * 2, 10);
    }
  }

  private long position(String schema, String streamKey) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT sequence FROM \"" + schema + "\".stream_positions WHERE stream_key = ?")) {
        s.setString(1, streamKey);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? r.getLong(1) : 0L;
        }
      }
    });
  }
}
