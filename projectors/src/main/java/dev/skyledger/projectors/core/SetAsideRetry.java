package dev.skyledger.projectors.core;

import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import dev.skyledger.views.core.Projection;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Re-applies what a projection's live schema set aside, in log order, while the projector keeps
 * running (both take the schema's lock per transaction). An event that fails again stays, and so do
 * the later events of its resource, which must not overtake it.
 */
public final class SetAsideRetry {
  /** What a retry did: applied and taken off the list, and still set aside. */
  public record Result(int applied, int remaining) {}

  private final Database db;
  private final KafkaClients kafka;
  private final Envelopes envelopes;
  private final ProjectionSchemas schemas;

  public SetAsideRetry(Database db, KafkaClients kafka, Envelopes envelopes, ProjectionSchemas schemas) {
    this.db = db;
    this.kafka = kafka;
    this.envelopes = envelopes;
    this.schemas = schemas;
  }

  public Result retry(Projection projection) {
    String schema = schemas.active(projection.name()).map(ProjectionSchemas.Active::schema)
        .orElseThrow(() -> new IllegalArgumentException("projection " + projection.name() + " is not built"));
    List<SetAside.Entry> entries = db.read(c -> SetAside.list(c, schema));
    ProjectionWriter writer = new ProjectionWriter(projection, db, envelopes, schema);
    Set<String> stillBlocked = new HashSet<>();
    int applied = 0;
    try (KafkaConsumer<String, Envelope> consumer = kafka.reader("set-aside-" + projection.name())) {
      for (SetAside.Entry entry : entries) {
        if (stillBlocked.contains(entry.aggregateId())) continue;
        if (writer.reapply(entry, fetch(consumer, entry))) {
          applied++;
        } else {
          stillBlocked.add(entry.aggregateId());
        }
      }
    }
    return new Result(applied, entries.size() - applied);
  }

  private static ConsumerRecord<String, Envelope> fetch(KafkaConsumer<String, Envelope> consumer, SetAside.Entry entry) {
    TopicPartition tp = new TopicPartition(entry.topic(), entry.partition());
    consumer.assign(List.of(tp));
    consumer.seek(tp, entry.offset());
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      for (ConsumerRecord<String, Envelope> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.offset() == entry.offset()) return r;
        if (r.offset() > entry.offset()) break;
      }
      if (consumer.position(tp) > entry.offset()) {
        throw new IllegalStateException("record " + tp + "@" + entry.offset() + " is no longer in the log");
      }
    }
    throw new IllegalStateException("record " + tp + "@" + entry.offset() + " could not be read from the log");
  }
}
