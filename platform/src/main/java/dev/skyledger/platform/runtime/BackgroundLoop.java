package dev.skyledger.platform.runtime;

import org.slf4j.Logger;

/**
 * A daemon thread that runs one loop (a consumer's poll loop, a listener) until closed. Closing
 * wakes the loop (for example a Kafka consumer's {@code wakeup}) and waits for it, bounded.
 *
 * <p>The loop is supervised: a failure while running (PostgreSQL or Kafka gone, a bug) is logged
 * and counted, and the body is started again after a back-off (1 s, doubling to 5 s; back to 1 s
 * once a run has lasted a minute), so the loop resumes from where its body starts (its stored
 * offsets, its consumer's position) instead of dying silently. Only a close ends it.
 */
public final class BackgroundLoop implements AutoCloseable {
  /** The loop's body; it runs while {@link BackgroundLoop#running()}. */
  @FunctionalInterface
  public interface Body {
    void run(BackgroundLoop loop) throws Exception;
  }

  static final long FIRST_BACKOFF_MS = 1000;
  static final long MAX_BACKOFF_MS = 5_000;
  private static final long STEADY_MS = 60_000;

  private final Thread thread;
  private final Runnable wakeup;
  private volatile boolean running = true;
  private final java.util.concurrent.atomic.AtomicLong restarts = new java.util.concurrent.atomic.AtomicLong();
  private volatile String lastFailure;
  /** What a pause waits on, so that a close ends it at once. */
  private final Object pausing = new Object();

  private BackgroundLoop(String name, Body body, Runnable wakeup, Logger log) {
    this.wakeup = wakeup;
    this.thread = new Thread(() -> {
      long backoff = FIRST_BACKOFF_MS;
      while (running) {
        long started = System.currentTimeMillis();
        try {
          body.run(this);
          return; // the body ended of its own accord: the loop is done
        } catch (org.apache.kafka.common.errors.WakeupException | InterruptedException e) {
          if (!running) return;
          log.warn("{} was woken or interrupted while running; starting it again", name);
        } catch (Exception | Error e) {
          if (!running) return;
          if (e instanceof VirtualMachineError v) throw v;
          if (System.currentTimeMillis() - started > STEADY_MS) backoff = FIRST_BACKOFF_MS;
          lastFailure = e.toString();
          log.error("{} failed; starting it again in {} ms", name, backoff, e);
        }
        restarts.incrementAndGet();
        if (!pause(backoff)) return;
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }, name);
    thread.setDaemon(true);
  }

  public static BackgroundLoop start(String name, Body body, Runnable wakeup, Logger log) {
    BackgroundLoop loop = new BackgroundLoop(name, body, wakeup, log);
    loop.thread.start();
    return loop;
  }

  public boolean running() {
    return running;
  }

  /** How often the body failed and was started again. */
  public long restarts() {
    return restarts.get();
  }

  /** The last failure that restarted the body, or null. */
  public String lastFailure() {
    return lastFailure;
  }

  /** Whether the loop's thread is still going (false once it was closed or its body ended). */
  public boolean alive() {
    return thread.isAlive();
  }

  /** Sleeps unless closed meanwhile; returns whether the loop should go on. */
  public boolean pause(long millis) {
    long until = System.currentTimeMillis() + millis;
    synchronized (pausing) {
      try {
        for (long left = millis; running && left > 0; left = until - System.currentTimeMillis()) pausing.wait(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return running;
  }

  @Override
  public void close() {
    running = false;
    synchronized (pausing) {
      pausing.notifyAll();
    }
    wakeup.run();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
