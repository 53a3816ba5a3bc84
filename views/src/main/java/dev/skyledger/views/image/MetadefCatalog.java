package dev.skyledger.views.image;

import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads Glance's metadata definition catalogue (tables of the image projection) as a caller may
 * see it: public namespaces, their own project's private ones, and every one for an administrator.
 */
public final class MetadefCatalog {
  /** Resource types Glance ships with, listed whether or not a namespace is associated with them yet. */
  public static final List<String> RESOURCE_TYPES = List.of("OS::Cinder::Volume", "OS::Glance::Image",
      "OS::Nova::Aggregate", "OS::Nova::Flavor", "OS::Nova::Server", "OS::Trove::Instance");

  public record Namespace(String namespace, String displayName, String description, String visibility,
                          boolean isProtected, String owner, Instant createdAt, Instant updatedAt) {}

  /** An object, a property or a tag ({@code kind}) of a namespace, with its JSON definition. */
  public record Definition(String namespace, String kind, String name, String definition, Instant createdAt,
                           Instant updatedAt) {}

  public record Association(String namespace, String name, String prefix, String propertiesTarget, Instant createdAt,
                            Instant updatedAt) {}

  /** A resource type: from the shipped list, or first named by an association (then with when). */
  public record ResourceType(String name, Instant createdAt) {}

  @FunctionalInterface
  private interface Row<T> {
    T read(ResultSet r) throws SQLException;
  }

  private static final String NAMESPACE_COLUMNS = "namespace, display_name, description, visibility, protected, owner, "
      + "created_at, updated_at";

  private final Database db;
  private final ProjectionRegistry registry;

  public MetadefCatalog(Database db, ProjectionRegistry registry) {
    this.db = db;
    this.registry = registry;
  }

  private String table(String name) {
    return "\"" + registry.schemaOf("image") + "\"." + name;
  }

  /** A namespace the viewer may see; another project's private one is as absent as a missing one. */
  public Optional<Namespace> visible(String namespace, ImageCatalog.Viewer viewer) {
    return query("SELECT " + NAMESPACE_COLUMNS + " FROM " + table("metadef_namespaces") + " WHERE namespace = ?",
        List.of(namespace), MetadefCatalog::namespace).stream().filter(n -> maySee(n, viewer)).findFirst();
  }

  private static boolean maySee(Namespace n, ImageCatalog.Viewer viewer) {
    return viewer.admin() || n.visibility().equals("public") || n.owner().equals(viewer.projectId());
  }

  /** Keys a namespace list may be sorted by (then by name, in the same direction). */
  public static final List<String> SORT_KEYS = List.of("created_at", "updated_at", "namespace");

  /**
   * A page of the namespaces the viewer may see: optionally only of one visibility and only those
   * associated with any of {@code resourceTypes} (empty: any), after {@code marker} (null: from
   * the first) in the order of {@code sortKey} (one of {@link #SORT_KEYS}) and then name.
   */
  public List<Namespace> list(ImageCatalog.Viewer viewer, String visibility, List<String> resourceTypes, String sortKey,
                              boolean ascending, Namespace marker, int limit) {
    if (!SORT_KEYS.contains(sortKey)) throw new IllegalArgumentException(sortKey);
    StringBuilder sql = new StringBuilder("SELECT " + NAMESPACE_COLUMNS + " FROM " + table("metadef_namespaces") + " n WHERE true");
    List<Object> args = new ArrayList<>();
    if (!viewer.admin()) {
      sql.append(" AND (visibility = 'public' OR owner = ?)");
      args.add(viewer.projectId() == null ? "" : viewer.projectId());
    }
    if (visibility != null) {
      sql.append(" AND visibility = ?");
      args.add(visibility);
    }
    if (!resourceTypes.isEmpty()) {
      sql.append(" AND EXISTS (SELECT 1 FROM ").append(table("metadef_resource_types"))
          .append(" a WHERE a.namespace = n.namespace AND a.name = ANY(?))");
      args.add(resourceTypes.toArray(String[]::new));
    }
    if (marker != null) {
      sql.append(" AND (").append(sortKey).append(", namespace) ").append(ascending ? ">" : "<").append(" (?, ?)");
      args.add(sortKey.equals("namespace") ? marker.namespace()
          : java.sql.Timestamp.from(sortKey.equals("created_at") ? marker.createdAt() : marker.updatedAt()));
      args.add(marker.namespace());
    }
    String dir = ascending ? " ASC" : " DESC";
    sql.append(" ORDER BY ").append(sortKey).append(dir).append(", namespace").append(dir).append(" LIMIT ?");
    args.add(limit);
    return query(sql.toString(), args, MetadefCatalog::namespace);
  }

  /** A namespace's objects, properties or tags, by name. */
  public List<Definition> definitions(String namespace, String kind) {
    return query("SELECT namespace, kind, name, definition::text, created_at, updated_at FROM " + table("metadef_definitions")
        + " WHERE namespace = ? AND kind = ? ORDER BY name", List.of(namespace, kind), MetadefCatalog::definition);
  }

  public Optional<Definition> definition(String namespace, String kind, String name) {
    return query("SELECT namespace, kind, name, definition::text, created_at, updated_at FROM " + table("metadef_definitions")
        + " WHERE namespace = ? AND kind = ? AND name = ?", List.of(namespace, kind, name), MetadefCatalog::definition)
        .stream().findFirst();
  }

  public List<Association> associations(String namespace) {
    return query("SELECT namespace, name, prefix, properties_target, created_at, updated_at FROM "
        + table("metadef_resource_types") + " WHERE namespace = ? ORDER BY name", List.of(namespace),
        r -> new Association(r.getString(1), r.getString(2), r.getString(3), r.getString(4), instant(r, 5), instant(r, 6)));
  }

  /** Every resource type: the ones Glance ships and any other an association named, by name. */
  public List<ResourceType> resourceTypes() {
    Map<String, ResourceType> types = new TreeMap<>();
    RESOURCE_TYPES.forEach(t -> types.put(t, new ResourceType(t, null)));
    query("SELECT name, min(created_at) FROM " + table("metadef_resource_types") + " GROUP BY name", List.of(),
        r -> new ResourceType(r.getString(1), instant(r, 2))).forEach(t -> types.putIfAbsent(t.name(), t));
    return List.copyOf(types.values());
  }

  private static Namespace namespace(ResultSet r) throws SQLException {
    return new Namespace(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getBoolean(5), r.getString(6),
        instant(r, 7), instant(r, 8));
  }

  private static Definition definition(ResultSet r) throws SQLException {
    return new Definition(r.getString(1), r.getString(2), r.getString(3), r.getString(4), instant(r, 5), instant(r, 6));
  }

  private static Instant instant(ResultSet r, int column) throws SQLException {
    return r.getTimestamp(column) == null ? null : r.getTimestamp(column).toInstant();
  }

  private <T> List<T> query(String sql, List<Object> args, Row<T> row) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        for (int i = 0; i < args.size(); i++) {
          Object arg = args.get(i);
          if (arg instanceof String[] array) {
            s.setArray(i + 1, c.createArrayOf("text", array));
          } else {
            s.setObject(i + 1, arg);
          }
        }
        try (ResultSet r = s.executeQuery()) {
          List<T> out = new ArrayList<>();
          while (r.next()) out.add(row.read(r));
          return out;
        }
      }
    });
  }
}
