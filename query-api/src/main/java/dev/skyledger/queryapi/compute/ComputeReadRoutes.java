package dev.skyledger.queryapi.compute;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.ComputeQuotas;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.identity.ServiceCatalog;
import dev.skyledger.platform.network.NetworkQuotas;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.compute.ComputeJson;
import dev.skyledger.views.compute.ComputeUsage;
import dev.skyledger.views.network.NetworkCatalog;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compute (Nova v2.1) read routes so far: version discovery, flavors, key pairs, quota sets and
 * limits (with what the project uses), servers, their instance actions, tenant usage.
 */
public final class ComputeReadRoutes {
  private static final String ROOT = "/compute";
  private static final String V21 = ROOT + "/v2.1";
  private static final int MAX_LIMIT = 1000;

  private final Authenticator auth;
  private final ComputeCatalog catalog;
  private final NetworkCatalog networks;
  private final ComputeJson render;
  private final ServiceCatalog services;
  private final HostReadRoutes hosts;
  private final ServerReadRoutes servers;
  private final ComputeUsage usage;
  private final InstanceActionRoutes actions;
  private final TenantUsageRoutes tenantUsage;
  private final Admin admin;

  /** The administrators' read routes: host aggregates, the instance usage audit log, migrations. */
  public record Admin(AggregateReadRoutes aggregates, UsageAuditLogRoutes auditLog, MigrationRoutes migrations) {}

  /** {@code networks}: the network service's quotas and usage, which /limits shows as Nova does with Neutron. */
  public ComputeReadRoutes(Authenticator auth, ComputeCatalog catalog, NetworkCatalog networks, ComputeJson render,
                           ServiceCatalog services, HostReadRoutes hosts, ServerReadRoutes servers, ComputeUsage usage,
                           InstanceActionRoutes actions, TenantUsageRoutes tenantUsage, Admin admin) {
    this.auth = auth;
    this.catalog = catalog;
    this.networks = networks;
    this.render = render;
    this.services = services;
    this.hosts = hosts;
    this.servers = servers;
    this.usage = usage;
    this.actions = actions;
    this.tenantUsage = tenantUsage;
    this.admin = admin;
  }

  public void routes(JavalinConfig config) {
    hosts.routes(config);
    servers.routes(config);
    actions.routes(config);
    tenantUsage.routes(config);
    admin.aggregates().routes(config);
    admin.auditLog().routes(config);
    admin.migrations().routes(config);
    var r = config.routes;
    r.get(ROOT, this::versions);
    r.get(V21, this::version);
    r.get(ROOT + "/v2", ctx -> {
      ObjectNode root = render.mapper().createObjectNode();
      root.set("version", legacyVersionJson());
      ctx.contentType("application/json").result(root.toString());
    });
    r.get(V21 + "/flavors", ctx -> flavors(ctx, false));
    r.get(V21 + "/flavors/detail", ctx -> flavors(ctx, true));
    r.get(V21 + "/flavors/{id}", this::flavor);
    r.get(V21 + "/flavors/{id}/os-extra_specs", this::extraSpecs);
    r.get(V21 + "/flavors/{id}/os-extra_specs/{key}", this::extraSpec);
    r.get(V21 + "/flavors/{id}/os-flavor-access", this::flavorAccess);
    r.get(V21 + "/os-keypairs", this::keypairs);
    r.get(V21 + "/os-keypairs/{name}", this::keypair);
    r.get(V21 + "/os-quota-sets/{project}", ctx -> quota(ctx, false));
    r.get(V21 + "/os-quota-sets/{project}/detail", ctx -> quota(ctx, true));
    r.get(V21 + "/os-quota-sets/{project}/defaults", this::defaultQuota);
    r.get(V21 + "/limits", this::limits);
    r.get(V21 + "/extensions", this::extensions);
    r.get(V21 + "/extensions/{alias}", this::extension);
  }

