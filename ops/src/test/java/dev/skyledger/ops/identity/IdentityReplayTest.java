package dev.skyledger.ops.identity;

import static dev.skyledger.ops.KeystoneAdmin.json;
import static dev.skyledger.ops.KeystoneAdmin.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.PayloadCodec;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import dev.skyledger.projectors.core.ProjectionSchemas;
import dev.skyledger.projectors.core.Replayer;
import dev.skyledger.views.identity.IdentityProjection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rebuilding the identity views from the event log gives the same rows as the live projector
 * built, and the API keeps answering while it happens and after the switch, including for writes
 * acknowledged while the rebuild ran.
 */
@ExtendWith(SkyTestKit.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdentityReplayTest {
  /** Each table with the order that makes its rows comparable. */
  static final Map<String, String> TABLES = Map.ofEntries(
      Map.entry("projects", "id"),
      Map.entry("users", "id"),
      Map.entry("roles", "id"),
      Map.entry("grants", "actor_type, actor_id, target_type, target_id, role_id, inherited"),
      Map.entry("domains", "id"),
      Map.entry("groups", "id"),
      Map.entry("group_members", "group_id, user_id"),
      Map.entry("implied_roles", "prior_role_id, implied_role_id"),
      Map.entry("regions", "id"),
      Map.entry("services", "id"),
      Map.entry("endpoints", "id"),
      Map.entry("application_credentials", "id"),
      Map.entry("credentials", "id"),
      Map.entry("policies", "id"),
      Map.entry("trusts", "id"),
      Map.entry("revoked_tokens", "audit_id"),
      Map.entry("stream_positions", "stream_key"));

  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static Database db;
  static Replayer replayer;
  static ProjectionSchemas schemas;
  static final IdentityProjection projection = new IdentityProjection();

  @BeforeAll
  static void start(TestEnvironment env) {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    db = new Database(env.config().jdbcUrl(), env.config().dbUser(), env.config().dbPassword(), 4);
    schemas = new ProjectionSchemas(db);
    replayer = new Replayer(db, new KafkaClients(env.config()), new Envelopes(new PayloadCodec()), schemas);
  }

  @AfterAll
  static void stop() {
    if (db != null) db.close();
    if (cloud != null) cloud.close();
  }

  /** Every row of a table of one schema, as PostgreSQL's text form of the whole row, in a stable order. */
  static List<String> rows(String schema, String table) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT t::text FROM \"" + schema + "\"." + table + " t ORDER BY " + TABLES.get(table));
           ResultSet r = s.executeQuery()) {
        List<String> rows = new ArrayList<>();
        while (r.next()) rows.add(r.getString(1));
        return rows;
      }
    });
  }

  static String active() {
    return schemas.active(IdentityProjection.NAME).orElseThrow().schema();
  }

  /** Creates, updates and deletes of every kind, through the API; returns the ids that must survive. */
  static List<String> workload() {
    String member = admin.roleId("member");
    String reader = admin.roleId("reader");
    List<String> keep = new ArrayList<>();
    List<String> projects = new ArrayList<>();
    List<String> users = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      projects.add(admin.projectId("replay-project-" + i));
      users.add(admin.createUser("replay-user-" + i, "replay-pw-" + i, i % 2 == 0 ? projects.get(i) : null));
      admin.grant(projects.get(i), users.get(i), member);
      if (i % 3 == 0) admin.grant(projects.get(i), users.get(i), reader);
    }
    var role = http.send("POST", "/identity/v3/roles", admin.token(), json(obj("role", obj("name", "replay-role"))));
    String roleId = role.json().path("role").path("id").asText();
    admin.grant(projects.get(1), users.get(1), roleId);
    var doomedRole = http.send("POST", "/identity/v3/roles", admin.token(), json(obj("role", obj("name", "replay-doomed"))));
    String doomedRoleId = doomedRole.json().path("role").path("id").asText();
    admin.grant(projects.get(2), users.get(2), doomedRoleId);

    check(http.send("PATCH", "/identity/v3/projects/" + projects.get(0), admin.token(),
        json(obj("project", obj("name", "replay-renamed", "description", "renamed")))), 200);
    check(http.send("PATCH", "/identity/v3/projects/" + projects.get(1), admin.token(),
        json(obj("project", obj("enabled", false)))), 200);
    check(http.send("PATCH", "/identity/v3/users/" + users.get(3), admin.token(),
        json(obj("user", obj("email", "three@example.org", "enabled", false)))), 200);
    check(http.send("PATCH", "/identity/v3/users/" + users.get(4), admin.token(),
        json(obj("user", obj("password", "reset-4")))), 200);
    String token5 = http.token("replay-user-5", "replay-pw-5", "replay-project-5");
    check(http.send("POST", "/identity/v3/users/" + users.get(5) + "/password", token5,
        json(obj("user", obj("original_password", "replay-pw-5", "password", "changed-5")))), 204);
    String token0 = http.token("replay-user-0", "replay-pw-0", "replay-renamed");
    check(http.withSubject("DELETE", "/identity/v3/auth/tokens", token0, token0), 204);
    check(http.withSubject("DELETE", "/identity/v3/auth/tokens", admin.token(),
        http.token("replay-user-2", "replay-pw-2", "replay-project-2")), 204);
    check(http.send("DELETE", "/identity/v3/projects/" + projects.get(5) + "/users/" + users.get(5) + "/roles/" + member,
        admin.token(), null), 204);
    check(http.send("DELETE", "/identity/v3/roles/" + doomedRoleId, admin.token(), null), 204);
    check(http.send("DELETE", "/identity/v3/users/" + users.get(2), admin.token(), null), 204);
    check(http.send("DELETE", "/identity/v3/projects/" + projects.get(4), admin.token(), null), 204);
    // a name freed by a delete, taken again
    keep.add(admin.projectId("replay-project-4"));
    keep.add(projects.get(0));
    keep.add(projects.get(1));
    keep.add(users.get(3));
    return keep;
  }

  static void check(HttpClientForTests.Response r, int status) {
    assertEquals(status, r.status(), r.raw().body());
  }

  @Test
  @Order(1)
  void rebuiltViewsEqualTheLiveOnesAndTheApiKeepsAnswering() throws Exception {
    List<String> survivors = workload();
    String before = active();
    int generation = schemas.active(IdentityProjection.NAME).orElseThrow().generation();
    for (String table : List.of("projects", "users", "roles", "grants", "services", "endpoints", "revoked_tokens")) {
      assertFalse(rows(before, table).isEmpty(), "the workload left rows in " + table);
    }

    // readers hammer the API for the whole rebuild
    AtomicBoolean replaying = new AtomicBoolean(true);
    List<String> failures = new CopyOnWriteArrayList<>();
    AtomicInteger reads = new AtomicInteger();
    List<Thread> readers = new ArrayList<>();
    for (String path : List.of("/identity/v3/projects?name=replay-renamed", "/identity/v3/users/" + survivors.get(3),
        "/identity/v3/role_assignments?include_names")) {
      Thread t = new Thread(() -> {
        while (replaying.get()) {
          var r = http.send("GET", path, admin.token(), null);
          reads.incrementAndGet();
          if (r.status() != 200) failures.add(path + " -> " + r.status() + " " + r.raw().body());
          else if (path.contains("?name=") && r.json().path("projects").size() != 1) failures.add(path + " -> " + r.raw().body());
        }
      }, "reader " + path);
      t.start();
      readers.add(t);
    }
    Replayer.Result result;
    try {
      result = replayer.rebuild(projection);
    } finally {
      Thread.sleep(300); // and a little after the switch
      replaying.set(false);
      for (Thread t : readers) t.join();
    }
    assertEquals(List.of(), failures, "the API answered badly during the rebuild");
    assertTrue(reads.get() > 3, "readers ran: " + reads.get());

    assertEquals(before, result.previousSchema());
    assertEquals(IdentityProjection.NAME + "_" + (generation + 1), result.schema());
    assertEquals(result.schema(), active(), "the active schema switched");
    assertEquals(generation + 1, schemas.active(IdentityProjection.NAME).orElseThrow().generation());
    assertTrue(result.events() > 0);
    for (String table : TABLES.keySet()) {
      assertEquals(rows(before, table), rows(result.schema(), table), table + " differs between " + before + " and "
          + result.schema());
    }

    // after the switch: reads see the data, and a write is visible at once
    var renamed = http.send("GET", "/identity/v3/projects?name=replay-renamed", admin.token(), null);
    assertEquals(survivors.get(1), renamed.json().path("projects").get(0).path("id").asText());
    var disabled = http.send("GET", "/identity/v3/projects/" + survivors.get(2), admin.token(), null);
    assertFalse(disabled.json().path("project").path("enabled").asBoolean());
    assertEquals(201, http.send("POST", "/identity/v3/auth/tokens", null,
        HttpClientForTests.passwordAuth("replay-user-5", "changed-5", null)).status(), "a changed password survives");
    var created = http.send("POST", "/identity/v3/projects", admin.token(), json(obj("project", obj("name", "after-switch"))));
    assertEquals(201, created.status(), created.raw().body());
    String id = created.json().path("project").path("id").asText();
    assertEquals(200, http.send("GET", "/identity/v3/projects/" + id, admin.token(), null).status());
    assertTrue(rows(result.schema(), "projects").stream().anyMatch(row -> row.contains(id)),
        "the live projector writes into the new schema");
  }

  @Test
  @Order(2)
  void writesAcknowledgedDuringARebuildAreReadableRightAfterTheSwitch() throws Exception {
    AtomicBoolean replaying = new AtomicBoolean(true);
    Map<String, String> acknowledged = new ConcurrentHashMap<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 6; w++) {
      String prefix = "during-" + w + "-";
      Thread writer = new Thread(() -> {
        for (int i = 0; replaying.get(); i++) {
          var r = http.send("POST", "/identity/v3/projects", admin.token(), json(obj("project", obj("name", prefix + i))));
          if (r.status() == 201) acknowledged.put(r.json().path("project").path("id").asText(), prefix + i);
          else failures.add(prefix + i + " -> " + r.status() + " " + r.raw().body());
        }
      }, "writer " + w);
      writer.start();
      writers.add(writer);
    }
    List<String> unreadable = new ArrayList<>();
    int checked = 0;
    String schema = active();
    try {
      Thread.sleep(200);
      for (int round = 0; round < 3; round++) {
        Replayer.Result result = replayer.rebuild(projection);
        assertEquals(schema, result.previousSchema());
        assertNotEquals(schema, result.schema());
        schema = result.schema();
        // every write acknowledged so far is readable at once: a client that got 201 and then a 404
        // has watched its project vanish
        Map<String, String> beforeReturn = Map.copyOf(acknowledged);
        for (var e : beforeReturn.entrySet()) {
          var shown = http.send("GET", "/identity/v3/projects/" + e.getKey(), admin.token(), null);
          if (shown.status() != 200) unreadable.add(result.schema() + ": " + e.getValue() + " -> " + shown.status());
        }
        checked = beforeReturn.size();
      }
    } finally {
      replaying.set(false);
      for (Thread t : writers) t.join();
    }
    assertEquals(List.of(), unreadable, "acknowledged before a rebuild returned, not readable after it");
    assertEquals(List.of(), failures, "writes failed during the rebuilds");
    assertTrue(checked > 10, "the writers ran: " + checked);
    assertEquals(schema, active());

    // and nothing is lost once the writers are done
    var listed = http.send("GET", "/identity/v3/projects", admin.token(), null);
    List<String> names = listed.json().path("projects").findValuesAsText("name");
    assertTrue(names.containsAll(acknowledged.values()), "listed: " + names);
    assertEquals(names.size(), names.stream().distinct().count(), "no project listed twice");
  }
}
