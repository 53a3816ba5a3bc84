package dev.skyledger.queryapi.compute;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.Microversion;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.identity.ServiceCatalog;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.compute.ServerCatalog;
import dev.skyledger.views.compute.ServerJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Nova's server read routes: {@code GET /servers} (id, name, links), {@code /servers/detail},
 * {@code /servers/{id}} and its metadata. Lists take Nova's filters (name as a regular
 * expression, status, image, flavor, ip, ip6 (from 2.5 for everyone), changes-since; host and all_tenants with
 * project_id for admins), sort keys and marker pages of at most 1000.
 */
public final class ServerReadRoutes {
  private static final String V21 = "/compute/v2.1";
  private static final int MAX_LIMIT = 1000;
  /** Sort keys Nova v2.1 accepts that order nothing here (all servers are alike in them): dropped, as Nova drops some. */
  private static final Set<String> IGNORED_SORT_KEYS = Set.of("access_ip_v4", "access_ip_v6", "auto_disk_config",
      "config_drive", "display_description", "kernel_id", "locked_by", "progress", "ramdisk_id",
      "root_device_name", "vm_mode", "architecture", "cell_name", "cleaned", "default_ephemeral_device",
      "default_swap_device", "deleted", "deleted_at", "disable_terminate", "ephemeral_gb", "ephemeral_key_uuid", "id",
      "key_data", "launched_on", "locked", "memory_mb", "os_type", "root_gb", "shutdown_terminate",
      "user_data", "vcpus", "extra", "info_cache", "metadata", "numa_topology", "pci_devices", "pci_requests",
      "security_groups", "services", "system_metadata", "tags", "vcpu_model", "ec2_ids", "faults", "flavor", "keypairs",
      "migration_context", "new_flavor", "old_flavor", "trusted_certs");

  private final Authenticator auth;
  private final ServerCatalog catalog;
  private final ServerJson render;
  private final ServiceCatalog services;

  public ServerReadRoutes(Authenticator auth, ServerCatalog catalog, ServerJson render, ServiceCatalog services) {
    this.auth = auth;
    this.catalog = catalog;
    this.render = render;
    this.services = services;
  }

  public void routes(JavalinConfig config) {
    var r = config.routes;
    r.get(V21 + "/servers", ctx -> list(ctx, false));
    r.get(V21 + "/servers/detail", ctx -> list(ctx, true));
    r.get(V21 + "/servers/{id}", this::server);
    r.get(V21 + "/servers/{id}/ips", ctx -> ips(ctx, null));
    r.get(V21 + "/servers/{id}/ips/{network}", ctx -> ips(ctx, ctx.pathParam("network")));
    r.get(V21 + "/servers/{id}/metadata", this::metadata);
    r.get(V21 + "/servers/{id}/metadata/{key}", this::metadataItem);
    r.get(V21 + "/servers/{id}/os-virtual-interfaces", this::virtualInterfaces);
    r.get(V21 + "/os-server-groups", this::groups);
    r.get(V21 + "/os-server-groups/{id}", this::group);
  }

  /** The server as {@code GET /servers/{id}} at 2.1 shows it to this caller (what the write routes read of it). */
  public Optional<ObjectNode> show(TokenClaims caller, String id) {
    return catalog.server(viewer(caller), id).map(s -> render.detail(s, new ServerJson.Audience(caller.isAdmin(), Microversions.MIN)));
  }

  /** The server as Nova answers its update at this microversion. */
  public Optional<ObjectNode> updated(TokenClaims caller, String id, Microversion version) {
    return catalog.server(viewer(caller), id).map(s -> render.updated(s, new ServerJson.Audience(caller.isAdmin(), version)));
  }

  private TokenClaims caller(Context ctx) {
    Microversions.negotiate(ctx);
    return auth.caller(ctx);
  }

  private static ServerJson.Audience audience(Context ctx, TokenClaims caller) {
    return new ServerJson.Audience(caller.isAdmin(), Microversions.negotiate(ctx));
  }

  private static ComputeCatalog.Viewer viewer(TokenClaims caller) {
    return new ComputeCatalog.Viewer(caller.projectId(), caller.isAdmin());
  }

  private ServerCatalog.Server visible(Context ctx, TokenClaims caller) {
    String id = ctx.pathParam("id");
    return catalog.server(viewer(caller), id)
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Instance " + id + " could not be found."));
  }

  private void server(Context ctx) {
    TokenClaims caller = caller(ctx);
    ObjectNode root = render.mapper().createObjectNode();
    root.set("server", render.detail(visible(ctx, caller), audience(ctx, caller)));
    ctx.contentType("application/json").result(root.toString());
  }

