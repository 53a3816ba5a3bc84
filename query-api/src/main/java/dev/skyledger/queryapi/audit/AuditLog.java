package dev.skyledger.queryapi.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads the audit trail: events by request id, by resource, by user, in a time range. */
public final class AuditLog {
  /** A query; null fields match everything. {@code user} matches the actor's id or name. */
  public record Query(String requestId, String resource, String user, Instant since, Instant until, int limit) {}

  /** One audited event. */
  public record Entry(Instant time, String type, String aggregateId, String projectId, String userId, String userName,
                      String actorProjectId, List<String> roles, String requestId, String eventId, String causationId,
                      String correlationId, String topic, String payload) {}

  private final Database db;
  private final ProjectionRegistry registry;

  public AuditLog(Database db, ProjectionRegistry registry) {
    this.db = db;
    this.registry = registry;
  }

  public List<Entry> find(Query q) {
    String schema = "\"" + registry.schemaOf("audit") + "\"";
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT occurred_at, type, aggregate_id, project_id, actor_user_id, actor_user_name, actor_project_id, "
              + "actor_roles, request_id, event_id, causation_id, correlation_id, topic, payload::text FROM " + schema
              + ".events WHERE (?::text IS NULL OR request_id = ?) AND (?::text IS NULL OR aggregate_id = ?) "
              + "AND (?::text IS NULL OR actor_user_id = ? OR actor_user_name = ?) "
              + "AND (?::timestamptz IS NULL OR occurred_at >= ?) AND (?::timestamptz IS NULL OR occurred_at < ?) "
              + "ORDER BY occurred_at, topic, partition, kafka_offset LIMIT ?")) {
        Timestamp since = q.since() == null ? null : Timestamp.from(q.since());
        Timestamp until = q.until() == null ? null : Timestamp.from(q.until());
        Object[] args = {q.requestId(), q.requestId(), q.resource(), q.resource(), q.user(), q.user(), q.user(),
            since, since, until, until, q.limit()};
        for (int i = 0; i < args.length; i++) s.setObject(i + 1, args[i]);
        try (ResultSet r = s.executeQuery()) {
          List<Entry> entries = new ArrayList<>();
          while (r.next()) {
            entries.add(new Entry(r.getTimestamp(1).toInstant(), r.getString(2), r.getString(3), r.getString(4),
                r.getString(5), r.getString(6), r.getString(7), List.of((String[]) r.getArray(8).getArray()),
                r.getString(9), r.getString(10), r.getString(11), r.getString(12), r.getString(13), r.getString(14)));
          }
          return entries;
        }
      }
    });
  }

  public static ObjectNode render(ObjectMapper json, List<Entry> entries) {
    ObjectNode root = json.createObjectNode();
    ArrayNode events = root.putArray("events");
    for (Entry e : entries) {
      ObjectNode node = events.addObject();
      node.put("time", e.time().toString());
      node.put("type", e.type().substring(e.type().lastIndexOf('.') + 1));
      node.put("resource_id", e.aggregateId());
      node.put("project_id", e.projectId());
      ObjectNode actor = node.putObject("actor");
      actor.put("user_id", e.userId());
      actor.put("user_name", e.userName());
      actor.put("project_id", e.actorProjectId());
      ArrayNode roles = actor.putArray("roles");
      e.roles().forEach(roles::add);
      node.put("request_id", e.requestId());
      node.put("event_id", e.eventId());
      node.put("causation_id", e.causationId());
      node.put("correlation_id", e.correlationId());
      node.put("topic", e.topic());
      try {
        node.set("payload", json.readTree(e.payload()));
      } catch (Exception ex) {
        node.put("payload", e.payload());
      }
    }
    return root;
  }
}
