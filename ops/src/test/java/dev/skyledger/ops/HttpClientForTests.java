package dev.skyledger.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** A plain HTTP client for API tests: status, headers and JSON body. */
public final class HttpClientForTests {
  public record Response(int status, HttpResponse<String> raw, JsonNode json) {
    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  private final HttpClient client = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final String base;

  public HttpClientForTests(String base) {
    this.base = base;
  }

  public Response send(String method, String path, String token, String body) {
    return send(method, path, token, body, "application/json");
  }

  public Response send(String method, String path, String token, String body, String contentType) {
    return send(method, path, token, body, contentType, Map.of());
  }

  /** A compute request at a microversion ({@code OpenStack-API-Version: compute 2.x}). */
  public Response compute(String microversion, String method, String path, String token, String body) {
    return send(method, path, token, body, "application/json", Map.of("OpenStack-API-Version", "compute " + microversion));
  }

  public Response send(String method, String path, String token, String body, String contentType, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null) b.header("X-Auth-Token", token);
    headers.forEach(b::header);
    if (body != null && contentType != null) b.header("Content-Type", contentType);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode node = r.body() == null || r.body().isBlank() ? null : parse(r.body());
      return new Response(r.statusCode(), r, node);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response withSubject(String method, String path, String token, String subject) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("X-Auth-Token", token)
        .header("X-Subject-Token", subject).method(method, HttpRequest.BodyPublishers.noBody());
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r, r.body().isBlank() ? null : parse(r.body()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends raw bytes (image data); answers with the body as bytes. */
  public HttpResponse<byte[]> bytes(String method, String path, String token, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null) b.header("X-Auth-Token", token);
    headers.forEach(b::header);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls a GET until it answers 200 with what {@code until} accepts (30 s at most); returns that body. */
  public JsonNode await(String token, String path, java.util.function.Predicate<JsonNode> until) throws InterruptedException {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      Response r = send("GET", path, token, null);
      last = r.json();
      if (r.status() == 200 && until.test(last)) return last;
      Thread.sleep(100);
    }
    throw new AssertionError("not reached in 30 s at " + path + ": " + last);
  }

  private JsonNode parse(String body) {
    try {
      return json.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  /** Issues a project-scoped token by password; returns the X-Subject-Token, or null with the status in the message. */
  public String token(String user, String password, String project) {
    Response r = send("POST", "/identity/v3/auth/tokens", null, passwordAuth(user, password, project));
    if (r.status() != 201) throw new AssertionError("token issue failed: " + r.status() + " " + r.raw().body());
    return r.header("X-Subject-Token");
  }

  public static String passwordAuth(String user, String password, String project) {
    String scope = project == null ? "" : ",\"scope\":{\"project\":{\"name\":\"" + project + "\",\"domain\":{\"name\":\"Default\"}}}";
    return "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"" + user
        + "\",\"domain\":{\"name\":\"Default\"},\"password\":\"" + password + "\"}}}" + scope + "}}";
  }
}
