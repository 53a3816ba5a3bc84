package dev.skyledger.platform.command;

import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.db.ProjectionRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import dev.skyledger.platform.runtime.BackgroundLoop;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-your-writes: waits, bounded, until a projection has applied a stream up to a sequence
 * number, so that a GET right after a successful write sees it. Projectors announce what they
 * committed on the PostgreSQL channel {@value #CHANNEL}; waiters sleep until then instead of
 * polling, and check the database itself before answering, and now and then in case a notification
 * was missed: after {@value #FALLBACK_MS} ms, then at doubling intervals up to
 * {@value #FALLBACK_MAX_MS} ms, so that hundreds of waiters under a burst do not crowd the
 * connection pool the projectors and readers need.
 */
public final class ProjectionWaiter implements AutoCloseable {
  /** Payload: {@code <schema>|<stream key>|<sequence>}. */
  public static final String CHANNEL = "sky_projection";
  private static final long FALLBACK_MS = 100;
  private static final long FALLBACK_MAX_MS = 1000;
  private static final Logger log = LoggerFactory.getLogger(ProjectionWaiter.class);

  private final Database db;
  private final ProjectionRegistry registry;
  private final Duration timeout;
  private final Map<String, Long> announced = new ConcurrentHashMap<>();
  private final Object signal = new Object();
  private BackgroundLoop listener;

  public ProjectionWaiter(Database db, ProjectionRegistry registry, Duration timeout) {
    this.db = db;
    this.registry = registry;
    this.timeout = timeout;
  }

  /** Starts listening for projector announcements; without it, waiters poll every 100 ms. */
  public ProjectionWaiter start() {
    listener = BackgroundLoop.start("projection-listener", this::listen, () -> {}, log);
    return this;
  }

  private void listen(BackgroundLoop loop) {
    while (loop.running()) {
      try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        PGConnection pg = c.unwrap(PGConnection.class);
        while (loop.running()) {
          PGNotification[] notifications = pg.getNotifications(500);
          if (notifications == null || notifications.length == 0) continue;
          for (PGNotification n : notifications) {
            String[] parts = n.getParameter().split("\\|", 3);
            if (parts.length == 3) announced.merge(parts[0] + "|" + parts[1], Long.parseLong(parts[2]), Math::max);
          }
          synchronized (signal) {
            signal.notifyAll();
          }
        }
      } catch (SQLException | RuntimeException e) {
        if (!loop.running()) return;
        log.warn("projection listener lost its connection; reconnecting", e);
        loop.pause(1000);
      }
    }
  }

  /**
   * True when caught up; false (logged) when the bound ran out first. When the projection has set
   * aside the awaited event, an {@link ApiException} (500) says so instead.
   */
  public boolean await(String projection, String streamKey, long sequence) {
    return await(projection, streamKey, sequence, sequence);
  }

  /** As above, for a write whose events are {@code firstSequence} to {@code sequence} of the stream. */
  public boolean await(String projection, String streamKey, long firstSequence, long sequence) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextCheck = 0;
    long interval = FALLBACK_MS;
    String schema = null;
    while (true) {
      boolean announcedReached = schema != null && announced.getOrDefault(schema + "|" + streamKey, 0L) >= sequence;
      if (announcedReached || System.nanoTime() >= nextCheck) {
        Check check = check(projection, streamKey, firstSequence, sequence);
        schema = check.schema();
        if (check.position() >= sequence) {
          if (check.setAside()) {
            throw new ApiException(500, "Internal Server Error", "The request was accepted and recorded, but the "
                + projection + " view has set aside an event of it that it could not apply, so the result cannot "
                + "be shown until an operator re-applies it (./sky set-aside).");
          }
          return true;
        }
        nextCheck = System.nanoTime() + interval * 1_000_000;
        interval = Math.min(FALLBACK_MAX_MS, interval * 2);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        log.warn("projection {} did not reach {}#{} within {}", projection, streamKey, sequence, timeout);
        return false;
      }
      synchronized (signal) {
        if (schema != null && announced.getOrDefault(schema + "|" + streamKey, 0L) >= sequence) continue;
        try {
          signal.wait(Math.max(1, Math.min(FALLBACK_MS, left / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
  }

  /** The live schema and how far it has applied the stream; position 0 when it is not there yet. */
  private record Check(String schema, long position, boolean setAside) {}

  /**
   * One connection for the whole check. The schema is read again after the position: a replay may
   * have switched to a schema the live projector has not reached yet, and readers will read that one.
   */
  private Check check(String projection, String streamKey, long firstSequence, long sequence) {
    return db.read(c -> {
      String schema = registry.activeSchema(c, projection).orElse(null);
      if (schema == null) return new Check(null, 0, false);
      long position;
      boolean setAside;
      try (PreparedStatement s = c.prepareStatement(
          "SELECT (SELECT sequence FROM \"" + schema + "\".stream_positions WHERE stream_key = ?), "
              + "EXISTS (SELECT 1 FROM \"" + schema + "\".set_aside WHERE stream_key = ? AND sequence BETWEEN ? AND ?)")) {
        s.setString(1, streamKey);
        s.setString(2, streamKey);
        s.setLong(3, firstSequence);
        s.setLong(4, sequence);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          position = r.getLong(1);
          setAside = r.getBoolean(2);
        }
      }
      String after = registry.activeSchema(c, projection).orElse(null);
      return new Check(after, schema.equals(after) ? position : 0, setAside);
    });
  }

  @Override
  public void close() {
    if (listener != null) listener.close();
  }
}
