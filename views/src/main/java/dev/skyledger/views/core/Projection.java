package dev.skyledger.views.core;

import dev.skyledger.events.Topic;
import dev.skyledger.events.core.Envelope;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A view built from events. {@link #apply} runs inside the projector's transaction with the
 * search path set to the projection's schema, so its SQL names tables without a schema.
 */
public interface Projection {
  /** Also the prefix of its schemas: {@code <name>_<generation>}. */
  String name();

  List<Topic<String, Envelope>> topics();

  /** Flyway location of the projection's own migrations (versions from 2; 1 is the positions table). */
  String migrations();

  void apply(Connection connection, ConsumerRecord<String, Envelope> record, SpecificRecord payload) throws SQLException;

  /** Runs one parameterised statement: what most {@link #apply} branches are. */
  static void execute(Connection c, String sql, Object... args) throws SQLException {
    try (java.sql.PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) s.setObject(i + 1, args[i]);
      s.executeUpdate();
    }
  }
}
