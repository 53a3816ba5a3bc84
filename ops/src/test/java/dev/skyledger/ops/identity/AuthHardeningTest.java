package dev.skyledger.ops.identity;

import static dev.skyledger.ops.KeystoneAdmin.json;
import static dev.skyledger.ops.KeystoneAdmin.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.http.HttpSetup;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Authentication hardened as Keystone's security compliance options do: wrong passwords in a row
 * lock a user out for a while, an unknown user is answered as a wrong password is, and no secret
 * (password, private key, token) is ever in an event, a log line or a view.
 */
@ExtendWith(SkyTestKit.class)
class AuthHardeningTest {
  static final int ATTEMPTS = 3;
  static final Duration LOCKOUT = Duration.ofSeconds(3);

  static TestEnvironment env;
  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static final ConcurrentLinkedQueue<String> logLines = new ConcurrentLinkedQueue<>();
  static AppenderBase<ILoggingEvent> capture;

  @BeforeAll
  static void start(TestEnvironment environment) {
    env = environment;
    capture = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        String thrown = e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy());
        logLines.add(e.getLoggerName() + " " + e.getFormattedMessage() + " " + thrown);
      }
    };
    Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    capture.setContext(root.getLoggerContext());
    capture.start();
    root.addAppender(capture);
    cloud = TestClouds.start(env, "secret", env.config().withSecurity(
        new SkyConfig.Security(ATTEMPTS, LOCKOUT, Duration.ofSeconds(10), Duration.ofSeconds(30))));
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
    Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(capture);
  }

  static HttpClientForTests.Response login(String user, String password) {
    return http.send("POST", "/identity/v3/auth/tokens", null, HttpClientForTests.passwordAuth(user, password, null));
  }

  static String message(HttpClientForTests.Response r) {
    return r.json().path("error").path("message").asText();
  }

  @Test
  void wrongPasswordsInARowLockTheUserOutForAWhileAndTheAuditTrailShowsThem() throws Exception {
    String userId = admin.createUser("guessed-at", "Right-horse-battery", null);
    String failedRequest = null;
    for (int i = 0; i < ATTEMPTS; i++) {
      var wrong = login("guessed-at", "wrong-" + i);
      assertEquals(401, wrong.status(), wrong.raw().body());
      assertEquals("The request you have made requires authentication.", message(wrong));
      failedRequest = wrong.header(HttpSetup.REQUEST_ID_HEADER);
    }
    // the failures are recorded as events, then the lock holds: for a wrong password and for the right one
    var locked = login("guessed-at", "wrong-again");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!message(locked).contains("locked") && System.nanoTime() < deadline) {
      Thread.sleep(100);
      locked = login("guessed-at", "wrong-again");
    }
    assertEquals("The account is locked for user: " + userId + ".", message(locked));
    var stillLocked = login("guessed-at", "Right-horse-battery");
    assertEquals(401, stillLocked.status(), "the right password does not open a locked account");
    assertTrue(message(stillLocked).contains("locked"), message(stillLocked));

    // once the lockout has run out the right password works, and the count starts again
    Thread.sleep(LOCKOUT.toMillis() + 200);
    assertEquals(201, login("guessed-at", "Right-horse-battery").status());
    String request = failedRequest;
    JsonNode audit = http.await(admin.token(), "/ops/v1/audit/events?limit=100&resource=" + userId, a -> {
      boolean failed = false;
      boolean reset = false;
      for (JsonNode e : a.path("events")) {
        failed |= e.path("type").asText().equals("UserAuthFailed") && e.path("request_id").asText().equals(request);
        reset |= e.path("type").asText().equals("UserAuthFailuresReset");
      }
      return failed && reset;
    });
    assertTrue(audit.path("events").size() >= ATTEMPTS + 2, audit.toString());
    for (int i = 0; i < ATTEMPTS - 1; i++) assertEquals(401, login("guessed-at", "wrong-later-" + i).status());
    Thread.sleep(500);
    assertEquals(201, login("guessed-at", "Right-horse-battery").status(), "fewer failures than the limit: not locked");
  }

  @Test
  void anUnknownUserIsAnsweredAsAWrongPasswordIs() {
    admin.createUser("known-one", "Known-pw-1", null);
    var unknown = login("nobody-by-this-name", "whatever");
    var wrong = login("known-one", "whatever");
    assertEquals(401, unknown.status());
    assertEquals(wrong.status(), unknown.status());
    assertEquals(message(wrong), message(unknown));
  }

  @Test
  void noSecretIsInAnyEventLogLineOrView() throws Exception {
    String password = "Pw-7f3c1e9a-" + System.nanoTime();
    String wrongPassword = "Guess-2b8d-" + System.nanoTime();
    String newPassword = "Pw-new-55e1-" + System.nanoTime();
    KeystoneAdmin.Scoped user = admin.userWithRole("secretive", "member");
    // a password set by an admin, one guessed wrong, and one a user changes to
    String other = admin.createUser("secret-keeper", password, user.projectId());
    admin.grant(user.projectId(), other, admin.roleId("member"));
    assertEquals(401, login("secret-keeper", wrongPassword).status());
    var issued = login("secret-keeper", password);
    assertEquals(201, issued.status(), issued.raw().body());
    String token = issued.header("X-Subject-Token");
    var changed = http.send("POST", "/identity/v3/users/" + other + "/password", token,
        json(obj("user", obj("original_password", password, "password", newPassword))));
    assertEquals(204, changed.status(), changed.raw().body());
    String scoped = http.token("secret-keeper", newPassword, user.projectName());
    // a server's admin password goes to the caller once and nowhere else
    var image = http.send("POST", "/image/v2/images", scoped, json(obj("name", "pw-img", "disk_format", "raw",
        "container_format", "bare")));
    String imageId = image.json().path("id").asText();
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + imageId + "/file", scoped, new byte[1024],
        Map.of("Content-Type", "application/octet-stream")).statusCode());
    String adminPass = "Adm1n-" + java.util.UUID.randomUUID();
    var server = http.send("POST", "/compute/v2.1/servers", scoped, json(obj("server", obj("name", "pw", "imageRef", imageId,
        "flavorRef", "1", "networks", List.of(), "adminPass", adminPass))));
    assertEquals(202, server.status(), server.raw().body());
    assertEquals(adminPass, server.json().path("server").path("adminPass").asText());
    // a generated key pair: its private key goes to the caller once and nowhere else
    var keypair = http.send("POST", "/compute/v2.1/os-keypairs", scoped, json(obj("keypair", obj("name", "kept"))));
    assertEquals(200, keypair.status(), keypair.raw().body());
    String privateKey = keypair.json().path("keypair").path("private_key").asText();
    String keyLine = privateKey.lines().filter(l -> !l.startsWith("-----") && l.length() > 40).findFirst().orElseThrow();
    // the token in use, also on requests that fail
    http.send("GET", "/compute/v2.1/servers/no-such-server", scoped, null);
    http.send("DELETE", "/identity/v3/auth/tokens", scoped, null);
    // let every projection and the audit trail catch up with the last write (the key pair)
    http.await(admin.token(), "/ops/v1/audit/events?limit=1&request_id=" + keypair.header(HttpSetup.REQUEST_ID_HEADER),
        a -> a.path("events").size() > 0);
    Thread.sleep(1000);

    Map<String, String> secrets = Map.of("a password", password, "a wrong password", wrongPassword,
        "a new password", newPassword, "a private key", keyLine, "a token", token, "another token", scoped,
        "a server's admin password", adminPass);
    List<String> found = new ArrayList<>();
    for (var s : secrets.entrySet()) {
      for (String line : logLines) if (line.contains(s.getValue())) found.add(s.getKey() + " in the log: " + line);
    }
    found.addAll(inTables(secrets));
    found.addAll(inTopics(secrets));
    assertTrue(found.isEmpty(), String.join("\n", found));
    assertFalse(logLines.isEmpty(), "the log was captured");
  }

  /** Every row of every table of every schema, as text. */
  private static List<String> inTables(Map<String, String> secrets) {
    List<String> found = new ArrayList<>();
    SkyConfig c = cloud.config();
    try (Database db = new Database(c.jdbcUrl(), c.dbUser(), c.dbPassword(), 1)) {
      db.read(conn -> {
        List<String> tables = new ArrayList<>();
        try (var s = conn.createStatement(); ResultSet r = s.executeQuery("SELECT table_schema, table_name FROM "
            + "information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN "
            + "('pg_catalog', 'information_schema')")) {
          while (r.next()) tables.add("\"" + r.getString(1) + "\".\"" + r.getString(2) + "\"");
        }
        assertTrue(tables.size() > 10, "the views were found: " + tables);
        for (String table : tables) {
          try (var s = conn.createStatement(); ResultSet r = s.executeQuery("SELECT t::text FROM " + table + " t")) {
            while (r.next()) {
              String row = r.getString(1);
              for (var secret : secrets.entrySet()) {
                if (row.contains(secret.getValue())) found.add(secret.getKey() + " in table " + table + ": " + row);
              }
            }
          }
        }
        return null;
      });
    }
    return found;
  }

  /** Every record of every topic of this cloud (commands, events, replies, the processors' changelogs), as bytes. */
  private static List<String> inTopics(Map<String, String> secrets) throws Exception {
    List<String> found = new ArrayList<>();
    SkyConfig c = cloud.config();
    Map<String, Object> props = new HashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, c.kafkaBootstrap());
    List<TopicPartition> partitions = new ArrayList<>();
    try (Admin kafka = Admin.create(props)) {
      var names = kafka.listTopics().names().get().stream().filter(n -> n.contains(c.topicPrefix())).toList();
      assertTrue(names.size() > 10, "the topics were found: " + names);
      for (var d : kafka.describeTopics(names).allTopicNames().get().values()) {
        d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
      }
    }
    Properties consumer = new Properties();
    consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, c.kafkaBootstrap());
    consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      reader.assign(partitions);
      reader.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (partitions.stream().anyMatch(p -> reader.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
          if (r.value() == null) continue;
          String text = new String(r.value(), StandardCharsets.ISO_8859_1);
          for (var secret : secrets.entrySet()) {
            String bytes = new String(secret.getValue().getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            if (text.contains(bytes)) found.add(secret.getKey() + " in topic " + r.topic() + " at offset " + r.offset());
          }
        }
      }
    }
    return found;
  }
}
