package dev.skyledger.ops;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** {@code ./sky down}: stops the cloud that {@code ./sky up} started from the same data directory. */
final class DownCommand {
  private final SkyHome home;
  private final PrintStream out;

  DownCommand(SkyHome home, PrintStream out) {
    this.home = home;
    this.out = out;
  }

  int run() throws IOException {
    if (!Files.exists(home.pidFile())) {
      out.println("no cloud is running from " + home.dir());
      return 0;
    }
    long pid = Long.parseLong(Files.readString(home.pidFile()).strip());
    Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) {
      Files.deleteIfExists(home.pidFile());
      out.println("no cloud is running from " + home.dir() + " (removed a stale pid file)");
      return 0;
    }
    out.println("stopping the cloud (pid " + pid + ") ...");
    process.get().destroy();
    try {
      process.get().onExit().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      out.println("the cloud (pid " + pid + ") did not stop within 60 s; killing it (nothing is lost: "
          + "the log and the database recover on the next start)");
      process.get().destroyForcibly();
      Files.deleteIfExists(home.pidFile());
      return 1;
    }
    out.println("stopped.");
    return 0;
  }
}
