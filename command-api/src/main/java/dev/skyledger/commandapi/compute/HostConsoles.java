package dev.skyledger.commandapi.compute;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads a server's console log (and its diagnostics) from the agent of its host, at the console URL the host registered
 * (as Nova's API asks the compute service that runs the server), wherever that agent runs. A host
 * that does not answer in time, or has no console for the server, gives none.
 */
public final class HostConsoles {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  /** The last {@code lines} (null: all) of the console of {@code serverId}, from the host serving consoles at {@code consoleUrl}. */
  public Optional<String> read(String consoleUrl, String serverId, Integer lines) {
    return get(consoleUrl, serverId, "console" + (lines == null ? "" : "?lines=" + lines));
  }

  /** The diagnostics (JSON) of {@code serverId} as its host reports them. */
  public Optional<String> diagnostics(String consoleUrl, String serverId) {
    return get(consoleUrl, serverId, "diagnostics");
  }

  private Optional<String> get(String consoleUrl, String serverId, String what) {
    if (consoleUrl == null || consoleUrl.isBlank()) return Optional.empty();
    String url = consoleUrl + "/servers/" + URLEncoder.encode(serverId, StandardCharsets.UTF_8) + "/" + what;
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
