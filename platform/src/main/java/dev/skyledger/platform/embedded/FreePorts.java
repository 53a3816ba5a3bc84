package dev.skyledger.platform.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free TCP ports for the embedded servers of tests and benchmarks, chosen below the kernel's
 * ephemeral range (32768-60999 on Linux): the system never hands those out for a port-0 bind or an
 * outgoing connection, so a port found free here stays free until it is bound on purpose, also when
 * a broker is stopped and started again on it. A port (or a block of consecutive ones, as a broker
 * with its controller on the next port needs) is never given twice by one allocator.
 */
public final class FreePorts {
  private static final int FIRST = 20_000;
  private static final int LAST = 32_000;

  private final Set<Integer> given = ConcurrentHashMap.newKeySet();
  private final Random random = new Random();

  /** One free port. */
  public int next() {
    return block(1);
  }

  /** {@code count} consecutive free ports; returns the first. */
  public synchronized int block(int count) {
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int first = FIRST + random.nextInt(LAST - FIRST - count);
      boolean free = true;
      for (int port = first; port < first + count && free; port++) free = !given.contains(port) && bindable(port);
      if (free) {
        for (int port = first; port < first + count; port++) given.add(port);
        return first;
      }
    }
    throw new IllegalStateException("no " + count + " free consecutive ports between " + FIRST + " and " + LAST);
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