  /**
   * The 2.1 extensions this API serves, by name and alias, as {@code GET /extensions} lists them
   * for clients from before microversions (each is always on: 2.1 has no optional parts).
   */
  private static final List<Map.Entry<String, String>> EXTENSIONS = List.of(
      Map.entry("AccessIPs", "os-access-ips"), Map.entry("AdminActions", "os-admin-actions"),
      Map.entry("Aggregates", "os-aggregates"),
      Map.entry("AvailabilityZone", "os-availability-zone"),
      Map.entry("ConsoleOutput", "os-console-output"), Map.entry("DiskConfig", "os-disk-config"),
      Map.entry("ExtendedAvailabilityZone", "OS-EXT-AZ"), Map.entry("ExtendedIps", "OS-EXT-IPS"),
      Map.entry("ExtendedIpsMac", "OS-EXT-IPS-MAC"), Map.entry("ExtendedServerAttributes", "OS-EXT-SRV-ATTR"),
      Map.entry("ExtendedStatus", "OS-EXT-STS"), Map.entry("FlavorAccess", "os-flavor-access"),
      Map.entry("FlavorExtraData", "OS-FLV-EXT-DATA"), Map.entry("FlavorExtraSpecs", "os-flavor-extra-specs"),
      Map.entry("FlavorManage", "os-flavor-manage"), Map.entry("FloatingIpPools", "os-floating-ip-pools"),
      Map.entry("FloatingIps", "os-floating-ips"), Map.entry("Hosts", "os-hosts"), Map.entry("Hypervisors", "os-hypervisors"),
      Map.entry("ImageSize", "OS-EXT-IMG-SIZE"), Map.entry("InstanceActions", "os-instance-actions"),
      Map.entry("InstanceUsageAuditLog", "os-instance-usage-audit-log"),
      Map.entry("Keypairs", "os-keypairs"), Map.entry("LockServer", "os-lock-server"),
      Map.entry("Migrations", "os-migrations"), Map.entry("Networks", "os-networks"), Map.entry("Quotas", "os-quota-sets"),
      Map.entry("RemoteConsoles", "os-remote-consoles"), Map.entry("SecurityGroups", "os-security-groups"),
      Map.entry("ServerExternalEvents", "os-server-external-events"), Map.entry("ServerGroups", "os-server-groups"), Map.entry("ServerUsage", "OS-SRV-USG"),
      Map.entry("Services", "os-services"), Map.entry("SimpleTenantUsage", "os-simple-tenant-usage"),
      Map.entry("TenantNetworks", "os-tenant-networks"));

  private ObjectNode extensionJson(Map.Entry<String, String> e) {
    ObjectNode o = render.mapper().createObjectNode();
    o.put("name", e.getKey()).put("alias", e.getValue()).put("description", e.getKey() + " support.")
        .put("namespace", "http://docs.openstack.org/compute/ext/fake_xml").put("updated", "2014-12-03T00:00:00Z");
    o.putArray("links");
    return o;
  }

  private void extensions(Context ctx) {
    caller(ctx);
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode list = root.putArray("extensions");
    EXTENSIONS.forEach(e -> list.add(extensionJson(e)));
    ctx.contentType("application/json").result(root.toString());
  }

  private void extension(Context ctx) {
    caller(ctx);
    String alias = ctx.pathParam("alias");
    Map.Entry<String, String> found = EXTENSIONS.stream().filter(e -> e.getValue().equals(alias)).findFirst()
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Extension " + alias + " not found."));
    ObjectNode root = render.mapper().createObjectNode();
    root.set("extension", extensionJson(found));
    ctx.contentType("application/json").result(root.toString());
  }

  private ObjectNode versionJson() {
    ObjectNode v = render.mapper().createObjectNode();
    v.put("id", "v2.1").put("status", "CURRENT").put("version", Microversions.MAX.toString()).put("min_version", Microversions.MIN.toString())
        .put("updated", "2013-07-23T11:33:21Z");
    v.putArray("links").addObject().put("rel", "self").put("href", services.url(V21) + "/");
    v.putArray("media-types").addObject().put("base", "application/json")
        .put("type", "application/vnd.openstack.compute+json;version=2.1");
    return v;
  }

  /**
   * The legacy v2.0 API as Nova lists it first: the v2.1 API without microversions (a client that
   * asks for 2.0 gets 2.1's behaviour, which is what 2.1 promises). Its document is at {@code /v2}.
   */
  private ObjectNode legacyVersionJson() {
    ObjectNode v = render.mapper().createObjectNode();
    v.put("id", "v2.0").put("status", "SUPPORTED").put("version", "").put("min_version", "")
        .put("updated", "2011-01-21T11:33:21Z");
    v.putArray("links").addObject().put("rel", "self").put("href", services.url(ROOT + "/v2") + "/");
    v.putArray("media-types").addObject().put("base", "application/json")
        .put("type", "application/vnd.openstack.compute+json;version=2");
    return v;
  }

  private void versions(Context ctx) {
    ObjectNode root = render.mapper().createObjectNode();
    root.putArray("versions").add(legacyVersionJson()).add(versionJson());
    ctx.contentType("application/json").result(root.toString());
  }

  private void version(Context ctx) {
    ObjectNode root = render.mapper().createObjectNode();
    root.set("version", versionJson());
    ctx.contentType("application/json").result(root.toString());
  }

  private TokenClaims caller(Context ctx) {
    Microversions.negotiate(ctx);
    return auth.caller(ctx);
  }

