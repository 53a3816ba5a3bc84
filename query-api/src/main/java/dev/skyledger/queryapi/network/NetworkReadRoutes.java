package dev.skyledger.queryapi.network;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.identity.ServiceCatalog;
import dev.skyledger.views.network.NetworkCatalog;
import dev.skyledger.views.network.NetworkJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The network (Neutron v2.0) read routes: version discovery, the resource and extension lists,
 * and networks, subnets and ports with {@code fields}, attribute filters, sorting and pages.
 */
public final class NetworkReadRoutes {
  private static final String ROOT = "/network";
  private static final String V2 = ROOT + "/v2.0";
  private static final int MAX_LIMIT = 1000;
  /** The API extensions this service really implements, as Neutron names them. */
  private static final String[][] EXTENSIONS = {
      {"external-net", "Neutron external network", "Adds external network attribute to network resource."},
      {"binding", "Port Binding", "Expose port bindings of a virtual port to external application"},
      {"port-security", "Port Security", "Provides port security"},
      {"network-mtu", "Network MTU", "Provides MTU attribute for a network resource."},
      {"standard-attr-description", "standard-attr-description", "Extension to add descriptions to standard attributes"},
      {"standard-attr-timestamp", "Resource timestamps", "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes."},
      {"standard-attr-revisions", "Resource revision numbers", "This extension will display the revision number of neutron resources."},
      {"fixed-ip-filter", "IP address substring filtering", "Provides IP address filtering when listing ports."},
      {"security-group", "security-group", "The security groups extension."},
      {"router", "Neutron L3 Router", "Router abstraction for basic L3 forwarding between L2 Neutron networks and access to external networks via a NAT gateway."},
      {"ext-gw-mode", "Neutron L3 Configurable external gateway mode", "Extension of the router abstraction for specifying whether SNAT should occur on the external gateway"},
      {"extraroute", "Neutron Extra Route", "Extra routes configuration for L3 router"},
      {"quotas", "Quota management support", "Expose functions for quotas management per tenant"},
      {"agent", "agent", "The agent management extension."},
      {"quota_details", "Quota details management support", "Expose functions for quotas usage statistics per project"},
  };

  private final Authenticator auth;
  private final NetworkCatalog catalog;
  private final NetworkJson render;
  private final ServiceCatalog services;
  private final NetworkAgentRoutes agents;

  public NetworkReadRoutes(Authenticator auth, NetworkCatalog catalog, NetworkJson render, ServiceCatalog services,
                           NetworkAgentRoutes agents) {
    this.auth = auth;
    this.catalog = catalog;
    this.render = render;
    this.services = services;
    this.agents = agents;
  }

