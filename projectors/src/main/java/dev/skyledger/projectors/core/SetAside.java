package dev.skyledger.projectors.core;

import dev.skyledger.views.core.Storable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The events of one projection schema that could not be applied (table {@code set_aside}), and their streams. */
public final class SetAside {
  /** One event set aside: where it is in the log, what it was, and why it was not applied. */
  public record Entry(String topic, int partition, long offset, String streamKey, long sequence, String aggregateId,
                      String type, String eventId,
                      String requestId, boolean behind, String error, java.time.Instant at) {}

  private SetAside() {}

  /** The resources (aggregates) that have an event set aside: their later events wait behind it. */
  static Set<String> blockedAggregates(Connection c) throws SQLException {
    Set<String> keys = new HashSet<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT DISTINCT aggregate_id FROM set_aside")) {
      while (r.next()) keys.add(r.getString(1));
    }
    return keys;
  }

  static void add(Connection c, ConsumerRecord<String, ?> record, String streamKey, long sequence, String aggregateId,
                  String type, String eventId, String requestId, boolean behind, String error) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO set_aside (topic, partition, kafka_offset, stream_key, "
        + "sequence, aggregate_id, event_type, event_id, request_id, behind, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        + "ON CONFLICT (topic, partition, kafka_offset) DO NOTHING")) {
      s.setString(1, record.topic());
      s.setInt(2, record.partition());
      s.setLong(3, record.offset());
      s.setString(4, Storable.text(streamKey));
      s.setLong(5, sequence);
      s.setString(6, Storable.text(aggregateId));
      s.setString(7, Storable.text(type));
      s.setString(8, Storable.text(eventId));
      s.setString(9, Storable.text(requestId));
      s.setBoolean(10, behind);
      s.setString(11, Storable.text(error));
      s.executeUpdate();
    }
  }

  /** What is set aside in {@code schema}, in log order. */
  public static List<Entry> list(Connection c, String schema) throws SQLException {
    List<Entry> entries = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(
        "SELECT topic, partition, kafka_offset, stream_key, sequence, aggregate_id, event_type, event_id, request_id, "
            + "behind, error, set_aside_at "
            + "FROM \"" + schema + "\".set_aside ORDER BY topic, partition, kafka_offset")) {
      while (r.next()) {
        entries.add(new Entry(r.getString(1), r.getInt(2), r.getLong(3), r.getString(4), r.getLong(5), r.getString(6),
            r.getString(7), r.getString(8), r.getString(9), r.getBoolean(10), r.getString(11),
            r.getTimestamp(12).toInstant()));
      }
    }
    return entries;
  }

  /** How many events are set aside in {@code schema}. */
  public static long count(Connection c, String schema) throws SQLException {
    try (Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT count(*) FROM \"" + schema + "\".set_aside")) {
      return r.next() ? r.getLong(1) : 0;
    }
  }

  static void remove(Connection c, Entry e) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "DELETE FROM set_aside WHERE topic = ? AND partition = ? AND kafka_offset = ?")) {
      s.setString(1, e.topic());
      s.setInt(2, e.partition());
      s.setLong(3, e.offset());
      s.executeUpdate();
    }
  }

  static void failedAgain(Connection c, Entry e, String error) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE set_aside SET error = ?, set_aside_at = now() WHERE topic = ? AND partition = ? AND kafka_offset = ?")) {
      s.setString(1, Storable.text(error));
      s.setString(2, e.topic());
      s.setInt(3, e.partition());
      s.setLong(4, e.offset());
      s.executeUpdate();
    }
  }
}