  private static ComputeCatalog.Viewer viewer(TokenClaims caller) {
    return new ComputeCatalog.Viewer(caller.projectId(), caller.isAdmin());
  }

  private static Integer intParam(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null) return null;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ApiException(400, "badRequest", "Invalid input for query parameters " + name + ". Value: " + v + ".");
    }
  }

  private void flavors(Context ctx, boolean detail) {
    TokenClaims caller = caller(ctx);
    String isPublicParam = ctx.queryParam("is_public");
    Boolean isPublic = true;
    if (isPublicParam != null) {
      isPublic = switch (isPublicParam.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "none" -> null;
        case "true", "1", "t", "on", "y", "yes" -> Boolean.TRUE;
        case "false", "0", "f", "off", "n", "no" -> Boolean.FALSE;
        default -> throw new ApiException(400, "badRequest", "Invalid is_public filter [" + isPublicParam + "]");
      };
    }
    Integer limit = intParam(ctx, "limit");
    if (limit != null && (limit < 0)) throw new ApiException(400, "badRequest", "limit must be >= 0");
    if (limit != null && limit > MAX_LIMIT) limit = MAX_LIMIT;
    String sortKey = ctx.queryParam("sort_key");
    if (sortKey != null && !ComputeCatalog.FLAVOR_SORT_KEYS.containsKey(sortKey)) {
      throw new ApiException(400, "badRequest", "Invalid input for query parameters sort_key. Value: " + sortKey + ".");
    }
    String marker = ctx.queryParam("marker");
    if (marker != null && !catalog.flavorExists(marker)) throw new ApiException(400, "badRequest", "marker [" + marker + "] not found");
    List<ComputeCatalog.Flavor> flavors = catalog.flavors(viewer(caller), new ComputeCatalog.FlavorQuery(isPublic,
        intParam(ctx, "minRam"), intParam(ctx, "minDisk"), sortKey, !"desc".equals(ctx.queryParam("sort_dir")), marker, limit));
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode list = root.putArray("flavors");
    for (ComputeCatalog.Flavor f : flavors) list.add(detail ? render.flavor(f) : render.flavorBrief(f));
    if (limit != null && flavors.size() == limit && !flavors.isEmpty()) {
      String path = detail ? "/flavors/detail" : "/flavors";
      root.putArray("flavors_links").addObject().put("rel", "next")
          .put("href", services.url(V21) + path + "?limit=" + limit + "&marker=" + flavors.get(flavors.size() - 1).id());
    }
    ctx.contentType("application/json").result(root.toString());
  }

  private ComputeCatalog.Flavor visibleFlavor(Context ctx, TokenClaims caller) {
    return catalog.flavor(viewer(caller), ctx.pathParam("id"))
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Flavor " + ctx.pathParam("id") + " could not be found."));
  }

  private void flavor(Context ctx) {
    TokenClaims caller = caller(ctx);
    ObjectNode root = render.mapper().createObjectNode();
    root.set("flavor", render.flavor(visibleFlavor(ctx, caller)));
    ctx.contentType("application/json").result(root.toString());
  }

  private void extraSpecs(Context ctx) {
    TokenClaims caller = caller(ctx);
    ctx.contentType("application/json").result(render.extraSpecs(visibleFlavor(ctx, caller).extraSpecs()).toString());
  }

  private void extraSpec(Context ctx) {
    TokenClaims caller = caller(ctx);
    String key = ctx.pathParam("key");
    String value = visibleFlavor(ctx, caller).extraSpecs().get(key);
    if (value == null) {
      throw new ApiException(404, "itemNotFound", "Flavor " + ctx.pathParam("id") + " has no extra specs with key " + key + ".");
    }
    ctx.contentType("application/json").result(render.mapper().createObjectNode().put(key, value).toString());
  }

  private void flavorAccess(Context ctx) {
    TokenClaims caller = caller(ctx);
    ComputeCatalog.Flavor f = visibleFlavor(ctx, caller);
    if (!caller.isAdmin()) throw new ApiException(403, "forbidden", "Policy doesn't allow os_compute_api:os-flavor-access to be performed.");
    if (f.isPublic()) throw new ApiException(404, "itemNotFound", "Access list not available for public flavors.");
    ctx.contentType("application/json").result(render.flavorAccess(f.id(), catalog.flavorAccess(f.id())).toString());
  }

  /** Whose key pairs: the caller's, or from 2.10 (admins) the {@code user_id} asked for. */
  private String keypairUser(Context ctx, TokenClaims caller) {
    String asked = Microversions.negotiate(ctx).atLeast(10) ? ctx.queryParam("user_id") : null;
    if (asked == null || asked.equals(caller.userId())) return caller.userId();
    if (!caller.isAdmin()) throw new ApiException(403, "forbidden", "Policy doesn't allow os_compute_api:os-keypairs:index to be performed.");
    return asked;
  }

  private void keypairs(Context ctx) {
    TokenClaims caller = caller(ctx);
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode list = root.putArray("keypairs");
    for (ComputeCatalog.Keypair k : catalog.keypairs(keypairUser(ctx, caller))) {
      list.addObject().set("keypair", render.keypair(k, false, Microversions.negotiate(ctx)));
    }
    ctx.contentType("application/json").result(root.toString());
  }

  private void keypair(Context ctx) {
    TokenClaims caller = caller(ctx);
    String user = keypairUser(ctx, caller);
    ComputeCatalog.Keypair k = catalog.keypair(user, ctx.pathParam("name"))
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Keypair " + ctx.pathParam("name") + " not found for user " + user));
    ObjectNode root = render.mapper().createObjectNode();
    root.set("keypair", render.keypair(k, true, Microversions.negotiate(ctx)));
    ctx.contentType("application/json").result(root.toString());
  }

  private String quotaProject(Context ctx, TokenClaims caller) {
    String project = ctx.pathParam("project");
    if (!caller.isAdmin() && !project.equals(caller.projectId())) {
      throw new ApiException(403, "forbidden", "Policy doesn't allow os_compute_api:os-quota-sets:show to be performed.");
    }
    return project;
  }

  private void quota(Context ctx, boolean detail) {
    TokenClaims caller = caller(ctx);
    String project = quotaProject(ctx, caller);
    Map<String, Integer> limits = ComputeQuotas.effective(catalog.quotaOverrides(project));
    if (detail) {
      Map<String, Integer> inUse = new HashMap<>(inUse(project));
      inUse.put("key_pairs", catalog.keypairs(caller.userId()).size());
      ctx.contentType("application/json").result(render.quotaDetail(project, limits, inUse).toString());
    } else {
      ctx.contentType("application/json").result(render.quotaSet(project, limits).toString());
    }
  }

  /** What the project holds of its instances, cores and RAM quota (what its decider counts). */
  private Map<String, Integer> inUse(String project) {
    return usage.quotaInUse(project);
  }

  /**
   * {@code GET /limits}: the caller's project's absolute limits and what it uses of them (the
   * servers holding quota: a server whose boot failed holds none), no rate limits.
   */
  private void limits(Context ctx) {
    TokenClaims caller = caller(ctx);
    String project = ctx.queryParam("tenant_id") != null && caller.isAdmin() ? ctx.queryParam("tenant_id") : caller.projectId();
    if (project == null) throw new ApiException(403, "forbidden", "A project-scoped token is needed for limits.");
    Map<String, Integer> q = ComputeQuotas.effective(catalog.quotaOverrides(project));
    Map<String, Integer> used = inUse(project);
    ObjectNode root = render.mapper().createObjectNode();
    ObjectNode limits = root.putObject("limits");
    limits.putArray("rate");
    ObjectNode a = limits.putObject("absolute");
    a.put("maxTotalInstances", q.get("instances")).put("maxTotalCores", q.get("cores")).put("maxTotalRAMSize", q.get("ram"))
        .put("maxTotalKeypairs", q.get("key_pairs")).put("maxServerMeta", q.get("metadata_items"))
        .put("maxPersonality", q.get("injected_files")).put("maxPersonalitySize", q.get("injected_file_content_bytes"))
        .put("maxServerGroups", q.get("server_groups")).put("maxServerGroupMembers", q.get("server_group_members"))
        .put("maxImageMeta", q.get("metadata_items"))
        .put("totalInstancesUsed", used.get("instances")).put("totalCoresUsed", used.get("cores"))
        .put("totalRAMUsed", used.get("ram")).put("totalServerGroupsUsed", used.get("server_groups"));
    // before 2.36, the network's limits too, as Nova reads them from the network service
    if (!Microversions.negotiate(ctx).atLeast(36)) {
      Map<String, Integer> nq = NetworkQuotas.effective(networks.quotaOverrides(project));
      Map<String, Integer> nu = networks.usage(project);
      a.put("maxSecurityGroups", nq.get("security_group")).put("maxSecurityGroupRules", nq.get("security_group_rule"))
          .put("maxTotalFloatingIps", nq.get("floatingip")).put("totalSecurityGroupsUsed", nu.get("security_group"))
          .put("totalFloatingIpsUsed", nu.get("floatingip"));
    }
    ctx.contentType("application/json").result(root.toString());
  }

  private void defaultQuota(Context ctx) {
    TokenClaims caller = caller(ctx);
    ctx.contentType("application/json").result(render.quotaSet(quotaProject(ctx, caller), ComputeQuotas.DEFAULTS).toString());
  }
}
