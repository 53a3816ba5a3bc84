package dev.skyledger.commandapi.network;

import dev.skyledger.events.network.CreateSecurityGroup;
import dev.skyledger.events.network.CreateSecurityGroupRule;
import dev.skyledger.events.network.DeleteSecurityGroup;
import dev.skyledger.events.network.DeleteSecurityGroupRule;
import dev.skyledger.events.network.SecurityGroup;
import dev.skyledger.events.network.SecurityGroupRule;
import dev.skyledger.events.network.UpdateSecurityGroup;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.network.DefaultSecurityGroup;
import dev.skyledger.views.network.NetworkCatalog;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Security groups and rules (decided per project); a group in use by a port cannot be deleted. */
final class SecurityGroupWriteRoutes {
  private static final String V2 = "/network/v2.0";
  private static final Set<String> GROUP_FIELDS = Set.of("name", "description", "project_id", "tenant_id", "stateful", "tags");
  private static final Set<String> RULE_FIELDS = Set.of("security_group_id", "direction", "ethertype", "protocol",
      "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id", "remote_address_group_id", "description",
      "project_id", "tenant_id");

  private final NeutronWrites w;

  SecurityGroupWriteRoutes(NeutronWrites writes) {
    this.w = writes;
  }

  void routes(JavalinConfig config) {
    var r = config.routes;
    r.post(V2 + "/security-groups", this::create);
    r.put(V2 + "/security-groups/{id}", this::update);
    r.delete(V2 + "/security-groups/{id}", this::delete);
    r.post(V2 + "/security-group-rules", this::createRule);
    r.delete(V2 + "/security-group-rules/{id}", this::deleteRule);
  }

  private NetworkCatalog.SecurityGroup visible(TokenClaims caller, String id) {
    return w.catalog.securityGroup(NeutronWrites.viewer(caller), id)
        .orElseThrow(() -> new ApiException(404, "SecurityGroupNotFound", "Security group " + id + " does not exist"));
  }

  private void create(Context ctx) {
    TokenClaims caller = w.caller(ctx);
    NeutronBody body = NeutronBody.of(ctx, w.render.mapper(), "security_group", GROUP_FIELDS);
    String project = NeutronWrites.owner(body, caller);
    w.defaultSecurityGroup(ctx, caller, project);
    String id = UUID.randomUUID().toString();
    SecurityGroup group = new SecurityGroup(id, project, body.string("name", "", 255), body.string("description", "", 255),
        body.bool("stateful", true));
    List<SecurityGroupRule> egress = List.of(
        new SecurityGroupRule(UUID.randomUUID().toString(), id, project, "egress", "IPv4", null, null, null, null, null, ""),
        new SecurityGroupRule(UUID.randomUUID().toString(), id, project, "egress", "IPv6", null, null, null, null, null, ""));
    w.send(ctx, caller, DefaultSecurityGroup.streamKey(project), new CreateSecurityGroup(group, egress), id, project);
    w.answer(ctx, 201, "security_group", w.render.securityGroup(visible(caller, id), null));
  }

  private void update(Context ctx) {
    TokenClaims caller = w.caller(ctx);
    NetworkCatalog.SecurityGroup g = visible(caller, ctx.pathParam("id"));
    NeutronBody body = NeutronBody.of(ctx, w.render.mapper(), "security_group", GROUP_FIELDS);
    w.send(ctx, caller, DefaultSecurityGroup.streamKey(g.projectId()), new UpdateSecurityGroup(g.id(), g.projectId(),
        body.string("name", null, 255), body.string("description", null, 255)), g.id(), g.projectId());
    w.answer(ctx, 200, "security_group", w.render.securityGroup(visible(caller, g.id()), null));
  }

  private void delete(Context ctx) {
    TokenClaims caller = w.caller(ctx);
    NetworkCatalog.SecurityGroup g = visible(caller, ctx.pathParam("id"));
    if (w.catalog.portsUsingGroup(g.id()) > 0) {
      throw new ApiException(409, "SecurityGroupInUse", "Security Group " + g.id() + " in use.");
    }
    w.send(ctx, caller, DefaultSecurityGroup.streamKey(g.projectId()), new DeleteSecurityGroup(g.id(), g.projectId()),
        g.id(), g.projectId());
    ctx.status(204);
  }

  private void createRule(Context ctx) {
    TokenClaims caller = w.caller(ctx);
    NeutronBody body = NeutronBody.of(ctx, w.render.mapper(), "security_group_rule", RULE_FIELDS);
    String groupId = NeutronBody.uuid("security_group_id", body.requiredString("security_group_id"));
    NetworkCatalog.SecurityGroup g = visible(caller, groupId);
    if (body.has("remote_address_group_id") && !body.isNull("remote_address_group_id")) {
      throw ApiException.badRequest("Address groups are not supported: use remote_ip_prefix or remote_group_id.");
    }
    String protocol = body.has("protocol") && !body.isNull("protocol") ? protocol(body) : null;
    String remoteGroup = body.nullableString("remote_group_id", null);
    if (remoteGroup != null && !isUuid(remoteGroup)) {
      // as Neutron: a source group that cannot exist is one that does not
      throw new ApiException(404, "SecurityGroupNotFound", "Security group " + remoteGroup + " does not exist");
    }
    if (remoteGroup != null) remoteGroup = UUID.fromString(remoteGroup).toString();
    String id = UUID.randomUUID().toString();
    SecurityGroupRule rule = new SecurityGroupRule(id, g.id(), g.projectId(), body.requiredString("direction"),
        body.string("ethertype", "IPv4", 8), protocol, port(body, "port_range_min"), port(body, "port_range_max"),
        body.nullableString("remote_ip_prefix", null), remoteGroup, body.string("description", "", 255));
    w.send(ctx, caller, DefaultSecurityGroup.streamKey(g.projectId()), new CreateSecurityGroupRule(rule), id, g.projectId());
    w.answer(ctx, 201, "security_group_rule", w.render.rule(w.catalog.rule(NeutronWrites.viewer(caller), id)
        .orElseThrow(() -> new ApiException(404, "SecurityGroupRuleNotFound", "Security group rule " + id + " does not exist")), null));
  }

  /** Neutron takes the protocol as a name or a number, in a string or not. */
  private static String protocol(NeutronBody body) {
    var raw = body.raw("protocol");
    if (raw.isInt()) return Integer.toString(raw.asInt());
    return body.string("protocol", null, 40);
  }

  private static Integer port(NeutronBody body, String field) {
    if (body.isNull(field)) return null;
    return body.integer(field, null);
  }

  private void deleteRule(Context ctx) {
    TokenClaims caller = w.caller(ctx);
    NetworkCatalog.Rule rule = w.catalog.rule(NeutronWrites.viewer(caller), ctx.pathParam("id"))
        .orElseThrow(() -> new ApiException(404, "SecurityGroupRuleNotFound", "Security group rule "
            + ctx.pathParam("id") + " does not exist"));
    w.send(ctx, caller, DefaultSecurityGroup.streamKey(rule.projectId()), new DeleteSecurityGroupRule(rule.id(),
        rule.projectId()), rule.id(), rule.projectId());
    ctx.status(204);
  }

  private static boolean isUuid(String value) {
    try {
      return UUID.fromString(value).toString().equalsIgnoreCase(value);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