  public void routes(JavalinConfig config) {
    agents.routes(config);
    var r = config.routes;
    r.get(ROOT, this::versions);
    r.get(V2, this::resources);
    r.get(V2 + "/extensions", this::extensions);
    r.get(V2 + "/extensions/{alias}", this::extension);
    r.get(V2 + "/networks", ctx -> list(ctx, "networks", NetworkCatalog.NETWORK_COLUMNS,
        (v, q) -> catalog.networks(v, q).stream().map(n -> render.network(n, fields(ctx))).toList()));
    r.get(V2 + "/networks/{id}", ctx -> show(ctx, "network", v -> catalog.network(v, ctx.pathParam("id"))
        .map(n -> render.network(n, fields(ctx))).orElseThrow(() -> notFound("Network", ctx))));
    r.get(V2 + "/subnets", ctx -> list(ctx, "subnets", NetworkCatalog.SUBNET_COLUMNS,
        (v, q) -> catalog.subnets(v, q).stream().map(s -> render.subnet(s, fields(ctx))).toList()));
    r.get(V2 + "/subnets/{id}", ctx -> show(ctx, "subnet", v -> catalog.subnet(v, ctx.pathParam("id"))
        .map(s -> render.subnet(s, fields(ctx))).orElseThrow(() -> notFound("Subnet", ctx))));
    r.get(V2 + "/ports", ctx -> list(ctx, "ports", NetworkCatalog.PORT_COLUMNS,
        (v, q) -> catalog.ports(v, q, fixedIpFilters(ctx)).stream().map(p -> render.port(p, fields(ctx))).toList()));
    r.get(V2 + "/ports/{id}", ctx -> show(ctx, "port", v -> catalog.port(v, ctx.pathParam("id"))
        .map(p -> render.port(p, fields(ctx))).orElseThrow(() -> notFound("Port", ctx))));
    r.get(V2 + "/security-groups", ctx -> list(ctx, "security_groups", NetworkCatalog.SECURITY_GROUP_COLUMNS,
        (v, q) -> catalog.securityGroups(v, q).stream().map(g -> render.securityGroup(g, fields(ctx))).toList()));
    r.get(V2 + "/security-groups/{id}", ctx -> show(ctx, "security_group", v -> catalog.securityGroup(v, ctx.pathParam("id"))
        .map(g -> render.securityGroup(g, fields(ctx))).orElseThrow(() -> new ApiException(404, "SecurityGroupNotFound",
            "Security group " + ctx.pathParam("id") + " does not exist"))));
    r.get(V2 + "/security-group-rules", ctx -> list(ctx, "security_group_rules", NetworkCatalog.RULE_COLUMNS,
        (v, q) -> catalog.rules(v, q).stream().map(x -> render.rule(x, fields(ctx))).toList()));
    r.get(V2 + "/security-group-rules/{id}", ctx -> show(ctx, "security_group_rule", v -> catalog.rule(v, ctx.pathParam("id"))
        .map(x -> render.rule(x, fields(ctx))).orElseThrow(() -> new ApiException(404, "SecurityGroupRuleNotFound",
            "Security group rule " + ctx.pathParam("id") + " does not exist"))));
    r.get(V2 + "/routers", ctx -> list(ctx, "routers", NetworkCatalog.ROUTER_COLUMNS,
        (v, q) -> catalog.routers(v, q).stream().map(x -> render.router(x, fields(ctx))).toList()));
    r.get(V2 + "/routers/{id}", ctx -> show(ctx, "router", v -> catalog.router(v, ctx.pathParam("id"))
        .map(x -> render.router(x, fields(ctx))).orElseThrow(() -> new ApiException(404, "RouterNotFound",
            "Router " + ctx.pathParam("id") + " could not be found"))));
    r.get(V2 + "/floatingips", ctx -> list(ctx, "floatingips", NetworkCatalog.FLOATING_IP_COLUMNS,
        (v, q) -> catalog.floatingIps(v, q).stream().map(x -> render.floatingIp(x, fields(ctx))).toList()));
    r.get(V2 + "/floatingips/{id}", ctx -> show(ctx, "floatingip", v -> catalog.floatingIp(v, ctx.pathParam("id"))
        .map(x -> render.floatingIp(x, fields(ctx))).orElseThrow(() -> new ApiException(404, "FloatingIPNotFound",
            "Floating IP " + ctx.pathParam("id") + " could not be found"))));
    r.get(V2 + "/quotas", this::quotas);
    r.get(V2 + "/quotas/{project}", ctx -> quota(ctx, false));
    r.get(V2 + "/quotas/{project}/default", this::defaultQuota);
    r.get(V2 + "/quotas/{project}/details", ctx -> quota(ctx, true));
    r.get(V2 + "/quotas/{project}/details.json", ctx -> quota(ctx, true));
  }

  /** A project's quotas: its own project for anyone, any project for an admin. */
  private void quota(Context ctx, boolean details) {
    TokenClaims caller = auth.caller(ctx);
    String project = ctx.pathParam("project");
    if (!caller.isAdmin() && !project.equals(caller.projectId())) {
      throw new ApiException(403, "PolicyNotAuthorized", "(rule:get_quota) is disallowed by policy.");
    }
    var limits = dev.skyledger.platform.network.NetworkQuotas.effective(catalog.quotaOverrides(project));
    ObjectNode root = render.mapper().createObjectNode();
    ObjectNode q = root.putObject("quota");
    if (details) {
      var usage = catalog.usage(project);
      limits.forEach((k, v) -> q.putObject(k).put("limit", v).put("used", usage.getOrDefault(k, 0)).put("reserved", 0));
    } else {
      limits.forEach(q::put);
    }
    ctx.contentType("application/json").result(root.toString());
  }

