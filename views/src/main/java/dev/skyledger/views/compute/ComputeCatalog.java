package dev.skyledger.views.compute;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the compute views (the live schema of the {@code compute} projection) as a caller may see them. */
public final class ComputeCatalog {
  public record Flavor(String id, String name, int vcpus, int ramMb, int diskGb, int ephemeralGb, int swapMb,
                       double rxtxFactor, boolean isPublic, String description, Map<String, String> extraSpecs) {}

  public record Keypair(String userId, String name, String publicKey, String fingerprint, String type, Instant createdAt) {}

  /** Who is asking. */
  public record Viewer(String projectId, boolean admin) {}

  /** A flavor list request: Nova's filters and page. Null means any. */
  public record FlavorQuery(Boolean isPublic, Integer minRam, Integer minDisk, String sortKey, boolean ascending,
                            String marker, Integer limit) {}

  public static final Map<String, String> FLAVOR_SORT_KEYS = Map.of("flavorid", "id", "id", "id", "name", "name",
      "memory_mb", "ram_mb", "vcpus", "vcpus", "root_gb", "disk_gb", "ephemeral_gb", "ephemeral_gb", "swap", "swap_mb",
      "rxtx_factor", "rxtx_factor", "created_at", "created_at");

  private static final String FLAVOR_COLUMNS = "id, name, vcpus, ram_mb, disk_gb, ephemeral_gb, swap_mb, rxtx_factor,"
      + " is_public, description, extra_specs::text";

  private final Database db;
  private final ProjectionRegistry registry;
  private final ObjectMapper json;

  public ComputeCatalog(Database db, ProjectionRegistry registry, ObjectMapper json) {
    this.db = db;
    this.registry = registry;
    this.json = json;
  }

  private String table(String name) {
    return "\"" + registry.schemaOf("compute") + "\"." + name;
  }

  private String flavorVisible(Viewer v, List<Object> args) {
    if (v.admin()) return "TRUE";
    args.add(v.projectId());
    return "(is_public OR id IN (SELECT flavor_id FROM " + table("flavor_access") + " WHERE project_id = ?))";
  }

  /** A flavor by id, or by name when no id matches (as clients look flavors up). */
  public Optional<Flavor> flavor(Viewer v, String idOrName) {
    return db.read(c -> {
      List<Object> args = new ArrayList<>();
      String visible = flavorVisible(v, args);
      args.add(idOrName);
      try (PreparedStatement s = prepare(c, "SELECT " + FLAVOR_COLUMNS + " FROM " + table("flavors") + " WHERE " + visible
          + " AND id = ?", args); ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(flavor(r)) : Optional.<Flavor>empty();
      }
    });
  }

