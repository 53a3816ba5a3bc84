package dev.skyledger.projectors.core;

import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.command.ProjectionWaiter;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.kafka.Envelopes;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Applies batches of records to one schema of a projection, each batch in one transaction with
 * the partitions' next offsets and the streams' positions: a record below the stored offset is
 * skipped, so a crash and a re-delivery never apply an event twice.
 */
public final class ProjectionWriter {
  private final Projection projection;
  private final Database db;
  private final Envelopes envelopes;
  private final String schema;
  private final Map<TopicPartition, Long> next = new HashMap<>();

  public ProjectionWriter(Projection projection, Database db, Envelopes envelopes, String schema) {
    this.projection = projection;
    this.db = db;
    this.envelopes = envelopes;
    this.schema = schema;
    loadOffsets();
  }

  public String schema() {
    return schema;
  }

  /** The next offset to apply of each partition this schema has seen. */
  public Map<TopicPartition, Long> offsets() {
    return Map.copyOf(next);
  }

  private void loadOffsets() {
    db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT topic, partition, next_offset FROM \"" + schema + "\".projector_offsets")) {
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) next.put(new TopicPartition(r.getString(1), r.getInt(2)), r.getLong(3));
        }
      }
      return null;
    });
  }

  /** Applies what was not applied yet; returns how many records were applied. */
  public int apply(List<ConsumerRecord<String, Envelope>> records) {
    Map<TopicPartition, Long> advanced = new HashMap<>();
    Map<String, Long> streams = new HashMap<>();
    int applied = db.inTransaction(c -> {
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL search_path TO \"" + schema + "\"");
        // one writer at a time per schema: a second projector process (or a replay racing the live
        // one) waits here, then sees the offsets the first committed and skips what it applied
        s.execute("SELECT pg_advisory_xact_lock(hashtext('projection:" + schema + "'))");
        try (ResultSet r = s.executeQuery("SELECT topic, partition, next_offset FROM projector_offsets")) {
          while (r.next()) next.put(new TopicPartition(r.getString(1), r.getInt(2)), r.getLong(3));
        }
      }
      int count = 0;
      for (ConsumerRecord<String, Envelope> record : records) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        long expected = advanced.getOrDefault(tp, next.getOrDefault(tp, 0L));
        if (record.offset() < expected) continue;
        Envelope envelope = record.value();
        if (envelope != null) {
          SpecificRecord payload = envelopes.open(envelope);
          projection.apply(c, record, payload);
          if (envelope.getSequence() > 0) streams.merge(envelope.getStreamKey(), envelope.getSequence(), Math::max);
          count++;
        }
        advanced.put(tp, record.offset() + 1);
      }
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO projector_offsets (topic, partition, next_offset) VALUES (?, ?, ?) "
              + "ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset")) {
        for (var e : advanced.entrySet()) {
          s.setString(1, e.getKey().topic());
          s.setInt(2, e.getKey().partition());
          s.setLong(3, e.getValue());
          s.addBatch();
        }
        s.executeBatch();
      }
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO stream_positions (stream_key, sequence) VALUES (?, ?) "
              + "ON CONFLICT (stream_key) DO UPDATE SET sequence = GREATEST(stream_positions.sequence, EXCLUDED.sequence)")) {
        for (var e : streams.entrySet()) {
          s.setString(1, e.getKey());
          s.setLong(2, e.getValue());
          s.addBatch();
        }
        s.executeBatch();
      }
      // tell waiting API processes (read-your-writes) what this transaction makes visible
      try (PreparedStatement s = c.prepareStatement("SELECT pg_notify('" + ProjectionWaiter.CHANNEL + "', ?)")) {
        for (var e : streams.entrySet()) {
          s.setString(1, schema + "|" + e.getKey() + "|" + e.getValue());
          s.executeQuery().close();
        }
      }
      return count;
    });
    next.putAll(advanced);
    return applied;
  }
}
