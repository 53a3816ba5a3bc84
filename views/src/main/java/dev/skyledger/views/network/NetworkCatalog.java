package dev.skyledger.views.network;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import dev.skyledger.platform.network.NetworkQuotas;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the network views (the live schema of the {@code network} projection) as a caller may see
 * them: Neutron's visibility (own project's resources, shared and external networks and their
 * subnets, the ports on networks the project owns; admins see everything), with filters, sorting and
 * keyset pages.
 */
public final class NetworkCatalog {
  public record Network(String id, String projectId, String name, String description, boolean adminStateUp,
                        boolean shared, boolean external, int mtu, int revision, Instant createdAt, Instant updatedAt,
                        List<String> subnets) {}

  public record Pool(String start, String end) {}

  public record Route(String destination, String nexthop) {}

  public record Subnet(String id, String networkId, String projectId, String name, String description, int ipVersion,
                       String cidr, String gatewayIp, List<Pool> allocationPools, boolean enableDhcp,
                       List<String> dnsNameservers, List<Route> hostRoutes, String ipv6AddressMode, String ipv6RaMode,
                       int revision, Instant createdAt, Instant updatedAt) {}

  public record FixedIp(String subnetId, String ipAddress) {}

  public record Port(String id, String networkId, String projectId, String name, String description, String macAddress,
                     String deviceId, String deviceOwner, List<String> securityGroups, String hostId,
                     boolean adminStateUp, boolean portSecurityEnabled, int revision, Instant createdAt,
                     Instant updatedAt, List<FixedIp> fixedIps) {}

  public record SecurityGroup(String id, String projectId, String name, String description, boolean stateful, int revision,
                              Instant createdAt, Instant updatedAt, List<Rule> rules) {}

  public record Rule(String id, String securityGroupId, String projectId, String direction, String ethertype,
                     String protocol, Integer portRangeMin, Integer portRangeMax, String remoteIpPrefix,
                     String remoteGroupId, String description, int revision, Instant createdAt, Instant updatedAt) {}

  public record Router(String id, String projectId, String name, String description, boolean adminStateUp,
                       String externalNetworkId, String gatewayPortId, List<FixedIp> externalFixedIps, boolean enableSnat,
                       List<Route> routes, int revision, Instant createdAt, Instant updatedAt) {}

  public record Interface(String portId, String routerId, String subnetId, String networkId) {}

  public record FloatingIp(String id, String projectId, String floatingNetworkId, String floatingIpAddress,
                           String floatingPortId, String portId, String fixedIpAddress, String routerId, String description,
                           int revision, Instant createdAt, Instant updatedAt) {}

  /** Who is asking. */
  public record Viewer(String projectId, boolean admin) {}

  /**
   * A list request: equality filters (API attribute → accepted values, any of which may match),
   * the sort, and the page.
   */
  public record Query(Map<String, List<String>> filters, String sortKey, boolean ascending, String marker, Integer limit) {}

