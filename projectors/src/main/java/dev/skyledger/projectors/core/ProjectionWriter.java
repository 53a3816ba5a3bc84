package dev.skyledger.projectors.core;

import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.command.ProjectionWaiter;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.DatabaseException;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.views.core.Projection;
import dev.skyledger.views.core.Storable;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies batches of records to one schema of a projection, each batch in one transaction with
 * the partitions' next offsets and the streams' positions: a record below the stored offset is
 * skipped, so a crash and a re-delivery never apply an event twice.
 */
public final class ProjectionWriter {
  private static final Logger log = LoggerFactory.getLogger(ProjectionWriter.class);
  private final Projection projection;
  private final Database db;
  private final Envelopes envelopes;
  private final String schema;
  private final Map<TopicPartition, Long> next = new HashMap<>();

  /** Applies one record, its envelope and payload made storable first (the same way on every replay). */
  private void applyOne(java.sql.Connection c, ConsumerRecord<String, Envelope> record) throws SQLException {
    Envelope envelope = record.value();
    SpecificRecord payload;
    try {
      payload = envelopes.open(envelope);
    } catch (RuntimeException e) {
      // a type this release cannot read (written by a newer one): decided here, not by accident
      throw new UnknownEvent("event type " + envelope.getType() + " (schema version " + envelope.getSchemaVersion()
          + ") cannot be read by this release; an upgraded projector can re-apply it", e);
    }
    Envelope storable = Storable.record(envelope);
    ConsumerRecord<String, Envelope> applied = storable == envelope ? record : new ConsumerRecord<>(record.topic(),
        record.partition(), record.offset(), record.timestamp(), record.timestampType(), record.serializedKeySize(),
        record.serializedValueSize(), record.key(), storable, record.headers(), record.leaderEpoch());
    projection.apply(c, applied, Storable.record(payload));
  }

  /** An event this release does not know how to read. */
  static final class UnknownEvent extends RuntimeException {
    UnknownEvent(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private void setAside(java.sql.Connection c, ConsumerRecord<String, Envelope> record, String stream, boolean behind,
                        String error) throws SQLException {
    Envelope e = record.value();
    SetAside.add(c, record, stream, e.getSequence(), resourceOf(e, stream), e.getType(), e.getEventId(),
        e.getRequestId(), behind, error);
    log.error("projection {} set aside {} {}/{}@{} of {} (request {}): {}", projection.name(), e.getType(),
        record.topic(), record.partition(), record.offset(), resourceOf(e, stream), e.getRequestId(), error);
  }

  /** The resource an event is about: its events are applied in order, so they wait behind one set aside. */
  static String resourceOf(Envelope e, String stream) {
    return e.getAggregateId() != null ? e.getAggregateId() : stream;
  }

  /**
   * Applies a set-aside event again (the operator fixed what stopped it, or upgraded the projector)
   * and takes it off the list; true when it applied. When it fails again, its new error is kept.
   */
  public boolean reapply(SetAside.Entry entry, ConsumerRecord<String, Envelope> record) {
    return db.inTransaction(c -> {
      try (Statement s = c.createStatement()) {
        lock(s);
      }
      Savepoint savepoint = c.setSavepoint();
      try {
        applyOne(c, record);
        c.releaseSavepoint(savepoint);
      } catch (SQLException | RuntimeException e) {
        if (DatabaseException.isTransient(e)) throw e;
        c.rollback(savepoint);
        SetAside.failedAgain(c, entry, describe(e));
        return false;
      }
      SetAside.remove(c, entry);
      return true;
    });
  }

  /**
   * Points the transaction at the schema and takes its lock: one writer at a time per schema, so a
   * second projector process, a replay racing the live one or a set-aside retry waits here, then
   * sees the offsets the first committed and skips what it applied.
   */
  private void lock(Statement s) throws SQLException {
    s.execute("SET LOCAL search_path TO \"" + schema + "\"");
    s.execute("SELECT pg_advisory_xact_lock(hashtext('projection:" + schema + "'))");
  }

  private static String describe(Throwable e) {
    StringBuilder why = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      why.append("; caused by ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
    }
    return why.toString();
  }

  public ProjectionWriter(Projection projection, Database db, Envelopes envelopes, String schema) {
    this.projection = projection;
    this.db = db;
    this.envelopes = envelopes;
    this.schema = schema;
    next.putAll(new ProjectionSchemas(db).appliedOffsets(schema));
  }

  public String schema() {
    return schema;
  }

  /** The next offset to apply of each partition this schema has seen. */
  public Map<TopicPartition, Long> offsets() {
    return Map.copyOf(next);
  }

  /**
   * Applies what was not applied yet; returns how many records were applied. A batch goes in one
   * transaction; when a record of it cannot be applied (and the database is not merely unavailable),
   * the batch is applied again one record at a time, and what fails is set aside (see
   * {@link SetAside}) while the projection goes on with every other stream.
   */
  public int apply(List<ConsumerRecord<String, Envelope>> records) {
    try {
      return applyBatch(records, false);
    } catch (RuntimeException e) {
      if (DatabaseException.isTransient(e)) throw e;
      log.warn("projection {} could not apply a batch of {} records in {}; applying them one by one",
          projection.name(), records.size(), schema, e);
      return applyBatch(records, true);
    }
  }

  private int applyBatch(List<ConsumerRecord<String, Envelope>> records, boolean oneByOne) {
    Map<TopicPartition, Long> advanced = new HashMap<>();
    Map<String, Long> streams = new HashMap<>();
    int applied = db.inTransaction(c -> {
      try (Statement s = c.createStatement()) {
        lock(s);
        try (ResultSet r = s.executeQuery("SELECT topic, partition, next_offset FROM projector_offsets")) {
          while (r.next()) next.put(new TopicPartition(r.getString(1), r.getInt(2)), r.getLong(3));
        }
      }
      Set<String> blocked = SetAside.blockedAggregates(c);
      int count = 0;
      for (ConsumerRecord<String, Envelope> record : records) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        long expected = advanced.getOrDefault(tp, next.getOrDefault(tp, 0L));
        if (record.offset() < expected) continue;
        Envelope envelope = record.value();
        if (envelope != null) {
          String stream = envelope.getStreamKey() != null ? envelope.getStreamKey() : String.valueOf(record.key());
          String resource = resourceOf(envelope, stream);
          if (blocked.contains(resource)) {
            setAside(c, record, stream, true, "waits behind an earlier event of " + resource + " that was set aside");
          } else if (!oneByOne) {
            applyOne(c, record);
            count++;
          } else {
            Savepoint savepoint = c.setSavepoint();
            try {
              applyOne(c, record);
              c.releaseSavepoint(savepoint);
              count++;
            } catch (SQLException | RuntimeException e) {
              if (DatabaseException.isTransient(e)) throw e;
              c.rollback(savepoint);
              setAside(c, record, stream, false, describe(e));
              blocked.add(resource);
            }
          }
          // a set-aside event still moves its stream on, so that nobody waits for it in vain: the
          // read-your-writes check finds it set aside instead
          if (envelope.getSequence() > 0) streams.merge(stream, envelope.getSequence(), Math::max);
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
