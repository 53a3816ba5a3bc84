package dev.skyledger.platform.runtime;

import org.slf4j.Logger;

/**
 * A daemon thread that runs one loop (a consumer's poll loop, a listener) until closed. Closing
 * wakes the loop (for example a Kafka consumer's {@code wakeup}) and waits for it, bounded. A
 * failure while running is logged, never swallowed silently.
 */
public final class BackgroundLoop implements AutoCloseable {
  /** The loop's body; it runs while {@link BackgroundLoop#running()}. */
  @FunctionalInterface
  public interface Body {
    void run(BackgroundLoop loop) throws Exception;
  }

  private final Thread thread;
  private final Runnable wakeup;
  private volatile boolean running = true;

  private BackgroundLoop(String name, Body body, Runnable wakeup, Logger log) {
    this.wakeup = wakeup;
    this.thread = new Thread(() -> {
      try {
        body.run(this);
      } catch (org.apache.kafka.common.errors.WakeupException | InterruptedException e) {
        // closing
      } catch (Exception e) {
        if (running) log.error("{} stopped", name, e);
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

  /** Whether the loop's thread is still going (false once it stopped, by a close or a failure). */
  public boolean alive() {
    return thread.isAlive();
  }

  /** Sleeps unless closed meanwhile; returns whether the loop should go on. */
  public boolean pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    return running;
  }

  @Override
  public void close() {
    running = false;
    wakeup.run();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
