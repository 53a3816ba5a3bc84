package dev.skyledger.projectors.core;

import dev.skyledger.events.Topic;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import dev.skyledger.platform.runtime.BackgroundLoop;
import dev.skyledger.views.core.Projection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one projection's live schema up to date: reads its topics from the offsets stored in the
 * schema and applies what arrives. When a replay switches the projection to a new schema, it
 * follows, continuing from that schema's own offsets.
 */
public final class ProjectorRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProjectorRunner.class);
  private static final long SWITCH_CHECK_MS = 250;

  private final Projection projection;
  private final Database db;
  private final KafkaClients kafka;
  private final Envelopes envelopes;
  private final ProjectionSchemas schemas;
  private volatile KafkaConsumer<String, Envelope> consumer;
  private volatile Map<TopicPartition, Long> positions = Map.of();
  private BackgroundLoop loop;

  public ProjectorRunner(Projection projection, Database db, KafkaClients kafka, Envelopes envelopes,
                         ProjectionSchemas schemas) {
    this.projection = projection;
    this.db = db;
    this.kafka = kafka;
    this.envelopes = envelopes;
    this.schemas = schemas;
  }

  public void start() {
    ProjectionSchemas.Active active = schemas.activeOrCreate(projection);
    loop = BackgroundLoop.start("projector-" + projection.name(), l -> run(l, active), () -> {
      KafkaConsumer<String, Envelope> c = consumer;
      if (c != null) c.wakeup();
    }, log);
  }

  static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, KafkaClients kafka,
                                         List<Topic<String, Envelope>> topics) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (Topic<String, Envelope> topic : topics) {
      String name = kafka.config().topic(topic);
      consumer.partitionsFor(name).forEach(p -> partitions.add(new TopicPartition(name, p.partition())));
    }
    return partitions;
  }

  static void seek(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> offsets) {
    for (TopicPartition p : partitions) consumer.seek(p, offsets.getOrDefault(p, 0L));
  }

  private void run(BackgroundLoop loop, ProjectionSchemas.Active initial) {
    try (KafkaConsumer<String, Envelope> c = kafka.reader("projector-" + projection.name())) {
      consumer = c;
      List<TopicPartition> partitions = partitions(c, kafka, projection.topics());
      c.assign(partitions);
      ProjectionWriter writer = new ProjectionWriter(projection, db, envelopes, initial.schema());
      seek(c, partitions, writer.offsets());
      long lastCheck = System.currentTimeMillis();
      while (loop.running()) {
        if (System.currentTimeMillis() - lastCheck > SWITCH_CHECK_MS) {
          lastCheck = System.currentTimeMillis();
          String live = schemas.active(projection.name()).map(ProjectionSchemas.Active::schema).orElse(writer.schema());
          if (!live.equals(writer.schema())) {
            log.info("projection {} switched from {} to {}", projection.name(), writer.schema(), live);
            writer = new ProjectionWriter(projection, db, envelopes, live);
            seek(c, partitions, writer.offsets());
          }
        }
        ConsumerRecords<String, Envelope> records = c.poll(Duration.ofMillis(20));
        if (records.isEmpty()) {
          // read to the end: the positions pass the transaction markers, which no event occupies
          Map<TopicPartition, Long> read = new java.util.HashMap<>();
          for (TopicPartition p : partitions) read.put(p, c.position(p));
          positions = read;
          continue;
        }
        List<ConsumerRecord<String, Envelope>> batch = new ArrayList<>(records.count());
        records.forEach(batch::add);
        try {
          writer.apply(batch);
        } catch (RuntimeException e) {
          log.error("projection {} failed to apply a batch; retrying from its stored offsets", projection.name(), e);
          if (!loop.pause(1000)) return;
          writer = new ProjectionWriter(projection, db, envelopes, writer.schema());
          seek(c, partitions, writer.offsets());
        }
      }
    }
  }

  /**
   * Where this runner's reader stood the last time it had read everything there was (past the
   * transaction markers, which the stored offsets of applied events never pass): health counts lag
   * from the later of the two, so an idle projection is 0 behind, not a few markers.
   */
  public Map<TopicPartition, Long> positions() {
    return positions;
  }

  public Projection projection() {
    return projection;
  }

  /** Whether its loop is running. */
  public boolean alive() {
    return loop != null && loop.alive();
  }

  @Override
  public void close() {
    if (loop != null) loop.close();
  }
}
