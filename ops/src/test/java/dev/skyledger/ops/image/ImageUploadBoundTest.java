package dev.skyledger.ops.image;

import static dev.skyledger.ops.KeystoneAdmin.json;
import static dev.skyledger.ops.KeystoneAdmin.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.image.StartImageUpload;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No image stays {@code saving} for ever: an upload whose writer died (its StartImageUpload is in
 * the log, nothing after it) goes back to {@code queued} once the bound has passed, its abandoned
 * staged data is removed, and the image takes an upload again.
 */
@ExtendWith(SkyTestKit.class)
class ImageUploadBoundTest {
  static final Duration BOUND = Duration.ofSeconds(2);

  static TestEnvironment env;
  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin.Scoped member;

  @BeforeAll
  static void start(TestEnvironment environment) {
    env = environment;
    cloud = TestClouds.start(env, "secret", env.config().withCompute(new SkyConfig.Compute(Duration.ofSeconds(30),
        Duration.ofSeconds(120), Duration.ofSeconds(30), BOUND)));
    http = new HttpClientForTests(cloud.config().publicUrl());
    KeystoneAdmin admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    member = admin.userWithRole("uploader", "member");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  @Test
  void anUploadWhoseWriterDiedEndsQueuedAfterTheBoundWithItsPartialDataRemoved() throws Exception {
    var created = http.send("POST", "/image/v2/images", member.token(),
        json(obj("name", "half-uploaded", "disk_format", "raw", "container_format", "bare")));
    assertEquals(201, created.status(), created.raw().body());
    String id = created.json().path("id").asText();

    // the upload began in a process that died right after: its StartImageUpload and a staged file remain
    Envelopes envelopes = new Envelopes(new PayloadCodec());
    Actor actor = new Actor(member.userId(), member.userName(), member.projectId(), List.of("member"));
    Envelope start = envelopes.command(new StartImageUpload(id), id, member.projectId(), actor, "req-dead-upload",
        member.projectId(), Instant.now());
    try (KafkaProducer<String, Envelope> producer = new KafkaClients(env.config()).producer("dead-uploader")) {
      producer.send(new ProducerRecord<>(env.config().topic(Topics.IMAGE_COMMANDS), member.projectId(), start)).get();
    }
    Path dir = cloud.config().imageDir();
    Files.createDirectories(dir);
    Path abandoned = dir.resolve(id + ".abandoned.part");
    Files.write(abandoned, new byte[1024]);
    Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

    http.await(member.token(), "/image/v2/images/" + id, i -> i.path("status").asText().equals("saving"));
    long saving = System.nanoTime();
    http.await(member.token(), "/image/v2/images/" + id, i -> i.path("status").asText().equals("queued"));
    Duration took = Duration.ofNanos(System.nanoTime() - saving);
    assertTrue(took.compareTo(BOUND.multipliedBy(10)) < 0, "ended soon after its bound, not never: " + took);
    assertFalse(Files.exists(abandoned), "the abandoned staged data is removed");
    // staged data written to within the bound (an upload in progress) is left alone by the sweeps
    Path writing = dir.resolve(id + ".still-writing.part");
    Files.write(writing, new byte[1024]);
    Thread.sleep(BOUND.toMillis() / 2);
    assertTrue(Files.exists(writing), "data still being written is not removed");

    // the audit trail says why, and the image takes an upload again
    var audit = http.send("GET", "/ops/v1/audit/events?resource=" + id, http.token("admin", "secret", "admin"), null);
    assertTrue(audit.raw().body().contains("ImageUploadAborted") && audit.raw().body().contains("did not complete"),
        audit.raw().body());
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + id + "/file", member.token(), new byte[4096],
        Map.of("Content-Type", "application/octet-stream")).statusCode());
    assertEquals("active", http.send("GET", "/image/v2/images/" + id, member.token(), null).json().path("status").asText());
  }
}
