package dev.skyledger.views.image;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import dev.skyledger.platform.http.ApiException;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the image catalogue (the live schema of the {@code image} projection) as a caller may see
 * it: their project's images, public ones, and community ones when asked for.
 */
public final class ImageCatalog {
  /** One image as the catalogue holds it. */
  public record Image(String id, String owner, String name, String status, String visibility, boolean isProtected,
                      String diskFormat, String containerFormat, int minDisk, int minRam, List<String> tags,
                      Map<String, String> properties, Long size, Long virtualSize, String checksum,
                      String osHashAlgo, String osHashValue, Instant createdAt, Instant updatedAt, String location,
                      String streamKey) {
    /** Without a stream key of its own: decided on its owner's stream. */
    public Image(String id, String owner, String name, String status, String visibility, boolean isProtected,
                 String diskFormat, String containerFormat, int minDisk, int minRam, List<String> tags,
                 Map<String, String> properties, Long size, Long virtualSize, String checksum, String osHashAlgo,
                 String osHashValue, Instant createdAt, Instant updatedAt, String location) {
      this(id, owner, name, status, visibility, isProtected, diskFormat, containerFormat, minDisk, minRam, tags,
          properties, size, virtualSize, checksum, osHashAlgo, osHashValue, createdAt, updatedAt, location, owner);
    }
  }

  /** Who is asking: their project, and whether they are a cloud administrator (who sees everything). */
  public record Viewer(String projectId, boolean admin) {}

  /**
   * List filters; null means any. {@code visibility} may also be "all"; {@code memberStatus}
   * defaults to accepted. {@code properties}: custom properties each image must have with that
   * value (Glance's filter on any other query parameter); {@code times}: bounds on created_at or
   * updated_at (Glance's {@code updated_at=gte:<time>}); {@code sizeMin}, {@code sizeMax}: bounds on
   * the stored size in bytes (null: none).
   */
  public record Filter(String name, String status, String visibility, String owner, List<String> tags,
                       String diskFormat, String containerFormat, String memberStatus, Map<String, String> properties,
                       List<TimeBound> times, Long sizeMin, Long sizeMax) {
    public Filter(String name, String status, String visibility, String owner, List<String> tags, String diskFormat,
                  String containerFormat, String memberStatus) {
      this(name, status, visibility, owner, tags, diskFormat, containerFormat, memberStatus, Map.of(), List.of(),
          null, null);
    }
  }

  /** {@code column} (created_at or updated_at) compared with {@code op} (gt, gte, lt, lte, eq, neq) to {@code at}. */
  public record TimeBound(String column, String op, Instant at) {
    private static final Map<String, String> OPERATORS = Map.of("gt", ">", "gte", ">=", "lt", "<", "lte", "<=",
        "eq", "=", "neq", "<>");

    public TimeBound {
      if (!column.equals("created_at") && !column.equals("updated_at")) throw new IllegalArgumentException(column);
      if (!OPERATORS.containsKey(op)) throw new IllegalArgumentException(op);
    }

    public static boolean isOperator(String op) {
      return OPERATORS.containsKey(op);
    }
  }

  /** A project an image is shared with. */
  public record Member(String imageId, String memberId, String status, Instant createdAt, Instant updatedAt) {}

  /** Sort keys a client may use, and the columns they name. */
  public static final Map<String, String> SORT_KEYS = Map.ofEntries(
      Map.entry("created_at", "created_at"), Map.entry("updated_at", "updated_at"), Map.entry("name", "name"),
      Map.entry("status", "status"), Map.entry("id", "id"), Map.entry("visibility", "visibility"),
      Map.entry("disk_format", "disk_format"), Map.entry("container_format", "container_format"),
      Map.entry("size", "size"), Map.entry("min_disk", "min_disk"), Map.entry("min_ram", "min_ram"));

  private static final String COLUMNS = "id, owner, name, status, visibility, protected, disk_format, container_format, "
      + "min_disk, min_ram, tags, properties::text, size, virtual_size, checksum, os_hash_algo, os_hash_value, "
      + "created_at, updated_at, location, stream_key";

  private final Database db;
  private final ProjectionRegistry registry;
  private final ObjectMapper json;

  public ImageCatalog(Database db, ProjectionRegistry registry, ObjectMapper json) {
    this.db = db;
    this.registry = registry;
    this.json = json;
  }

  private String table() {
    return "\"" + registry.schemaOf("image") + "\".images";
  }

  private String membersTable() {
    return "\"" + registry.schemaOf("image") + "\".image_members";
  }

