package dev.skyledger.commandapi.network;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.Topics;
import dev.skyledger.events.network.EnsureDefaultSecurityGroup;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.command.CommandSender;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.network.DefaultSecurityGroup;
import dev.skyledger.platform.network.NetworkQuotas;
import dev.skyledger.views.network.NetworkCatalog;
import dev.skyledger.views.network.NetworkJson;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** What every network write route shares: the caller, sending a command on a stream, quotas, answering. */
final class NeutronWrites {
  static final String PROJECTION = "network";
  final Authenticator auth;
  final CommandSender sender;
  final NetworkCatalog catalog;
  final NetworkJson render;

  NeutronWrites(Authenticator auth, CommandSender sender, NetworkCatalog catalog, NetworkJson render) {
    this.auth = auth;
    this.sender = sender;
    this.catalog = catalog;
    this.render = render;
  }

  TokenClaims caller(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    if (caller.projectId() == null) throw ApiException.forbidden("A project-scoped token is needed to change networks.");
    return caller;
  }

  static NetworkCatalog.Viewer viewer(TokenClaims caller) {
    return new NetworkCatalog.Viewer(caller.projectId(), caller.isAdmin());
  }

  static final NetworkCatalog.Viewer EVERYONE = new NetworkCatalog.Viewer(null, true);

  /** The project a new resource belongs to: the caller's, or (for an admin) the one the body names. */
  static String owner(NeutronBody body, TokenClaims caller) {
    String asked = body.string("project_id", body.string("tenant_id", null, 255), 255);
    if (asked == null || asked.equals(caller.projectId())) return caller.projectId();
    if (!caller.isAdmin()) throw new ApiException(403, "PolicyNotAuthorized", "(rule:create:project_id) is disallowed by policy.");
    return asked;
  }

  /**
   * The security groups a port of {@code projectId} names, each checked to be that project's own
   * (Neutron's rule): another tenant's group, even one whose id is known or derived, does not exist
   * for it, so a port can never be put behind (or through) another tenant's firewall.
   */
  List<String> ownSecurityGroups(String projectId, List<String> ids) {
    if (ids == null) return null;
    List<String> checked = new java.util.ArrayList<>();
    for (String raw : ids) {
      String id = NeutronBody.uuid("security_groups", raw);
      boolean own = catalog.securityGroup(EVERYONE, id).filter(g -> g.projectId().equals(projectId)).isPresent();
      if (!own) throw new ApiException(404, "SecurityGroupNotFound", "Security group " + id + " does not exist");
      checked.add(id);
    }
    return checked;
  }

  NetworkCatalog.Network network(TokenClaims caller, String id) {
    return catalog.network(viewer(caller), id)
        .orElseThrow(() -> new ApiException(404, "NetworkNotFound", "Network " + id + " could not be found."));
  }

  NetworkCatalog.Subnet subnet(TokenClaims caller, String id) {
    return catalog.subnet(viewer(caller), id)
        .orElseThrow(() -> new ApiException(404, "SubnetNotFound", "Subnet " + id + " could not be found."));
  }

  NetworkCatalog.Port port(TokenClaims caller, String id) {
    return catalog.port(viewer(caller), id)
        .orElseThrow(() -> new ApiException(404, "PortNotFound", "Port " + id + " could not be found."));
  }

  /** Sends a command on a stream (a network id, or {@code project/<id>}) and waits for the view. */
  void send(Context ctx, TokenClaims caller, String streamKey, SpecificRecord command, String aggregateId, String projectId) {
    sender.send(ctx, caller, Topics.NETWORK_COMMANDS, streamKey, PROJECTION, command, aggregateId, projectId);
  }

  void answer(Context ctx, int status, String resource, ObjectNode item) {
    ObjectNode root = render.mapper().createObjectNode();
    root.set(resource, item);
    ctx.status(status).contentType("application/json").result(root.toString());
  }

  /**
   * Refuses a new resource over the project's quota. Counted from the views, so concurrent creations
   * may pass together; what is decided per project (groups, rules, routers) is exact in the decider.
   */
  void checkQuota(String projectId, String resource, int adding) {
    Map<String, Integer> limits = NetworkQuotas.effective(catalog.quotaOverrides(projectId));
    int limit = limits.get(resource);
    if (limit < 0) return;
    int used = catalog.usage(projectId, resource);
    if (NetworkQuotas.exceeded(limit, used, adding)) {
      throw new ApiException(409, "OverQuota", NetworkQuotas.message(resource, limit));
    }
  }

  /** The project's default security group, created now if the project has none yet. */
  String defaultSecurityGroup(Context ctx, TokenClaims caller, String projectId) {
    String id = DefaultSecurityGroup.idOf(projectId);
    if (catalog.securityGroup(EVERYONE, id).isEmpty()) {
      send(ctx, caller, DefaultSecurityGroup.streamKey(projectId),
          new EnsureDefaultSecurityGroup(projectId, id, DefaultSecurityGroup.ruleIdsOf(projectId)), id, projectId);
    }
    return id;
  }
}
