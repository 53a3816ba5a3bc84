package dev.skyledger.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.http.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./sky bench identity}: starts a fresh all-in-one cloud (its own broker and database
 * under target/bench-var) and measures, over HTTP with a fixed concurrency: token issue
 * (tokens/s, p50/p99), an authenticated read, and a write measured from POST to visible on GET.
 * Prints the figures and writes them to target/bench-identity.json.
 */
final class BenchCommand {
  private static final int CONCURRENCY = 8;
  private static final int TOKENS = 400;
  private static final int READS = 4000;
  private static final int WRITES = 300;

  private final PrintStream out;
  private final ObjectMapper json = Json.newMapper();
  private final BenchHttp http = new BenchHttp(HttpClient.newHttpClient());

  BenchCommand(PrintStream out) {
    this.out = out;
  }

  int run(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("image")) return new ImageBench(out).run();
    if (args.length == 1 && args[0].equals("network")) return new NetworkBench(out).run();
    if (args.length >= 1 && args[0].equals("boot")) return new BootBench(out).run(java.util.Arrays.copyOfRange(args, 1, args.length));
    if (args.length != 1 || !args[0].equals("identity")) {
      throw new IllegalArgumentException("usage: ./sky bench identity|image|network|boot [--clients C --hosts H --servers N ...]");
    }
    Path dir = Path.of("target/bench-var").toAbsolutePath();
    out.println("starting a fresh cloud in " + dir + " ...");
    try (BenchCloud bench = new BenchCloud(dir)) {
      {
        SkyConfig config = bench.config();
        String base = bench.url() + "/identity/v3";
        String auth = BenchCloud.adminAuth();
        HttpResponse<String> first = send("POST", base + "/auth/tokens", null, auth);
        String token = first.headers().firstValue("X-Subject-Token").orElseThrow();
        String projectId = json.readTree(first.body()).path("token").path("project").path("id").asText();

        out.printf("concurrency %d; password hashing PBKDF2-SHA256 with %d iterations%n", CONCURRENCY, config.passwordIterations());
        warmUp(base, token, projectId);
        Result tokens = measure("token issue", TOKENS, i -> expect(send("POST", base + "/auth/tokens", null, auth), 201));
        Result reads = measure("authenticated read (GET project)", READS,
            i -> expect(send("GET", base + "/projects/" + projectId, token, null), 200));
        String runId = Long.toString(System.currentTimeMillis(), 36);
        Result writes = measure("write, POST to visible on GET", WRITES, i -> {
          HttpResponse<String> created = send("POST", base + "/projects", token,
              "{\"project\":{\"name\":\"bench-" + runId + "-" + i + "\"}}");
          expect(created, 201);
          String id = json.readTree(created.body()).path("project").path("id").asText();
          expect(send("GET", base + "/projects/" + id, token, null), 200);
        });

        Result single = measure("write, one client (unloaded latency)", 50, 1, i -> {
          HttpResponse<String> created = send("POST", base + "/projects", token,
              "{\"project\":{\"name\":\"bench-" + runId + "-single-" + i + "\"}}");
          expect(created, 201);
          String id = json.readTree(created.body()).path("project").path("id").asText();
          expect(send("GET", base + "/projects/" + id, token, null), 200);
        });

        ObjectNode report = json.createObjectNode();
        report.put("benchmark", "identity");
        report.put("concurrency", CONCURRENCY);
        report.put("password_iterations", config.passwordIterations());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.set("token_issue", tokens.json(json));
        report.set("authenticated_read", reads.json(json));
        report.set("write_visible_on_get", writes.json(json));
        report.set("write_visible_on_get_one_client", single.json(json));
        Path file = Path.of("target/bench-identity.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report.toPrettyString() + "\n");
        out.println("tokens issued per second: " + String.format("%.1f", tokens.perSecond()));
        out.println("wrote " + file.toAbsolutePath());
      }
    }
    return 0;
  }

  private void warmUp(String base, String token, String projectId) throws Exception {
    for (int i = 0; i < 50; i++) expect(send("GET", base + "/projects/" + projectId, token, null), 200);
  }

  private interface Call {
    void run(int i) throws Exception;
  }

  private record Result(String name, int count, double seconds, double p50, double p99, double max) {
    double perSecond() {
      return count / seconds;
    }

    ObjectNode json(ObjectMapper json) {
      ObjectNode node = json.createObjectNode();
      node.put("requests", count);
      node.put("seconds", round(seconds));
      node.put("per_second", round(perSecond()));
      node.put("p50_ms", round(p50));
      node.put("p99_ms", round(p99));
      node.put("max_ms", round(max));
      return node;
    }

    private static double round(double v) {
      return Math.round(v * 100) / 100.0;
    }
  }

  private Result measure(String name, int count, Call call) throws Exception {
    return measure(name, count, CONCURRENCY, call);
  }

  private Result measure(String name, int count, int concurrency, Call call) throws Exception {
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int w = 0; w < concurrency; w++) {
      workers.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < count) {
          long t = System.nanoTime();
          call.run(i);
          latencies.add((System.nanoTime() - t) / 1e6);
        }
        return null;
      }));
    }
    for (Future<?> f : workers) f.get();
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    List<Double> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    Result r = new Result(name, count, seconds, BenchHttp.percentile(sorted, 50), BenchHttp.percentile(sorted, 99), sorted.get(sorted.size() - 1));
    out.printf("%-36s %6d requests in %6.2f s: %8.1f/s  p50 %7.2f ms  p99 %7.2f ms%n", name, count, seconds,
        r.perSecond(), r.p50(), r.p99());
    return r;
  }

  private HttpResponse<String> send(String method, String url, String token, String body) throws IOException, InterruptedException {
    return http.send(method, url, token, body);
  }

  private static void expect(HttpResponse<String> response, int status) {
    BenchHttp.expect(response, status);
  }




}
