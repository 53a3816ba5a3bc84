package dev.skyledger.ops;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** {@code ./sky}: the operator's command line. */
public final class Sky {
  private Sky() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    Map<String, String> env = System.getenv();
    SkyHome home = new SkyHome(Path.of(env.getOrDefault("SKY_HOME", "var")).toAbsolutePath());
    String command = args.length == 0 ? "help" : args[0];
    String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
    int rc;
    try {
      rc = switch (command) {
        case "up" -> new UpCommand(home, env, out).run(rest);
        case "down" -> new DownCommand(home, out).run();
        case "replay" -> new OperatorCommands(home, out).replay(rest);
        case "audit" -> new OperatorCommands(home, out).audit(rest);
        case "set-aside" -> new OperatorCommands(home, out).setAside(rest);
        case "topics" -> new OperatorCommands(home, out).topics();
        case "status" -> new OperatorCommands(home, out).status();
        case "bench" -> new BenchCommand(out).run(rest);
        case "help", "-h", "--help" -> help(out);
        default -> {
          System.err.println("unknown command: " + command);
          help(System.err);
          yield 2;
        }
      };
    } catch (RuntimeException e) {
      System.err.println("sky " + command + ": " + e.getMessage());
      rc = 1;
    }
    if (!command.equals("up")) System.exit(rc);
    if (rc != 0) System.exit(rc);
  }

  private static int help(PrintStream out) {
    out.println("""
        usage: ./sky <command>
          up [--hosts N]         start the whole cloud in this terminal with N simulated compute hosts
                                 (default 1, or SKY_HOSTS; Ctrl-C or ./sky down stops it)
          down                   stop the cloud started by ./sky up
          status                 each projection: its live schema, next offset to apply, end of the log, events set aside
          set-aside [projection] the events a projection could not apply, with where they are and why
          set-aside retry <projection>  re-apply them (once the cause is fixed); the projection keeps running
          topics                 the topics with their partitions and records
          replay <projection>    rebuild a projection (identity, image, network, compute, audit) from offset 0 and switch to it
          audit [filters]        who did what: --request-id R --resource ID --user NAME|ID
                                 --since 2026-01-31T00:00:00Z --until ... --limit N --json
          bench identity         benchmark token issue, reads and writes; figures in target/bench-identity.json
          bench image            image upload and download MB/s beside cp and cat; target/bench-image.json
          bench network          port creations per second and p50/p99; target/bench-network.json
          bench boot             servers booted per second, create→ACTIVE and delete p50/p95/p99, the saga's hops,
                                 GET /servers/detail among 100,000 servers; target/bench-boot.json
        environment: SKY_HOME (./var), SKY_PORT (8780), SKY_HOST (127.0.0.1), SKY_ADMIN_PASSWORD,
          SKY_DATABASE_URL/_USER/_PASSWORD (else an embedded PostgreSQL under SKY_HOME),
          SKY_KAFKA_BOOTSTRAP (else an embedded broker under SKY_HOME), SKY_KAFKA_PORT (9092), SKY_PG_PORT (5433)""");
    return 0;
  }
}
