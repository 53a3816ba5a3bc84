package dev.skyledger.commandapi.compute.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.skyledger.platform.http.ApiException;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

/**
 * Another service's public API, called with the caller's own token, as Nova calls Neutron and
 * Glance for its 2.1 proxy APIs: what the caller may not do there, Nova may not do for them. The
 * call goes to the public endpoint, so it works the same wherever that service runs.
 */
public final class ServiceClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** An answer: its status and its JSON body (missing when it had none). */
  public record Answer(int status, JsonNode body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The message the service gave with an error: Neutron's, Glance's or Keystone's shape. */
    String message() {
      JsonNode neutron = body.path("NeutronError").path("message");
      if (neutron.isTextual()) return neutron.asText();
      if (body.path("message").isTextual()) return body.path("message").asText();
      for (Iterator<JsonNode> it = body.elements(); it.hasNext(); ) {
        JsonNode inner = it.next();
        if (inner.path("message").isTextual()) return inner.path("message").asText();
      }
      return "HTTP " + status;
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json;
  private final String baseUrl;

  /** {@code baseUrl}: the service's public endpoint ({@code .../network}, {@code .../image}). */
  public ServiceClient(ObjectMapper json, String baseUrl) {
    this.json = json;
    this.baseUrl = baseUrl;
  }

  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** {@code path?name=value&...}, values encoded. */
  public static String query(String path, Map<String, String> params) {
    StringBuilder out = new StringBuilder(path);
    char sep = '?';
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (e.getValue() == null) continue;
      out.append(sep).append(encode(e.getKey())).append('=').append(encode(e.getValue()));
      sep = '&';
    }
    return out.toString();
  }

  /** Calls {@code method path} with the token of the request being served; a service that cannot be reached is a 503. */
  public Answer call(Context ctx, String method, String path, JsonNode body) {
    return call(ctx, method, path, body, null);
  }

  /** As {@link #call(Context, String, String, JsonNode)}, the body sent as {@code contentType} (null: JSON). */
  public Answer call(Context ctx, String method, String path, JsonNode body, String contentType) {
    String token = ctx.header("X-Auth-Token");
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT)
        .header("Accept", "application/json");
    if (token != null) request.header("X-Auth-Token", token);
    String requestId = ctx.header("X-OpenStack-Request-ID");
    if (requestId != null) request.header("X-OpenStack-Request-ID", requestId);
    if (body != null) {
      request.header("Content-Type", contentType == null ? "application/json" : contentType)
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      JsonNode parsed = response.body().isBlank() ? MissingNode.getInstance() : json.readTree(response.body());
      return new Answer(response.statusCode(), parsed);
    } catch (JsonProcessingException e) {
      throw ApiException.unavailable("The service at " + baseUrl + " answered what is not JSON.");
    } catch (IOException e) {
      throw ApiException.unavailable("The service at " + baseUrl + " could not be reached: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("Interrupted while calling " + baseUrl + ".");
    }
  }

  /** Calls, and answers an error of the service as Nova does: 404 itemNotFound, 403, 400 for what it refused. */
  public JsonNode expect(Context ctx, String method, String path, JsonNode body) {
    Answer a = call(ctx, method, path, body);
    if (a.ok()) return a.body();
    throw fault(a);
  }

  /** Nova's answer to a service's error: its status kept (a conflict is the client's error, 400), its message passed on. */
  public static ApiException fault(Answer a) {
    return switch (a.status()) {
      case 404 -> new ApiException(404, "itemNotFound", a.message());
      case 403 -> new ApiException(403, "forbidden", a.message());
      case 401 -> new ApiException(401, "unauthorized", a.message());
      case 400, 409, 413 -> new ApiException(400, "badRequest", a.message());
      case 503 -> ApiException.unavailable(a.message());
      default -> new ApiException(500, "computeFault", a.message());
    };
  }
}