  /** Each collection's filterable attributes and their columns. */
  public static final Map<String, String> NETWORK_COLUMNS = Map.ofEntries(
      Map.entry("id", "id"), Map.entry("name", "name"), Map.entry("project_id", "project_id"),
      Map.entry("tenant_id", "project_id"), Map.entry("admin_state_up", "admin_state_up"), Map.entry("shared", "shared"),
      Map.entry("router:external", "external"), Map.entry("mtu", "mtu"), Map.entry("description", "description"),
      Map.entry("status", "'ACTIVE'"), Map.entry("created_at", "created_at"), Map.entry("updated_at", "updated_at"),
      Map.entry("revision_number", "revision_number"));
  public static final Map<String, String> SUBNET_COLUMNS = Map.ofEntries(
      Map.entry("id", "id"), Map.entry("name", "name"), Map.entry("project_id", "project_id"),
      Map.entry("tenant_id", "project_id"), Map.entry("network_id", "network_id"), Map.entry("ip_version", "ip_version"),
      Map.entry("cidr", "cidr"), Map.entry("gateway_ip", "gateway_ip"), Map.entry("enable_dhcp", "enable_dhcp"),
      Map.entry("ipv6_address_mode", "ipv6_address_mode"), Map.entry("ipv6_ra_mode", "ipv6_ra_mode"),
      Map.entry("description", "description"), Map.entry("created_at", "created_at"), Map.entry("updated_at", "updated_at"),
      Map.entry("revision_number", "revision_number"));
  public static final Map<String, String> PORT_COLUMNS = Map.ofEntries(
      Map.entry("id", "id"), Map.entry("name", "name"), Map.entry("project_id", "project_id"),
      Map.entry("tenant_id", "project_id"), Map.entry("network_id", "network_id"), Map.entry("mac_address", "mac_address"),
      Map.entry("device_id", "device_id"), Map.entry("device_owner", "device_owner"), Map.entry("binding:host_id", "host_id"),
      Map.entry("admin_state_up", "admin_state_up"), Map.entry("port_security_enabled", "port_security_enabled"),
      Map.entry("status", "CASE WHEN host_id = '' OR NOT admin_state_up THEN 'DOWN' ELSE 'ACTIVE' END"),
      Map.entry("description", "description"), Map.entry("created_at", "created_at"), Map.entry("updated_at", "updated_at"),
      Map.entry("revision_number", "revision_number"));

  public static final Map<String, String> SECURITY_GROUP_COLUMNS = Map.ofEntries(
      Map.entry("id", "id"), Map.entry("name", "name"), Map.entry("project_id", "project_id"),
      Map.entry("tenant_id", "project_id"), Map.entry("description", "description"), Map.entry("stateful", "stateful"),
      Map.entry("created_at", "created_at"), Map.entry("updated_at", "updated_at"), Map.entry("revision_number", "revision_number"));
  public static final Map<String, String> RULE_COLUMNS = Map.ofEntries(
      Map.entry("id", "id"), Map.entry("security_group_id", "security_group_id"), Map.entry("project_id", "project_id"),
      Map.entry("tenant_id", "project_id"), Map.entry("direction", "direction"), Map.entry("ethertype", "ethertype"),
      Map.entry("protocol", "protocol"), Map.entry("port_range_min", "port_range_min"),
      Map.entry("port_range_max", "port_range_max"), Map.entry("remote_ip_prefix", "remote_ip_prefix"),
      Map.entry("remote_group_id", "remote_group_id"), Map.entry("description", "description"),
      Map.entry("created_at", "created_at"), Map.entry("updated_at", "updated_at"), Map.entry("revision_number", "revision_number"));
  public static final Map<String, String> ROUTER_COLUMNS = Map.ofEntries(
      Map.entry("id", "id"), Map.entry("name", "name"), Map.entry("project_id", "project_id"),
      Map.entry("tenant_id", "project_id"), Map.entry("admin_state_up", "admin_state_up"), Map.entry("description", "description"),
      Map.entry("status", "'ACTIVE'"), Map.entry("created_at", "created_at"), Map.entry("updated_at", "updated_at"),
      Map.entry("revision_number", "revision_number"));
  public static final Map<String, String> FLOATING_IP_COLUMNS = Map.ofEntries(
      Map.entry("id", "id"), Map.entry("project_id", "project_id"), Map.entry("tenant_id", "project_id"),
      Map.entry("floating_network_id", "floating_network_id"), Map.entry("floating_ip_address", "floating_ip_address"),
      Map.entry("port_id", "port_id"), Map.entry("fixed_ip_address", "fixed_ip_address"), Map.entry("router_id", "router_id"),
      Map.entry("description", "description"), Map.entry("status", "CASE WHEN port_id IS NULL THEN 'DOWN' ELSE 'ACTIVE' END"),
      Map.entry("created_at", "created_at"), Map.entry("updated_at", "updated_at"), Map.entry("revision_number", "revision_number"));