  public List<Flavor> flavors(Viewer v, FlavorQuery q) {
    return db.read(c -> {
      List<Object> args = new ArrayList<>();
      StringBuilder sql = new StringBuilder("SELECT " + FLAVOR_COLUMNS + " FROM " + table("flavors") + " WHERE ");
      // Nova lists public flavors by default; is_public=None (here null with an admin) lists both
      if (q.isPublic() == null) {
        sql.append(flavorVisible(v, args));
      } else if (q.isPublic()) {
        // as Nova: the public flavors and those shared with the caller's project
        sql.append(flavorVisible(new Viewer(v.projectId(), false), args));
      } else {
        sql.append("NOT is_public AND ").append(flavorVisible(v, args));
      }
      if (q.minRam() != null) {
        sql.append(" AND ram_mb >= ?");
        args.add(q.minRam());
      }
      if (q.minDisk() != null) {
        sql.append(" AND disk_gb >= ?");
        args.add(q.minDisk());
      }
      String column = FLAVOR_SORT_KEYS.getOrDefault(q.sortKey() == null ? "flavorid" : q.sortKey(), "id");
      String dir = q.ascending() ? "ASC" : "DESC";
      if (q.marker() != null) {
        // the marker must be a flavor the caller can see: another project's private flavor is not one
        List<Object> markerArgs = new ArrayList<>();
        markerArgs.add(q.marker());
        String visible = flavorVisible(v, markerArgs);
        try (PreparedStatement s = prepare(c, "SELECT 1 FROM " + table("flavors") + " WHERE id = ? AND " + visible,
            markerArgs); ResultSet r = s.executeQuery()) {
          if (!r.next()) {
            throw new dev.skyledger.platform.http.ApiException(400, "badRequest", "marker [" + q.marker() + "] not found");
          }
        }
        sql.append(" AND (").append(column).append(", id) ").append(q.ascending() ? ">" : "<").append(" (SELECT ")
            .append(column).append(", id FROM ").append(table("flavors")).append(" WHERE id = ?)");
        args.add(q.marker());
      }
      sql.append(" ORDER BY ").append(column).append(' ').append(dir).append(", id ").append(dir);
      if (q.limit() != null) sql.append(" LIMIT ").append(q.limit());
      List<Flavor> out = new ArrayList<>();
      try (PreparedStatement s = prepare(c, sql.toString(), args); ResultSet r = s.executeQuery()) {
        while (r.next()) out.add(flavor(r));
      }
      return out;
    });
  }

  public boolean flavorExists(String id) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + table("flavors") + " WHERE id = ?")) {
        s.setString(1, id);
        try (ResultSet r = s.executeQuery()) {
          return r.next();
        }
      }
    });
  }

  public List<String> flavorAccess(String flavorId) {
    return db.read(c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT project_id FROM " + table("flavor_access")
          + " WHERE flavor_id = ? ORDER BY project_id")) {
        s.setString(1, flavorId);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) out.add(r.getString(1));
        }
      }
      return out;
    });
  }

  public List<Keypair> keypairs(String userId) {
    return db.read(c -> {
      List<Keypair> out = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT user_id, name, public_key, fingerprint, type, created_at FROM "
          + table("keypairs") + " WHERE user_id = ? ORDER BY name")) {
        s.setString(1, userId);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) out.add(keypair(r));
        }
      }
      return out;
    });
  }

  public Optional<Keypair> keypair(String userId, String name) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT user_id, name, public_key, fingerprint, type, created_at FROM "
          + table("keypairs") + " WHERE user_id = ? AND name = ?")) {
        s.setString(1, userId);
        s.setString(2, name);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(keypair(r)) : Optional.<Keypair>empty();
        }
      }
    });
  }

  public Map<String, Integer> quotaOverrides(String projectId) {
    return db.read(c -> {
      Map<String, Integer> out = new HashMap<>();
      try (PreparedStatement s = c.prepareStatement("SELECT resource, limit_value FROM " + table("compute_quotas")
          + " WHERE project_id = ?")) {
        s.setString(1, projectId);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) out.put(r.getString(1), r.getInt(2));
        }
      }
      return out;
    });
  }

  private Flavor flavor(ResultSet r) throws SQLException {
    Map<String, String> specs;
    try {
      specs = json.readValue(r.getString(11), new TypeReference<Map<String, String>>() {});
    } catch (Exception e) {
      throw new IllegalStateException("corrupt extra specs of flavor " + r.getString(1), e);
    }
    return new Flavor(r.getString(1), r.getString(2), r.getInt(3), r.getInt(4), r.getInt(5), r.getInt(6), r.getInt(7),
        r.getDouble(8), r.getBoolean(9), r.getString(10), specs);
  }

  private static Keypair keypair(ResultSet r) throws SQLException {
    return new Keypair(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
        r.getTimestamp(6).toInstant());
  }

  private static PreparedStatement prepare(java.sql.Connection c, String sql, List<Object> args) throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    for (int i = 0; i < args.size(); i++) s.setObject(i + 1, args.get(i));
    return s;
  }
}
