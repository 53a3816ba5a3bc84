package dev.skyledger.ops.identity;

import static dev.skyledger.ops.KeystoneAdmin.json;
import static dev.skyledger.ops.KeystoneAdmin.obj;
import static dev.skyledger.ops.KeystoneAdmin.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the identity API answers to bad input, bad credentials and callers without the right role:
 * the right 4xx with Keystone's error body and a message naming the problem, never a 5xx, and
 * nothing half-written.
 */
@ExtendWith(SkyTestKit.class)
class IdentityBadInputTest {
  static Cloud cloud;
  static String base;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped member;
  static KeystoneAdmin.Scoped reader;

  @BeforeAll
  static void start(TestEnvironment env) {
    cloud = TestClouds.start(env, "secret");
    base = cloud.config().publicUrl();
    http = new HttpClientForTests(base);
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    member = admin.userWithRole("bad-member", "member");
    reader = admin.userWithRole("bad-reader", "reader");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  /** A Keystone error: the status, the same code in the body, a title, and a message with every part given. */
  static JsonNode assertError(HttpClientForTests.Response r, int status, String... messageParts) {
    assertEquals(status, r.status(), r.raw().body());
    assertNotNull(r.json(), "error body must be JSON: " + r.raw().body());
    JsonNode error = r.json().path("error");
    assertEquals(status, error.path("code").asInt(), r.raw().body());
    assertFalse(error.path("title").asText().isBlank(), r.raw().body());
    String message = error.path("message").asText();
    for (String part : messageParts) {
      assertTrue(message.contains(part), "message should name '" + part + "': " + message);
    }
    assertTrue(r.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    assertNotNull(r.header("x-openstack-request-id"), "every response carries a request id");
    return error;
  }

  private static HttpClientForTests.Response post(String path, String body) {
    return http.send("POST", path, admin.token(), body);
  }

  private static int countProjectsNamed(String name) {
    var r = http.send("GET", "/identity/v3/projects?name=" + query(name), admin.token(), null);
    assertEquals(200, r.status(), r.raw().body());
    return r.json().path("projects").size();
  }

  private static int countUsersNamed(String name) {
    var r = http.send("GET", "/identity/v3/users?name=" + query(name), admin.token(), null);
    assertEquals(200, r.status(), r.raw().body());
    return r.json().path("users").size();
  }

  private static int countRolesNamed(String name) {
    var r = http.send("GET", "/identity/v3/roles?name=" + query(name), admin.token(), null);
    assertEquals(200, r.status(), r.raw().body());
    return r.json().path("roles").size();
  }

  @Test
  void malformedJsonIs400AndCreatesNothing() {
    assertError(post("/identity/v3/projects", "{\"project\": {\"name\": \"malformed-1\","), 400, "not valid JSON");
    assertError(post("/identity/v3/projects", "{\"project\": {\"name\": \"malformed-2\"}} trailing"), 400, "not valid JSON");
    assertError(post("/identity/v3/users", "{user: {name: 'malformed-3'}}"), 400, "not valid JSON");
    assertError(http.send("POST", "/identity/v3/auth/tokens", null, "{\"auth\":"), 400, "not valid JSON");
    assertEquals(0, countProjectsNamed("malformed-1"));
    assertEquals(0, countProjectsNamed("malformed-2"));
    assertEquals(0, countUsersNamed("malformed-3"));
  }

  @Test
  void bodyThatIsNotAnObjectIs400() {
    assertError(post("/identity/v3/projects", "[{\"name\": \"array-body\"}]"), 400, "must be a JSON object");
    assertError(post("/identity/v3/projects", "\"array-body\""), 400, "must be a JSON object");
    assertError(post("/identity/v3/projects", "{\"project\": \"array-body\"}"), 400, "'project'", "an object");
    assertError(post("/identity/v3/users", "{\"user\": [\"array-body\"]}"), 400, "'user'", "an object");
    assertError(post("/identity/v3/projects", ""), 400, "empty");
    assertEquals(0, countProjectsNamed("array-body"));
    assertEquals(0, countUsersNamed("array-body"));
  }

  @Test
  void missingRequiredFieldsAre400NamingTheField() {
    assertError(post("/identity/v3/projects", "{}"), 400, "Missing required field 'project'");
    assertError(post("/identity/v3/projects", "{\"project\": {\"description\": \"no name\"}}"), 400, "'project.name'");
    assertError(post("/identity/v3/projects", "{\"project\": {\"name\": \"   \"}}"), 400, "'project.name'", "empty");
    assertError(post("/identity/v3/users", "{\"user\": {\"password\": \"x\"}}"), 400, "'user.name'");
    assertError(post("/identity/v3/users", "{\"name\": \"missing-wrapper\"}"), 400, "'user'");
    assertError(post("/identity/v3/roles", "{\"role\": {}}"), 400, "'role.name'");
    assertError(http.send("POST", "/identity/v3/auth/tokens", null, "{\"auth\": {}}"), 400, "'auth.identity'");
    assertError(http.send("POST", "/identity/v3/auth/tokens", null,
        "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\": \"admin\", "
            + "\"domain\": {\"name\": \"Default\"}}}}}}"), 400, "'auth.identity.password.user.password'");
    assertError(http.send("POST", "/identity/v3/auth/tokens", null,
        "{\"auth\": {\"identity\": {\"methods\": [], \"password\": {}}}}"), 400, "'auth.identity.methods'");
    assertEquals(0, countUsersNamed("missing-wrapper"));
  }

  @Test
  void mistypedFieldsAre400AndLeaveNothingHalfWritten() {
    assertError(post("/identity/v3/projects", json(obj("project", obj("name", "typed-1", "enabled", "yes")))),
        400, "'project.enabled'", "boolean");
    assertError(post("/identity/v3/projects", json(obj("project", obj("name", "typed-2", "tags", "a,b")))),
        400, "'project.tags'", "list");
    assertError(post("/identity/v3/projects", json(obj("project", obj("name", 42)))), 400, "'project.name'", "string");
    assertError(post("/identity/v3/users", json(obj("user", obj("name", "typed-3", "enabled", "yes")))),
        400, "'user.enabled'", "boolean");
    assertError(post("/identity/v3/users", json(obj("user", obj("name", "typed-4", "password", 1234)))),
        400, "'user.password'", "string");
    assertError(post("/identity/v3/users", json(obj("user", obj("name", "typed-5", "default_project_id", "nope")))),
        400, "'default_project_id'", "nope");
    assertError(post("/identity/v3/projects", json(obj("project", obj("name", "p".repeat(65))))), 400, "'project.name'", "64");
    assertEquals(0, countProjectsNamed("typed-1"));
    assertEquals(0, countProjectsNamed("typed-2"));
    for (String user : List.of("typed-3", "typed-4", "typed-5")) assertEquals(0, countUsersNamed(user), user);

    // a rejected update changes nothing either
    String id = admin.projectId("typed-existing");
    assertError(http.send("PATCH", "/identity/v3/projects/" + id, admin.token(),
        json(obj("project", obj("name", "typed-renamed", "enabled", "no")))), 400, "'project.enabled'");
    assertError(http.send("PATCH", "/identity/v3/projects/" + id, admin.token(),
        json(obj("project", obj("domain_id", "other")))), 400, "'project.domain_id'");
    var shown = http.send("GET", "/identity/v3/projects/" + id, admin.token(), null);
    assertEquals("typed-existing", shown.json().path("project").path("name").asText());
    assertTrue(shown.json().path("project").path("enabled").asBoolean());
    assertEquals(0, countProjectsNamed("typed-renamed"));
  }

  @Test
  void badQueryParametersAre400() {
    assertError(http.send("GET", "/identity/v3/projects?enabled=maybe", admin.token(), null), 400, "'enabled'", "maybe");
    assertError(http.send("GET", "/ops/v1/audit/events?limit=lots", admin.token(), null), 400, "'limit'", "lots");
    assertError(http.send("GET", "/ops/v1/audit/events?limit=0", admin.token(), null), 400, "'limit'");
    assertError(http.send("GET", "/ops/v1/audit/events?since=yesterday", admin.token(), null), 400, "'since'");
    assertError(http.send("GET", "/identity/v3/auth/tokens", admin.token(), null), 400, "X-Subject-Token");
  }

  @Test
  void unknownIdsAre404NamingTheId() {
    String ghost = "0123456789abcdef0123456789abcdef";
    String token = admin.token();
    assertError(http.send("GET", "/identity/v3/projects/" + ghost, token, null), 404, ghost);
    assertError(http.send("PATCH", "/identity/v3/projects/" + ghost, token,
        json(obj("project", obj("description", "x")))), 404, ghost);
    assertError(http.send("DELETE", "/identity/v3/projects/" + ghost, token, null), 404, ghost);
    assertError(http.send("GET", "/identity/v3/users/" + ghost, token, null), 404, ghost);
    assertError(http.send("PATCH", "/identity/v3/users/" + ghost, token, json(obj("user", obj("email", "x@y")))), 404, ghost);
    assertError(http.send("DELETE", "/identity/v3/users/" + ghost, token, null), 404, ghost);
    assertError(http.send("GET", "/identity/v3/users/" + ghost + "/projects", token, null), 404, ghost);
    assertError(http.send("GET", "/identity/v3/roles/" + ghost, token, null), 404, ghost);
    assertError(http.send("DELETE", "/identity/v3/roles/" + ghost, token, null), 404, ghost);
    assertError(http.send("GET", "/identity/v3/domains/" + ghost, token, null), 404, ghost);

    String memberRole = admin.roleId("member");
    String p = member.projectId();
    String u = member.userId();
    assertError(http.send("PUT", "/identity/v3/projects/" + ghost + "/users/" + u + "/roles/" + memberRole, token, null), 404, ghost);
    assertError(http.send("PUT", "/identity/v3/projects/" + p + "/users/" + ghost + "/roles/" + memberRole, token, null), 404, ghost);
    assertError(http.send("PUT", "/identity/v3/projects/" + p + "/users/" + u + "/roles/" + ghost, token, null), 404, ghost);
    assertError(http.send("DELETE", "/identity/v3/projects/" + p + "/users/" + u + "/roles/" + admin.roleId("admin"),
        token, null), 404, "role assignment");
    var check = http.send("HEAD", "/identity/v3/projects/" + p + "/users/" + u + "/roles/" + ghost, token, null);
    assertEquals(404, check.status());
    assertError(http.send("GET", "/identity/v3/projects/" + p + "/users/" + u + "/roles/" + ghost, token, null), 404, ghost);

    // nothing was granted on the way
    var roles = http.send("GET", "/identity/v3/role_assignments?user.id=" + u, token, null);
    assertEquals(1, roles.json().path("role_assignments").size(), roles.raw().body());
  }

  @Test
  void duplicateNamesInTheDomainAre409AndTheFirstStays() {
    String first = admin.projectId("dup-project");
    assertError(post("/identity/v3/projects", json(obj("project", obj("name", "dup-project", "description", "second")))),
        409, "Duplicate entry", "dup-project");
    var listed = http.send("GET", "/identity/v3/projects?name=dup-project", admin.token(), null);
    assertEquals(1, listed.json().path("projects").size());
    assertEquals(first, listed.json().path("projects").get(0).path("id").asText());
    assertEquals("", listed.json().path("projects").get(0).path("description").asText());

    String other = admin.projectId("dup-project-other");
    assertError(http.send("PATCH", "/identity/v3/projects/" + other, admin.token(),
        json(obj("project", obj("name", "dup-project")))), 409, "dup-project");
    assertEquals(1, countProjectsNamed("dup-project"));
    assertEquals(1, countProjectsNamed("dup-project-other"));

    String user = admin.createUser("dup-user", "pw-one", null);
    assertError(post("/identity/v3/users", json(obj("user", obj("name", "dup-user", "password", "pw-two")))),
        409, "Duplicate entry", "dup-user");
    var users = http.send("GET", "/identity/v3/users?name=dup-user", admin.token(), null);
    assertEquals(1, users.json().path("users").size());
    assertEquals(user, users.json().path("users").get(0).path("id").asText());
    // the first user's password is still the one that works
    assertEquals(201, http.send("POST", "/identity/v3/auth/tokens", null,
        HttpClientForTests.passwordAuth("dup-user", "pw-one", null)).status());
    assertError(http.send("POST", "/identity/v3/auth/tokens", null,
        HttpClientForTests.passwordAuth("dup-user", "pw-two", null)), 401);

    assertError(post("/identity/v3/roles", json(obj("role", obj("name", "member")))), 409, "member");
    assertEquals(1, countRolesNamed("member"));
  }

  /**
   * Announces a body over the limit and sends none of it, over a plain socket: the server must refuse
   * on the announced length alone (a client that streamed the whole body would be cut off mid-send).
   */
  private static RawResponse announceBigBody(long length) throws IOException {
    URI uri = URI.create(base);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      String request = "POST /identity/v3/projects HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
          + "\r\nX-Auth-Token: " + admin.token() + "\r\nContent-Type: application/json\r\nContent-Length: " + length
          + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      var in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      int status = Integer.parseInt(readLine(in).split(" ")[1]);
      Map<String, String> headers = new HashMap<>();
      for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
      byte[] body = new byte[Integer.parseInt(headers.getOrDefault("content-length", "0"))];
      in.readFully(body);
      return new RawResponse(status, headers, new String(body, StandardCharsets.UTF_8));
    }
  }

  record RawResponse(int status, Map<String, String> headers, String body) {}

  private static String readLine(DataInputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) throw new EOFException("connection closed after: " + line);
      if (b != '\r') line.append((char) b);
    }
    return line.toString();
  }

  private static void assert413(int status, String body, boolean hasRequestId) throws IOException {
    assertEquals(413, status, body);
    JsonNode error = new ObjectMapper().readTree(body).path("error");
    assertEquals(413, error.path("code").asInt(), body);
    assertTrue(error.path("message").asText().contains("larger than"), body);
    assertTrue(hasRequestId, "a request id on the 413");
  }

  @Test
  void bodyAnnouncedOverOneMebibyteIs413() throws Exception {
    RawResponse r = announceBigBody((1 << 20) + 1);
    assert413(r.status(), r.body(), r.headers().containsKey("x-openstack-request-id"));
    assertEquals(0, countProjectsNamed("too-big"));
    // a large body within the limit is accepted
    var fits = post("/identity/v3/projects", json(obj("project", obj("name", "large-but-fine", "description", "x".repeat(60_000)))));
    assertEquals(201, fits.status(), fits.raw().body());
  }

  @Test
  void chunkedBodyOverOneMebibyteIs413() throws Exception {
    // no Content-Length: the limit must hold while the body is read, not only when it is announced
    byte[] big = json(obj("project", obj("name", "too-big-chunked", "description", "x".repeat((1 << 20) + 10))))
        .getBytes(StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/identity/v3/projects"))
        .header("X-Auth-Token", admin.token()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build();
    HttpResponse<String> raw = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    assert413(raw.statusCode(), raw.body(), raw.headers().firstValue("x-openstack-request-id").isPresent());
    assertEquals(0, countProjectsNamed("too-big-chunked"));
  }

  @Test
  void wrongContentTypeIs415() {
    String body = json(obj("project", obj("name", "plain-text")));
    assertError(http.send("POST", "/identity/v3/projects", admin.token(), body, "text/plain"), 415, "text/plain");
    assertError(http.send("POST", "/identity/v3/auth/tokens", null,
        HttpClientForTests.passwordAuth("admin", "secret", "admin"), "application/x-www-form-urlencoded"), 415);
    assertEquals(0, countProjectsNamed("plain-text"));
  }

  @Test
  void forgedTokensAre401() throws Exception {
    String real = admin.token();
    int dot = real.indexOf('.');
    // valid base64url, wrong signature: one character changed in the middle of the signature part
    int middle = dot + 1 + (real.length() - dot - 1) / 2;
    char replacement = real.charAt(middle) == 'A' ? 'B' : 'A';
    String badSignature = real.substring(0, middle) + replacement + real.substring(middle + 1);
    assertNotEquals(real, badSignature);
    assertError(http.send("GET", "/identity/v3/projects", badSignature, null), 401, "requires authentication");

    // a member's claims rewritten to say admin, under the member's genuine signature
    String mine = member.token();
    int mineDot = mine.indexOf('.');
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode claims = (ObjectNode) mapper.readTree(Base64.getUrlDecoder().decode(mine.substring(0, mineDot)));
    ((ObjectNode) claims.path("r").get(0)).put("n", "admin");
    String escalated = Base64.getUrlEncoder().withoutPadding().encodeToString(mapper.writeValueAsBytes(claims))
        + mine.substring(mineDot);
    assertError(http.send("GET", "/identity/v3/projects", escalated, null), 401, "requires authentication");
    assertError(http.send("POST", "/identity/v3/projects", escalated, json(obj("project", obj("name", "forged")))), 401);
    assertEquals(0, countProjectsNamed("forged"));

    // the genuine tokens still work
    assertEquals(200, http.send("GET", "/identity/v3/projects", real, null).status());
    assertEquals(200, http.send("GET", "/identity/v3/projects/" + member.projectId(), mine, null).status());
    // and cannot be used as the subject of a validation either
    assertError(http.withSubject("GET", "/identity/v3/auth/tokens", real, badSignature), 404, "Could not find token");
  }

  @Test
  void garbageOrMissingTokensAre401() {
    for (String garbage : List.of("garbage", "a.b", "a.b.c", "....", "%%%.%%%", "x".repeat(5_000))) {
      assertError(http.send("GET", "/identity/v3/projects", garbage, null), 401, "requires authentication");
    }
    assertError(http.send("GET", "/identity/v3/projects", null, null), 401, "requires authentication");
    assertError(http.send("POST", "/identity/v3/projects", null, json(obj("project", obj("name", "anonymous")))), 401);
    assertError(http.send("GET", "/identity/v3/auth/catalog", null, null), 401);
    assertError(http.send("GET", "/ops/v1/audit/events", null, null), 401);
    assertError(http.send("POST", "/identity/v3/auth/tokens", null, json(obj("auth", obj("identity",
        obj("methods", List.of("token"), "token", obj("id", "garbage")))))), 401);
    assertEquals(0, countProjectsNamed("anonymous"));
  }

  @Test
  void memberCallingAdminApisIs403AndChangesNothing() {
    String t = member.token();
    String adminRole = admin.roleId("admin");
    assertError(http.send("GET", "/identity/v3/projects", t, null), 403, "not authorized");
    assertError(http.send("GET", "/identity/v3/users", t, null), 403, "not authorized");
    assertError(http.send("GET", "/identity/v3/roles", t, null), 403);
    assertError(http.send("GET", "/identity/v3/role_assignments", t, null), 403);
    assertError(http.send("POST", "/identity/v3/projects", t, json(obj("project", obj("name", "member-made")))), 403);
    assertError(http.send("POST", "/identity/v3/users", t, json(obj("user", obj("name", "member-made")))), 403);
    assertError(http.send("POST", "/identity/v3/roles", t, json(obj("role", obj("name", "member-made")))), 403);
    assertError(http.send("PATCH", "/identity/v3/projects/" + member.projectId(), t,
        json(obj("project", obj("name", "member-renamed")))), 403);
    assertError(http.send("PATCH", "/identity/v3/users/" + member.userId(), t, json(obj("user", obj("enabled", false)))), 403);
    assertError(http.send("DELETE", "/identity/v3/users/" + reader.userId(), t, null), 403);
    // self-escalation: granting oneself admin on one's own project
    assertError(http.send("PUT", "/identity/v3/projects/" + member.projectId() + "/users/" + member.userId()
        + "/roles/" + adminRole, t, null), 403);
    assertError(http.send("GET", "/identity/v3/projects/" + reader.projectId(), t, null), 403);
    assertError(http.send("GET", "/identity/v3/users/" + reader.userId(), t, null), 403);
    assertError(http.send("GET", "/ops/v1/audit/events", t, null), 403);
    assertError(http.send("POST", "/identity/v3/users/" + reader.userId() + "/password", t,
        json(obj("user", obj("original_password", reader.password(), "password", "stolen")))), 403, "own password");
    assertError(http.withSubject("DELETE", "/identity/v3/auth/tokens", t, reader.token()), 403);

    assertEquals(0, countProjectsNamed("member-made"));
    assertEquals(0, countUsersNamed("member-made"));
    assertEquals(0, countRolesNamed("member-made"));
    assertEquals(1, countProjectsNamed(member.projectName()));
    var assignments = http.send("GET", "/identity/v3/role_assignments?user.id=" + member.userId(), admin.token(), null);
    assertEquals(1, assignments.json().path("role_assignments").size(), assignments.raw().body());
    assertFalse(assignments.raw().body().contains(adminRole), "the member did not become admin");
    // the reader's token was not revoked, and the member may still read what is theirs
    assertEquals(200, http.send("GET", "/identity/v3/users/" + reader.userId(), reader.token(), null).status());
    assertEquals(200, http.send("GET", "/identity/v3/projects/" + member.projectId(), t, null).status());
  }

  @Test
  void readerTryingToWriteIs403() {
    String t = reader.token();
    assertError(http.send("POST", "/identity/v3/projects", t, json(obj("project", obj("name", "reader-made")))), 403);
    assertError(http.send("PATCH", "/identity/v3/projects/" + reader.projectId(), t,
        json(obj("project", obj("description", "reader was here")))), 403);
    assertError(http.send("DELETE", "/identity/v3/projects/" + reader.projectId(), t, null), 403);
    assertError(http.send("PUT", "/identity/v3/projects/" + reader.projectId() + "/users/" + reader.userId()
        + "/roles/" + admin.roleId("member"), t, null), 403);
    assertEquals(0, countProjectsNamed("reader-made"));
    var project = http.send("GET", "/identity/v3/projects/" + reader.projectId(), t, null);
    assertEquals(200, project.status());
    assertEquals("", project.json().path("project").path("description").asText());
  }

  @Test
  void badCredentialsAre401() {
    assertError(http.send("POST", "/identity/v3/auth/tokens", null,
        HttpClientForTests.passwordAuth("admin", "not-the-password", "admin")), 401, "requires authentication");
    assertError(http.send("POST", "/identity/v3/auth/tokens", null,
        HttpClientForTests.passwordAuth("nobody-at-all", "secret", "admin")), 401, "requires authentication");
    // the same answer for an unknown user and a wrong password: no user enumeration
    assertEquals(http.send("POST", "/identity/v3/auth/tokens", null,
            HttpClientForTests.passwordAuth("nobody-at-all", "x", null)).json().path("error").path("message"),
        http.send("POST", "/identity/v3/auth/tokens", null,
            HttpClientForTests.passwordAuth("admin", "x", null)).json().path("error").path("message"));
    assertError(http.send("POST", "/identity/v3/auth/tokens", null, json(obj("auth", obj("identity",
        obj("methods", List.of("totp"), "totp", obj()))))), 401, "totp");
    assertError(http.send("POST", "/identity/v3/auth/tokens", null, json(obj("auth", obj("identity",
        obj("methods", List.of("password"), "password", obj("user", obj("name", "admin", "password", "secret",
            "domain", obj("name", "Elsewhere")))))))), 401);
  }

  @Test
  void tokenScopedToAProjectWithoutARoleIs401() {
    String loner = admin.createUser("no-role-user", "no-role-pw", null);
    assertNotNull(loner);
    // the project exists, the user exists, but holds no role on it
    assertError(http.send("POST", "/identity/v3/auth/tokens", null,
        HttpClientForTests.passwordAuth("no-role-user", "no-role-pw", member.projectName())), 401, member.projectId());
    assertError(http.send("POST", "/identity/v3/auth/tokens", null,
        HttpClientForTests.passwordAuth("no-role-user", "no-role-pw", "no-such-project")), 401, "no-such-project");
    // rescoping an unscoped token to that project is refused the same way
    var unscoped = http.send("POST", "/identity/v3/auth/tokens", null,
        HttpClientForTests.passwordAuth("no-role-user", "no-role-pw", null));
    assertEquals(201, unscoped.status(), unscoped.raw().body());
    assertError(http.send("POST", "/identity/v3/auth/tokens", null, json(obj("auth", obj(
        "identity", obj("methods", List.of("token"), "token", obj("id", unscoped.header("X-Subject-Token"))),
        "scope", obj("project", obj("id", member.projectId())))))), 401, member.projectId());
  }

  @Test
  void unknownRouteIs404WithAnErrorBody() {
    assertError(http.send("GET", "/identity/v3/no-such-collection", admin.token(), null), 404, "/identity/v3/no-such-collection");
    assertError(http.send("GET", "/identity/v3/projects/a/b/c", admin.token(), null), 404);
    assertError(http.send("GET", "/no/such/service", null, null), 404, "/no/such/service");
  }

  @Test
  void wrongMethodIs405WithAnErrorBody() {
    assertError(http.send("PUT", "/identity/v3/projects", admin.token(), json(obj("project", obj("name", "put-made")))),
        405, "PUT");
    assertError(http.send("DELETE", "/identity/v3/projects", admin.token(), null), 405, "DELETE");
    assertError(http.send("PUT", "/identity/v3/auth/tokens", admin.token(), "{}"), 405);
    assertEquals(0, countProjectsNamed("put-made"));
  }
}
