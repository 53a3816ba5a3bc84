package dev.skyledger.views.compute;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Reads the host aggregates of the {@code compute} projection and shows them as Nova's os-aggregates does. */
public final class AggregateCatalog {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS")
      .withZone(ZoneOffset.UTC);

  public record Aggregate(int id, String uuid, String name, String availabilityZone, Map<String, String> metadata,
                          List<String> hosts, Instant createdAt, Instant updatedAt) {}

  private final Database db;
  private final ProjectionRegistry registry;
  private final ObjectMapper json;

  public AggregateCatalog(Database db, ProjectionRegistry registry, ObjectMapper json) {
    this.db = db;
    this.registry = registry;
    this.json = json;
  }

  private String table(String name) {
    return "\"" + registry.schemaOf("compute") + "\"." + name;
  }

  /** Every aggregate, by id. */
  public List<Aggregate> aggregates() {
    return query("TRUE", null);
  }

  public Optional<Aggregate> byId(int id) {
    return query("a.id = ?", id).stream().findFirst();
  }

  public Optional<Aggregate> byUuid(String uuid) {
    return query("a.uuid = ?", uuid).stream().findFirst();
  }

  private List<Aggregate> query(String condition, Object arg) {
    return db.read(c -> {
      List<Aggregate> out = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT a.id, a.uuid, a.name, a.availability_zone, a.metadata::text,"
          + " a.created_at, a.updated_at, COALESCE((SELECT json_agg(h.host_id ORDER BY h.position) FROM "
          + table("aggregate_hosts") + " h WHERE h.aggregate_id = a.id), '[]')::text FROM " + table("aggregates")
          + " a WHERE " + condition + " ORDER BY a.id")) {
        if (arg != null) s.setObject(1, arg);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) out.add(aggregate(r));
        }
      }
      return out;
    });
  }

  private Aggregate aggregate(ResultSet r) throws SQLException {
    try {
      Map<String, String> metadata = json.readValue(r.getString(5), new TypeReference<TreeMap<String, String>>() {});
      List<String> hosts = json.readValue(r.getString(8), new TypeReference<List<String>>() {});
      return new Aggregate(r.getInt(1), r.getString(2), r.getString(3), r.getString(4), metadata, hosts,
          r.getTimestamp(6).toInstant(), r.getTimestamp(7) == null ? null : r.getTimestamp(7).toInstant());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable aggregate row " + r.getInt(1), e);
    }
  }

  /**
   * An aggregate as Nova shows it: {@code hosts} and {@code metadata} (with the zone under
   * {@code availability_zone}, as Nova keeps it) unless {@code created} (the create answer has
   * neither); the uuid from 2.41.
   */
  public ObjectNode render(Aggregate a, boolean created, boolean withUuid) {
    ObjectNode o = json.createObjectNode();
    o.put("availability_zone", a.availabilityZone());
    o.put("created_at", TIME.format(a.createdAt()));
    o.put("deleted", false);
    o.putNull("deleted_at");
    o.put("id", a.id());
    o.put("name", a.name());
    if (a.updatedAt() == null) o.putNull("updated_at");
    else o.put("updated_at", TIME.format(a.updatedAt()));
    if (withUuid) o.put("uuid", a.uuid());
    if (!created) {
      var hosts = o.putArray("hosts");
      a.hosts().forEach(hosts::add);
      ObjectNode metadata = o.putObject("metadata");
      Map<String, String> all = new TreeMap<>(a.metadata());
      if (a.availabilityZone() != null) all.put("availability_zone", a.availabilityZone());
      all.forEach(metadata::put);
    }
    return o;
  }
}