  public List<Member> members(String imageId) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT image_id, member, status, created_at, updated_at FROM "
          + membersTable() + " WHERE image_id = ? ORDER BY created_at, member")) {
        s.setString(1, imageId);
        try (ResultSet r = s.executeQuery()) {
          List<Member> members = new ArrayList<>();
          while (r.next()) {
            members.add(new Member(r.getString(1), r.getString(2), r.getString(3), r.getTimestamp(4).toInstant(),
                r.getTimestamp(5).toInstant()));
          }
          return members;
        }
      }
    });
  }

  public Optional<Member> member(String imageId, String projectId) {
    return members(imageId).stream().filter(m -> m.memberId().equals(projectId)).findFirst();
  }

  /** An image the viewer may see; a hidden one is as absent as a missing one. */
  public Optional<Image> visible(String id, Viewer viewer) {
    return find(id).filter(i -> viewer.admin() || i.owner().equals(viewer.projectId())
        || i.visibility().equals("public") || i.visibility().equals("community")
        || (i.visibility().equals("shared") && viewer.projectId() != null && member(i.id(), viewer.projectId()).isPresent()));
  }

  /** Images left {@code saving} since before {@code before}: uploads that died (the image janitor ends them). */
  public List<Image> savingSince(Instant before) {
    return query("SELECT " + COLUMNS + " FROM " + table() + " WHERE status = 'saving' AND updated_at < ?",
        List.of(java.sql.Timestamp.from(before)));
  }

  public Optional<Image> find(String id) {
    List<Image> found = query("SELECT " + COLUMNS + " FROM " + table() + " WHERE id = ?", List.of(id));
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** A page of the images the viewer may see, after {@code marker}, ordered by {@code sortKey} then id. */
  public List<Image> list(Viewer viewer, Filter f, String sortKey, boolean ascending, String marker, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM " + table() + " WHERE true");
    List<Object> args = new ArrayList<>();
    String visibility = f.visibility();
    if (!viewer.admin()) {
      String sharedWithMe = "(visibility = 'shared' AND id IN (SELECT image_id FROM " + membersTable()
          + " WHERE member = ? AND status = ?))";
      String memberStatus = f.memberStatus() == null ? "accepted" : f.memberStatus();
      if (visibility == null) {
        sql.append(" AND (visibility = 'public' OR owner = ? OR ").append(sharedWithMe).append(")");
        args.add(viewer.projectId());
        args.add(viewer.projectId());
        args.add(memberStatus);
      } else if (visibility.equals("shared")) {
        sql.append(" AND visibility = 'shared' AND (owner = ? OR ").append(sharedWithMe).append(")");
        args.add(viewer.projectId());
        args.add(viewer.projectId());
        args.add(memberStatus);
      } else if (visibility.equals("public") || visibility.equals("community")) {
        sql.append(" AND visibility = ?");
        args.add(visibility);
      } else if (visibility.equals("all")) {
        sql.append(" AND (visibility IN ('public', 'community') OR owner = ?)");
        args.add(viewer.projectId());
      } else {
        sql.append(" AND visibility = ? AND owner = ?");
        args.add(visibility);
        args.add(viewer.projectId());
      }
    } else if (visibility != null && !visibility.equals("all")) {
      sql.append(" AND visibility = ?");
      args.add(visibility);
    }
    condition(sql, args, "name", f.name());
    condition(sql, args, "status", f.status());
    condition(sql, args, "owner", f.owner());
    condition(sql, args, "disk_format", f.diskFormat());
    condition(sql, args, "container_format", f.containerFormat());
    for (String tag : f.tags()) {
      sql.append(" AND ? = ANY(tags)");
      args.add(tag);
    }
    for (Map.Entry<String, String> p : f.properties().entrySet()) {
      sql.append(" AND properties ->> ? = ?");
      args.add(p.getKey());
      args.add(p.getValue());
    }
    if (f.sizeMin() != null) {
      sql.append(" AND size >= ?");
      args.add(f.sizeMin());
    }
    if (f.sizeMax() != null) {
      sql.append(" AND size <= ?");
      args.add(f.sizeMax());
    }
    for (TimeBound t : f.times()) {
      sql.append(" AND ").append(t.column()).append(' ').append(TimeBound.OPERATORS.get(t.op())).append(" ?");
      args.add(Timestamp.from(t.at()));
    }
    String column = SORT_KEYS.get(sortKey);
    String op = ascending ? ">" : "<";
    if (marker != null) {
      Image after = visible(marker, viewer).orElseThrow(() -> ApiException.badRequest("marker not found: " + marker));
      sql.append(" AND (").append(column).append(", id) ").append(op).append(" (?, ?)");
      args.add(sortValue(after, sortKey));
      args.add(after.id());
    }
    String dir = ascending ? "ASC" : "DESC";
    sql.append(" ORDER BY ").append(column).append(' ').append(dir).append(" NULLS LAST, id ").append(dir)
        .append(" LIMIT ?");
    args.add(limit);
    return query(sql.toString(), args);
  }

  private static void condition(StringBuilder sql, List<Object> args, String column, String value) {
    if (value == null) return;
    sql.append(" AND ").append(column).append(" = ?");
    args.add(value);
  }

  private static Object sortValue(Image i, String key) {
    return switch (key) {
      case "created_at" -> Timestamp.from(i.createdAt());
      case "updated_at" -> Timestamp.from(i.updatedAt());
      case "name" -> i.name();
      case "status" -> i.status();
      case "id" -> i.id();
      case "visibility" -> i.visibility();
      case "disk_format" -> i.diskFormat();
      case "container_format" -> i.containerFormat();
      case "size" -> i.size();
      case "min_disk" -> i.minDisk();
      case "min_ram" -> i.minRam();
      default -> throw ApiException.badRequest("Invalid sort key: " + key + ".");
    };
  }

  private List<Image> query(String sql, List<Object> args) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (int i = 0; i < args.size(); i++) s.setObject(i + 1, args.get(i));
        try (ResultSet r = s.executeQuery()) {
          List<Image> images = new ArrayList<>();
          while (r.next()) images.add(image(r));
          return images;
        }
      }
    });
  }

  private Image image(ResultSet r) throws SQLException {
    Array tags = r.getArray(11);
    Map<String, String> properties;
    try {
      properties = json.readValue(r.getString(12), new TypeReference<Map<String, String>>() {});
    } catch (Exception e) {
      properties = Map.of();
    }
    return new Image(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getBoolean(6),
        r.getString(7), r.getString(8), r.getInt(9), r.getInt(10),
        tags == null ? List.of() : List.of((String[]) tags.getArray()), properties,
        (Long) r.getObject(13), (Long) r.getObject(14), r.getString(15), r.getString(16), r.getString(17),
        r.getTimestamp(18).toInstant(), r.getTimestamp(19).toInstant(), r.getString(20), r.getString(21));
  }
}