  /** {@code GET /os-server-groups} (all_projects for admins): policies as a list, the owners from 2.13. */
  private void groups(Context ctx) {
    TokenClaims caller = caller(ctx);
    boolean all = caller.isAdmin() && ctx.queryParam("all_projects") != null
        && !List.of("0", "false", "False").contains(ctx.queryParam("all_projects"));
    var list = render.mapper().createArrayNode();
    Microversion version = Microversions.negotiate(ctx);
    for (ServerCatalog.Group g : catalog.groups(viewer(caller), all, null)) list.add(group(g, version));
    ObjectNode root = render.mapper().createObjectNode();
    root.set("server_groups", list);
    ctx.contentType("application/json").result(root.toString());
  }

  private void group(Context ctx) {
    TokenClaims caller = caller(ctx);
    String id = ctx.pathParam("id");
    ServerCatalog.Group g = catalog.groups(viewer(caller), false, id).stream().findFirst()
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Instance group " + id + " could not be found."));
    ObjectNode root = render.mapper().createObjectNode();
    root.set("server_group", group(g, Microversions.negotiate(ctx)));
    ctx.contentType("application/json").result(root.toString());
  }

  /** One group as Nova shows it at this microversion (also the answer to its creation): its owners from 2.13. */
  public ObjectNode group(ServerCatalog.Group g, Microversion version) {
    ObjectNode o = render.mapper().createObjectNode();
    o.put("id", g.id()).put("name", g.name());
    o.putArray("policies").add(g.policy());
    var members = o.putArray("members");
    g.members().forEach(members::add);
    o.putObject("metadata");
    if (version.atLeast(13)) o.put("project_id", g.projectId()).put("user_id", g.userId());
    return o;
  }

  /** A group the caller may see, rendered at this microversion (the write routes answer with it). */
  public Optional<ObjectNode> showGroup(TokenClaims caller, String id, Microversion version) {
    return catalog.groups(viewer(caller), false, id).stream().findFirst().map(g -> group(g, version));
  }

  /**
   * {@code os-virtual-interfaces} (and its 2.12 {@code net_id}) is nova-network's: with the network
   * service's ports, Nova answers 400, as here (a server's ports are {@code os-interface}'s).
   */
  private void virtualInterfaces(Context ctx) {
    TokenClaims caller = caller(ctx);
    visible(ctx, caller);
    throw ApiException.badRequest("Network driver does not support this function.");
  }

  /** A server's addresses by network label, as {@code openstack server show} lists them. */
  private void ips(Context ctx, String network) {
    TokenClaims caller = caller(ctx);
    ObjectNode found = render.ips(visible(ctx, caller), network).orElseThrow(() ->
        new ApiException(404, "itemNotFound", "Instance is not a member of specified network"));
    ctx.contentType("application/json").result(found.toString());
  }

  private void metadata(Context ctx) {
    TokenClaims caller = caller(ctx);
    ctx.contentType("application/json").result(render.metadata(visible(ctx, caller).metadata()).toString());
  }

  private void metadataItem(Context ctx) {
    TokenClaims caller = caller(ctx);
    String key = ctx.pathParam("key");
    String value = visible(ctx, caller).metadata().get(key);
    if (value == null) throw new ApiException(404, "itemNotFound", "Metadata item was not found");
    ObjectNode root = render.mapper().createObjectNode();
    root.putObject("meta").put(key, value);
    ctx.contentType("application/json").result(root.toString());
  }

  // ---- lists ------------------------------------------------------------------------------------

  private void list(Context ctx, boolean detail) {
    TokenClaims caller = caller(ctx);
    boolean admin = caller.isAdmin();
    // as asked: a non-admin's all_tenants is ignored (Nova's default policy would refuse it)
    boolean allTenants = admin && allTenants(ctx.queryParam("all_tenants"));
    String project;
    if (allTenants) {
      project = ctx.queryParam("project_id") != null ? ctx.queryParam("project_id") : ctx.queryParam("tenant_id");
    } else {
      project = caller.projectId();
      if (project == null) throw ApiException.forbidden("A project-scoped token is needed to list servers.");
    }
    List<String> statuses = ctx.queryParams("status").stream().map(s -> s.strip().toUpperCase(Locale.ROOT)).toList();
    boolean deleted = statuses.contains("DELETED");
    if (deleted && !admin) throw ApiException.forbidden("Only administrators may list deleted instances");
    Instant changesSince = changesSince(ctx.queryParam("changes-since"));
    int limit = limit(ctx.queryParam("limit"));
    ServerCatalog.Query q = new ServerCatalog.Query(project, ctx.queryParam("name"), statuses, ref(ctx.queryParam("image")),
        ref(ctx.queryParam("flavor")), admin ? ctx.queryParam("host") : null, changesSince, ctx.queryParam("ip"),
        ip6(ctx, admin), deleted || changesSince != null, sort(ctx, admin), ctx.queryParam("marker"), limit);
    List<ServerCatalog.Server> servers = catalog.list(q, detail);
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode list = root.putArray("servers");
    if (detail) render.details(servers, audience(ctx, caller)).forEach(list::add);
    else servers.forEach(s -> list.add(render.brief(s)));
    if (limit > 0 && servers.size() == limit) {
      root.putArray("servers_links").addObject().put("rel", "next")
          .put("href", nextHref(ctx, servers.get(servers.size() - 1).id()));
    }
    ctx.contentType("application/json").result(root.toString());
  }

