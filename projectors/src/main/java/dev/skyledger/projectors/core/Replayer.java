package dev.skyledger.projectors.core;

import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import dev.skyledger.views.core.Projection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Rebuilds a projection from offset 0 into a fresh schema while the live one keeps serving, then
 * switches to it. The live projector follows the switch and continues from the new schema's
 * offsets, so nothing written during the rebuild is missed.
 */
public final class Replayer {
  /** What a rebuild did. */
  public record Result(String previousSchema, String schema, long events, Duration took) {}

  private final Database db;
  private final KafkaClients kafka;
  private final Envelopes envelopes;
  private final ProjectionSchemas schemas;

  public Replayer(Database db, KafkaClients kafka, Envelopes envelopes, ProjectionSchemas schemas) {
    this.db = db;
    this.kafka = kafka;
    this.envelopes = envelopes;
    this.schemas = schemas;
  }

  public Result rebuild(Projection projection) {
    long started = System.nanoTime();
    String previous = schemas.active(projection.name()).map(ProjectionSchemas.Active::schema).orElse(null);
    ProjectionSchemas.Active next = schemas.prepareNext(projection);
    ProjectionWriter writer = new ProjectionWriter(projection, db, envelopes, next.schema());
    long applied = 0;
    try (KafkaConsumer<String, Envelope> c = kafka.reader("replay-" + projection.name())) {
      List<TopicPartition> partitions = ProjectorRunner.partitions(c, kafka, projection.topics());
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = c.endOffsets(partitions);
      while (true) {
        applied += catchUp(c, partitions, ends, writer);
        // events kept arriving during the rebuild: switch only once the new schema has all the live one has
        if (schemas.switchTo(projection, next, writer.offsets())) break;
        ends = c.endOffsets(partitions);
      }
    }
    return new Result(previous, next.schema(), applied, Duration.ofNanos(System.nanoTime() - started));
  }

  private static long catchUp(KafkaConsumer<String, Envelope> c, List<TopicPartition> partitions,
                              Map<TopicPartition, Long> ends, ProjectionWriter writer) {
    long applied = 0;
    while (partitions.stream().anyMatch(p -> c.position(p) < ends.get(p))) {
      List<ConsumerRecord<String, Envelope>> batch = new ArrayList<>();
      c.poll(Duration.ofMillis(200)).forEach(batch::add);
      if (!batch.isEmpty()) applied += writer.apply(batch);
    }
    return applied;
  }
}
