package dev.skyledger.ops.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.events.PayloadCodec;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.http.Json;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import dev.skyledger.projectors.core.ProjectionSchemas;
import dev.skyledger.projectors.core.Replayer;
import dev.skyledger.views.network.NetworkProjection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 300 concurrent port creations on a /24: all addresses distinct, exactly the pool's size succeed,
 * the rest get 409, and a replay of the log gives the same allocation.
 */
@ExtendWith(SkyTestKit.class)
class NetworkConcurrencyTest {
  static final int REQUESTS = 300;
  static final int CLIENTS = 48;
  /** 10.77.0.0/24 with the gateway at .1: the pool is .2 to .254. */
  static final int POOL = 253;

  /** Each table of the network views with the order that makes its rows comparable. */
  static final Map<String, String> TABLES = Map.of(
      "networks", "id",
      "subnets", "id",
      "ports", "id",
      "port_ips", "port_id, position",
      "stream_positions", "stream_key");

  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static Database db;
  static ProjectionSchemas schemas;
  static Replayer replayer;

  /** What the HTTP layer logs about requests that failed unexpectedly (500s), to say why in a failure. */
  static final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> failures =
      new ch.qos.logback.core.read.ListAppender<>();

  @BeforeAll
  static void start(TestEnvironment env) {
    failures.start();
    for (Class<?> source : List.of(dev.skyledger.platform.http.HttpSetup.class,
        dev.skyledger.platform.command.ProjectionWaiter.class, dev.skyledger.platform.command.CommandBus.class)) {
      ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(source)).addAppender(failures);
    }
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    alice = admin.userWithRole("conc-alice", "member");
    db = new Database(env.config().jdbcUrl(), env.config().dbUser(), env.config().dbPassword(), 4);
    schemas = new ProjectionSchemas(db);
    replayer = new Replayer(db, new KafkaClients(env.config()), new Envelopes(new PayloadCodec()), schemas);
  }

  @AfterAll
  static void stop() {
    if (db != null) db.close();
    if (cloud != null) cloud.close();
  }

  static JsonNode create(String collection, String body) {
    var r = http.send("POST", "/network/v2.0/" + collection, alice.token(), body);
    assertEquals(201, r.status(), r.raw().body());
    return r.json().elements().next();
  }

  /** The answer to one POST /ports: its status and body. */
  record Outcome(int status, JsonNode body, String raw) {}

  @Test
  void threeHundredConcurrentPortsOnASlash24TakeEachAddressOnceAndReplayToTheSameAllocation() throws Exception {
    String net = create("networks", "{\"network\":{\"name\":\"crowded\"}}").path("id").asText();
    JsonNode sub = create("subnets", "{\"subnet\":{\"network_id\":\"" + net
        + "\",\"cidr\":\"10.77.0.0/24\",\"ip_version\":4,\"name\":\"crowded-sub\"}}");
    assertEquals("10.77.0.1", sub.path("gateway_ip").asText());
    assertEquals("10.77.0.2", sub.path("allocation_pools").path(0).path("start").asText());
    assertEquals("10.77.0.254", sub.path("allocation_pools").path(0).path("end").asText());

    // every client waits at the gate, then all fire at once
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    CountDownLatch gate = new CountDownLatch(1);
    List<Future<Outcome>> futures = new ArrayList<>();
    long started;
    try {
      for (int i = 0; i < REQUESTS; i++) {
        String body = "{\"port\":{\"network_id\":\"" + net + "\",\"name\":\"c-" + i + "\"}}";
        futures.add(pool.submit(() -> {
          gate.await();
          var r = http.send("POST", "/network/v2.0/ports", alice.token(), body);
          return new Outcome(r.status(), r.json(), r.raw().body());
        }));
      }
      started = System.nanoTime();
      gate.countDown();
    } finally {
      pool.shutdown();
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (Future<Outcome> f : futures) outcomes.add(f.get(90, TimeUnit.SECONDS));
    double seconds = (System.nanoTime() - started) / 1e9;
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));

    Map<String, String> liveIps = new TreeMap<>();
    Map<String, String> liveMacs = new TreeMap<>();
    List<String> unexpected = new ArrayList<>();
    int refused = 0;
    for (Outcome o : outcomes) {
      if (o.status() == 201) {
        JsonNode port = o.body().path("port");
        assertEquals(1, port.path("fixed_ips").size(), o.raw());
        assertEquals(sub.path("id").asText(), port.path("fixed_ips").path(0).path("subnet_id").asText(), o.raw());
        liveIps.put(port.path("id").asText(), port.path("fixed_ips").path(0).path("ip_address").asText());
        liveMacs.put(port.path("id").asText(), port.path("mac_address").asText());
      } else if (o.status() == 409 && "IpAddressGenerationFailure".equals(o.body().path("NeutronError").path("type").asText())) {
        refused++;
      } else {
        unexpected.add(o.status() + " " + o.raw());
      }
    }
    // a 500 names only its request id: put the server's own account of the failures into the message,
    // shortest first (how many of each status), as CI shows only the start of a long message
    List<String> serverErrors = failures.list.stream().map(e -> e.getFormattedMessage() + ": "
        + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage()))
        .distinct().limit(5).toList();
    Map<String, Long> byStatus = new TreeMap<>();
    for (String u : unexpected) byStatus.merge(u.substring(0, 3), 1L, Long::sum);
    assertEquals(List.of(), unexpected, "unexpected answers by status " + byStatus + "; the server logged " + serverErrors
        + "; the answers were");
    assertEquals(POOL, liveIps.size(), "exactly the pool's size succeeds");
    assertEquals(REQUESTS - POOL, refused, "the rest are refused with 409");
    System.out.printf("%d concurrent port creations from %d clients in %.2f s%n", REQUESTS, CLIENTS, seconds);

    Set<String> ips = new HashSet<>(liveIps.values());
    assertEquals(POOL, ips.size(), "no address handed out twice");
    Set<String> expected = new HashSet<>();
    for (int host = 2; host <= 254; host++) expected.add("10.77.0." + host);
    assertEquals(expected, ips, "the pool, all of it and nothing else");
    Set<String> macs = new HashSet<>();
    for (String mac : liveMacs.values()) macs.add(mac.toLowerCase());
    assertEquals(POOL, macs.size(), "no MAC handed out twice");

    var listed = http.send("GET", "/network/v2.0/ports?network_id=" + net, alice.token(), null);
    assertEquals(200, listed.status(), listed.raw().body());
    assertEquals(POOL, listed.json().path("ports").size());
    Map<String, String> listedIps = new TreeMap<>();
    listed.json().path("ports").forEach(p -> listedIps.put(p.path("id").asText(), p.path("fixed_ips").path(0).path("ip_address").asText()));
    assertEquals(liveIps, listedIps, "the list shows what the creations answered");

    // one more is still refused: the pool really is full
    var full = http.send("POST", "/network/v2.0/ports", alice.token(), "{\"port\":{\"network_id\":\"" + net + "\"}}");
    assertEquals(409, full.status(), full.raw().body());

    // rebuild the network views from the log into a fresh schema: the same allocation, row for row
    String before = schemas.active(NetworkProjection.NAME).orElseThrow().schema();
    Map<String, String> liveAllocation = allocation(before, net);
    assertEquals(POOL, liveAllocation.size());
    for (var e : liveIps.entrySet()) {
      assertEquals(e.getValue() + " " + liveMacs.get(e.getKey()), liveAllocation.get(e.getKey()), "the live view of " + e.getKey());
    }
    Replayer.Result result = replayer.rebuild(new NetworkProjection(Json.newMapper()));
    assertEquals(before, result.previousSchema());
    assertNotEquals(before, result.schema());
    assertTrue(result.events() >= POOL + 2, "replayed " + result.events() + " events");
    assertEquals(liveAllocation, allocation(result.schema(), net), "port → (ip, mac) after the replay");
    for (String table : TABLES.keySet()) {
      List<String> live = rows(before, table);
      assertFalse(live.isEmpty(), table);
      assertEquals(live, rows(result.schema(), table), table + " differs between " + before + " and " + result.schema());
    }
    // and the API answers the same from the rebuilt views
    var again = http.send("GET", "/network/v2.0/ports?network_id=" + net, alice.token(), null);
    assertEquals(POOL, again.json().path("ports").size());
  }

  /** Port id → "ip mac" for every port of a network, read from one schema's tables. */
  static Map<String, String> allocation(String schema, String network) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT p.id, i.ip_address, p.mac_address FROM \"" + schema + "\".ports p"
          + " JOIN \"" + schema + "\".port_ips i ON i.port_id = p.id WHERE p.network_id = ? ORDER BY p.id, i.position")) {
        s.setString(1, network);
        try (ResultSet r = s.executeQuery()) {
          Map<String, String> rows = new TreeMap<>();
          while (r.next()) {
            String previous = rows.put(r.getString(1), r.getString(2) + " " + r.getString(3));
            assertEquals(null, previous, "one address per port: " + r.getString(1));
          }
          return rows;
        }
      }
    });
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
}
