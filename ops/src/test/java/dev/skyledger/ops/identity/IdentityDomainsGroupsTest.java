package dev.skyledger.ops.identity;

import static dev.skyledger.ops.KeystoneAdmin.json;
import static dev.skyledger.ops.KeystoneAdmin.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Domains, groups, nested projects and grants through the Keystone v3 API as an operator uses
 * them: a domain with its own users and projects, a group whose role reaches its members' tokens,
 * a role inherited from a domain by its projects, one role implying another, domain- and
 * system-scoped tokens, and a domain deleted with everything in it.
 */
@ExtendWith(SkyTestKit.class)
class IdentityDomainsGroupsTest {
  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;

  @BeforeAll
  static void start(TestEnvironment env) {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  private static HttpClientForTests.Response call(String method, String path, Object body) {
    return http.send(method, "/identity/v3" + path, admin.token(), body == null ? null : json(body));
  }

  private static JsonNode ok(HttpClientForTests.Response r, int status) {
    assertEquals(status, r.status(), r.raw().body());
    return r.json();
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String create(String kind, Map<String, Object> body) {
    return ok(call("POST", "/" + kind + "s", obj(kind, body)), 201).path(kind).path("id").asText();
  }

  private static String token(String userId, String password, Map<String, Object> scope) {
    Map<String, Object> auth = new java.util.LinkedHashMap<>();
    auth.put("identity", obj("methods", List.of("password"), "password",
        obj("user", obj("id", userId, "password", password))));
    if (scope != null) auth.put("scope", scope);
    HttpClientForTests.Response r = http.send("POST", "/identity/v3/auth/tokens", null, json(obj("auth", auth)));
    return r.status() == 201 ? r.header("X-Subject-Token") : "status " + r.status();
  }

  private static List<String> roleNames(String token) {
    JsonNode body = ok(http.withSubject("GET", "/identity/v3/auth/tokens", admin.token(), token), 200);
    List<String> names = new ArrayList<>();
    body.path("token").path("roles").forEach(r -> names.add(r.path("name").asText()));
    return names;
  }

  @Test
  void aDomainHoldsItsOwnUsersAndProjectsAndTheirNamesMayRepeatThoseOfOtherDomains() {
    String domainName = unique("acme");
    String domain = create("domain", obj("name", domainName, "description", "Acme Corp"));
    JsonNode shown = ok(call("GET", "/domains/" + domain, null), 200).path("domain");
    assertEquals(domainName, shown.path("name").asText());
    assertTrue(shown.path("enabled").asBoolean());

    String project = create("project", obj("name", "demo", "domain_id", domain));
    String user = create("user", obj("name", "admin", "domain_id", domain, "password", "pw-acme"));
    assertEquals(domain, ok(call("GET", "/users/" + user, null), 200).path("user").path("domain_id").asText());
    assertEquals(409, call("POST", "/domains", obj("domain", obj("name", domainName))).status());
    assertEquals(404, call("POST", "/projects", obj("project", obj("name", "x", "domain_id", "no-such-domain"))).status());

    String member = admin.roleId("member");
    ok(call("PUT", "/projects/" + project + "/users/" + user + "/roles/" + member, null), 204);
    // a token by names: the user and the project found in their own domain
    Map<String, Object> auth = obj("identity", obj("methods", List.of("password"), "password", obj("user",
        obj("name", "admin", "domain", obj("name", domainName), "password", "pw-acme"))),
        "scope", obj("project", obj("name", "demo", "domain", obj("name", domainName))));
    HttpClientForTests.Response issued = http.send("POST", "/identity/v3/auth/tokens", null, json(obj("auth", auth)));
    assertEquals(201, issued.status(), issued.raw().body());
    JsonNode token = issued.json().path("token");
    assertEquals(project, token.path("project").path("id").asText());
    assertEquals(domainName, token.path("project").path("domain").path("name").asText());
    assertEquals(domainName, token.path("user").path("domain").path("name").asText());

    // disabled, the domain lets no one in
    ok(call("PATCH", "/domains/" + domain, obj("domain", obj("enabled", false))), 200);
    assertEquals("status 401", token(user, "pw-acme", obj("project", obj("id", project))));
  }

  @Test
  void deletingADomainNeedsItDisabledAndTakesItsProjectsUsersAndGroupsWithIt() {
    String domain = create("domain", obj("name", unique("gone")));
    String project = create("project", obj("name", "p", "domain_id", domain));
    String user = create("user", obj("name", "u", "domain_id", domain));
    String group = create("group", obj("name", "g", "domain_id", domain));
    ok(call("PUT", "/groups/" + group + "/users/" + user, null), 204);

    assertEquals(403, call("DELETE", "/domains/" + domain, null).status(), "an enabled domain is not deleted");
    ok(call("PATCH", "/domains/" + domain, obj("domain", obj("enabled", false))), 200);
    ok(call("DELETE", "/domains/" + domain, null), 204);

    for (String path : List.of("/domains/" + domain, "/projects/" + project, "/users/" + user, "/groups/" + group)) {
      assertEquals(404, call("GET", path, null).status(), path + " should be gone");
    }
    assertEquals(403, call("DELETE", "/domains/default", null).status());
  }

  @Test
  void aGroupsRoleReachesItsMembersTokensAndLeavesWithThem() {
    String project = admin.createProject(unique("grp")).path("id").asText();
    String user = create("user", obj("name", unique("carol"), "password", "pw-carol"));
    String group = create("group", obj("name", unique("ops"), "description", "on call"));
    String member = admin.roleId("member");
    ok(call("PUT", "/projects/" + project + "/groups/" + group + "/roles/" + member, null), 204);
    ok(call("HEAD", "/projects/" + project + "/groups/" + group + "/roles/" + member, null), 204);
    assertEquals("status 401", token(user, "pw-carol", obj("project", obj("id", project))), "not a member yet");

    ok(call("PUT", "/groups/" + group + "/users/" + user, null), 204);
    ok(call("HEAD", "/groups/" + group + "/users/" + user, null), 204);
    assertEquals(user, ok(call("GET", "/groups/" + group + "/users", null), 200).path("users").get(0).path("id").asText());
    assertEquals(group, ok(call("GET", "/users/" + user + "/groups", null), 200).path("groups").get(0).path("id").asText());
    assertEquals(List.of("member"), roleNames(token(user, "pw-carol", obj("project", obj("id", project)))));

    JsonNode effective = ok(call("GET", "/role_assignments?effective&user.id=" + user, null), 200).path("role_assignments");
    assertEquals(1, effective.size());
    assertTrue(effective.get(0).path("links").has("membership"));
    JsonNode made = ok(call("GET", "/role_assignments?group.id=" + group, null), 200).path("role_assignments");
    assertEquals(group, made.get(0).path("group").path("id").asText());

    ok(call("DELETE", "/groups/" + group + "/users/" + user, null), 204);
    assertEquals("status 401", token(user, "pw-carol", obj("project", obj("id", project))));
    assertEquals(404, call("DELETE", "/groups/" + group + "/users/" + user, null).status());
  }

  @Test
  void aRoleInheritedFromTheDomainReachesEveryProjectInItAndAnImpliedRoleComesAlong() {
    String domain = create("domain", obj("name", unique("inh")));
    String parent = create("project", obj("name", "parent", "domain_id", domain));
    JsonNode child = ok(call("POST", "/projects", obj("project", obj("name", "child", "parent_id", parent))), 201)
        .path("project");
    assertEquals(parent, child.path("parent_id").asText());
    assertEquals(domain, child.path("domain_id").asText(), "a child is in its parent's domain");
    assertEquals(403, call("DELETE", "/projects/" + parent, null).status(), "not a leaf");

    String user = create("user", obj("name", "dave", "domain_id", domain, "password", "pw-dave"));
    String prior = create("role", obj("name", unique("lead")));
    String reader = admin.roleId("reader");
    ok(call("PUT", "/roles/" + prior + "/implies/" + reader, null), 201);
    ok(call("PUT", "/OS-INHERIT/domains/" + domain + "/users/" + user + "/roles/" + prior + "/inherited_to_projects",
        null), 204);

    List<String> roles = roleNames(token(user, "pw-dave", obj("project", obj("id", child.path("id").asText()))));
    assertTrue(roles.contains("reader") && roles.size() == 2, roles.toString());
    assertEquals("status 401", token(user, "pw-dave", obj("domain", obj("id", domain))),
        "inherited: for the projects, not the domain itself");

    ok(call("DELETE", "/roles/" + prior + "/implies/" + reader, null), 204);
    assertEquals(404, call("GET", "/roles/" + prior + "/implies/" + reader, null).status());
  }

  @Test
  void domainAndSystemScopedTokensCarryTheRolesHeldThere() {
    String domain = create("domain", obj("name", unique("scoped")));
    String user = create("user", obj("name", unique("erin"), "password", "pw-erin"));
    String member = admin.roleId("member");
    ok(call("PUT", "/domains/" + domain + "/users/" + user + "/roles/" + member, null), 204);
    ok(call("PUT", "/system/users/" + user + "/roles/" + admin.roleId("reader"), null), 204);

    String domainToken = token(user, "pw-erin", obj("domain", obj("id", domain)));
    JsonNode body = ok(http.withSubject("GET", "/identity/v3/auth/tokens", admin.token(), domainToken), 200).path("token");
    assertEquals(domain, body.path("domain").path("id").asText());
    assertEquals(List.of("member"), roleNames(domainToken));
    JsonNode domains = ok(http.send("GET", "/identity/v3/auth/domains", domainToken, null), 200).path("domains");
    assertEquals(domain, domains.get(0).path("id").asText());

    String systemToken = token(user, "pw-erin", obj("system", obj("all", true)));
    assertTrue(ok(http.withSubject("GET", "/identity/v3/auth/tokens", admin.token(), systemToken), 200)
        .path("token").path("system").path("all").asBoolean());
    assertEquals(403, http.send("GET", "/identity/v3/users", domainToken, null).status(),
        "a domain-scoped token is not the cloud's administrator");
  }

  @Test
  void unknownAttributesOfAUserAreKeptAndAnAdminChangesAPasswordWithTheOriginal() {
    String project = admin.createProject(unique("extra")).path("id").asText();
    String user = create("user", obj("name", unique("fred"), "password", "pw-1", "project_id", project));
    assertEquals(project, ok(call("GET", "/users/" + user, null), 200).path("user").path("project_id").asText());
    ok(call("PATCH", "/users/" + user, obj("user", obj("project_id", "other", "email", "f@example.org"))), 200);
    JsonNode shown = ok(call("GET", "/users/" + user, null), 200).path("user");
    assertEquals("other", shown.path("project_id").asText());
    assertEquals("f@example.org", shown.path("email").asText());

    ok(call("POST", "/users/" + user + "/password", obj("user", obj("original_password", "pw-1", "password", "pw-2"))),
        204);
    assertFalse(token(user, "pw-2", null).startsWith("status"));
    assertEquals(400, call("POST", "/users", obj("user", obj("name", "x", "bad", "a\u0000b"))).status());
  }

  @Test
  void projectTagsAreAddedListedReplacedAndRemoved() {
    String project = admin.createProject(unique("tags")).path("id").asText();
    ok(call("PUT", "/projects/" + project + "/tags/blue", null), 201);
    ok(call("HEAD", "/projects/" + project + "/tags/blue", null), 204);
    ok(call("PUT", "/projects/" + project + "/tags", obj("tags", List.of("red", "green"))), 200);
    JsonNode tags = ok(call("GET", "/projects/" + project + "/tags", null), 200).path("tags");
    assertEquals("[\"red\",\"green\"]", tags.toString());
    assertEquals(1, ok(call("GET", "/projects?tags=red", null), 200).path("projects").size());
    ok(call("DELETE", "/projects/" + project + "/tags/red", null), 204);
    assertEquals(404, call("GET", "/projects/" + project + "/tags/red", null).status());
    assertEquals(400, call("PUT", "/projects/" + project + "/tags/a,b", null).status());
    ok(call("DELETE", "/projects/" + project + "/tags", null), 204);
    assertEquals(0, ok(call("GET", "/projects/" + project + "/tags", null), 200).path("tags").size());
  }

  @Test
  void anOperatorRegistersAServiceAndItsEndpointAndTokensListItBesideTheDeploymentsOwn() {
    JsonNode services = ok(call("GET", "/services?type=compute", null), 200).path("services");
    assertEquals(1, services.size(), "bootstrap registers the deployment's own services");

    String type = unique("volumev3");
    String service = create("service", obj("type", type, "name", "cinder", "description", "block storage"));
    String region = unique("region");
    JsonNode endpoint = ok(call("POST", "/endpoints", obj("endpoint", obj("service_id", service, "interface", "public",
        "url", "http://storage.example/v3/$(project_id)s", "region", region))), 201).path("endpoint");
    assertEquals(region, ok(call("GET", "/regions/" + region, null), 200).path("region").path("id").asText(),
        "an endpoint's region is registered with it");
    assertEquals(400, call("POST", "/endpoints", obj("endpoint", obj("service_id", service, "interface", "public",
        "url", "http://x", "enabled", "True"))).status());
    assertEquals(400, call("POST", "/endpoints", obj("endpoint", obj("service_id", service, "interface", "sideways",
        "url", "http://x"))).status());
    assertEquals(403, call("DELETE", "/regions/" + region, null).status(), "a region with an endpoint stays");

    String project = admin.createProject(unique("cat")).path("id").asText();
    String user = create("user", obj("name", unique("gina"), "password", "pw-gina"));
    ok(call("PUT", "/projects/" + project + "/users/" + user + "/roles/" + admin.roleId("member"), null), 204);
    JsonNode catalog = ok(http.withSubject("GET", "/identity/v3/auth/tokens", admin.token(),
        token(user, "pw-gina", obj("project", obj("id", project)))), 200).path("token").path("catalog");
    String url = null;
    for (JsonNode entry : catalog) {
      if (entry.path("type").asText().equals(type)) url = entry.path("endpoints").get(0).path("url").asText();
    }
    assertEquals("http://storage.example/v3/" + project, url);

    ok(call("PATCH", "/endpoints/" + endpoint.path("id").asText(), obj("endpoint", obj("enabled", false))), 200);
    ok(call("DELETE", "/services/" + service, null), 204);
    assertEquals(404, call("GET", "/endpoints/" + endpoint.path("id").asText(), null).status(),
        "a service's endpoints go with it");
    ok(call("DELETE", "/regions/" + region, null), 204);
  }

  @Test
  void aUserMakesAnApplicationCredentialWhoseSecretGivesATokenForItsProjectWithTheChosenRoles() {
    String project = admin.createProject(unique("app")).path("id").asText();
    String user = create("user", obj("name", unique("hank"), "password", "pw-hank"));
    ok(call("PUT", "/projects/" + project + "/users/" + user + "/roles/" + admin.roleId("member"), null), 204);
    ok(call("PUT", "/projects/" + project + "/users/" + user + "/roles/" + admin.roleId("reader"), null), 204);
    String token = token(user, "pw-hank", obj("project", obj("id", project)));
    String path = "/identity/v3/users/" + user + "/application_credentials";

    HttpClientForTests.Response made = http.send("POST", path, token, json(obj("application_credential",
        obj("name", "ci", "roles", List.of(obj("name", "reader")), "expires_at", "2099-01-01T00:00:00.000000"))));
    assertEquals(201, made.status(), made.raw().body());
    JsonNode credential = made.json().path("application_credential");
    String secret = credential.path("secret").asText();
    assertEquals("2099-01-01T00:00:00.000000", credential.path("expires_at").asText());
    assertFalse(ok(http.send("GET", path + "/" + credential.path("id").asText(), token, null), 200)
        .path("application_credential").has("secret"), "the secret is shown once");
    assertEquals(409, http.send("POST", path, token, json(obj("application_credential", obj("name", "ci")))).status());
    assertEquals(403, http.send("POST", path, token, json(obj("application_credential",
        obj("name", "greedy", "roles", List.of(obj("name", "admin")))))).status(), "only roles the user holds");
    assertEquals(403, http.send("POST", "/identity/v3/users/" + create("user", obj("name", unique("x")))
        + "/application_credentials", token, json(obj("application_credential", obj("name", "x")))).status());

    Map<String, Object> auth = obj("identity", obj("methods", List.of("application_credential"),
        "application_credential", obj("id", credential.path("id").asText(), "secret", secret)));
    HttpClientForTests.Response issued = http.send("POST", "/identity/v3/auth/tokens", null, json(obj("auth", auth)));
    assertEquals(201, issued.status(), issued.raw().body());
    assertEquals(project, issued.json().path("token").path("project").path("id").asText());
    assertEquals(List.of("reader"), roleNames(issued.header("X-Subject-Token")));
    Map<String, Object> wrong = obj("identity", obj("methods", List.of("application_credential"),
        "application_credential", obj("id", credential.path("id").asText(), "secret", "guess")));
    assertEquals(401, http.send("POST", "/identity/v3/auth/tokens", null, json(obj("auth", wrong))).status());

    ok(http.send("DELETE", path + "/" + credential.path("id").asText(), token, null), 204);
    assertEquals(401, http.send("POST", "/identity/v3/auth/tokens", null, json(obj("auth", auth))).status());
  }

  @Test
  void credentialsAreKeptSealedAndEc2KeysAreMadeListedAndRemovedByTheirUser() throws InterruptedException {
    String project = admin.createProject(unique("ec2")).path("id").asText();
    String user = create("user", obj("name", unique("ivy"), "password", "pw-ivy"));
    ok(call("PUT", "/projects/" + project + "/users/" + user + "/roles/" + admin.roleId("member"), null), 204);
    String token = token(user, "pw-ivy", obj("project", obj("id", project)));
    String ec2 = "/identity/v3/users/" + user + "/credentials/OS-EC2";

    HttpClientForTests.Response made = http.send("POST", ec2, token, json(obj("tenant_id", project)));
    assertEquals(201, made.status(), made.raw().body());
    String access = made.json().path("credential").path("access").asText();
    String secret = made.json().path("credential").path("secret").asText();
    JsonNode listed = ok(http.send("GET", ec2, token, null), 200).path("credentials");
    assertEquals(secret, listed.get(0).path("secret").asText());
    assertEquals(project, ok(http.send("GET", ec2 + "/" + access, token, null), 200).path("credential")
        .path("tenant_id").asText());
    assertEquals(403, http.send("GET", "/identity/v3/users/" + create("user", obj("name", unique("y")))
        + "/credentials/OS-EC2", token, null).status(), "another user's keys are not listed");

    // the secret is on the log only sealed
    String requestId = made.header("x-openstack-request-id");
    JsonNode events = null;
    for (int i = 0; i < 100 && (events == null || events.size() == 0); i++) {
      events = ok(http.send("GET", "/ops/v1/audit/events?request_id=" + requestId, admin.token(), null), 200)
          .path("events");
      if (events.size() == 0) Thread.sleep(100);
    }
    assertEquals("CredentialCreated", events.get(0).path("type").asText(), events.toString());
    assertFalse(events.toString().contains(secret), "the audit trail must not show the secret");

    ok(http.send("DELETE", ec2 + "/" + access, token, null), 204);
    assertEquals(404, http.send("GET", ec2 + "/" + access, token, null).status());

    // the general credentials API, with an ec2 blob whose access key names it
    String blob = "{\"access\": \"a-" + unique("k") + "\", \"secret\": \"s\"}";
    JsonNode credential = ok(call("POST", "/credentials", obj("credential", obj("user_id", user, "project_id", project,
        "type", "ec2", "blob", blob))), 201).path("credential");
    assertEquals(blob, credential.path("blob").asText());
    assertEquals(400, call("POST", "/credentials", obj("credential", obj("user_id", user, "project_id", project,
        "type", "ec2", "blob", "not json"))).status());
    ok(call("PATCH", "/credentials/" + credential.path("id").asText(), obj("credential", obj("type", "cert",
        "blob", "-----BEGIN CERTIFICATE-----"))), 200);
    assertEquals("cert", ok(call("GET", "/credentials/" + credential.path("id").asText(), null), 200)
        .path("credential").path("type").asText());
    ok(call("DELETE", "/credentials/" + credential.path("id").asText(), null), 204);
  }

  @Test
  void policyDocumentsAreStoredAndServedToAdminsOnly() {
    JsonNode policy = ok(call("POST", "/policies", obj("policy", obj("type", "application/json",
        "blob", "{\"default\": \"\"}"))), 201).path("policy");
    String id = policy.path("id").asText();
    ok(call("PATCH", "/policies/" + id, obj("policy", obj("type", "text/plain"))), 200);
    JsonNode shown = ok(call("GET", "/policies/" + id, null), 200).path("policy");
    assertEquals("text/plain", shown.path("type").asText());
    assertEquals("{\"default\": \"\"}", shown.path("blob").asText());
    String user = create("user", obj("name", unique("jo"), "password", "pw-jo"));
    String project = admin.createProject(unique("pol")).path("id").asText();
    ok(call("PUT", "/projects/" + project + "/users/" + user + "/roles/" + admin.roleId("member"), null), 204);
    assertEquals(403, http.send("GET", "/identity/v3/policies", token(user, "pw-jo", obj("project", obj("id", project))),
        null).status());
    ok(call("DELETE", "/policies/" + id, null), 204);
    assertEquals(404, call("GET", "/policies/" + id, null).status());
  }

  @Test
  void aTrusteeActsWithTheRolesATrustorDelegatedAndNoMore() {
    String project = admin.createProject(unique("trust")).path("id").asText();
    String trustor = create("user", obj("name", unique("kim"), "password", "pw-kim"));
    String trustee = create("user", obj("name", unique("lee"), "password", "pw-lee"));
    String member = admin.roleId("member");
    String reader = admin.roleId("reader");
    ok(call("PUT", "/projects/" + project + "/users/" + trustor + "/roles/" + member, null), 204);
    ok(call("PUT", "/projects/" + project + "/users/" + trustor + "/roles/" + reader, null), 204);
    String trustorToken = token(trustor, "pw-kim", obj("project", obj("id", project)));

    HttpClientForTests.Response made = http.send("POST", "/identity/v3/OS-TRUST/trusts", trustorToken, json(obj("trust",
        obj("trustor_user_id", trustor, "trustee_user_id", trustee, "project_id", project, "impersonation", true,
            "roles", List.of(obj("name", "reader")), "expires_at", "2099-01-01T00:00:00Z"))));
    assertEquals(201, made.status(), made.raw().body());
    String trust = made.json().path("trust").path("id").asText();
    assertEquals("2099-01-01T00:00:00.000000Z", made.json().path("trust").path("expires_at").asText());
    assertEquals(403, http.send("POST", "/identity/v3/OS-TRUST/trusts", trustorToken, json(obj("trust",
        obj("trustor_user_id", trustee, "trustee_user_id", trustor, "project_id", project, "impersonation", false))))
        .status(), "only the trustor makes a trust");
    assertEquals(200, http.send("HEAD", "/identity/v3/OS-TRUST/trusts/" + trust + "/roles/" + reader, trustorToken, null)
        .status());
    assertEquals(404, http.send("GET", "/identity/v3/OS-TRUST/trusts/" + trust + "/roles/" + member, trustorToken, null)
        .status());

    String trusteeToken = token(trustee, "pw-lee", null);
    Map<String, Object> auth = obj("identity", obj("methods", List.of("token"), "token", obj("id", trusteeToken)),
        "scope", obj("OS-TRUST:trust", obj("id", trust)));
    HttpClientForTests.Response issued = http.send("POST", "/identity/v3/auth/tokens", null, json(obj("auth", auth)));
    assertEquals(201, issued.status(), issued.raw().body());
    JsonNode token = issued.json().path("token");
    assertEquals(trustor, token.path("user").path("id").asText(), "impersonation: the token acts as the trustor");
    assertEquals(List.of("reader"), roleNames(issued.header("X-Subject-Token")));
    assertEquals(trust, token.path("OS-TRUST:trust").path("id").asText());

    String otherToken = token(create("user", obj("name", unique("mo"), "password", "pw-mo")), "pw-mo", null);
    Map<String, Object> stranger = obj("identity", obj("methods", List.of("token"), "token", obj("id", otherToken)),
        "scope", obj("OS-TRUST:trust", obj("id", trust)));
    assertEquals(401, http.send("POST", "/identity/v3/auth/tokens", null, json(obj("auth", stranger))).status(),
        "only the trustee uses a trust");

    ok(http.send("DELETE", "/identity/v3/OS-TRUST/trusts/" + trust, trustorToken, null), 204);
    assertEquals(401, http.send("POST", "/identity/v3/auth/tokens", null, json(obj("auth", auth))).status());
  }
}
