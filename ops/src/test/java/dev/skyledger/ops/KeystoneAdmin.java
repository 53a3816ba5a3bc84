package dev.skyledger.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the identity API tests do as the cloud administrator, over HTTP like any client: create
 * projects and users, grant roles, and wait for a token to stop working.
 */
public final class KeystoneAdmin {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClientForTests http;
  private final String token;

  public KeystoneAdmin(HttpClientForTests http, String token) {
    this.http = http;
    this.token = token;
  }

  public String token() {
    return token;
  }

  /** A JSON request body from maps, lists and values (so names and passwords are escaped properly). */
  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** An ordered map from alternating keys and values, for request bodies. */
  public static Map<String, Object> obj(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    return map;
  }

  public static String query(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  public JsonNode createProject(String name) {
    var r = http.send("POST", "/identity/v3/projects", token, json(obj("project", obj("name", name))));
    assertEquals(201, r.status(), r.raw().body());
    return r.json().path("project");
  }

  public String projectId(String name) {
    return createProject(name).path("id").asText();
  }

  /** Creates an enabled user; {@code defaultProject} may be null. Returns its id. */
  public String createUser(String name, String password, String defaultProject) {
    Map<String, Object> user = obj("name", name, "password", password, "enabled", true);
    if (defaultProject != null) user.put("default_project_id", defaultProject);
    var r = http.send("POST", "/identity/v3/users", token, json(obj("user", user)));
    assertEquals(201, r.status(), r.raw().body());
    return r.json().path("user").path("id").asText();
  }

  /** The id of a role by name (the built-in ones: admin, member, reader). */
  public String roleId(String name) {
    var r = http.send("GET", "/identity/v3/roles?name=" + query(name), token, null);
    assertEquals(200, r.status(), r.raw().body());
    assertEquals(1, r.json().path("roles").size(), "roles named " + name + ": " + r.raw().body());
    return r.json().path("roles").get(0).path("id").asText();
  }

  public void grant(String projectId, String userId, String roleId) {
    var r = http.send("PUT", "/identity/v3/projects/" + projectId + "/users/" + userId + "/roles/" + roleId, token, null);
    assertEquals(204, r.status(), r.raw().body());
  }

  /** A new project, and a new user holding {@code role} on it; returns the user's token scoped to it. */
  public Scoped userWithRole(String prefix, String role) {
    String project = prefix + "-project";
    String user = prefix + "-user";
    String password = prefix + "-Pa55!";
    String projectId = projectId(project);
    String userId = createUser(user, password, null);
    grant(projectId, userId, roleId(role));
    return new Scoped(projectId, project, userId, user, password, http.token(user, password, project));
  }

  /** A user with a token scoped to a project. */
  public record Scoped(String projectId, String projectName, String userId, String userName, String password, String token) {}

  /**
   * Repeats a request until it answers {@code status} or the time is up; returns the last response
   * and how long it took.
   */
  public static Polled await(Supplier<HttpClientForTests.Response> call, int status, Duration within) {
    long start = System.nanoTime();
    long deadline = start + within.toNanos();
    while (true) {
      HttpClientForTests.Response r = call.get();
      if (r.status() == status || System.nanoTime() > deadline) {
        return new Polled(r, Duration.ofNanos(System.nanoTime() - start));
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Polled(r, Duration.ofNanos(System.nanoTime() - start));
      }
    }
  }

  public record Polled(HttpClientForTests.Response last, Duration took) {}
}
