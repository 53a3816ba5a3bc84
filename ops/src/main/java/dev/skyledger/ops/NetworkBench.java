package dev.skyledger.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.http.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./sky bench network}: starts a fresh all-in-one cloud and measures port creation on one
 * network with a /16 subnet (every port takes the next free address and a MAC, decided by the
 * network's decider in order): ports per second and p50/p99 latency with {@value #CONCURRENCY}
 * concurrent clients, and the latency of a single client. Prints the figures and writes them to
 * target/bench-network.json.
 */
final class NetworkBench {
  static final int CONCURRENCY = 16;
  static final int PORTS = 2000;
  static final int SINGLE = 200;
  static final int WARM_UP = 50;
  static final String CIDR = "10.0.0.0/16";

  private final PrintStream out;
  private final ObjectMapper json = Json.newMapper();
  private final BenchHttp http = new BenchHttp(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());

  NetworkBench(PrintStream out) {
    this.out = out;
  }

  int run() throws Exception {
    // a directory of its own, so that it never wipes another benchmark's running cloud
    Path dir = Path.of("target/bench-var-network").toAbsolutePath();
    out.println("starting a fresh cloud in " + dir + " ...");
    try (BenchCloud bench = new BenchCloud(dir)) {
      String base = bench.url() + "/network/v2.0";
      HttpResponse<String> auth = send("POST", bench.url() + "/identity/v3/auth/tokens", null, BenchCloud.adminAuth());
      expect(auth, 201);
      String token = auth.headers().firstValue("X-Subject-Token").orElseThrow();
      String project = json.readTree(auth.body()).path("token").path("project").path("id").asText();
      // more ports than Neutron's default quota of 500: lift it for the admin project (a cloud without
      // network quotas answers 404 or 405 and needs nothing lifted)
      HttpResponse<String> quota = send("PUT", base + "/quotas/" + project, token, "{\"quota\":{\"port\":-1}}");
      if (quota.statusCode() != 200 && quota.statusCode() != 404 && quota.statusCode() != 405) expect(quota, 200);

      HttpResponse<String> net = send("POST", base + "/networks", token, "{\"network\":{\"name\":\"bench-net\"}}");
      expect(net, 201);
      String network = json.readTree(net.body()).path("network").path("id").asText();
      expect(send("POST", base + "/subnets", token, "{\"subnet\":{\"network_id\":\"" + network + "\",\"cidr\":\"" + CIDR
          + "\",\"ip_version\":4,\"name\":\"bench-subnet\"}}"), 201);

      Set<String> addresses = Collections.synchronizedSet(new HashSet<>());
      Call createPort = i -> {
        HttpResponse<String> r = send("POST", base + "/ports", token,
            "{\"port\":{\"network_id\":\"" + network + "\",\"name\":\"bench-" + i + "\"}}");
        expect(r, 201);
        JsonNode port = json.readTree(r.body()).path("port");
        if (!addresses.add(port.path("fixed_ips").path(0).path("ip_address").asText())) {
          throw new IllegalStateException("an address handed out twice: " + r.body());
        }
      };
      out.printf("one network, subnet %s; %d cores%n", CIDR, Runtime.getRuntime().availableProcessors());
      measure("warm-up", WARM_UP, CONCURRENCY, i -> createPort.run(-1 - i));
      Result concurrent = measure("port create, " + CONCURRENCY + " clients", PORTS, CONCURRENCY, createPort);
      Result single = measure("port create, 1 client", SINGLE, 1, i -> createPort.run(PORTS + i));

      HttpResponse<String> listed = send("GET", base + "/ports?network_id=" + network + "&fields=id", token, null);
      expect(listed, 200);
      int total = json.readTree(listed.body()).path("ports").size();
      int expected = WARM_UP + PORTS + SINGLE;
      if (total != expected || addresses.size() != expected) {
        throw new IllegalStateException("expected " + expected + " ports with distinct addresses, listed " + total
            + ", distinct addresses " + addresses.size());
      }

      ObjectNode report = json.createObjectNode();
      report.put("benchmark", "network");
      report.put("cores", Runtime.getRuntime().availableProcessors());
      report.put("subnet", CIDR);
      report.set("port_create", concurrent.json(json, CONCURRENCY));
      report.set("port_create_one_client", single.json(json, 1));
      report.put("ports_listed", total);
      Path file = Path.of("target/bench-network.json");
      Files.createDirectories(file.getParent());
      Files.writeString(file, report.toPrettyString() + "\n");
      out.printf("ports created per second with %d clients: %.1f (p50 %.2f ms, p99 %.2f ms); one client: p50 %.2f ms, p99 %.2f ms%n",
          CONCURRENCY, concurrent.perSecond(), concurrent.p50(), concurrent.p99(), single.p50(), single.p99());
      out.println("wrote " + file.toAbsolutePath());
    }
    return 0;
  }

  private interface Call {
    void run(int i) throws Exception;
  }

  private record Result(int count, double seconds, double p50, double p99, double max) {
    double perSecond() {
      return count / seconds;
    }

    ObjectNode json(ObjectMapper json, int concurrency) {
      ObjectNode node = json.createObjectNode();
      node.put("concurrency", concurrency);
      node.put("count", count);
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

  private Result measure(String name, int count, int concurrency, Call call) throws Exception {
    List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    try {
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
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    List<Double> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    Result r = new Result(count, seconds, BenchHttp.percentile(sorted, 50), BenchHttp.percentile(sorted, 99), sorted.get(sorted.size() - 1));
    out.printf("%-28s %5d ports in %6.2f s: %7.1f/s  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms%n", name, count, seconds,
        r.perSecond(), r.p50(), r.p99(), r.max());
    return r;
  }

  private HttpResponse<String> send(String method, String url, String token, String body) throws IOException, InterruptedException {
    return http.send(method, url, token, body);
  }

  private static void expect(HttpResponse<String> response, int status) {
    BenchHttp.expect(response, status);
  }
}