  /** Neutron's list of quotas: every project whose limits differ from the defaults, for admins only. */
  private void quotas(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    if (!caller.isAdmin()) {
      throw new ApiException(403, "AdminRequired", "User does not have admin privileges: Only admin can view or configure quota.");
    }
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode list = root.putArray("quotas");
    catalog.nonDefaultQuotas().forEach((project, limits) -> {
      ObjectNode q = list.addObject();
      limits.forEach(q::put);
      q.put("project_id", project).put("tenant_id", project);
    });
    ctx.contentType("application/json").result(root.toString());
  }

  private void defaultQuota(Context ctx) {
    auth.caller(ctx);
    ObjectNode root = render.mapper().createObjectNode();
    ObjectNode q = root.putObject("quota");
    dev.skyledger.platform.network.NetworkQuotas.DEFAULTS.forEach(q::put);
    ctx.contentType("application/json").result(root.toString());
  }

  private void versions(Context ctx) {
    ObjectNode root = render.mapper().createObjectNode();
    ObjectNode v = root.putArray("versions").addObject();
    v.put("id", "v2.0").put("status", "CURRENT");
    v.putArray("links").addObject().put("rel", "self").put("href", services.url(V2) + "/");
    ctx.contentType("application/json").result(root.toString());
  }

  private void resources(Context ctx) {
    auth.caller(ctx);
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode list = root.putArray("resources");
    for (String[] r : new String[][] {{"network", "networks"}, {"subnet", "subnets"}, {"port", "ports"},
        {"security_group", "security-groups"}, {"security_group_rule", "security-group-rules"}, {"router", "routers"},
        {"floatingip", "floatingips"}, {"quota", "quotas"}, {"agent", "agents"}}) {
      ObjectNode item = list.addObject().put("name", r[0]).put("collection", r[1]);
      item.putArray("links").addObject().put("rel", "self").put("href", services.url(V2) + "/" + r[1]);
    }
    ctx.contentType("application/json").result(root.toString());
  }

  private ObjectNode extensionJson(String[] e) {
    ObjectNode o = render.mapper().createObjectNode();
    o.put("alias", e[0]).put("name", e[1]).put("description", e[2]).put("updated", "2024-01-01T00:00:00-00:00");
    o.putArray("links");
    return o;
  }

  private void extensions(Context ctx) {
    auth.caller(ctx);
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode list = root.putArray("extensions");
    for (String[] e : EXTENSIONS) list.add(extensionJson(e));
    ctx.contentType("application/json").result(root.toString());
  }

  private void extension(Context ctx) {
    auth.caller(ctx);
    for (String[] e : EXTENSIONS) {
      if (e[0].equals(ctx.pathParam("alias"))) {
        ObjectNode root = render.mapper().createObjectNode();
        root.set("extension", extensionJson(e));
        ctx.contentType("application/json").result(root.toString());
        return;
      }
    }
    throw new ApiException(404, "HTTPNotFound", "Extension with alias " + ctx.pathParam("alias") + " does not exist");
  }

  private static NetworkCatalog.Viewer viewer(TokenClaims caller) {
    return new NetworkCatalog.Viewer(caller.projectId(), caller.isAdmin());
  }

  private static ApiException notFound(String kind, Context ctx) {
    return new ApiException(404, kind + "NotFound", kind + " " + ctx.pathParam("id") + " could not be found.");
  }

  private static List<String> fields(Context ctx) {
    List<String> fields = ctx.queryParams("fields");
    List<String> out = new ArrayList<>();
    for (String f : fields) {
      for (String part : f.split(",")) {
        // openstacksdk asks for its own name of the ports' security groups
        if (part.trim().equals("security_group_ids")) out.add("security_groups");
        else if (!part.isBlank()) out.add(part.trim());
      }
    }
    return out;
  }

