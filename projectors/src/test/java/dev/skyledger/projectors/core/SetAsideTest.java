package dev.skyledger.projectors.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.identity.ProjectCreated;
import dev.skyledger.events.identity.ProjectUpdated;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import dev.skyledger.views.identity.IdentityProjection;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A projection cannot be wedged, against the real broker and database: text PostgreSQL cannot hold
 * is stored the same way every time; an event that cannot be applied is set aside with where it is
 * and why, later events of its stream wait behind it, every other stream goes on; a type this
 * release cannot read is set aside too; and a retry re-applies them in order once the cause is gone.
 */
@ExtendWith(SkyTestKit.class)
class SetAsideTest {
  private static final Instant T = Instant.parse("2026-06-01T12:00:00Z");
  private final Envelopes envelopes = new Envelopes(new PayloadCodec());
  private final IdentityProjection projection = new IdentityProjection();
  private final TestEnvironment env;
  private Database db;
  private ProjectionSchemas schemas;
  private String schema;
  private KafkaClients kafka;
  private String topic;

  SetAsideTest(TestEnvironment env) {
    this.env = env;
  }

  @BeforeEach
  void start() {
    kafka = new KafkaClients(env.config());
    kafka.ensureTopics();
    topic = env.config().topic(Topics.IDENTITY_EVENTS);
    db = new Database(env.config().jdbcUrl(), env.config().dbUser(), env.config().dbPassword(), 4);
    schemas = new ProjectionSchemas(db);
    schemas.migrateRegistry();
    schema = schemas.activeOrCreate(projection).schema();
  }

  @AfterEach
  void stop() {
    db.close();
  }

  /** An event about the project whose id is the payload's first field. */
  private Envelope event(SpecificRecord payload, String stream, long sequence, String request) {
    Envelope command = envelopes.command(payload, (String) payload.get(0), "p", Envelopes.system(), request, stream, T);
    return Envelope.newBuilder(command).setSequence(sequence).build();
  }

  /** Writes the envelopes to the log (one partition) and reads them back as the projector would. */
  private List<ConsumerRecord<String, Envelope>> log(Envelope... events) throws Exception {
    TopicPartition tp = new TopicPartition(topic, 0);
    long first;
    try (KafkaProducer<String, Envelope> producer = kafka.producer("set-aside-test")) {
      first = -1;
      for (Envelope e : events) {
        long offset = producer.send(new ProducerRecord<>(topic, 0, e.getStreamKey(), e)).get().offset();
        if (first < 0) first = offset;
      }
    }
    List<ConsumerRecord<String, Envelope>> records = new ArrayList<>();
    try (KafkaConsumer<String, Envelope> consumer = kafka.reader("set-aside-test")) {
      consumer.assign(List.of(tp));
      consumer.seek(tp, first);
      long deadline = System.currentTimeMillis() + 20_000;
      while (records.size() < events.length && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    assertEquals(events.length, records.size());
    return records;
  }

  private Optional<String> projectName(String id) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT name FROM \"" + schema + "\".projects WHERE id = ?")) {
        s.setString(1, id);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
        }
      }
    });
  }

  private ProjectCreated project(String id, String name) {
    return new ProjectCreated(id, "default", name, "", true, List.of(), null);
  }

  @Test
  void textPostgresCannotHoldIsStoredDeterministically() throws Exception {
    var records = log(event(project("p-nul", "bad\u0000name"), "domain/a", 1, "req-nul"));
    ProjectionWriter writer = new ProjectionWriter(projection, db, envelopes, schema);

    assertEquals(1, writer.apply(records));
    assertEquals(Optional.of("bad\uFFFDname"), projectName("p-nul"));
    assertTrue(db.read(c -> SetAside.list(c, schema)).stream().noneMatch(e -> e.requestId().equals("req-nul")));
  }

  @Test
  void anEventThatCannotBeAppliedIsSetAside_itsResourceWaits_everyOtherGoesOn_andARetryReappliesInOrder()
      throws Exception {
    Envelope unknown = Envelope.newBuilder(event(project("p-x", "x"), "domain/future", 1, "req-future"))
        .setType("dev.skyledger.events.future.SomethingNew").setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3})).build();
    var records = log(
        event(project("p-dup", "first"), "domain/one", 1, "req-1"),
        // the same id again, on another stream: the primary key refuses it
        event(project("p-dup", "second"), "domain/two", 1, "req-2"),
        event(new ProjectUpdated("p-dup", "second-renamed", "", true, null), "domain/two", 2, "req-3"),
        unknown,
        // the same stream, another resource: not held up
        event(project("p-other", "other"), "domain/two", 3, "req-4"));
    ProjectionWriter writer = new ProjectionWriter(projection, db, envelopes, schema);

    assertEquals(2, writer.apply(records), "the first project and the other resource's");
    assertEquals(Optional.of("first"), projectName("p-dup"), "the behind update did not overtake its stream");
    assertEquals(Optional.of("other"), projectName("p-other"));
    List<SetAside.Entry> aside = db.read(c -> SetAside.list(c, schema));
    assertEquals(3, aside.size(), aside.toString());
    SetAside.Entry dup = aside.get(0);
    assertEquals(records.get(1).offset(), dup.offset());
    assertEquals("domain/two", dup.streamKey());
    assertEquals("req-2", dup.requestId());
    assertFalse(dup.behind());
    assertTrue(dup.error().contains("duplicate key"), dup.error());
    assertTrue(aside.get(1).behind(), "the update waits behind it");
    assertTrue(aside.get(2).error().contains("cannot be read by this release"), aside.get(2).error());
    assertEquals(Long.valueOf(records.get(4).offset() + 1), writer.offsets().get(new TopicPartition(topic, 0)),
        "the projection moved past all of them");

    // the next batch of the waiting resource waits too, and nothing is applied twice on a re-delivery
    var more = log(event(new ProjectUpdated("p-dup", "third", "", true, null), "domain/two", 4, "req-5"));
    assertEquals(0, writer.apply(more));
    assertEquals(0, writer.apply(records));
    assertEquals(4, db.read(c -> SetAside.list(c, schema)).size());

    // the operator removes what stood in the way; the retry applies the resource's events in order; the unknown type stays
    db.read(c -> c.createStatement().executeUpdate("DELETE FROM \"" + schema + "\".projects WHERE id = 'p-dup'"));
    SetAsideRetry.Result result = new SetAsideRetry(db, kafka, envelopes, schemas).retry(projection);
    assertEquals(3, result.applied());
    assertEquals(1, result.remaining());
    assertEquals(Optional.of("third"), projectName("p-dup"));
    List<SetAside.Entry> left = db.read(c -> SetAside.list(c, schema));
    assertEquals("domain/future", left.get(0).streamKey());

    // and the resource is free again for the live writer
    var later = log(event(new ProjectUpdated("p-dup", "fourth", "", true, null), "domain/two", 5, "req-6"));
    assertEquals(1, writer.apply(later));
    assertEquals(Optional.of("fourth"), projectName("p-dup"));
  }
}
