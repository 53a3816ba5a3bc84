package dev.skyledger.queryapi.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.network.HostNetworkConfig;
import dev.skyledger.views.network.NetworkCatalog;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

/**
 * The network configuration each host applies, for host agents (admin tokens): all of it as JSON at
 * {@code /ops/v1/hosts/{host}/network}, or each file as text ({@code iptables}, {@code ip6tables},
 * {@code dhcp-hosts/{network}}, {@code dhcp-opts/{network}}).
 */
public final class HostNetworkRoutes {
  private static final String ROOT = "/ops/v1/hosts/{host}/network";
  private final Authenticator auth;
  private final NetworkCatalog catalog;
  private final ObjectMapper json;

  public HostNetworkRoutes(Authenticator auth, NetworkCatalog catalog, ObjectMapper json) {
    this.auth = auth;
    this.catalog = catalog;
    this.json = json;
  }

  public void routes(JavalinConfig config) {
    var r = config.routes;
    r.get(ROOT, this::all);
    r.get(ROOT + "/iptables", ctx -> text(ctx, render(ctx).iptables()));
    r.get(ROOT + "/ip6tables", ctx -> text(ctx, render(ctx).ip6tables()));
    r.get(ROOT + "/dhcp-hosts/{network}", ctx -> text(ctx, perNetwork(ctx, render(ctx).dhcpHosts().get(ctx.pathParam("network")))));
    r.get(ROOT + "/dhcp-opts/{network}", ctx -> text(ctx, perNetwork(ctx, render(ctx).dhcpOpts().get(ctx.pathParam("network")))));
  }

  private HostNetworkConfig.Rendered render(Context ctx) {
    auth.admin(ctx);
    return HostNetworkConfig.render(catalog.hostInputs(ctx.pathParam("host")));
  }

  private static String perNetwork(Context ctx, String text) {
    if (text == null) {
      throw ApiException.notFound("Network " + ctx.pathParam("network") + " has no port on host " + ctx.pathParam("host") + ".");
    }
    return text;
  }

  private static void text(Context ctx, String body) {
    ctx.contentType("text/plain; charset=utf-8").result(body);
  }

  private void all(Context ctx) {
    HostNetworkConfig.Rendered rendered = render(ctx);
    ObjectNode root = json.createObjectNode();
    root.put("host", ctx.pathParam("host"));
    root.put("iptables", rendered.iptables());
    root.put("ip6tables", rendered.ip6tables());
    ObjectNode hosts = root.putObject("dhcp_hosts");
    rendered.dhcpHosts().forEach(hosts::put);
    ObjectNode opts = root.putObject("dhcp_opts");
    rendered.dhcpOpts().forEach(opts::put);
    ctx.contentType("application/json").result(root.toString());
  }
}