  private static final Map<String, String> BOOLEAN_COLUMNS = Map.of("admin_state_up", "", "shared", "", "external", "",
      "enable_dhcp", "", "port_security_enabled", "", "stateful", "");
  private static final Map<String, String> INTEGER_COLUMNS = Map.of("mtu", "", "ip_version", "", "revision_number", "",
      "port_range_min", "", "port_range_max", "");

  private final Database db;
  private final ProjectionRegistry registry;
  private final ObjectMapper json;

  public NetworkCatalog(Database db, ProjectionRegistry registry, ObjectMapper json) {
    this.db = db;
    this.registry = registry;
    this.json = json;
  }

  private String table(String name) {
    return "\"" + registry.schemaOf("network") + "\"." + name;
  }

  // ---- networks ---------------------------------------------------------------------------------

  private String networkVisible(Viewer v, List<Object> args) {
    if (v.admin()) return "TRUE";
    args.add(v.projectId());
    return "(project_id = ? OR shared OR external)";
  }

  public Optional<Network> network(Viewer v, String id) {
    return networks(v, new Query(Map.of("id", List.of(id)), null, true, null, null)).stream().findFirst();
  }

  public List<Network> networks(Viewer v, Query q) {
    return db.read(c -> {
      List<Object> args = new ArrayList<>();
      String visible = networkVisible(v, args);
      String sql = "SELECT id, project_id, name, description, admin_state_up, shared, external, mtu, revision_number,"
          + " created_at, updated_at FROM " + table("networks") + " WHERE " + visible + where(q, NETWORK_COLUMNS, args)
          + page(c, q, NETWORK_COLUMNS, table("networks"), args);
      List<Network> rows = new ArrayList<>();
      try (PreparedStatement s = prepare(c, sql, args); ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(new Network(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getBoolean(5),
              r.getBoolean(6), r.getBoolean(7), r.getInt(8), r.getInt(9), r.getTimestamp(10).toInstant(),
              r.getTimestamp(11).toInstant(), List.of()));
        }
      }
      Map<String, List<String>> subnets = subnetIds(c, rows.stream().map(Network::id).toList());
      return rows.stream().map(n -> new Network(n.id(), n.projectId(), n.name(), n.description(), n.adminStateUp(),
          n.shared(), n.external(), n.mtu(), n.revision(), n.createdAt(), n.updatedAt(),
          subnets.getOrDefault(n.id(), List.of()))).toList();
    });
  }

  private Map<String, List<String>> subnetIds(Connection c, List<String> networkIds) throws SQLException {
    Map<String, List<String>> out = new HashMap<>();
    if (networkIds.isEmpty()) return out;
    try (PreparedStatement s = c.prepareStatement("SELECT network_id, id FROM " + table("subnets")
        + " WHERE network_id = ANY (?) ORDER BY created_at, id")) {
      s.setArray(1, c.createArrayOf("text", networkIds.toArray()));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) out.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(2));
      }
    }
    return out;
  }

  // ---- subnets ----------------------------------------------------------------------------------

  private String subnetVisible(Viewer v, List<Object> args) {
    if (v.admin()) return "TRUE";
    args.add(v.projectId());
    args.add(v.projectId());
    return "(project_id = ? OR network_id IN (SELECT id FROM " + table("networks")
        + " WHERE project_id = ? OR shared OR external))";
  }

  public Optional<Subnet> subnet(Viewer v, String id) {
    return subnets(v, new Query(Map.of("id", List.of(id)), null, true, null, null)).stream().findFirst();
  }

  public List<Subnet> subnets(Viewer v, Query q) {
    return db.read(c -> {
      List<Object> args = new ArrayList<>();
      String visible = subnetVisible(v, args);
      String sql = "SELECT id, network_id, project_id, name, description, ip_version, cidr, gateway_ip,"
          + " allocation_pools::text, enable_dhcp, dns_nameservers, host_routes::text, ipv6_address_mode, ipv6_ra_mode,"
          + " revision_number, created_at, updated_at FROM " + table("subnets") + " WHERE " + visible
          + where(q, SUBNET_COLUMNS, args) + page(c, q, SUBNET_COLUMNS, table("subnets"), args);
      List<Subnet> rows = new ArrayList<>();
      try (PreparedStatement s = prepare(c, sql, args); ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(new Subnet(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getInt(6),
              r.getString(7), r.getString(8), read(r.getString(9), new TypeReference<List<Pool>>() {}), r.getBoolean(10),
              strings(r.getArray(11)), read(r.getString(12), new TypeReference<List<Route>>() {}), r.getString(13),
              r.getString(14), r.getInt(15), r.getTimestamp(16).toInstant(), r.getTimestamp(17).toInstant()));
        }
      }
      return rows;
    });
  }

  // ---- ports ------------------------------------------------------------------------------------

  private String portVisible(Viewer v, List<Object> args) {
    if (v.admin()) return "TRUE";
    args.add(v.projectId());
    args.add(v.projectId());
    return "(project_id = ? OR network_id IN (SELECT id FROM " + table("networks") + " WHERE project_id = ?))";
  }

  public Optional<Port> port(Viewer v, String id) {
    return ports(v, new Query(Map.of("id", List.of(id)), null, true, null, null), List.of()).stream().findFirst();
  }

  /** Ports; {@code fixedIps} filters by address and/or subnet ({@code fixed_ips=ip_address=...}). */
  public List<Port> ports(Viewer v, Query q, List<FixedIp> fixedIps) {
    return db.read(c -> {
      List<Object> args = new ArrayList<>();
      String visible = portVisible(v, args);
      StringBuilder ipFilter = new StringBuilder();
      for (FixedIp ip : fixedIps) {
        ipFilter.append(" AND id IN (SELECT port_id FROM ").append(table("port_ips")).append(" WHERE TRUE");
        if (ip.ipAddress() != null) {
          ipFilter.append(" AND ip_address = ?");
          args.add(ip.ipAddress());
        }
        if (ip.subnetId() != null) {
          ipFilter.append(" AND subnet_id = ?");
          args.add(ip.subnetId());
        }
        ipFilter.append(")");
      }
      String sql = "SELECT id, network_id, project_id, name, description, mac_address, device_id, device_owner,"
          + " security_groups, host_id, admin_state_up, port_security_enabled, revision_number, created_at, updated_at"
          + " FROM " + table("ports") + " WHERE " + visible + ipFilter + where(q, PORT_COLUMNS, args)
          + page(c, q, PORT_COLUMNS, table("ports"), args);
      List<Port> rows = new ArrayList<>();
      try (PreparedStatement s = prepare(c, sql, args); ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(new Port(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
              r.getString(7), r.getString(8), strings(r.getArray(9)), r.getString(10), r.getBoolean(11), r.getBoolean(12),
              r.getInt(13), r.getTimestamp(14).toInstant(), r.getTimestamp(15).toInstant(), List.of()));
        }
      }
      Map<String, List<FixedIp>> ips = new HashMap<>();
      if (!rows.isEmpty()) {
        try (PreparedStatement s = c.prepareStatement("SELECT port_id, subnet_id, ip_address FROM " + table("port_ips")
            + " WHERE port_id = ANY (?) ORDER BY port_id, position")) {
          s.setArray(1, c.createArrayOf("text", rows.stream().map(Port::id).toArray()));
          try (ResultSet r = s.executeQuery()) {
            while (r.next()) ips.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(new FixedIp(r.getString(2), r.getString(3)));
          }
        }
      }
      return rows.stream().map(p -> new Port(p.id(), p.networkId(), p.projectId(), p.name(), p.description(),
          p.macAddress(), p.deviceId(), p.deviceOwner(), p.securityGroups(), p.hostId(), p.adminStateUp(),
          p.portSecurityEnabled(), p.revision(), p.createdAt(), p.updatedAt(), ips.getOrDefault(p.id(), List.of()))).toList();
    });
  }

  /** The network a subnet or port belongs to, whoever may see it (commands are keyed by network). */
  public Optional<String> networkOfSubnet(String subnetId) {
    return lookup("SELECT network_id FROM " + table("subnets") + " WHERE id = ?", subnetId);
  }

  public Optional<String> networkOfPort(String portId) {
    return lookup("SELECT network_id FROM " + table("ports") + " WHERE id = ?", portId);
  }

  private Optional<String> lookup(String sql, String id) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        s.setString(1, id);
        try (ResultSet r = s.executeQuery()) {
          return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
        }
      }
    });
  }

  // ---- security groups --------------------------------------------------------------------------

  private static String ownVisible(Viewer v, List<Object> args) {
    if (v.admin()) return "TRUE";
    args.add(v.projectId());
    return "project_id = ?";
  }

  public Optional<SecurityGroup> securityGroup(Viewer v, String id) {
    return securityGroups(v, new Query(Map.of("id", List.of(id)), null, true, null, null)).stream().findFirst();
  }

  public List<SecurityGroup> securityGroups(Viewer v, Query q) {
    return db.read(c -> {
      List<Object> args = new ArrayList<>();
      String sql = "SELECT id, project_id, name, description, stateful, revision_number, created_at, updated_at FROM "
          + table("security_groups") + " WHERE " + ownVisible(v, args) + where(q, SECURITY_GROUP_COLUMNS, args)
          + page(c, q, SECURITY_GROUP_COLUMNS, table("security_groups"), args);
      List<SecurityGroup> rows = new ArrayList<>();
      try (PreparedStatement s = prepare(c, sql, args); ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(new SecurityGroup(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getBoolean(5),
              r.getInt(6), r.getTimestamp(7).toInstant(), r.getTimestamp(8).toInstant(), List.of()));
        }
      }
      if (rows.isEmpty()) return rows;
      Map<String, List<Rule>> rules = new HashMap<>();
      List<Object> ruleArgs = new ArrayList<>();
      ruleArgs.add(c.createArrayOf("text", rows.stream().map(SecurityGroup::id).toArray()));
      for (Rule rule : rules(c, "security_group_id = ANY (?) ORDER BY created_at, id", ruleArgs)) {
        rules.computeIfAbsent(rule.securityGroupId(), k -> new ArrayList<>()).add(rule);
      }
      return rows.stream().map(g -> new SecurityGroup(g.id(), g.projectId(), g.name(), g.description(), g.stateful(),
          g.revision(), g.createdAt(), g.updatedAt(), rules.getOrDefault(g.id(), List.of()))).toList();
    });
  }

  public Optional<Rule> rule(Viewer v, String id) {
    return rules(v, new Query(Map.of("id", List.of(id)), null, true, null, null)).stream().findFirst();
  }

  public List<Rule> rules(Viewer v, Query q) {
    return db.read(c -> {
      List<Object> args = new ArrayList<>();
      String condition = ownVisible(v, args) + where(q, RULE_COLUMNS, args) + page(c, q, RULE_COLUMNS,
          table("security_group_rules"), args);
      return rules(c, condition, args);
    });
  }

  private List<Rule> rules(Connection c, String condition, List<Object> args) throws SQLException {
    String sql = "SELECT id, security_group_id, project_id, direction, ethertype, protocol, port_range_min, port_range_max,"
        + " remote_ip_prefix, remote_group_id, description, revision_number, created_at, updated_at FROM "
        + table("security_group_rules") + " WHERE " + condition;
    List<Rule> rows = new ArrayList<>();
    try (PreparedStatement s = prepare(c, sql, args); ResultSet r = s.executeQuery()) {
      while (r.next()) {
        rows.add(new Rule(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6),
            (Integer) r.getObject(7), (Integer) r.getObject(8), r.getString(9), r.getString(10), r.getString(11),
            r.getInt(12), r.getTimestamp(13).toInstant(), r.getTimestamp(14).toInstant()));
      }
    }
    return rows;
  }

  /** Ports of any project that use a security group (deleting it is refused while there are some). */
  public int portsUsingGroup(String groupId) {
    return count("SELECT count(*) FROM " + table("ports") + " WHERE ? = ANY (security_groups)", groupId);
  }

  // ---- routers ----------------------------------------------------------------------------------

  public Optional<Router> router(Viewer v, String id) {
    return routers(v, new Query(Map.of("id", List.of(id)), null, true, null, null)).stream().findFirst();
  }

  public List<Router> routers(Viewer v, Query q) {
    return db.read(c -> {
      List<Object> args = new ArrayList<>();
      String sql = "SELECT id, project_id, name, description, admin_state_up, external_network_id, gateway_port_id,"
          + " external_fixed_ips::text, enable_snat, routes::text, revision_number, created_at, updated_at FROM "
          + table("routers") + " WHERE " + ownVisible(v, args) + where(q, ROUTER_COLUMNS, args)
          + page(c, q, ROUTER_COLUMNS, table("routers"), args);
      List<Router> rows = new ArrayList<>();
      try (PreparedStatement s = prepare(c, sql, args); ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(new Router(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getBoolean(5),
              r.getString(6), r.getString(7), read(r.getString(8), new TypeReference<List<Map<String, String>>>() {})
              .stream().map(m -> new FixedIp(m.get("subnet_id"), m.get("ip_address"))).toList(), r.getBoolean(9),
              read(r.getString(10), new TypeReference<List<Route>>() {}), r.getInt(11), r.getTimestamp(12).toInstant(),
              r.getTimestamp(13).toInstant()));
        }
      }
      return rows;
    });
  }

  public List<Interface> interfaces(String routerId) {
    return interfacesWhere("router_id = ?", routerId);
  }

  /** The router interfaces on any of these subnets (to find a floating IP's router). */
  public List<Interface> interfacesOnSubnets(List<String> subnetIds) {
    if (subnetIds.isEmpty()) return List.of();
    return db.read(c -> interfacesWhere(c, "subnet_id = ANY (?)", c.createArrayOf("text", subnetIds.toArray())));
  }

  private List<Interface> interfacesWhere(String condition, Object arg) {
    return db.read(c -> interfacesWhere(c, condition, arg));
  }

  private List<Interface> interfacesWhere(Connection c, String condition, Object arg) throws SQLException {
    List<Interface> out = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT port_id, router_id, subnet_id, network_id FROM "
        + table("router_interfaces") + " WHERE " + condition + " ORDER BY port_id")) {
      s.setObject(1, arg);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) out.add(new Interface(r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
      }
    }
    return out;
  }

  // ---- floating IPs -----------------------------------------------------------------------------

  public Optional<FloatingIp> floatingIp(Viewer v, String id) {
    return floatingIps(v, new Query(Map.of("id", List.of(id)), null, true, null, null)).stream().findFirst();
  }

  public List<FloatingIp> floatingIps(Viewer v, Query q) {
    return db.read(c -> {
      List<Object> args = new ArrayList<>();
      String sql = "SELECT id, project_id, floating_network_id, floating_ip_address, floating_port_id, port_id,"
          + " fixed_ip_address, router_id, description, revision_number, created_at, updated_at FROM "
          + table("floating_ips") + " WHERE " + ownVisible(v, args) + where(q, FLOATING_IP_COLUMNS, args)
          + page(c, q, FLOATING_IP_COLUMNS, table("floating_ips"), args);
      List<FloatingIp> rows = new ArrayList<>();
      try (PreparedStatement s = prepare(c, sql, args); ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(new FloatingIp(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
              r.getString(6), r.getString(7), r.getString(8), r.getString(9), r.getInt(10), r.getTimestamp(11).toInstant(),
              r.getTimestamp(12).toInstant()));
        }
      }
      return rows;
    });
  }

  // ---- quotas -----------------------------------------------------------------------------------

  /** The limits set for a project (the rest are the defaults). */
  public Map<String, Integer> quotaOverrides(String projectId) {
    return db.read(c -> {
      Map<String, Integer> out = new HashMap<>();
      try (PreparedStatement s = c.prepareStatement("SELECT resource, limit_value FROM " + table("network_quotas")
          + " WHERE project_id = ?")) {
        s.setString(1, projectId);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) out.put(r.getString(1), r.getInt(2));
        }
      }
      return out;
    });
  }

  /**
   * The projects whose limits differ from the defaults, each with its effective limits, ordered by
   * project id (Neutron's list of quotas). A project set back to the defaults is not among them.
   */
  public Map<String, Map<String, Integer>> nonDefaultQuotas() {
    Map<String, Map<String, Integer>> set = db.read(c -> {
      Map<String, Map<String, Integer>> out = new java.util.TreeMap<>();
      try (PreparedStatement s = c.prepareStatement("SELECT project_id, resource, limit_value FROM " + table("network_quotas"));
           ResultSet r = s.executeQuery()) {
        while (r.next()) out.computeIfAbsent(r.getString(1), k -> new HashMap<>()).put(r.getString(2), r.getInt(3));
      }
      return out;
    });
    Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
    set.forEach((project, limits) -> {
      Map<String, Integer> effective = NetworkQuotas.effective(limits);
      if (!effective.equals(NetworkQuotas.DEFAULTS)) out.put(project, effective);
    });
    return out;
  }

  /** How much of each quota resource a project uses. */
  public Map<String, Integer> usage(String projectId) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String resource : NetworkQuotas.RESOURCES) out.put(resource, usage(projectId, resource));
    return out;
  }

  /** How much of one quota resource a project uses. */
  public int usage(String projectId, String resource) {
    String sql = switch (resource) {
      case "network" -> "SELECT count(*) FROM " + table("networks") + " WHERE project_id = ?";
      case "subnet" -> "SELECT count(*) FROM " + table("subnets") + " WHERE project_id = ?";
      case "port" -> "SELECT count(*) FROM " + table("ports") + " WHERE project_id = ? AND device_owner <> 'network:floatingip'";
      case "router" -> "SELECT count(*) FROM " + table("routers") + " WHERE project_id = ?";
      case "floatingip" -> "SELECT count(*) FROM " + table("floating_ips") + " WHERE project_id = ?";
      case "security_group" -> "SELECT count(*) FROM " + table("security_groups") + " WHERE project_id = ?";
      case "security_group_rule" -> "SELECT count(*) FROM " + table("security_group_rules") + " WHERE project_id = ?";
      default -> throw new IllegalArgumentException("not a network quota resource: " + resource);
    };
    return count(sql, projectId);
  }

  private int count(String sql, String arg) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        s.setString(1, arg);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getInt(1);
        }
      }
    });
  }

  // ---- what one host applies -------------------------------------------------------------------

  private static final Viewer ALL = new Viewer(null, true);

  private static Query where(String attribute, List<String> values) {
    return new Query(Map.of(attribute, values), null, true, null, null);
  }

  /** What {@link HostNetworkConfig} renders for a host: its ports and everything their rules, DHCP and NAT need. */
  public HostNetworkConfig.Inputs hostInputs(String host) {
    List<Port> ports = ports(ALL, where("binding:host_id", List.of(host)), List.of());
    List<String> groups = ports.stream().flatMap(p -> p.securityGroups().stream()).distinct().toList();
    List<Rule> rules = groups.isEmpty() ? List.of() : rules(ALL, where("security_group_id", groups));
    List<String> remote = rules.stream().map(Rule::remoteGroupId).filter(java.util.Objects::nonNull).distinct().toList();
    List<String> networks = ports.stream().map(Port::networkId).distinct().toList();
    List<Subnet> subnets = networks.isEmpty() ? List.of() : subnets(ALL, where("network_id", networks));
    List<Port> networkPorts = networks.isEmpty() ? List.of() : ports(ALL, where("network_id", networks), List.of());
    List<String> portIds = ports.stream().map(Port::id).toList();
    List<FloatingIp> fips = portIds.isEmpty() ? List.of() : floatingIps(ALL, where("port_id", portIds));
    return new HostNetworkConfig.Inputs(host, ports, rules, groupMembers(remote), subnets, networkPorts, fips);
  }

  /** The addresses of the ports in each of these security groups (what a rule naming a remote group allows). */
  private Map<String, List<String>> groupMembers(List<String> groupIds) {
    Map<String, List<String>> out = new HashMap<>();
    if (groupIds.isEmpty()) return out;
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT g, pi.ip_address FROM " + table("ports") + " p CROSS JOIN"
          + " unnest(p.security_groups) AS g JOIN " + table("port_ips") + " pi ON pi.port_id = p.id"
          + " WHERE g = ANY (?) ORDER BY g, pi.ip_address")) {
        s.setArray(1, c.createArrayOf("text", groupIds.toArray()));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) out.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(2));
        }
      }
      return out;
    });
  }

  // ---- query building ---------------------------------------------------------------------------

  private static String where(Query q, Map<String, String> columns, List<Object> args) {
    StringBuilder sql = new StringBuilder();
    for (Map.Entry<String, List<String>> f : q.filters().entrySet()) {
      String column = columns.get(f.getKey());
      if (column == null) continue;
      sql.append(" AND (");
      List<String> values = f.getValue();
      for (int i = 0; i < values.size(); i++) {
        if (i > 0) sql.append(" OR ");
        sql.append(column).append(" = ?");
        args.add(typed(column, values.get(i)));
      }
      sql.append(")");
    }
    return sql.toString();
  }

  /** ORDER BY the sort key then id, starting after the marker row, LIMIT. */
  private String page(Connection c, Query q, Map<String, String> columns, String table, List<Object> args)
      throws SQLException {
    String column = q.sortKey() != null ? columns.getOrDefault(q.sortKey(), "id") : "id";
    String dir = q.ascending() ? "ASC" : "DESC";
    String cmp = q.ascending() ? ">" : "<";
    StringBuilder sql = new StringBuilder();
    if (q.marker() != null) {
      sql.append(" AND (").append(column).append(", id) ").append(cmp).append(" (SELECT ").append(column)
          .append(", id FROM ").append(table).append(" WHERE id = ?)");
      args.add(q.marker());
    }
    sql.append(" ORDER BY ").append(column).append(" ").append(dir).append(", id ").append(dir);
    if (q.limit() != null) sql.append(" LIMIT ").append(q.limit());
    return sql.toString();
  }

  private static Object typed(String column, String value) {
    if (BOOLEAN_COLUMNS.containsKey(column)) return Boolean.parseBoolean(value);
    if (INTEGER_COLUMNS.containsKey(column)) {
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return value;
  }

  private static PreparedStatement prepare(Connection c, String sql, List<Object> args) throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    for (int i = 0; i < args.size(); i++) s.setObject(i + 1, args.get(i));
    return s;
  }

  private static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
  }

  private <T> T read(String text, TypeReference<T> type) {
    try {
      return json.readValue(text, type);
    } catch (Exception e) {
      throw new IllegalStateException("corrupt view row: " + text, e);
    }
  }

  /** The filters of a request's query string that name attributes of a collection. */
  public static Map<String, List<String>> filters(Map<String, List<String>> queryParams, Map<String, String> columns) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    queryParams.forEach((k, v) -> {
      if (columns.containsKey(k)) out.put(k, v);
    });
    return out;
  }
}
