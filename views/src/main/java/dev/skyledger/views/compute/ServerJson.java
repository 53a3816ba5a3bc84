package dev.skyledger.views.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.compute.Microversion;
import dev.skyledger.views.network.NetworkCatalog;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Servers as Nova writes them, at the microversion of the request ({@link Audience}). The names a
 * server's JSON shows (its networks' and security groups') and its floating IPs come from the
 * network views, and its host's status from the hosts view, each looked up once for a whole page.
 */
public final class ServerJson {
  /** {@code created}, {@code updated}, a fault's {@code created}: Nova's isotime. */
  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  /** {@code OS-SRV-USG:launched_at} and {@code terminated_at}: a naive UTC time with microseconds. */
  private static final DateTimeFormatter USAGE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);
  /** Statuses Nova shows a progress for, and those it shows a fault for. */
  private static final Set<String> PROGRESS_STATUSES = Set.of("ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING");
  private static final Set<String> FAULT_STATUSES = Set.of("ERROR", "DELETED");

  /**
   * Who reads and at which microversion: admins see the extended attributes (2.3 adds to them) and,
   * from 2.16, the status of the server's host.
   */
  public record Audience(boolean admin, Microversion version) {}

  /** The status of each compute host as {@code host_status} shows it (UP, DOWN, MAINTENANCE, UNKNOWN). */
  public interface HostStatuses {
    Map<String, String> byHost();
  }

  /**
   * What a page of servers needs from other views: names by id, floating IPs by the port they
   * forward to, the security groups each port has now, host statuses by host (empty unless the
   * audience sees them).
   */
  record Names(Map<String, String> networks, Map<String, String> securityGroups,
               Map<String, List<NetworkCatalog.FloatingIp>> floatingByPort, Map<String, String> hostStatuses,
               Map<String, List<String>> groupsByPort) {
    static final Names NONE = new Names(Map.of(), Map.of(), Map.of(), Map.of(), Map.of());

    Names withHostStatuses(Map<String, String> statuses) {
      return new Names(networks, securityGroups, floatingByPort, statuses, groupsByPort);
    }

    /**
     * As Nova, a server shows the groups its ports have now (a group added or removed through the
     * server or the port shows at once); a port the network view does not hold yet, its requested ones.
     */
    List<String> groupsOf(ServerCatalog.Server s) {
      Set<String> ids = new LinkedHashSet<>();
      for (ServerCatalog.Port p : s.ports()) {
        List<String> now = groupsByPort.get(p.portId());
        if (now != null) ids.addAll(now);
        else ids.addAll(s.securityGroups());
      }
      return List.copyOf(ids);
    }
  }

  private static final NetworkCatalog.Viewer ALL = new NetworkCatalog.Viewer(null, true);

  private final ObjectMapper json;
  private final String computeUrl;
  private final String bookmarkUrl;
  private final NetworkCatalog networks;
  private final HostStatuses hosts;

  /** {@code computeUrl}: the public compute endpoint ({@code .../compute/v2.1}), for links. */
  public ServerJson(ObjectMapper json, String computeUrl, NetworkCatalog networks, HostStatuses hosts) {
    this.json = json;
    this.computeUrl = computeUrl;
    this.bookmarkUrl = computeUrl.replaceAll("/v2\\.1$", "");
    this.networks = networks;
    this.hosts = hosts;
  }

  public ObjectMapper mapper() {
    return json;
  }

  /** {@code GET /servers}: id, name and links. */
  public ObjectNode brief(ServerCatalog.Server s) {
    ObjectNode o = json.createObjectNode();
    o.put("id", s.id());
    o.put("name", s.name());
    links(o, "/servers/" + s.id());
    return o;
  }

  /** {@code GET /servers/{id}} of one server, as this audience sees it. */
  public ObjectNode detail(ServerCatalog.Server s, Audience audience) {
    return details(List.of(s), audience).get(0);
  }

  /** {@code GET /servers/detail}: the page's names, floating IPs and host statuses are looked up once for all of it. */
  public List<ObjectNode> details(List<ServerCatalog.Server> servers, Audience audience) {
    Names names = names(servers);
    if (audience.admin() && audience.version().atLeast(16) && hosts != null) names = names.withHostStatuses(hosts.byHost());
    Names page = names;
    return servers.stream().map(s -> detail(s, page, audience)).toList();
  }

  /**
   * The server as Nova answers an update ({@code PUT /servers/{id}}): the attributes of every
   * server without the extensions (zone, key, usage, groups, states, volumes, host) and with
   * addresses as version and address only; {@code locked} from 2.9.
   */
  public ObjectNode updated(ServerCatalog.Server s, Audience audience) {
    Names names = names(List.of(s));
    ObjectNode o = json.createObjectNode();
    common(o, s, names, false);
    fault(o, s, audience.admin());
    if (audience.version().atLeast(9)) o.put("locked", s.locked());
    return o;
  }

  /**
   * {@code GET /servers/{id}/ips}: {@code {"addresses": {...}}}, version and address only; with
   * {@code network} ({@code /ips/{network}}), only that network's, empty when the server has none on it.
   */
  public Optional<ObjectNode> ips(ServerCatalog.Server s, String network) {
    ObjectNode addresses = addresses(s, names(List.of(s)), false);
    ObjectNode root = json.createObjectNode();
    if (network == null) {
      root.set("addresses", addresses);
      return Optional.of(root);
    }
    if (!addresses.has(network)) return Optional.empty();
    root.set(network, addresses.get(network));
    return Optional.of(root);
  }

  /** {@code {"metadata": {...}}}. */
  public ObjectNode metadata(Map<String, String> metadata) {
    ObjectNode root = json.createObjectNode();
    ObjectNode m = root.putObject("metadata");
    metadata.forEach(m::put);
    return root;
  }

  private Names names(List<ServerCatalog.Server> servers) {
    Set<String> networkIds = new LinkedHashSet<>();
    Set<String> groupIds = new LinkedHashSet<>();
    List<String> portIds = new ArrayList<>();
    for (ServerCatalog.Server s : servers) {
      for (ServerCatalog.Port p : s.ports()) {
        networkIds.add(p.networkId());
        portIds.add(p.portId());
      }
      // as Nova, a server shows the groups of its ports: none when it has none
      if (!s.ports().isEmpty()) groupIds.addAll(s.securityGroups());
    }
    if (portIds.isEmpty()) return Names.NONE;
    Map<String, List<String>> groupsByPort = new java.util.HashMap<>();
    for (NetworkCatalog.Port port : networks.ports(ALL, byIds("id", portIds), List.of())) {
      groupsByPort.put(port.id(), port.securityGroups());
      groupIds.addAll(port.securityGroups());
    }
    Map<String, String> networkNames = networks.networks(ALL, byIds("id", networkIds)).stream()
        .collect(Collectors.toMap(NetworkCatalog.Network::id, NetworkCatalog.Network::name));
    Map<String, String> groupNames = groupIds.isEmpty() ? Map.of() : networks.securityGroups(ALL, byIds("id", groupIds))
        .stream().collect(Collectors.toMap(NetworkCatalog.SecurityGroup::id, NetworkCatalog.SecurityGroup::name));
    Map<String, List<NetworkCatalog.FloatingIp>> floating = networks.floatingIps(ALL, byIds("port_id", portIds)).stream()
        .collect(Collectors.groupingBy(NetworkCatalog.FloatingIp::portId));
    return new Names(networkNames, groupNames, floating, Map.of(), groupsByPort);
  }

  private static NetworkCatalog.Query byIds(String attribute, Iterable<String> ids) {
    List<String> values = new ArrayList<>();
    ids.forEach(values::add);
    return new NetworkCatalog.Query(Map.of(attribute, values), null, true, null, null);
  }

  /** One server, with the names of a page already looked up. */
  ObjectNode detail(ServerCatalog.Server s, Names names, Audience audience) {
    boolean admin = audience.admin();
    ObjectNode o = json.createObjectNode();
    common(o, s, names, true);
    o.put("OS-EXT-AZ:availability_zone", s.availabilityZone() == null ? "" : s.availabilityZone());
    o.put("config_drive", "");
    o.put("key_name", s.keyName());
    o.put("OS-SRV-USG:launched_at", usage(s.launchedAt()));
    o.put("OS-SRV-USG:terminated_at", usage(s.deletedAt()));
    List<String> groupIds = s.ports().isEmpty() ? List.of() : names.groupsOf(s);
    if (!groupIds.isEmpty()) {
      // as Nova, no key at all when the ports have no group
      ArrayNode groups = o.putArray("security_groups");
      groupIds.stream().map(id -> names.securityGroups().getOrDefault(id, id)).distinct()
          .forEach(name -> groups.addObject().put("name", name));
    }
    o.put("OS-EXT-STS:task_state", s.taskState());
    o.put("OS-EXT-STS:vm_state", s.vmState());
    o.put("OS-EXT-STS:power_state", s.powerState());
    o.putArray("os-extended-volumes:volumes_attached");
    if (admin) {
      o.put("OS-EXT-SRV-ATTR:host", s.host());
      o.put("OS-EXT-SRV-ATTR:hypervisor_hostname", s.host());
      o.put("OS-EXT-SRV-ATTR:instance_name", instanceName(s.id()));
      if (audience.version().atLeast(3)) {
        o.put("OS-EXT-SRV-ATTR:reservation_id", s.reservationId());
        o.put("OS-EXT-SRV-ATTR:launch_index", s.launchIndex());
        o.put("OS-EXT-SRV-ATTR:hostname", s.hostname() == null ? "" : s.hostname());
        // no kernel or ramdisk of their own: the guest boots its image's disk
        o.put("OS-EXT-SRV-ATTR:kernel_id", "");
        o.put("OS-EXT-SRV-ATTR:ramdisk_id", "");
        // the root disk is the first virtio disk once the host has spawned it
        o.put("OS-EXT-SRV-ATTR:root_device_name", s.launchedAt() == null ? null : "/dev/vda");
        o.put("OS-EXT-SRV-ATTR:user_data", s.userData());
      }
    }
    fault(o, s, admin);
    if (audience.version().atLeast(9)) o.put("locked", s.locked());
    if (admin && audience.version().atLeast(16)) {
      o.put("host_status", s.host() == null || s.host().isEmpty() ? "" : names.hostStatuses().getOrDefault(s.host(), ""));
    }
    return o;
  }

  /** What every form of a server holds; {@code extended}: addresses with their type and MAC. */
  private void common(ObjectNode o, ServerCatalog.Server s, Names names, boolean extended) {
    o.put("id", s.id());
    o.put("name", s.name());
    o.put("status", s.status());
    o.put("tenant_id", s.projectId());
    o.put("user_id", s.userId());
    ObjectNode metadata = o.putObject("metadata");
    s.metadata().forEach(metadata::put);
    o.put("hostId", hostId(s.projectId(), s.host()));
    if (s.imageId() == null || s.imageId().isEmpty()) {
      o.put("image", "");
    } else {
      ObjectNode image = o.putObject("image").put("id", s.imageId());
      image.putArray("links").addObject().put("rel", "bookmark").put("href", bookmarkUrl + "/images/" + s.imageId());
    }
    ObjectNode flavor = o.putObject("flavor").put("id", s.flavor().id());
    flavor.putArray("links").addObject().put("rel", "bookmark").put("href", bookmarkUrl + "/flavors/" + s.flavor().id());
    o.put("created", ISO.format(s.createdAt()));
    o.put("updated", ISO.format(s.updatedAt()));
    o.set("addresses", addresses(s, names, extended));
    o.put("accessIPv4", s.accessIpv4() == null ? "" : s.accessIpv4());
    o.put("accessIPv6", s.accessIpv6() == null ? "" : s.accessIpv6());
    links(o, "/servers/" + s.id());
    o.put("OS-DCF:diskConfig", s.diskConfig() == null ? "MANUAL" : s.diskConfig());
    if (PROGRESS_STATUSES.contains(s.status())) o.put("progress", 0);
  }

  private static void fault(ObjectNode o, ServerCatalog.Server s, boolean admin) {
    if (s.fault() != null && FAULT_STATUSES.contains(s.status())) {
      ServerCatalog.Fault f = s.fault();
      ObjectNode fault = o.putObject("fault").put("code", f.code()).put("created", ISO.format(f.created()))
          .put("message", f.message());
      // as Nova: the details (a trace, for a 500) only for admins
      if (f.details() != null && !f.details().isEmpty() && (admin || f.code() != 500)) fault.put("details", f.details());
    }
  }

  /** {@code {"<network name>": [fixed addresses, then floating ones, port by port]}}. */
  private ObjectNode addresses(ServerCatalog.Server s, Names names, boolean extended) {
    Map<String, ArrayNode> byNetwork = new LinkedHashMap<>();
    for (ServerCatalog.Port p : s.ports()) {
      ArrayNode list = byNetwork.computeIfAbsent(names.networks().getOrDefault(p.networkId(), p.networkId()),
          k -> json.createArrayNode());
      for (ServerCatalog.FixedIp ip : p.fixedIps()) {
        if (ip.ipAddress() != null) address(list, ip.ipAddress(), extended ? "fixed" : null, p.macAddress());
      }
      for (NetworkCatalog.FloatingIp f : names.floatingByPort().getOrDefault(p.portId(), List.of())) {
        address(list, f.floatingIpAddress(), extended ? "floating" : null, p.macAddress());
      }
    }
    ObjectNode out = json.createObjectNode();
    byNetwork.forEach(out::set);
    return out;
  }

  /** One address; {@code type} null: version and address only (an update's answer). */
  private static void address(ArrayNode list, String addr, String type, String mac) {
    ObjectNode a = list.addObject().put("version", addr.contains(":") ? 6 : 4).put("addr", addr);
    if (type != null) a.put("OS-EXT-IPS:type", type).put("OS-EXT-IPS-MAC:mac_addr", mac);
  }

  private void links(ObjectNode o, String path) {
    ArrayNode links = o.putArray("links");
    links.addObject().put("rel", "self").put("href", computeUrl + path);
    links.addObject().put("rel", "bookmark").put("href", bookmarkUrl + path);
  }

  private static String usage(Instant t) {
    return t == null ? null : USAGE.format(t.truncatedTo(ChronoUnit.MICROS));
  }

  /** Nova's hostId: the host as the project sees it, sha224 of project id and host; "" before a host is chosen. */
  static String hostId(String projectId, String host) {
    if (host == null || host.isEmpty()) return "";
    try {
      byte[] digest = MessageDigest.getInstance("SHA-224").digest((projectId + host).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-224 is a required JDK algorithm", e);
    }
  }

  /** The instance name operators know a server by: {@code instance-} and the first 8 hex digits of its id. */
  public static String instanceName(String id) {
    String hex = id.replace("-", "");
    if (hex.length() >= 8 && hex.substring(0, 8).matches("[0-9a-fA-F]{8}")) {
      return "instance-" + hex.substring(0, 8).toLowerCase(java.util.Locale.ROOT);
    }
    return String.format("instance-%08x", id.hashCode());
  }
}
