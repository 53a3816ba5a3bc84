package dev.skyledger.ops.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.OpenstackCli;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The acceptance test: the real {@code openstack} command-line client (Debian's
 * python3-openstackclient) against the whole cloud, as a tenant and an admin would use it.
 */
@ExtendWith(SkyTestKit.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenstackCliAcceptanceTest {
  private static Cloud cloud;
  private static OpenstackCli cli;
  private static String authUrl;

  @BeforeAll
  static void start(TestEnvironment env) {
    assertTrue(OpenstackCli.installed(), "the openstack CLI is not installed: apt-get install python3-openstackclient (.ci/run does)");
    cloud = TestClouds.start(env, "admin-secret");
    authUrl = cloud.config().publicUrl() + "/identity/v3";
    cli = new OpenstackCli(authUrl);
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  private static OpenstackCli.Result as(String user, String password, String project, String... args) {
    return cli.as(user, password, project, args);
  }

  private static OpenstackCli.Result admin(String... args) {
    return cli.as("admin", "admin-secret", "admin", args);
  }

  private static OpenstackCli.Result run(Map<String, String> osEnv, String... args) {
    return cli.run(osEnv, args);
  }

  private static OpenstackCli.Result ok(OpenstackCli.Result r) {
    return OpenstackCli.ok(r);
  }

  private static boolean anyMatches(JsonNode rows, String field, String value) {
    return OpenstackCli.anyMatches(rows, field, value);
  }

  @Test
  @Order(1)
  void tokenIssueAndCatalog() {
    JsonNode token = ok(admin("token", "issue", "-f", "json")).json();
    assertFalse(token.path("id").asText().isEmpty());
    assertFalse(token.path("project_id").asText().isEmpty());
    assertFalse(token.path("user_id").asText().isEmpty());

    JsonNode catalog = ok(admin("catalog", "list", "-f", "json")).json();
    assertTrue(anyMatches(catalog, "Type", "identity"), catalog.toString());
    assertTrue(catalog.toString().contains(authUrl), catalog.toString());
  }

  @Test
  @Order(2)
  void projectsUsersAndRoles() {
    JsonNode project = ok(admin("project", "create", "--description", "acceptance", "demo-cli", "-f", "json")).json();
    assertEquals("demo-cli", project.path("name").asText());
    assertTrue(anyMatches(ok(admin("project", "list", "-f", "json")).json(), "Name", "demo-cli"));
    JsonNode shown = ok(admin("project", "show", "demo-cli", "-f", "json")).json();
    assertEquals(project.path("id").asText(), shown.path("id").asText());
    assertEquals("acceptance", shown.path("description").asText());

    JsonNode user = ok(admin("user", "create", "--password", "alice-pw", "alice-cli", "-f", "json")).json();
    assertEquals("alice-cli", user.path("name").asText());
    assertTrue(anyMatches(ok(admin("user", "list", "-f", "json")).json(), "Name", "alice-cli"));

    ok(admin("role", "add", "--project", "demo-cli", "--user", "alice-cli", "member"));
    JsonNode assignments = ok(admin("role", "assignment", "list", "--names", "-f", "json")).json();
    boolean found = false;
    for (JsonNode a : assignments) {
      found |= a.path("Role").asText().equals("member") && a.path("User").asText().equals("alice-cli@Default")
          && a.path("Project").asText().equals("demo-cli@Default");
    }
    assertTrue(found, assignments.toString());

    ok(admin("role", "create", "auditor-cli"));
    ok(admin("role", "set", "--name", "inspector-cli", "auditor-cli"));
    assertTrue(anyMatches(ok(admin("role", "list", "-f", "json")).json(), "Name", "inspector-cli"));
    assertFalse(anyMatches(ok(admin("role", "list", "-f", "json")).json(), "Name", "auditor-cli"));
    ok(admin("role", "delete", "inspector-cli"));

    JsonNode aliceToken = ok(as("alice-cli", "alice-pw", "demo-cli", "token", "issue", "-f", "json")).json();
    assertEquals(project.path("id").asText(), aliceToken.path("project_id").asText());
  }

  @Test
  @Order(3)
  void memberCallingAnAdminApiIsForbidden() {
    OpenstackCli.Result r = as("alice-cli", "alice-pw", "demo-cli", "user", "list");
    assertNotEquals(0, r.rc());
    assertTrue(r.err().contains("HTTP 403"), r.err());
  }

  @Test
  @Order(4)
  void wrongPasswordIsUnauthorized() {
    OpenstackCli.Result r = as("admin", "not-the-password", "admin", "token", "issue");
    assertNotEquals(0, r.rc());
    assertTrue(r.err().contains("HTTP 401"), r.err());
  }

  @Test
  @Order(5)
  void revokedTokenGets401() {
    String token = ok(admin("token", "issue", "-f", "value", "-c", "id")).out().strip();
    Map<String, String> withToken = Map.of("OS_AUTH_URL", authUrl, "OS_AUTH_TYPE", "token", "OS_TOKEN", token,
        "OS_IDENTITY_API_VERSION", "3", "OS_PROJECT_NAME", "admin", "OS_PROJECT_DOMAIN_NAME", "Default");
    ok(run(withToken, "project", "list"));
    ok(admin("token", "revoke", token));
    OpenstackCli.Result r = run(withToken, "project", "list");
    assertNotEquals(0, r.rc());
    assertTrue(r.err().contains("HTTP 401"), r.err());
  }

  @Test
  @Order(6)
  void disabledUserGets401() {
    ok(admin("user", "set", "--disable", "alice-cli"));
    OpenstackCli.Result r = as("alice-cli", "alice-pw", "demo-cli", "token", "issue");
    assertNotEquals(0, r.rc());
    assertTrue(r.err().contains("HTTP 401"), r.err());
    ok(admin("user", "set", "--enable", "alice-cli"));
    ok(as("alice-cli", "alice-pw", "demo-cli", "token", "issue"));
  }

  @Test
  @Order(7)
  void deleteUserAndProject() {
    ok(admin("role", "remove", "--project", "demo-cli", "--user", "alice-cli", "member"));
    ok(admin("user", "delete", "alice-cli"));
    ok(admin("project", "delete", "demo-cli"));
    assertFalse(anyMatches(ok(admin("project", "list", "-f", "json")).json(), "Name", "demo-cli"));
    assertFalse(anyMatches(ok(admin("user", "list", "-f", "json")).json(), "Name", "alice-cli"));
    OpenstackCli.Result gone = admin("project", "show", "demo-cli");
    assertNotEquals(0, gone.rc());
  }
}