  /** The ip6 filter: before 2.5 only admins' (Nova silently dropped it for others). */
  private static String ip6(Context ctx, boolean admin) {
    return admin || Microversions.negotiate(ctx).atLeast(5) ? ctx.queryParam("ip6") : null;
  }

  /** Nova's all_tenants: present and empty, or a true value; a value that is no boolean is a 400. */
  private static boolean allTenants(String value) {
    if (value == null) return false;
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "", "1", "t", "true", "on", "y", "yes" -> true;
      case "0", "f", "false", "off", "n", "no" -> false;
      default -> throw ApiException.badRequest("Invalid input for query parameters all_tenants. Value: " + value
          + ". Unrecognized value '" + value + "', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off',"
          + " 'on', 't', 'true', 'y', 'yes'");
    };
  }

  /** A reference may be a URL ending in the id (as a server's image and flavor links are). */
  private static String ref(String value) {
    if (value == null) return null;
    int slash = value.lastIndexOf('/');
    return slash >= 0 ? value.substring(slash + 1) : value;
  }

  private static int limit(String value) {
    if (value == null) return MAX_LIMIT;
    int limit;
    try {
      limit = Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 0) {
      throw ApiException.badRequest("Invalid input for query parameters limit. Value: " + value
          + ". limit must be an integer 0 or greater");
    }
    // as Nova: more than the maximum is the maximum, and 0 is an empty page
    return Math.min(limit, MAX_LIMIT);
  }

  /** ISO 8601, with a zone or in UTC, or a date. */
  static Instant changesSince(String value) {
    if (value == null) return null;
    String v = value.strip();
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeParseException notWithZone) {
      try {
        return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException notLocal) {
        try {
          return LocalDate.parse(v).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException notDate) {
          throw ApiException.badRequest("Invalid input for query parameters changes-since. Value: " + value + ". '"
              + value + "' is not a 'date-time'");
        }
      }
    }
  }

  /**
   * Nova's sort parameters: sort_key and sort_dir pair up; keys without a direction take the
   * first direction given (desc when none); created_at desc when no key. Keys that order nothing
   * here, and host and node for non-admins, are dropped with their directions.
   */
  private static List<ServerCatalog.Sort> sort(Context ctx, boolean admin) {
    List<String> keys = new ArrayList<>(ctx.queryParams("sort_key").stream().map(String::strip).toList());
    List<String> dirs = new ArrayList<>(ctx.queryParams("sort_dir").stream().map(String::strip).toList());
    return sort(keys, dirs, admin);
  }

  static List<ServerCatalog.Sort> sort(List<String> requestedKeys, List<String> requestedDirs, boolean admin) {
    List<String> keys = new ArrayList<>(requestedKeys);
    List<String> dirs = new ArrayList<>(requestedDirs);
    for (String dir : dirs) {
      if (!dir.equals("asc") && !dir.equals("desc")) {
        throw ApiException.badRequest("Invalid input for query parameters sort_dir. Value: " + dir
            + ". '" + dir + "' is not one of ['asc', 'desc']");
      }
    }
    for (String key : keys) {
      if (!ServerCatalog.SORT_COLUMNS.containsKey(key) && !IGNORED_SORT_KEYS.contains(key)) {
        throw ApiException.badRequest("Invalid input for query parameters sort_key. Value: " + key
            + ". '" + key + "' is not a valid sort key for servers");
      }
    }
    if (keys.isEmpty()) keys.add("created_at");
    if (dirs.isEmpty()) dirs.add("desc");
    for (int i = keys.size() - 1; i >= 0; i--) {
      String key = keys.get(i);
      if (IGNORED_SORT_KEYS.contains(key) || (!admin && ServerCatalog.ADMIN_SORT_KEYS.contains(key))) {
        keys.remove(i);
        if (i < dirs.size()) dirs.remove(i);
      }
    }
    if (dirs.size() > keys.size()) {
      throw ApiException.badRequest("Sort direction size exceeds sort key size");
    }
    String first = dirs.isEmpty() ? "desc" : dirs.get(0);
    List<ServerCatalog.Sort> sort = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      sort.add(new ServerCatalog.Sort(keys.get(i), (i < dirs.size() ? dirs.get(i) : first).equals("asc")));
    }
    return sort;
  }

  /** The same request (the same filters, sort and limit) after the last server of this page. */
  private String nextHref(Context ctx, String marker) {
    Map<String, List<String>> params = new LinkedHashMap<>(ctx.queryParamMap());
    params.remove("marker");
    params.put("marker", List.of(marker));
    StringBuilder href = new StringBuilder(services.url(ctx.path()));
    char sep = '?';
    for (Map.Entry<String, List<String>> e : params.entrySet()) {
      for (String v : e.getValue()) {
        href.append(sep).append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
            .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        sep = '&';
      }
    }
    return href.toString();
  }
}
