package dev.skyledger.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.http.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * {@code ./sky bench image}: upload and download throughput of 1 MiB and 256 MiB images through the
 * API, next to {@code cp} and {@code cat} of the same file on the same disk (the physical limit),
 * as ratios. Figures go to target/bench-image.json.
 */
final class ImageBench {
  private static final long MIB = 1 << 20;
  private final PrintStream out;
  private final ObjectMapper json = Json.newMapper();
  private final HttpClient client = HttpClient.newHttpClient();

  ImageBench(PrintStream out) {
    this.out = out;
  }

  int run() throws Exception {
    // the server side measured with a client of its own process: the JDK's HttpClient, in the server's
    // JVM, costs the server CPU and is slower than curl at receiving
    boolean curl = hasCurl();
    Path dir = Path.of("target/bench-var").toAbsolutePath();
    out.println("starting a fresh cloud in " + dir + " ...");
    try (BenchCloud bench = new BenchCloud(dir)) {
      HttpResponse<String> auth = client.send(HttpRequest.newBuilder(URI.create(bench.url() + "/identity/v3/auth/tokens"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(BenchCloud.adminAuth())).build(),
          HttpResponse.BodyHandlers.ofString());
      String token = auth.headers().firstValue("X-Subject-Token").orElseThrow();
      Path files = dir.resolve("files");
      Files.createDirectories(files);
      ObjectNode report = json.createObjectNode();
      report.put("benchmark", "image");
      report.put("cores", Runtime.getRuntime().availableProcessors());
      ArrayNode sizes = report.putArray("sizes");
      for (long size : new long[] {MIB, 256 * MIB}) {
        int runs = size == MIB ? 20 : 3;
        Path file = files.resolve("data-" + size);
        writeRandom(file, size);
        List<Double> cp = new ArrayList<>();
        List<Double> cat = new ArrayList<>();
        List<Double> up = new ArrayList<>();
        List<Double> down = new ArrayList<>();
        List<Double> curlUp = new ArrayList<>();
        List<Double> curlDown = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          cp.add(rate(size, time(() -> command("cp", file.toString(), files.resolve("copy").toString()))));
          cat.add(rate(size, time(() -> command("sh", "-c", "cat '" + file + "' > /dev/null"))));
          String id = create(bench.url(), token, "bench-" + size + "-" + i);
          up.add(rate(size, time(() -> expect(client.send(HttpRequest.newBuilder(URI.create(bench.url() + "/image/v2/images/" + id + "/file"))
              .header("X-Auth-Token", token).header("Content-Type", "application/octet-stream")
              .PUT(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString()).statusCode(), 204))));
          down.add(rate(size, time(() -> expect(client.send(HttpRequest.newBuilder(URI.create(bench.url() + "/image/v2/images/" + id + "/file"))
              .header("X-Auth-Token", token).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode(), 200))));
          if (curl) {
            String curlId = create(bench.url(), token, "bench-curl-" + size + "-" + i);
            String fileUrl = bench.url() + "/image/v2/images/" + curlId + "/file";
            curlUp.add(curl(204, "%{speed_upload}", "-T", file.toString(), "-H", "Content-Type: application/octet-stream",
                "-H", "X-Auth-Token: " + token, fileUrl) / 1e6);
            curlDown.add(curl(200, "%{speed_download}", "-o", "/dev/null", "-H", "X-Auth-Token: " + token, fileUrl) / 1e6);
          }
        }
        ObjectNode row = sizes.addObject();
        row.put("bytes", size);
        row.put("runs", runs);
        row.put("cp_mb_s", round(median(cp)));
        row.put("upload_mb_s", round(median(up)));
        row.put("upload_vs_cp", round(median(up) / median(cp)));
        row.put("cat_mb_s", round(median(cat)));
        row.put("download_mb_s", round(median(down)));
        row.put("download_vs_cat", round(median(down) / median(cat)));
        out.printf("%4d MiB (median of %d): upload %8.1f MB/s (cp %8.1f MB/s, ratio %.2f)   download %8.1f MB/s (cat %8.1f MB/s, ratio %.2f)%n",
            size / MIB, runs, median(up), median(cp), median(up) / median(cp), median(down), median(cat), median(down) / median(cat));
        if (curl) {
          row.put("upload_curl_mb_s", round(median(curlUp)));
          row.put("upload_curl_vs_cp", round(median(curlUp) / median(cp)));
          row.put("download_curl_mb_s", round(median(curlDown)));
          row.put("download_curl_vs_cat", round(median(curlDown) / median(cat)));
          out.printf("%4d MiB with curl:         upload %8.1f MB/s (ratio %.2f)                         download %8.1f MB/s (ratio %.2f)%n",
              size / MIB, median(curlUp), median(curlUp) / median(cp), median(curlDown), median(curlDown) / median(cat));
        }
        Files.deleteIfExists(file);
        Files.deleteIfExists(files.resolve("copy"));
      }
      Path target = Path.of("target/bench-image.json");
      Files.createDirectories(target.getParent());
      Files.writeString(target, report.toPrettyString() + "\n");
      out.println("wrote " + target.toAbsolutePath());
    }
    return 0;
  }

  private String create(String url, String token, String name) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url + "/image/v2/images"))
        .header("X-Auth-Token", token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    expect(r.statusCode(), 201);
    return json.readTree(r.body()).path("id").asText();
  }

  private interface Work {
    void run() throws Exception;
  }

  private static double time(Work work) throws Exception {
    long start = System.nanoTime();
    work.run();
    return (System.nanoTime() - start) / 1e9;
  }

  private static double rate(long bytes, double seconds) {
    return bytes / 1e6 / seconds;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static void expect(int status, int expected) {
    if (status != expected) throw new IllegalStateException("expected HTTP " + expected + " but got " + status);
  }

  private static boolean hasCurl() {
    try {
      return new ProcessBuilder("curl", "--version").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Runs curl and returns the bytes per second it reports through {@code --write-out rate}. */
  private static double curl(int expectedStatus, String rate, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("curl", "-s", "-S", "-w", "%{http_code} " + rate));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String[] result = new String(p.getInputStream().readAllBytes()).trim().split(" ");
    if (p.waitFor() != 0) throw new IllegalStateException("curl failed");
    expect(Integer.parseInt(result[0]), expectedStatus);
    return Double.parseDouble(result[1]);
  }

  private static void command(String... args) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    p.getInputStream().transferTo(OutputStream.nullOutputStream());
    if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", args) + " failed");
  }

  private static void writeRandom(Path file, long size) throws IOException {
    Random random = new Random(1);
    byte[] chunk = new byte[(int) Math.min(size, 4 * MIB)];
    try (OutputStream o = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += chunk.length) {
        random.nextBytes(chunk);
        o.write(chunk, 0, (int) Math.min(chunk.length, size - written));
      }
    }
  }
}