  private static List<NetworkCatalog.FixedIp> fixedIpFilters(Context ctx) {
    List<NetworkCatalog.FixedIp> out = new ArrayList<>();
    for (String f : ctx.queryParams("fixed_ips")) {
      String subnet = null;
      String ip = null;
      for (String part : f.split("&")) {
        if (part.startsWith("subnet_id=")) subnet = part.substring("subnet_id=".length());
        else if (part.startsWith("ip_address=")) ip = part.substring("ip_address=".length());
        else throw new ApiException(400, "HTTPBadRequest", "Invalid fixed_ips filter '" + f + "': use ip_address= or subnet_id=.");
      }
      out.add(new NetworkCatalog.FixedIp(subnet, ip));
    }
    return out;
  }

  private void show(Context ctx, String resource, Function<NetworkCatalog.Viewer, ObjectNode> find) {
    TokenClaims caller = auth.caller(ctx);
    ObjectNode root = render.mapper().createObjectNode();
    root.set(resource, find.apply(viewer(caller)));
    ctx.contentType("application/json").result(root.toString());
  }

  private void list(Context ctx, String collection, Map<String, String> columns,
                    BiFunction<NetworkCatalog.Viewer, NetworkCatalog.Query, List<ObjectNode>> query) {
    TokenClaims caller = auth.caller(ctx);
    Integer limit = null;
    if (ctx.queryParam("limit") != null) {
      try {
        limit = Integer.parseInt(ctx.queryParam("limit"));
      } catch (NumberFormatException e) {
        throw new ApiException(400, "HTTPBadRequest", "Bad limit request: Limit must be an integer 0 or greater and not '"
            + ctx.queryParam("limit") + "'.");
      }
      if (limit < 0) throw new ApiException(400, "HTTPBadRequest", "Bad limit request: Limit must be an integer 0 or greater and not '" + limit + "'.");
      if (limit == 0 || limit > MAX_LIMIT) limit = MAX_LIMIT;
    }
    String sortKey = ctx.queryParam("sort_key");
    if (sortKey != null && !columns.containsKey(sortKey)) {
      throw new ApiException(400, "HTTPBadRequest", sortKey + " is an invalid attribute for sort_key.");
    }
    String sortDir = ctx.queryParam("sort_dir");
    if (sortDir != null && !sortDir.equals("asc") && !sortDir.equals("desc")) {
      throw new ApiException(400, "HTTPBadRequest", "Invalid sort_dir '" + sortDir + "': use asc or desc.");
    }
    String marker = ctx.queryParam("marker");
    // a page starts after a row the caller can see: another tenant's row is not a marker (its place in
    // the order would tell of it)
    if (marker != null && query.apply(viewer(caller), new NetworkCatalog.Query(Map.of("id", List.of(marker)), null,
        true, null, null)).isEmpty()) {
      throw new ApiException(404, "HTTPNotFound", "Marker " + marker + " could not be found.");
    }
    NetworkCatalog.Query q = new NetworkCatalog.Query(NetworkCatalog.filters(ctx.queryParamMap(), columns), sortKey,
        !"desc".equals(sortDir), marker, limit == null ? null : limit + 1);
    List<ObjectNode> items = new ArrayList<>(query.apply(viewer(caller), q));
    String next = null;
    if (limit != null && items.size() > limit) {
      items = items.subList(0, limit);
      String lastId = items.get(items.size() - 1).path("id").asText(null);
      if (lastId != null) next = nextHref(ctx, lastId);
    }
    ctx.contentType("application/json").result(render.collection(collection, items, next).toString());
  }

  private String nextHref(Context ctx, String marker) {
    Map<String, List<String>> params = new LinkedHashMap<>(ctx.queryParamMap());
    params.put("marker", List.of(marker));
    StringBuilder href = new StringBuilder(services.url(ctx.path().substring(ROOT.length()).isEmpty() ? ROOT : ctx.path()));
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
