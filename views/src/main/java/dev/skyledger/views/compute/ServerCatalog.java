package dev.skyledger.views.compute;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.DatabaseException;
import dev.skyledger.platform.db.ProjectionRegistry;
import dev.skyledger.platform.http.ApiException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the servers (the live schema of the {@code compute} projection) as Nova lists and shows
 * them: filters, sorts and keyset pages, with the ports of a whole page read in one query.
 * Deleted servers stay in the view but are only listed when asked for (changes-since, or an
 * admin's status=DELETED), never shown by id.
 */
public final class ServerCatalog {
  /** The flavor as it was when the server was requested. */
  public record Flavor(String id, String name, int vcpus, int ramMb, int diskGb, int ephemeralGb, int swapMb) {}

  public record FixedIp(String subnetId, String ipAddress) {}

  /** A port the server was given, as it was allocated. */
  public record Port(String portId, String networkId, String macAddress, List<FixedIp> fixedIps) {}

  /** Why a server is in ERROR; {@code details} is for admins. */
  public record Fault(int code, String message, String details, Instant created) {}

  /** A server; {@code ports} is empty when the read did not ask for them. */
  public record Server(String id, String projectId, String userId, String name, String hostname, String status,
                       String vmState, String taskState, int powerState, Flavor flavor, String imageId, String imageName,
                       String keyName, String availabilityZone, String host, List<String> securityGroups,
                       Map<String, String> metadata, String userData, String reservationId, int launchIndex,
                       String accessIpv4, String accessIpv6, String lockedBy, String diskConfig, int requestedNetworks, Fault fault,
                       Instant createdAt, Instant updatedAt, Instant launchedAt, Instant deletedAt, List<Port> ports) {
    Server withPorts(List<Port> given) {
      return new Server(id, projectId, userId, name, hostname, status, vmState, taskState, powerState, flavor, imageId,
          imageName, keyName, availabilityZone, host, securityGroups, metadata, userData, reservationId, launchIndex,
          accessIpv4, accessIpv6, lockedBy, diskConfig, requestedNetworks, fault, createdAt, updatedAt, launchedAt, deletedAt, given);
    }

    /** Locked (by its owner or an admin): only an administrator may act on it. */
    public boolean locked() {
      return lockedBy != null;
    }
  }

  /** One sort key (one of {@link #SORT_COLUMNS}) and its direction. */
  public record Sort(String key, boolean ascending) {}

  /**
   * A list request. {@code projectId} null lists every project's servers (an admin's all_tenants).
   * Null filters match anything; {@code name} is a regular expression searched in the name
   * (PostgreSQL's {@code ~}, as Nova on PostgreSQL), {@code ip} and {@code ip6} one matched at the
   * start of an IPv4 or IPv6 fixed address. {@code statuses} empty: any. The sort gets
   * created_at and id appended (in the first key's direction) when they are not in it; empty:
   * newest first.
   */
  public record Query(String projectId, String name, List<String> statuses, String imageId, String flavorId,
                      String host, Instant changesSince, String ip, String ip6, boolean includeDeleted, List<Sort> sort,
                      String marker, int limit) {}

  /** Nova's sort keys that order servers here, and what they sort by (nulls first, as Nova on MySQL). */
  public static final Map<String, String> SORT_COLUMNS = Map.ofEntries(
      Map.entry("created_at", "created_at"), Map.entry("updated_at", "updated_at"),
      Map.entry("launched_at", "COALESCE(launched_at, '-infinity'::timestamptz)"),
      Map.entry("terminated_at", "COALESCE(deleted_at, '-infinity'::timestamptz)"),
      Map.entry("display_name", "name"), Map.entry("hostname", "hostname"), Map.entry("uuid", "id"),
      Map.entry("project_id", "project_id"), Map.entry("user_id", "user_id"),
      Map.entry("image_ref", "COALESCE(image_id, '')"), Map.entry("instance_type_id", "flavor_id"),
      Map.entry("key_name", "COALESCE(key_name, '')"), Map.entry("availability_zone", "COALESCE(availability_zone, '')"),
      Map.entry("vm_state", "vm_state"), Map.entry("task_state", "COALESCE(task_state, '')"),
      Map.entry("power_state", "power_state"), Map.entry("host", "COALESCE(host, '')"),
      Map.entry("node", "COALESCE(host, '')"), Map.entry("reservation_id", "COALESCE(reservation_id, '')"),
      Map.entry("launch_index", "launch_index"));

  /** Sort keys only an admin may use; others' are dropped (as Nova does). */
  public static final Set<String> ADMIN_SORT_KEYS = Set.of("host", "node");

  private static final String COLUMNS = "id, project_id, user_id, name, hostname, status, vm_state, task_state,"
      + " power_state, flavor::text, image_id, image_name, key_name, availability_zone, host, security_groups::text,"
      + " metadata::text, user_data, requested_networks, fault::text, created_at, updated_at, launched_at, deleted_at,"
      + " reservation_id, launch_index, access_ipv4, access_ipv6, locked_by, COALESCE(disk_config, 'MANUAL')";

  /** PostgreSQL's SQLSTATE for a regular expression it cannot compile. */
  private static final String INVALID_REGEX = "2201B";

  private final Database db;
  private final ProjectionRegistry registry;
  private final ObjectMapper json;

  public ServerCatalog(Database db, ProjectionRegistry registry, ObjectMapper json) {
    this.db = db;
    this.registry = registry;
    this.json = json;
  }

  private String schema() {
    return "\"" + registry.schemaOf("compute") + "\".";
  }

  /** A server the viewer may see (their project's; an admin: any), not deleted, with its ports. */
  public Optional<Server> server(ComputeCatalog.Viewer v, String id) {
    String servers = schema() + "servers";
    String ports = schema() + "server_ports";
    return db.read(c -> {
      List<Object> args = new ArrayList<>();
      args.add(id);
      String sql = "SELECT " + COLUMNS + " FROM " + servers + " WHERE id = ? AND created_at IS NOT NULL"
          + " AND deleted_at IS NULL";
      if (!v.admin()) {
        sql += " AND project_id = ?";
        args.add(v.projectId());
      }
      List<Server> found = query(c, sql, args);
      return withPorts(c, ports, found).stream().findFirst();
    });
  }

  /** A server group with its members (its servers that are not deleted), as os-server-groups shows it. */
  public record Group(String id, String projectId, String userId, String name, String policy, List<String> members) {}

  /** The groups the viewer may see (their project's; an admin with {@code allProjects}: all), or one by id. */
  public List<Group> groups(ComputeCatalog.Viewer v, boolean allProjects, String id) {
    String groups = schema() + "server_groups";
    String servers = schema() + "servers";
    return db.read(c -> {
      List<Object> args = new ArrayList<>();
      StringBuilder sql = new StringBuilder("SELECT g.id, g.project_id, g.user_id, g.name, g.policy,"
          + " COALESCE((SELECT array_agg(s.id ORDER BY s.created_at) FROM " + servers + " s WHERE s.server_group_id = g.id"
          + " AND s.deleted_at IS NULL AND s.created_at IS NOT NULL), '{}') FROM " + groups + " g WHERE g.deleted_at IS NULL");
      if (!(v.admin() && (allProjects || id != null))) {
        sql.append(" AND g.project_id = ?");
        args.add(v.projectId());
      }
      if (id != null) {
        sql.append(" AND g.id = ?");
        args.add(id);
      }
      sql.append(" ORDER BY g.created_at, g.id");
      List<Group> out = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) s.setObject(i + 1, args.get(i));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            out.add(new Group(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                List.of((String[]) r.getArray(6).getArray())));
          }
        }
      }
      return out;
    });
  }

  /** The project of a server that exists and is not deleted (commands are keyed by it). */
  public Optional<String> projectOf(String id) {
    return column("project_id", id);
  }

  /** The host of a server that exists, is not deleted and was scheduled. */
  public Optional<String> hostOf(String id) {
    return column("host", id);
  }

  /** Servers still building, and servers being deleted: the saga's open work, for the operator's gauges. */
  public record InFlight(long building, long deleting) {}

  public InFlight inFlight() {
    String servers = schema() + "servers";
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT count(*) FILTER (WHERE status = 'BUILD'), "
          + "count(*) FILTER (WHERE task_state = 'deleting') FROM " + servers + " WHERE deleted_at IS NULL");
           ResultSet r = s.executeQuery()) {
        r.next();
        return new InFlight(r.getLong(1), r.getLong(2));
      }
    });
  }

  private Optional<String> column(String column, String id) {
    String servers = schema() + "servers";
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT " + column + " FROM " + servers
          + " WHERE id = ? AND created_at IS NOT NULL AND deleted_at IS NULL")) {
        s.setString(1, id);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.ofNullable(r.getString(1)) : Optional.<String>empty();
        }
      }
    });
  }

  /**
   * One page of servers; {@code ports}: with their ports (read for the whole page at once).
   * A marker that is not a server of the listed scope, or a regular expression PostgreSQL cannot
   * compile, is a 400.
   */
  public List<Server> list(Query q, boolean ports) {
    String servers = schema() + "servers";
    String portsTable = schema() + "server_ports";
    List<Sort> sort = effectiveSort(q.sort());
    try {
      return db.read(c -> {
        // PostgreSQL compiles a pattern when it first compares a row: check them first, so a bad one is
        // refused whether or not there are servers to compare
        for (String pattern : new String[] {q.name(), q.ip(), q.ip6()}) {
          if (pattern == null) continue;
          try (PreparedStatement check = prepare(c, "SELECT '' ~ ?", List.of(pattern))) {
            check.executeQuery().close();
          }
        }
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM " + servers + " s WHERE created_at IS NOT NULL");
        if (!q.includeDeleted()) sql.append(" AND deleted_at IS NULL");
        if (q.projectId() != null) {
          sql.append(" AND project_id = ?");
          args.add(q.projectId());
        }
        filters(q, portsTable, sql, args);
        if (q.marker() != null) after(c, servers, q.projectId(), q.marker(), sort, sql, args);
        sql.append(" ORDER BY ");
        for (int i = 0; i < sort.size(); i++) {
          if (i > 0) sql.append(", ");
          sql.append(SORT_COLUMNS.get(sort.get(i).key())).append(sort.get(i).ascending() ? " ASC" : " DESC");
        }
        sql.append(" LIMIT ?");
        args.add(q.limit());
        List<Server> page = query(c, sql.toString(), args);
        return ports ? withPorts(c, portsTable, page) : page;
      });
    } catch (DatabaseException e) {
      if (INVALID_REGEX.equals(e.sqlState())) {
        throw ApiException.badRequest("Invalid regular expression in a filter (name, ip or ip6): " + e.getMessage());
      }
      throw e;
    }
  }

  private static void filters(Query q, String portsTable, StringBuilder sql, List<Object> args) {
    if (q.name() != null) {
      sql.append(" AND name ~ ?");
      args.add(q.name());
    }
    if (!q.statuses().isEmpty()) {
      sql.append(" AND status = ANY (?::text[])");
      args.add(q.statuses().toArray(new String[0]));
    }
    if (q.imageId() != null) {
      sql.append(" AND image_id = ?");
      args.add(q.imageId());
    }
    if (q.flavorId() != null) {
      sql.append(" AND flavor_id = ?");
      args.add(q.flavorId());
    }
    if (q.host() != null) {
      sql.append(" AND host = ?");
      args.add(q.host());
    }
    if (q.changesSince() != null) {
      sql.append(" AND updated_at >= ?");
      args.add(Timestamp.from(q.changesSince()));
    }
    // Nova matches these at the start of each fixed address of the right version (Python's re.match)
    if (q.ip() != null) {
      sql.append(" AND EXISTS (SELECT 1 FROM ").append(portsTable).append(" p, jsonb_array_elements(p.fixed_ips) f")
          .append(" WHERE p.server_id = s.id AND strpos(f->>'ip_address', ':') = 0 AND f->>'ip_address' ~ ('^(?:' || ? || ')'))");
      args.add(q.ip());
    }
    if (q.ip6() != null) {
      sql.append(" AND EXISTS (SELECT 1 FROM ").append(portsTable).append(" p, jsonb_array_elements(p.fixed_ips) f")
          .append(" WHERE p.server_id = s.id AND strpos(f->>'ip_address', ':') > 0 AND f->>'ip_address' ~ ('^(?:' || ? || ')'))");
      args.add(q.ip6());
    }
  }

  /** The requested sort, then created_at and id (in the first key's direction) unless already in it. */
  static List<Sort> effectiveSort(List<Sort> requested) {
    List<Sort> sort = new ArrayList<>(requested);
    boolean ascending = !sort.isEmpty() && sort.get(0).ascending();
    if (sort.stream().noneMatch(s -> s.key().equals("created_at"))) sort.add(new Sort("created_at", ascending));
    if (sort.stream().noneMatch(s -> s.key().equals("uuid"))) sort.add(new Sort("uuid", ascending));
    return sort;
  }

  /** Restricts the page to the rows after the marker in the sort order (keyset paging). */
  private static void after(Connection c, String servers, String projectId, String marker, List<Sort> sort,
                            StringBuilder sql, List<Object> args) throws SQLException {
    StringBuilder select = new StringBuilder("SELECT ");
    for (int i = 0; i < sort.size(); i++) {
      if (i > 0) select.append(", ");
      select.append(SORT_COLUMNS.get(sort.get(i).key()));
    }
    // a marker deleted since the previous page was read still marks the place
    select.append(" FROM ").append(servers).append(" WHERE id = ? AND created_at IS NOT NULL");
    List<Object> markerArgs = new ArrayList<>();
    markerArgs.add(marker);
    if (projectId != null) {
      select.append(" AND project_id = ?");
      markerArgs.add(projectId);
    }
    List<Object> values = new ArrayList<>();
    try (PreparedStatement s = prepare(c, select.toString(), markerArgs); ResultSet r = s.executeQuery()) {
      if (!r.next()) throw ApiException.badRequest("marker [" + marker + "] not found");
      for (int i = 0; i < sort.size(); i++) values.add(r.getObject(i + 1));
    }
    boolean uniform = sort.stream().allMatch(x -> x.ascending() == sort.get(0).ascending());
    if (uniform) {
      // one row comparison: what an index on the sort columns serves
      sql.append(" AND (");
      for (int i = 0; i < sort.size(); i++) sql.append(i > 0 ? ", " : "").append(SORT_COLUMNS.get(sort.get(i).key()));
      sql.append(") ").append(sort.get(0).ascending() ? ">" : "<").append(" (");
      for (int i = 0; i < sort.size(); i++) sql.append(i > 0 ? ", ?" : "?");
      sql.append(")");
      args.addAll(values);
      return;
    }
    // mixed directions: (k1 after v1) OR (k1 = v1 AND k2 after v2) OR ...
    sql.append(" AND (");
    for (int i = 0; i < sort.size(); i++) {
      if (i > 0) sql.append(" OR ");
      sql.append("(");
      for (int j = 0; j < i; j++) {
        sql.append(SORT_COLUMNS.get(sort.get(j).key())).append(" = ? AND ");
        args.add(values.get(j));
      }
      sql.append(SORT_COLUMNS.get(sort.get(i).key())).append(sort.get(i).ascending() ? " > ?" : " < ?").append(")");
      args.add(values.get(i));
    }
    sql.append(")");
  }

  private List<Server> query(Connection c, String sql, List<Object> args) throws SQLException {
    List<Server> out = new ArrayList<>();
    try (PreparedStatement s = prepare(c, sql, args); ResultSet r = s.executeQuery()) {
      while (r.next()) out.add(server(r));
    }
    return out;
  }

  /** The servers with their ports, read in one query for all of them. */
  private List<Server> withPorts(Connection c, String portsTable, List<Server> servers) throws SQLException {
    if (servers.isEmpty()) return servers;
    Map<String, List<Port>> ports = new HashMap<>();
    try (PreparedStatement s = c.prepareStatement("SELECT server_id, port_id, network_id, mac, fixed_ips::text FROM "
        + portsTable + " WHERE server_id = ANY (?) ORDER BY server_id, position")) {
      s.setArray(1, c.createArrayOf("text", servers.stream().map(Server::id).toArray()));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          List<FixedIp> ips = read(r.getString(5), new TypeReference<List<Map<String, String>>>() {}).stream()
              .map(m -> new FixedIp(m.get("subnet_id"), m.get("ip_address"))).toList();
          ports.computeIfAbsent(r.getString(1), k -> new ArrayList<>())
              .add(new Port(r.getString(2), r.getString(3), r.getString(4), ips));
        }
      }
    }
    return servers.stream().map(v -> v.withPorts(ports.getOrDefault(v.id(), List.of()))).toList();
  }

  private Server server(ResultSet r) throws SQLException {
    Map<String, Object> f = read(r.getString(10), new TypeReference<Map<String, Object>>() {});
    Flavor flavor = new Flavor((String) f.get("id"), (String) f.get("name"), number(f, "vcpus"), number(f, "ram_mb"),
        number(f, "disk_gb"), number(f, "ephemeral_gb"), number(f, "swap_mb"));
    Fault fault = null;
    String faultText = r.getString(20);
    if (faultText != null) {
      Map<String, Object> m = read(faultText, new TypeReference<Map<String, Object>>() {});
      fault = new Fault(number(m, "code"), (String) m.get("message"), (String) m.get("details"),
          Instant.parse((String) m.get("created")));
    }
    return new Server(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
        r.getString(7), r.getString(8), r.getInt(9), flavor, r.getString(11), r.getString(12), r.getString(13),
        r.getString(14), r.getString(15), read(r.getString(16), new TypeReference<List<String>>() {}),
        new TreeMap<>(read(r.getString(17), new TypeReference<Map<String, String>>() {})), r.getString(18),
        r.getString(25), r.getInt(26), r.getString(27), r.getString(28), r.getString(29), r.getString(30), r.getInt(19),
        fault, instant(r.getTimestamp(21)), instant(r.getTimestamp(22)), instant(r.getTimestamp(23)),
        instant(r.getTimestamp(24)), List.of());
  }

  private static int number(Map<String, Object> m, String key) {
    return m.get(key) instanceof Number n ? n.intValue() : 0;
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private <T> T read(String text, TypeReference<T> type) {
    try {
      return json.readValue(text, type);
    } catch (Exception e) {
      throw new IllegalStateException("corrupt server view row: " + text, e);
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, List<Object> args) throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    for (int i = 0; i < args.size(); i++) {
      Object arg = args.get(i);
      if (arg instanceof String[] strings) s.setArray(i + 1, c.createArrayOf("text", strings));
      else s.setObject(i + 1, arg);
    }
    return s;
  }
}
