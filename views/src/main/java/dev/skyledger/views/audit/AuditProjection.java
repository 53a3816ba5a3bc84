package dev.skyledger.views.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.Topic;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.views.core.Projection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The audit trail: one row per event of every event topic, with its whole envelope and a redacted payload. */
public final class AuditProjection implements Projection {
  public static final String NAME = "audit";

  private final ObjectMapper json;

  public AuditProjection(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Topic<String, Envelope>> topics() {
    return Topics.EVENT_TOPICS;
  }

  @Override
  public String migrations() {
    return "classpath:db/audit";
  }

  @Override
  public void apply(Connection c, ConsumerRecord<String, Envelope> record, SpecificRecord payload) throws SQLException {
    // a heartbeat says an agent is alive, not that anything changed: it stays in the log, not in the trail
    if (payload instanceof dev.skyledger.events.host.HostHeartbeat) return;
    Envelope e = record.value();
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO events (event_id, topic, partition, kafka_offset, type, aggregate_id, project_id, actor_user_id, "
            + "actor_user_name, actor_project_id, actor_roles, request_id, causation_id, correlation_id, occurred_at, "
            + "schema_version, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb) "
            + "ON CONFLICT (event_id) DO NOTHING")) {
      s.setString(1, e.getEventId());
      s.setString(2, record.topic());
      s.setInt(3, record.partition());
      s.setLong(4, record.offset());
      s.setString(5, e.getType());
      s.setString(6, e.getAggregateId());
      s.setString(7, e.getProjectId());
      s.setString(8, e.getActor().getUserId());
      s.setString(9, e.getActor().getUserName());
      s.setString(10, e.getActor().getProjectId());
      s.setArray(11, c.createArrayOf("text", e.getActor().getRoles().toArray()));
      s.setString(12, e.getRequestId());
      if (e.getCausationId() == null) s.setNull(13, Types.VARCHAR); else s.setString(13, e.getCausationId());
      s.setString(14, e.getCorrelationId());
      s.setTimestamp(15, Timestamp.from(e.getTime()));
      s.setInt(16, e.getSchemaVersion());
      s.setString(17, redacted(payload));
      s.executeUpdate();
    }
  }

  /** The payload as JSON with every secret-looking field (password hashes) replaced. */
  String redacted(SpecificRecord payload) {
    try {
      return json.writeValueAsString(toJson(payload));
    } catch (Exception ex) {
      return "{}";
    }
  }

  private JsonNode toJson(Object value) {
    if (value instanceof SpecificRecord record) {
      ObjectNode object = json.createObjectNode();
      for (org.apache.avro.Schema.Field field : record.getSchema().getFields()) {
        Object v = record.get(field.pos());
        boolean secret = field.name().toLowerCase(java.util.Locale.ROOT).contains("password");
        object.set(field.name(), secret && v != null ? object.textNode("***") : toJson(v));
      }
      return object;
    }
    if (value instanceof java.time.Instant instant) return json.getNodeFactory().textNode(instant.toString());
    if (value instanceof CharSequence text) return json.getNodeFactory().textNode(text.toString());
    if (value instanceof List<?> list) {
      var array = json.createArrayNode();
      list.forEach(item -> array.add(toJson(item)));
      return array;
    }
    return json.valueToTree(value);
  }
}
