package dev.skyledger.commandapi.compute.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.Locale;

/**
 * Nova's 2.1 proxy APIs, which clients written for nova-network still call: security groups and
 * their rules, floating IPs and their pools, images, and networks. As in Nova they own no state
 * and decide nothing: each is a call, with the caller's token, to the public API of the service
 * that owns the resource (the network service, the image service), whose answer is shown in Nova's
 * shape. Being clients of other APIs rather than readers of views, they are all here, reads too.
 */
public final class NovaProxyRoutes {
  private static final String V21 = "/compute/v2.1";

  /** Who may name a server: its project, for a caller who may see it (404 otherwise). */
  public interface Servers {
    String projectOf(TokenClaims caller, String serverId);
  }

  /** The caller of a request (401 without a valid token). */
  public interface Callers {
    TokenClaims caller(Context ctx);
  }

  private final Callers callers;
  private final Servers servers;
  private final SecurityGroupProxy groups;
  private final FloatingIpProxy floatingIps;
  private final ImageProxy images;
  private final NetworkProxy networks;

  /** {@code computeUrl}, {@code networkUrl}, {@code imageUrl}: the public endpoints of compute (links), network and image. */
  public NovaProxyRoutes(Callers callers, Servers servers, ObjectMapper json, String computeUrl, String networkUrl,
                         String imageUrl) {
    this.callers = callers;
    this.servers = servers;
    ServiceClient neutron = new ServiceClient(json, networkUrl);
    this.groups = new SecurityGroupProxy(neutron, json);
    this.floatingIps = new FloatingIpProxy(neutron, json);
    this.images = new ImageProxy(new ServiceClient(json, imageUrl), json, computeUrl, imageUrl);
    this.networks = new NetworkProxy(neutron, json);
  }

  public void routes(JavalinConfig config) {
    var r = config.routes;
    r.get(V21 + "/os-security-groups", ctx -> groups.list(ctx, callers.caller(ctx)));
    r.post(V21 + "/os-security-groups", ctx -> withCaller(ctx, () -> groups.create(ctx)));
    r.get(V21 + "/os-security-groups/{id}", ctx -> withCaller(ctx, () -> groups.show(ctx)));
    r.put(V21 + "/os-security-groups/{id}", ctx -> withCaller(ctx, () -> groups.update(ctx)));
    r.delete(V21 + "/os-security-groups/{id}", ctx -> withCaller(ctx, () -> groups.delete(ctx)));
    r.post(V21 + "/os-security-group-rules", ctx -> withCaller(ctx, () -> groups.createRule(ctx)));
    r.delete(V21 + "/os-security-group-rules/{id}", ctx -> withCaller(ctx, () -> groups.deleteRule(ctx)));
    r.get(V21 + "/os-floating-ip-pools", ctx -> withCaller(ctx, () -> floatingIps.pools(ctx)));
    r.get(V21 + "/os-floating-ips", ctx -> floatingIps.list(ctx, callers.caller(ctx)));
    r.post(V21 + "/os-floating-ips", ctx -> withCaller(ctx, () -> floatingIps.create(ctx)));
    r.get(V21 + "/os-floating-ips/{id}", ctx -> withCaller(ctx, () -> floatingIps.show(ctx)));
    r.delete(V21 + "/os-floating-ips/{id}", ctx -> withCaller(ctx, () -> floatingIps.delete(ctx)));
    // a DELETE without an id is Nova's 404, not a method the collection lacks
    r.delete(V21 + "/images", ctx -> withCaller(ctx, () -> {
      throw new ApiException(404, "itemNotFound", "Image not found.");
    }));
    r.delete(V21 + "/os-security-groups", ctx -> withCaller(ctx, () -> {
      throw new ApiException(404, "itemNotFound", "Security group not found.");
    }));
    r.get(V21 + "/images", ctx -> withCaller(ctx, () -> images.list(ctx, false)));
    r.get(V21 + "/images/detail", ctx -> withCaller(ctx, () -> images.list(ctx, true)));
    r.get(V21 + "/images/{id}", ctx -> withCaller(ctx, () -> images.show(ctx)));
    r.delete(V21 + "/images/{id}", ctx -> withCaller(ctx, () -> images.delete(ctx)));
    r.get(V21 + "/images/{id}/metadata", ctx -> withCaller(ctx, () -> images.metadata(ctx)));
    r.post(V21 + "/images/{id}/metadata", ctx -> withCaller(ctx, () -> images.setMetadata(ctx, false)));
    r.put(V21 + "/images/{id}/metadata", ctx -> withCaller(ctx, () -> images.setMetadata(ctx, true)));
    r.get(V21 + "/images/{id}/metadata/{key}", ctx -> withCaller(ctx, () -> images.metadataItem(ctx)));
    r.put(V21 + "/images/{id}/metadata/{key}", ctx -> withCaller(ctx, () -> images.putMetadataItem(ctx)));
    r.delete(V21 + "/images/{id}/metadata/{key}", ctx -> withCaller(ctx, () -> images.deleteMetadataItem(ctx)));
    r.get(V21 + "/os-networks", ctx -> withCaller(ctx, () -> networks.list(ctx, false)));
    r.get(V21 + "/os-networks/{id}", ctx -> withCaller(ctx, () -> networks.show(ctx, false)));
    r.get(V21 + "/os-tenant-networks", ctx -> withCaller(ctx, () -> networks.list(ctx, true)));
    r.get(V21 + "/os-tenant-networks/{id}", ctx -> withCaller(ctx, () -> networks.show(ctx, true)));
    r.get(V21 + "/servers/{id}/os-security-groups", ctx -> {
      TokenClaims caller = callers.caller(ctx);
      servers.projectOf(caller, ctx.pathParam("id"));
      groups.ofServer(ctx, ctx.pathParam("id"));
    });
  }

  /**
   * A server action that is a proxy's ({@code addSecurityGroup}, {@code removeSecurityGroup},
   * {@code addFloatingIp}, {@code removeFloatingIp}): done, and true; false when it is not one of these.
   */
  public boolean serverAction(Context ctx, TokenClaims caller, String serverId, String project, String action, JsonNode args) {
    switch (action) {
      case "addSecurityGroup" -> groups.addOrRemove(ctx, caller, serverId, project, args, true);
      case "removeSecurityGroup" -> groups.addOrRemove(ctx, caller, serverId, project, args, false);
      case "addFloatingIp" -> floatingIps.add(ctx, serverId, args);
      case "removeFloatingIp" -> floatingIps.remove(ctx, serverId, args);
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Runs a proxy call once the request is known to carry a valid token (401 otherwise, before any call is made). */
  private void withCaller(Context ctx, Runnable call) {
    callers.caller(ctx);
    call.run();
  }

  // ---- shared by the proxies --------------------------------------------------------------------

  static boolean truthy(String value) {
    if (value == null) return false;
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "", "1", "t", "true", "on", "y", "yes" -> true;
      default -> false;
    };
  }

  /** The object a body wraps its resource in, read as every body is ({@link JsonBody#object}). */
  static ObjectNode resource(Context ctx, ObjectMapper json, String resource) {
    ObjectNode root = JsonBody.object(ctx, json);
    if (!root.path(resource).isObject()) {
      throw ApiException.badRequest("Invalid input for field/attribute " + resource + ". '" + resource
          + "' is a required property");
    }
    return (ObjectNode) root.get(resource);
  }

  static void answer(Context ctx, int status, JsonNode body) {
    ctx.status(status).contentType("application/json").result(body.toString());
  }
}
