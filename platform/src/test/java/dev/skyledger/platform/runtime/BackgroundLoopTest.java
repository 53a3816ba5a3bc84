package dev.skyledger.platform.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A loop whose body fails is started again after a back-off, and only a close ends it. */
class BackgroundLoopTest {
  @Test
  void aFailingBodyIsStartedAgainUntilItRunsAndACloseEndsIt() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch steady = new CountDownLatch(1);
    BackgroundLoop loop = BackgroundLoop.start("flaky", l -> {
      if (runs.incrementAndGet() <= 2) throw new IllegalStateException("database gone (run " + runs.get() + ")");
      steady.countDown();
      while (l.running()) l.pause(10);
    }, () -> { }, LoggerFactory.getLogger(BackgroundLoopTest.class));
    assertTrue(steady.await(10, TimeUnit.SECONDS), "the third run got going");
    assertEquals(2, loop.restarts());
    assertTrue(loop.lastFailure().contains("run 2"), loop.lastFailure());
    assertTrue(loop.alive());
    loop.close();
    assertFalse(loop.alive());
    assertEquals(3, runs.get());
  }

  @Test
  void aCloseDuringTheBackOffEndsTheLoopAtOnce() {
    BackgroundLoop loop = BackgroundLoop.start("always-failing", l -> {
      throw new IllegalStateException("broken");
    }, () -> { }, LoggerFactory.getLogger(BackgroundLoopTest.class));
    long started = System.nanoTime();
    loop.close();
    assertFalse(loop.alive());
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3), "not held by the back-off");
  }
}
