package dev.skyledger.platform.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The connection pool against a real PostgreSQL. */
@ExtendWith(SkyTestKit.class)
class DatabaseTest {
  static Database db;
  static Database other;

  @BeforeAll
  static void start(TestEnvironment env) {
    db = new Database(env.config().jdbcUrl(), env.config().dbUser(), env.config().dbPassword(), 2);
    other = new Database(env.config().jdbcUrl(), env.config().dbUser(), env.config().dbPassword(), 1);
    db.read(c -> update(c, "CREATE TABLE IF NOT EXISTS pool_rows (name text PRIMARY KEY)"));
  }

  @AfterAll
  static void stop() {
    if (db != null) db.close();
    if (other != null) other.close();
  }

  static int update(java.sql.Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    }
  }

  static long count(java.sql.Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT count(*) FROM pool_rows WHERE name = '" + name + "'")) {
      r.next();
      return r.getLong(1);
    }
  }

  static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void workThatReadsAgainInsideItsReadNeverWaitsForASecondConnection() throws Exception {
    // more threads than connections, each holding its connection when it asks again: with a second
    // connection per nested read, both holders would wait for each other until the pool's bound
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch allHolding = new CountDownLatch(2);
    List<Future<Long>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        answers.add(pool.submit(() -> db.read(c -> {
          allHolding.countDown();
          awaitQuietly(allHolding);
          return db.read(inner -> {
            assertTrue(inner == c, "the nested read runs on the connection the thread holds");
            try (Statement s = inner.createStatement(); ResultSet r = s.executeQuery("SELECT 41 + 1")) {
              r.next();
              return r.getLong(1);
            }
          });
        })));
      }
      for (Future<Long> answer : answers) assertEquals(42L, answer.get(60, TimeUnit.SECONDS));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aNestedReadInsideATransactionSeesItsWritesAndGoesWithItsRollback() {
    assertThrows(IllegalStateException.class, () -> db.inTransaction(c -> {
      update(c, "INSERT INTO pool_rows VALUES ('rolled-back')");
      assertEquals(1L, (long) db.read(inner -> count(inner, "rolled-back")), "the nested read is inside the transaction");
      assertEquals(0L, (long) other.read(elsewhere -> count(elsewhere, "rolled-back")), "not committed yet");
      db.inTransaction(inner -> update(inner, "INSERT INTO pool_rows VALUES ('joined')"));
      assertEquals(0L, (long) other.read(elsewhere -> count(elsewhere, "joined")), "a nested transaction joins the open one");
      throw new IllegalStateException("abort");
    }));
    assertEquals(0L, (long) other.read(c -> count(c, "rolled-back")));
    assertEquals(0L, (long) other.read(c -> count(c, "joined")));
  }

  @Test
  void aNestedTransactionInsideAReadCommitsOnItsOwnAndLeavesTheReadInAutocommit() {
    db.read(c -> {
      db.inTransaction(inner -> update(inner, "INSERT INTO pool_rows VALUES ('nested-commit')"));
      assertEquals(1L, (long) other.read(elsewhere -> count(elsewhere, "nested-commit")), "committed when the nested transaction returned");
      assertTrue(c.getAutoCommit(), "the outer read is back in autocommit");
      update(c, "INSERT INTO pool_rows VALUES ('after-nested')");
      assertEquals(1L, (long) other.read(elsewhere -> count(elsewhere, "after-nested")), "the outer read's statement committed at once");
      return null;
    });
  }

  @Test
  void anSqlErrorInANestedReadSurfacesAsDatabaseExceptionAndTheConnectionStaysUsable() {
    DatabaseException e = assertThrows(DatabaseException.class, () -> db.read(c -> db.read(inner -> update(inner, "SELECT * FROM no_such_table"))));
    assertTrue(e.getMessage().contains("no_such_table"), e.getMessage());
    assertEquals(2L, (long) db.read(c -> {
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 2")) {
        r.next();
        return r.getLong(1);
      }
    }));
  }

  @Test
  void aStatementPastTheTimeoutIsCancelledAndTheConnectionServesTheNextOne() {
    try (Database guarded = new Database(db.url(), db.user(), db.password(), 1, java.time.Duration.ofMillis(300))) {
      long started = System.nanoTime();
      DatabaseException e = assertThrows(DatabaseException.class, () -> guarded.read(c -> {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_sleep(5)")) {
          return r.next();
        }
      }));
      assertTrue(DatabaseException.isTimeout(e), e.getMessage());
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3), "cancelled at the timeout, not after 5 s");
      assertEquals(1L, (long) guarded.read(c -> {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
          r.next();
          return r.getLong(1);
        }
      }));
    }
  }
}
