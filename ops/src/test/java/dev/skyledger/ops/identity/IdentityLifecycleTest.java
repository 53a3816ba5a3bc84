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
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The identity API through whole lifecycles, as a client sees them: projects, users, roles and
 * role assignments from create to delete, tokens from issue to revocation, version discovery and
 * the catalog, and the audit trail that ties each request to the events it caused.
 */
@ExtendWith(SkyTestKit.class)
class IdentityLifecycleTest {
  /** How soon a revocation must reach the API (the feed polls every 100 ms). */
  static final Duration REVOCATION_BOUND = Duration.ofSeconds(1);
  static final Pattern REQUEST_ID = Pattern.compile("req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  static Cloud cloud;
  static String base;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static Database db;

  @BeforeAll
  static void start(TestEnvironment env) {
    cloud = TestClouds.start(env, "secret");
    base = cloud.config().publicUrl();
    http = new HttpClientForTests(base);
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    db = new Database(env.config().jdbcUrl(), env.config().dbUser(), env.config().dbPassword(), 2);
  }

  @AfterAll
  static void stop() {
    if (db != null) db.close();
    if (cloud != null) cloud.close();
  }

  private static HttpClientForTests.Response get(String path) {
    return http.send("GET", path, admin.token(), null);
  }

  private static HttpClientForTests.Response ok(HttpClientForTests.Response r, int status) {
    assertEquals(status, r.status(), r.raw().body());
    return r;
  }

  private static HttpClientForTests.Response issue(String user, String password, String project) {
    return http.send("POST", "/identity/v3/auth/tokens", null, HttpClientForTests.passwordAuth(user, password, project));
  }

  /** Polls a token-authenticated read until it is refused; fails unless that happens within the bound. */
  private static void assertRevokedWithin(Duration bound, Supplier<HttpClientForTests.Response> call, String what) {
    KeystoneAdmin.Polled polled = KeystoneAdmin.await(call, 401, bound);
    assertEquals(401, polled.last().status(), what + " still works after " + polled.took().toMillis() + " ms: "
        + polled.last().raw().body());
    assertEquals(401, polled.last().json().path("error").path("code").asInt());
  }

  // ---- version discovery and catalog ------------------------------------------------------------

  @Test
  void versionDiscoveryNeedsNoToken() {
    var versions = ok(http.send("GET", "/identity", null, null), 300);
    JsonNode values = versions.json().path("versions").path("values");
    assertEquals(1, values.size(), versions.raw().body());
    assertEquals("v3.14", values.get(0).path("id").asText());
    assertEquals("stable", values.get(0).path("status").asText());
    assertEquals(base + "/identity/v3/", values.get(0).path("links").get(0).path("href").asText());

    var v3 = ok(http.send("GET", "/identity/v3", null, null), 200);
    assertEquals("v3.14", v3.json().path("version").path("id").asText());
    assertEquals("self", v3.json().path("version").path("links").get(0).path("rel").asText());
    assertEquals(base + "/identity/v3/", v3.json().path("version").path("links").get(0).path("href").asText());
    assertEquals(200, http.send("GET", "/identity/v3/", null, null).status(), "a trailing slash is the same resource");
  }

  @Test
  void catalogListsIdentityWithPublicEndpoint() {
    var r = ok(get("/identity/v3/auth/catalog"), 200);
    JsonNode identity = null;
    for (JsonNode entry : r.json().path("catalog")) if (entry.path("type").asText().equals("identity")) identity = entry;
    assertNotNull(identity, r.raw().body());
    List<String> interfaces = new ArrayList<>();
    for (JsonNode endpoint : identity.path("endpoints")) {
      interfaces.add(endpoint.path("interface").asText());
      assertEquals(base + "/identity/v3", endpoint.path("url").asText());
      assertEquals("RegionOne", endpoint.path("region_id").asText());
    }
    assertTrue(interfaces.contains("public"), interfaces.toString());
  }

  // ---- projects ----------------------------------------------------------------------------------

  @Test
  void projectLifecycleWithFindByName() {
    var created = ok(http.send("POST", "/identity/v3/projects", admin.token(),
        json(obj("project", obj("name", "lc-project", "description", "first", "tags", List.of("a", "b"))))), 201);
    JsonNode p = created.json().path("project");
    String id = p.path("id").asText();
    assertEquals("lc-project", p.path("name").asText());
    assertEquals("default", p.path("domain_id").asText());
    assertTrue(p.path("enabled").asBoolean());
    assertEquals(2, p.path("tags").size());
    assertEquals(base + "/identity/v3/projects/" + id, p.path("links").path("self").asText());

    assertEquals("first", ok(get("/identity/v3/projects/" + id), 200).json().path("project").path("description").asText());
    // find by name, as every client does: a name is not an id, then an exact ?name= match
    assertEquals(404, get("/identity/v3/projects/lc-project").status());
    admin.projectId("lc-project-2");
    JsonNode byName = ok(get("/identity/v3/projects?name=lc-project"), 200).json().path("projects");
    assertEquals(1, byName.size(), byName.toString());
    assertEquals(id, byName.get(0).path("id").asText());

    var renamed = ok(http.send("PATCH", "/identity/v3/projects/" + id, admin.token(),
        json(obj("project", obj("name", "lc-project-renamed")))), 200);
    assertEquals("lc-project-renamed", renamed.json().path("project").path("name").asText());
    assertEquals("first", renamed.json().path("project").path("description").asText(), "untouched fields stay");
    assertEquals(0, get("/identity/v3/projects?name=lc-project").json().path("projects").size());
    assertEquals(1, get("/identity/v3/projects?name=lc-project-renamed").json().path("projects").size());

    var disabled = ok(http.send("PATCH", "/identity/v3/projects/" + id, admin.token(),
        json(obj("project", obj("enabled", false)))), 200);
    assertFalse(disabled.json().path("project").path("enabled").asBoolean());
    assertFalse(get("/identity/v3/projects/" + id).json().path("project").path("enabled").asBoolean());
    JsonNode disabledList = get("/identity/v3/projects?enabled=false").json().path("projects");
    assertEquals(1, disabledList.size(), disabledList.toString());
    assertEquals(id, disabledList.get(0).path("id").asText());
    // a project's old name is free again
    admin.projectId("lc-project");

    ok(http.send("DELETE", "/identity/v3/projects/" + id, admin.token(), null), 204);
    assertEquals(404, get("/identity/v3/projects/" + id).status());
    assertEquals(0, get("/identity/v3/projects?name=lc-project-renamed").json().path("projects").size());
    assertEquals(404, http.send("DELETE", "/identity/v3/projects/" + id, admin.token(), null).status());
  }

  @Test
  void disabledProjectRefusesTokensAndItsTokensStopWorking() {
    KeystoneAdmin.Scoped m = admin.userWithRole("lc-disable-project", "member");
    String path = "/identity/v3/projects/" + m.projectId();
    assertEquals(200, http.send("GET", path, m.token(), null).status());
    ok(http.send("PATCH", path, admin.token(), json(obj("project", obj("enabled", false)))), 200);
    assertRevokedWithin(REVOCATION_BOUND, () -> http.send("GET", path, m.token(), null), "a token of a disabled project");
    var refused = issue(m.userName(), m.password(), m.projectName());
    assertEquals(401, refused.status(), refused.raw().body());
    assertTrue(refused.json().path("error").path("message").asText().contains("disabled"));
  }

  @Test
  void deletedProjectsTokensStopWorking() {
    KeystoneAdmin.Scoped m = admin.userWithRole("lc-delete-project", "member");
    String path = "/identity/v3/users/" + m.userId();
    assertEquals(200, http.send("GET", path, m.token(), null).status());
    ok(http.send("DELETE", "/identity/v3/projects/" + m.projectId(), admin.token(), null), 204);
    assertRevokedWithin(REVOCATION_BOUND, () -> http.send("GET", path, m.token(), null), "a token of a deleted project");
    assertEquals(0, get("/identity/v3/role_assignments?user.id=" + m.userId()).json().path("role_assignments").size(),
        "deleting a project removes its role assignments");
  }

  // ---- users ---------------------------------------------------------------------------------------

  @Test
  void userLifecycle() {
    String project = admin.projectId("lc-user-home");
    var created = ok(http.send("POST", "/identity/v3/users", admin.token(), json(obj("user", obj(
        "name", "lc-user", "password", "lc-pw", "email", "lc@example.org", "default_project_id", project)))), 201);
    JsonNode u = created.json().path("user");
    String id = u.path("id").asText();
    assertEquals("lc-user", u.path("name").asText());
    assertEquals("default", u.path("domain_id").asText());
    assertTrue(u.path("enabled").asBoolean(), "enabled by default");
    assertEquals(project, u.path("default_project_id").asText());
    assertFalse(created.raw().body().toLowerCase().contains("password\":\""), "no password in " + created.raw().body());
    assertFalse(created.raw().body().contains("pbkdf2"), "no hash in " + created.raw().body());

    JsonNode shown = ok(get("/identity/v3/users/" + id), 200).json().path("user");
    assertEquals("lc@example.org", shown.path("email").asText());
    assertEquals(404, get("/identity/v3/users/lc-user").status());
    JsonNode byName = get("/identity/v3/users?name=lc-user").json().path("users");
    assertEquals(1, byName.size());
    assertEquals(id, byName.get(0).path("id").asText());

    var updated = ok(http.send("PATCH", "/identity/v3/users/" + id, admin.token(),
        json(obj("user", obj("name", "lc-user-renamed", "email", "new@example.org")))), 200);
    assertEquals("lc-user-renamed", updated.json().path("user").path("name").asText());
    assertEquals("new@example.org", get("/identity/v3/users/" + id).json().path("user").path("email").asText());
    assertEquals(project, updated.json().path("user").path("default_project_id").asText());
    assertEquals(0, get("/identity/v3/users?name=lc-user").json().path("users").size());
    assertEquals(401, issue("lc-user", "lc-pw", null).status(), "the old name no longer signs in");
    assertEquals(201, issue("lc-user-renamed", "lc-pw", null).status(), "the new name does, with the same password");

    ok(http.send("DELETE", "/identity/v3/users/" + id, admin.token(), null), 204);
    assertEquals(404, get("/identity/v3/users/" + id).status());
    assertEquals(0, get("/identity/v3/users?name=lc-user-renamed").json().path("users").size());
    assertEquals(401, issue("lc-user-renamed", "lc-pw", null).status());
  }

  @Test
  void userChangesOwnPassword() {
    KeystoneAdmin.Scoped m = admin.userWithRole("lc-password", "member");
    String newPassword = "brand-new-Pa55";
    ok(http.send("POST", "/identity/v3/users/" + m.userId() + "/password", m.token(),
        json(obj("user", obj("original_password", m.password(), "password", newPassword)))), 204);
    var old = issue(m.userName(), m.password(), m.projectName());
    assertEquals(401, old.status(), "the old password must fail: " + old.raw().body());
    var fresh = ok(issue(m.userName(), newPassword, m.projectName()), 201);
    assertEquals(m.projectId(), fresh.json().path("token").path("project").path("id").asText());
    // the tokens issued before the change stop working (Keystone revokes them), the new one works
    assertRevokedWithin(REVOCATION_BOUND, () -> http.send("GET", "/identity/v3/users/" + m.userId(), m.token(), null),
        "a token issued before a password change");
    assertEquals(200, http.send("GET", "/identity/v3/users/" + m.userId(), fresh.header("X-Subject-Token"), null).status());

    // the original password must be proven
    var wrong = http.send("POST", "/identity/v3/users/" + m.userId() + "/password", fresh.header("X-Subject-Token"),
        json(obj("user", obj("original_password", "guess", "password", "another"))));
    assertEquals(401, wrong.status(), wrong.raw().body());
    assertEquals(201, issue(m.userName(), newPassword, m.projectName()).status());
  }

  @Test
  void disablingAUserRevokesTheirTokensWithinASecond() {
    KeystoneAdmin.Scoped m = admin.userWithRole("lc-disable-user", "member");
    String path = "/identity/v3/users/" + m.userId();
    assertEquals(200, http.send("GET", path, m.token(), null).status());
    ok(http.send("PATCH", path, admin.token(), json(obj("user", obj("enabled", false)))), 200);
    assertRevokedWithin(REVOCATION_BOUND, () -> http.send("GET", path, m.token(), null), "a disabled user's token");
    assertEquals(401, issue(m.userName(), m.password(), m.projectName()).status(), "a disabled user cannot sign in");

    ok(http.send("PATCH", path, admin.token(), json(obj("user", obj("enabled", true)))), 200);
    String again = http.token(m.userName(), m.password(), m.projectName());
    assertEquals(200, http.send("GET", path, again, null).status(), "re-enabled: new tokens work");
    assertEquals(401, http.send("GET", path, m.token(), null).status(), "the old token stays revoked");
  }

  @Test
  void deletingAUserRevokesTheirTokens() {
    KeystoneAdmin.Scoped m = admin.userWithRole("lc-delete-user", "member");
    String path = "/identity/v3/projects/" + m.projectId();
    assertEquals(200, http.send("GET", path, m.token(), null).status());
    ok(http.send("DELETE", "/identity/v3/users/" + m.userId(), admin.token(), null), 204);
    assertRevokedWithin(REVOCATION_BOUND, () -> http.send("GET", path, m.token(), null), "a deleted user's token");
    assertEquals(0, get("/identity/v3/role_assignments?scope.project.id=" + m.projectId())
        .json().path("role_assignments").size(), "deleting a user removes their role assignments");
  }

  // ---- roles and role assignments ----------------------------------------------------------------

  @Test
  void roleLifecycle() {
    var created = ok(http.send("POST", "/identity/v3/roles", admin.token(),
        json(obj("role", obj("name", "lc-role", "description", "for tests")))), 201);
    String id = created.json().path("role").path("id").asText();
    assertEquals("lc-role", created.json().path("role").path("name").asText());
    assertEquals("for tests", ok(get("/identity/v3/roles/" + id), 200).json().path("role").path("description").asText());
    JsonNode all = ok(get("/identity/v3/roles"), 200).json().path("roles");
    List<String> names = new ArrayList<>();
    all.forEach(r -> names.add(r.path("name").asText()));
    assertTrue(names.containsAll(List.of("admin", "member", "reader", "lc-role")), names.toString());
    assertEquals(1, get("/identity/v3/roles?name=lc-role").json().path("roles").size());

    // a role in use: deleting it removes its assignments and revokes tokens carrying it
    KeystoneAdmin.Scoped m = admin.userWithRole("lc-role-holder", "member");
    admin.grant(m.projectId(), m.userId(), id);
    String token = http.token(m.userName(), m.password(), m.projectName());
    var tokenBody = http.withSubject("GET", "/identity/v3/auth/tokens", admin.token(), token);
    assertTrue(tokenBody.raw().body().contains("lc-role"), tokenBody.raw().body());

    ok(http.send("DELETE", "/identity/v3/roles/" + id, admin.token(), null), 204);
    assertEquals(404, get("/identity/v3/roles/" + id).status());
    assertEquals(0, get("/identity/v3/roles?name=lc-role").json().path("roles").size());
    assertEquals(0, get("/identity/v3/role_assignments?role.id=" + id).json().path("role_assignments").size());
    assertRevokedWithin(REVOCATION_BOUND, () -> http.send("GET", "/identity/v3/users/" + m.userId(), token, null),
        "a token carrying a deleted role");
    assertEquals(200, http.send("GET", "/identity/v3/users/" + m.userId(),
        http.token(m.userName(), m.password(), m.projectName()), null).status(), "the member role still signs in");
  }

  @Test
  void roleAssignmentsGrantCheckListRevoke() {
    String project = admin.projectId("lc-assign-project");
    String user = admin.createUser("lc-assign-user", "lc-assign-pw", null);
    String member = admin.roleId("member");
    String reader = admin.roleId("reader");
    String assignment = "/identity/v3/projects/" + project + "/users/" + user + "/roles/";

    assertEquals(404, http.send("HEAD", assignment + member, admin.token(), null).status());
    ok(http.send("PUT", assignment + member, admin.token(), null), 204);
    ok(http.send("PUT", assignment + member, admin.token(), null), 204); // granting twice is harmless
    ok(http.send("PUT", assignment + reader, admin.token(), null), 204);
    var head = ok(http.send("HEAD", assignment + member, admin.token(), null), 204);
    assertNotNull(head.header("x-openstack-request-id"));

    JsonNode onProject = ok(get("/identity/v3/projects/" + project + "/users/" + user + "/roles"), 200).json().path("roles");
    assertEquals(2, onProject.size(), onProject.toString());

    JsonNode plain = ok(get("/identity/v3/role_assignments?user.id=" + user + "&scope.project.id=" + project), 200)
        .json().path("role_assignments");
    assertEquals(2, plain.size(), plain.toString());
    for (JsonNode a : plain) {
      assertEquals(user, a.path("user").path("id").asText());
      assertEquals(project, a.path("scope").path("project").path("id").asText());
      assertTrue(a.path("user").path("name").isMissingNode(), "names only when asked: " + a);
    }
    JsonNode named = get("/identity/v3/role_assignments?user.id=" + user + "&scope.project.id=" + project
        + "&include_names=true").json().path("role_assignments");
    List<String> roleNames = new ArrayList<>();
    for (JsonNode a : named) {
      roleNames.add(a.path("role").path("name").asText());
      assertEquals("lc-assign-user", a.path("user").path("name").asText());
      assertEquals("lc-assign-project", a.path("scope").path("project").path("name").asText());
      assertEquals("Default", a.path("scope").path("project").path("domain").path("name").asText());
    }
    assertEquals(List.of("member", "reader"), roleNames.stream().sorted().toList());
    // the filters filter: another user on another project is not listed
    admin.userWithRole("lc-assign-other", "member");
    assertEquals(2, get("/identity/v3/role_assignments?user.id=" + user).json().path("role_assignments").size());
    assertEquals(2, get("/identity/v3/role_assignments?scope.project.id=" + project).json().path("role_assignments").size());

    String token = http.token("lc-assign-user", "lc-assign-pw", "lc-assign-project");
    ok(http.send("DELETE", assignment + reader, admin.token(), null), 204);
    assertEquals(404, http.send("HEAD", assignment + reader, admin.token(), null).status());
    assertEquals(204, http.send("HEAD", assignment + member, admin.token(), null).status());
    assertEquals(1, get("/identity/v3/role_assignments?user.id=" + user).json().path("role_assignments").size());
    // the token scoped with the removed assignment stops working
    assertRevokedWithin(REVOCATION_BOUND, () -> http.send("GET", "/identity/v3/projects/" + project, token, null),
        "a token scoped with a removed role assignment");
    ok(http.send("DELETE", assignment + member, admin.token(), null), 204);
    assertEquals(0, get("/identity/v3/role_assignments?user.id=" + user).json().path("role_assignments").size());
    assertEquals(401, issue("lc-assign-user", "lc-assign-pw", "lc-assign-project").status(), "no role, no scoped token");
  }

  // ---- tokens ------------------------------------------------------------------------------------

  @Test
  void unscopedTokenThenRescopedWithTheTokenMethod() {
    String project = admin.projectId("lc-rescope-project");
    String user = admin.createUser("lc-rescope-user", "lc-rescope-pw", null);
    admin.grant(project, user, admin.roleId("member"));

    var unscoped = ok(issue("lc-rescope-user", "lc-rescope-pw", null), 201);
    JsonNode t = unscoped.json().path("token");
    String unscopedToken = unscoped.header("X-Subject-Token");
    assertNotNull(unscopedToken);
    assertEquals(user, t.path("user").path("id").asText());
    assertEquals(List.of("password"), names(t.path("methods")));
    assertTrue(t.path("project").isMissingNode(), "unscoped: no project " + t);
    assertTrue(t.path("catalog").isMissingNode(), "unscoped: no catalog " + t);
    assertTrue(t.path("roles").isMissingNode(), "unscoped: no roles " + t);
    assertTrue(Pattern.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z", t.path("expires_at").asText()),
        t.path("expires_at").asText());

    // an unscoped token can list the projects it may scope to, but is no admin
    JsonNode mine = ok(http.send("GET", "/identity/v3/auth/projects", unscopedToken, null), 200).json().path("projects");
    assertEquals(1, mine.size());
    assertEquals(project, mine.get(0).path("id").asText());
    assertEquals(403, http.send("GET", "/identity/v3/projects", unscopedToken, null).status());

    var rescoped = ok(http.send("POST", "/identity/v3/auth/tokens", null, json(obj("auth", obj(
        "identity", obj("methods", List.of("token"), "token", obj("id", unscopedToken)),
        "scope", obj("project", obj("name", "lc-rescope-project", "domain", obj("name", "Default"))))))), 201);
    JsonNode s = rescoped.json().path("token");
    String scopedToken = rescoped.header("X-Subject-Token");
    assertNotEquals(unscopedToken, scopedToken);
    assertEquals(project, s.path("project").path("id").asText());
    assertEquals(List.of("member"), s.path("roles").findValuesAsText("name"));
    assertTrue(names(s.path("methods")).contains("token"), s.path("methods").toString());
    assertFalse(s.path("catalog").isEmpty(), "scoped: a catalog " + s);
    assertEquals(t.path("expires_at").asText(), s.path("expires_at").asText(), "rescoping does not extend the life");
    assertEquals(200, http.send("GET", "/identity/v3/projects/" + project, scopedToken, null).status());
  }

  private static List<String> names(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void validateAndRevokeATokenThroughTheApi() {
    KeystoneAdmin.Scoped m = admin.userWithRole("lc-validate", "member");
    var issued = ok(issue(m.userName(), m.password(), m.projectName()), 201);
    var validated = ok(http.withSubject("GET", "/identity/v3/auth/tokens", admin.token(),
        issued.header("X-Subject-Token")), 200);
    for (String field : List.of("expires_at", "issued_at")) {
      assertEquals(issued.json().path("token").path(field).asText(), validated.json().path("token").path(field).asText(),
          field + ": the issue response and the token itself must agree");
    }

    var valid = ok(http.withSubject("GET", "/identity/v3/auth/tokens", admin.token(), m.token()), 200);
    assertEquals(m.token(), valid.header("X-Subject-Token"));
    assertEquals(m.userName(), valid.json().path("token").path("user").path("name").asText());
    assertEquals(m.projectId(), valid.json().path("token").path("project").path("id").asText());
    ok(http.withSubject("HEAD", "/identity/v3/auth/tokens", admin.token(), m.token()), 200);
    // a user may validate their own token
    ok(http.withSubject("GET", "/identity/v3/auth/tokens", m.token(), m.token()), 200);

    // a second token of the same user is not affected by revoking the first
    String other = http.token(m.userName(), m.password(), m.projectName());
    ok(http.withSubject("DELETE", "/identity/v3/auth/tokens", m.token(), m.token()), 204);
    var gone = http.withSubject("GET", "/identity/v3/auth/tokens", admin.token(), m.token());
    assertEquals(404, gone.status(), "a revoked token validates as not found: " + gone.raw().body());
    assertEquals(404, gone.json().path("error").path("code").asInt());
    assertEquals(401, http.send("GET", "/identity/v3/users/" + m.userId(), m.token(), null).status(),
        "a revoked token no longer authenticates, right after the revocation was acknowledged");
    assertEquals(200, http.send("GET", "/identity/v3/users/" + m.userId(), other, null).status());
    assertEquals(404, http.withSubject("DELETE", "/identity/v3/auth/tokens", admin.token(), m.token()).status(),
        "revoking twice: the token is not found");
  }

  // ---- request ids and the audit trail ------------------------------------------------------------

  /** The audit trail is projected asynchronously: polls until the query returns at least {@code atLeast} events. */
  private static JsonNode audit(String query, int atLeast) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      var r = ok(get("/ops/v1/audit/events?" + query), 200);
      JsonNode events = r.json().path("events");
      if (events.size() >= atLeast || System.nanoTime() > deadline) return events;
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return events;
      }
    }
  }

  private static List<String> types(JsonNode events) {
    List<String> types = new ArrayList<>();
    events.forEach(e -> types.add(e.path("type").asText()));
    return types;
  }

  @Test
  void everyResponseCarriesARequestIdThatLeadsToItsEvents() {
    var created = ok(http.send("POST", "/identity/v3/projects", admin.token(),
        json(obj("project", obj("name", "lc-audited")))), 201);
    String requestId = created.header("x-openstack-request-id");
    assertNotNull(requestId);
    assertTrue(REQUEST_ID.matcher(requestId).matches(), requestId);
    String projectId = created.json().path("project").path("id").asText();

    // the request's identity event; the new project's default security group, made because of it,
    // carries the same request id and may already be there too
    JsonNode events = audit("request_id=" + query(requestId), 1);
    List<JsonNode> identity = new ArrayList<>();
    events.forEach(event -> {
      if (event.path("topic").asText().endsWith("identity.events")) identity.add(event);
    });
    assertEquals(1, identity.size(), events.toString());
    JsonNode e = identity.get(0);
    assertEquals("ProjectCreated", e.path("type").asText());
    assertEquals(requestId, e.path("request_id").asText());
    assertEquals(projectId, e.path("resource_id").asText());
    assertEquals("admin", e.path("actor").path("user_name").asText());
    assertTrue(names(e.path("actor").path("roles")).contains("admin"));
    assertEquals("lc-audited", e.path("payload").path("name").asText());

    // error responses and reads carry one too, each its own
    var missing = get("/identity/v3/projects/nope");
    var read = get("/identity/v3/projects/" + projectId);
    var unauthenticated = http.send("GET", "/identity/v3/projects", null, null);
    List<String> ids = new ArrayList<>();
    for (var r : List.of(missing, read, unauthenticated, created)) {
      String id = r.header("x-openstack-request-id");
      assertNotNull(id, r.raw().uri().toString());
      assertTrue(REQUEST_ID.matcher(id).matches(), id);
      ids.add(id);
    }
    assertEquals(ids.size(), ids.stream().distinct().count(), ids.toString());
    assertEquals(0, get("/ops/v1/audit/events?request_id=" + query(read.header("x-openstack-request-id")))
        .json().path("events").size(), "a read causes no event");
  }

  @Test
  void auditFiltersByResourceAndByUser() {
    KeystoneAdmin.Scoped m = admin.userWithRole("lc-audit-actor", "member");
    ok(http.send("PATCH", "/identity/v3/projects/" + m.projectId(), admin.token(),
        json(obj("project", obj("description", "audited update")))), 200);

    JsonNode byResource = audit("resource=" + m.projectId(), 2);
    for (JsonNode e : byResource) assertEquals(m.projectId(), e.path("resource_id").asText());
    assertEquals(List.of("ProjectCreated", "ProjectUpdated"), types(byResource));

    // the member acts: changes their password, then revokes their new token
    String newPassword = "audited-Pa55";
    var change = ok(http.send("POST", "/identity/v3/users/" + m.userId() + "/password", m.token(),
        json(obj("user", obj("original_password", m.password(), "password", newPassword)))), 204);
    String fresh = http.token(m.userName(), newPassword, m.projectName());
    var revoke = ok(http.withSubject("DELETE", "/identity/v3/auth/tokens", fresh, fresh), 204);

    for (String who : List.of(m.userName(), m.userId())) {
      JsonNode mine = audit("user=" + query(who), 2);
      assertEquals(2, mine.size(), mine.toString());
      assertEquals(List.of("UserPasswordChanged", "TokenRevoked"), types(mine));
      for (JsonNode e : mine) {
        assertEquals(m.userId(), e.path("actor").path("user_id").asText());
        assertEquals(m.userName(), e.path("actor").path("user_name").asText());
      }
      assertEquals(change.header("x-openstack-request-id"), mine.get(0).path("request_id").asText());
      assertEquals(revoke.header("x-openstack-request-id"), mine.get(1).path("request_id").asText());
    }
    // the admin's events are not the member's
    for (JsonNode e : audit("user=admin", 1)) assertEquals("admin", e.path("actor").path("user_name").asText());
    assertEquals(1, get("/ops/v1/audit/events?user=admin&limit=1").json().path("events").size());
  }

  @Test
  void auditIsForAdministratorsOnly() {
    KeystoneAdmin.Scoped m = admin.userWithRole("lc-audit-denied", "member");
    var denied = http.send("GET", "/ops/v1/audit/events?user=" + m.userName(), m.token(), null);
    assertEquals(403, denied.status(), denied.raw().body());
    assertEquals(403, denied.json().path("error").path("code").asInt());
    assertFalse(denied.raw().body().contains("events"));
    assertEquals(401, http.send("GET", "/ops/v1/audit/events", null, null).status());
  }

  @Test
  void passwordHashesNeverReachTheAuditTrail() {
    KeystoneAdmin.Scoped m = admin.userWithRole("lc-audit-secret", "member");
    ok(http.send("PATCH", "/identity/v3/users/" + m.userId(), admin.token(),
        json(obj("user", obj("password", "reset-by-admin")))), 200);
    ok(http.send("POST", "/identity/v3/users/" + m.userId() + "/password",
        http.token(m.userName(), "reset-by-admin", m.projectName()),
        json(obj("user", obj("original_password", "reset-by-admin", "password", "chosen-by-user")))), 204);
    String hash = storedPasswordHash(m.userId());
    assertTrue(hash.startsWith("pbkdf2"), hash);

    // created, assigned the member role, updated, password set by the admin, password changed by the user
    JsonNode events = audit("resource=" + m.userId(), 5);
    assertEquals(List.of("UserCreated", "RoleAssigned", "UserUpdated", "UserPasswordChanged", "UserPasswordChanged"),
        types(events));
    int redacted = 0;
    for (JsonNode e : events) {
      if (e.path("payload").has("passwordHash")) {
        assertEquals("***", e.path("payload").path("passwordHash").asText(), e.toString());
        redacted++;
      }
    }
    assertEquals(3, redacted, "created, reset by the admin, changed by the user: " + events);
    String everything = get("/ops/v1/audit/events?limit=1000").raw().body();
    assertFalse(everything.contains("pbkdf2"), "a password hash in the audit trail");
    assertFalse(everything.contains(hash.substring(hash.lastIndexOf('$') + 1)));
    assertFalse(everything.contains("chosen-by-user") || everything.contains("reset-by-admin"), "a password in the audit trail");
  }

  private static String storedPasswordHash(String userId) {
    return db.read(c -> {
      String schema;
      try (PreparedStatement s = c.prepareStatement("SELECT active_schema FROM skyledger.projections WHERE name = 'identity'");
           ResultSet r = s.executeQuery()) {
        r.next();
        schema = r.getString(1);
      }
      try (PreparedStatement s = c.prepareStatement("SELECT password_hash FROM \"" + schema + "\".users WHERE id = ?")) {
        s.setString(1, userId);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getString(1);
        }
      }
    });
  }
}
