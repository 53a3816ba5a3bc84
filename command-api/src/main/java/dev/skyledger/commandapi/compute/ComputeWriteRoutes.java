package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.commandapi.compute.SshKeys;
import dev.skyledger.commandapi.compute.X509Keys;
import dev.skyledger.events.Topics;
import dev.skyledger.events.compute.AddFlavorAccess;
import dev.skyledger.events.compute.CreateFlavor;
import dev.skyledger.events.compute.CreateKeypair;
import dev.skyledger.events.compute.DeleteFlavor;
import dev.skyledger.events.compute.DeleteKeypair;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.Keypair;
import dev.skyledger.events.compute.RemoveFlavorAccess;
import dev.skyledger.events.compute.SetComputeQuota;
import dev.skyledger.events.compute.SetComputeServiceForcedDown;
import dev.skyledger.events.compute.SetComputeServiceStatus;
import dev.skyledger.events.compute.SetFlavorExtraSpecs;
import dev.skyledger.events.compute.UnsetFlavorExtraSpec;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.command.CommandSender;
import dev.skyledger.platform.compute.ComputeQuotas;
import dev.skyledger.platform.compute.Microversion;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.compute.ComputeJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;

/**
 * The compute (Nova v2.1) write routes for flavors, key pairs and quota sets. Flavors are decided on
 * one stream ({@code flavors}), key pairs per user, quotas per project.
 */
public final class ComputeWriteRoutes {
  private static final String V21 = "/compute/v2.1";
  private static final String PROJECTION = "compute";
  private static final Pattern KEYPAIR_NAME = Pattern.compile("[A-Za-z0-9_.@-][A-Za-z0-9 _.@-]{0,253}[A-Za-z0-9_.@-]|[A-Za-z0-9_.@-]");

  private final Authenticator auth;
  private final CommandSender sender;
  private final ComputeCatalog catalog;
  private final ComputeJson render;
  private final java.util.function.Predicate<String> hosts;

  /** {@code hosts}: whether a compute host by that name has registered. */
  public ComputeWriteRoutes(Authenticator auth, CommandSender sender, ComputeCatalog catalog, ComputeJson render,
                            java.util.function.Predicate<String> hosts) {
    this.auth = auth;
    this.sender = sender;
    this.catalog = catalog;
    this.render = render;
    this.hosts = hosts;
  }

  public void routes(JavalinConfig config) {
    var r = config.routes;
    r.post(V21 + "/flavors", this::createFlavor);
    r.delete(V21 + "/flavors/{id}", this::deleteFlavor);
    r.post(V21 + "/flavors/{id}/os-extra_specs", this::setSpecs);
    r.put(V21 + "/flavors/{id}/os-extra_specs/{key}", this::putSpec);
    r.delete(V21 + "/flavors/{id}/os-extra_specs/{key}", this::deleteSpec);
    r.post(V21 + "/flavors/{id}/action", this::flavorAction);
    r.post(V21 + "/os-keypairs", this::createKeypair);
    r.delete(V21 + "/os-keypairs/{name}", this::deleteKeypair);
    r.put(V21 + "/os-services/enable", ctx -> serviceStatus(ctx, true, false));
    r.put(V21 + "/os-services/disable", ctx -> serviceStatus(ctx, false, false));
    r.put(V21 + "/os-services/disable-log-reason", ctx -> serviceStatus(ctx, false, true));
    r.put(V21 + "/os-services/force-down", this::forceDown);
    r.put(V21 + "/os-quota-sets/{project}", this::setQuota);
    r.delete(V21 + "/os-quota-sets/{project}", this::resetQuota);
  }

  private TokenClaims caller(Context ctx) {
    Microversions.negotiate(ctx);
    return auth.caller(ctx);
  }

  private void send(Context ctx, TokenClaims caller, String streamKey, SpecificRecord command, String aggregateId, String project) {
    sender.send(ctx, caller, Topics.COMPUTE_COMMANDS, streamKey, PROJECTION, command, aggregateId, project);
  }

  private ObjectNode body(Context ctx, String resource) {
    JsonNode root = JsonBody.parse(ctx, render.mapper());
    if (root == null || !root.isObject() || !root.path(resource).isObject()) {
      throw ApiException.badRequest("Invalid input for field/attribute " + resource + ". Value: " + root
          + ". '" + resource + "' is a required property");
    }
    return (ObjectNode) root.get(resource);
  }

  private static ApiException invalid(String field, JsonNode value, String why) {
    return ApiException.badRequest("Invalid input for field/attribute " + field + ". Value: " + value + ". " + why);
  }

  private static int integer(ObjectNode o, String field, Integer otherwise) {
    JsonNode v = o.get(field);
    if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty() && otherwise != null)) {
      if (otherwise == null) throw ApiException.badRequest("Invalid input for field/attribute flavor. '" + field + "' is a required property");
      return otherwise;
    }
    if (v.isIntegralNumber()) return v.asInt();
    if (v.isTextual()) {
      try {
        return Integer.parseInt(v.asText().trim());
      } catch (NumberFormatException ignored) {
        // the error below
      }
    }
    throw invalid(field, v, v + " is not of type 'integer', 'string'");
  }

  // ---- flavors ----------------------------------------------------------------------------------

  private void createFlavor(Context ctx) {
    TokenClaims caller = caller(ctx);
    ObjectNode f = body(ctx, "flavor");
    if (!f.path("name").isTextual() || f.get("name").asText().isBlank()) {
      throw invalid("name", f.get("name"), "'name' is a required property and must be a non-empty string");
    }
    String id = f.path("id").isTextual() && !f.get("id").asText().equals("auto") ? f.get("id").asText() : UUID.randomUUID().toString();
    if (id.length() > 255 || !id.matches("[A-Za-z0-9_.\\- ]+")) throw invalid("id", f.get("id"), "Invalid flavor id.");
    double rxtx = f.has("rxtx_factor") ? f.get("rxtx_factor").asDouble(1.0) : 1.0;
    boolean isPublic = !f.has("os-flavor-access:is_public") || f.get("os-flavor-access:is_public").asBoolean(true);
    Flavor flavor = Flavor.newBuilder().setFlavorId(id).setName(f.get("name").asText().trim())
        .setVcpus(integer(f, "vcpus", null)).setRamMb(integer(f, "ram", null)).setDiskGb(integer(f, "disk", null))
        .setEphemeralGb(integer(f, "OS-FLV-EXT-DATA:ephemeral", 0)).setSwapMb(integer(f, "swap", 0))
        .setRxtxFactor(rxtx).setIsPublic(isPublic)
        .setDescription(f.path("description").isTextual() ? f.get("description").asText() : null).build();
    send(ctx, caller, "flavors", new CreateFlavor(flavor), id, null);
    ObjectNode root = render.mapper().createObjectNode();
    root.set("flavor", render.flavor(catalog.flavor(new ComputeCatalog.Viewer(caller.projectId(), true), id).orElseThrow()));
    ctx.contentType("application/json").result(root.toString());
  }

  private void deleteFlavor(Context ctx) {
    TokenClaims caller = caller(ctx);
    send(ctx, caller, "flavors", new DeleteFlavor(ctx.pathParam("id")), ctx.pathParam("id"), null);
    ctx.status(202);
  }

  private void setSpecs(Context ctx) {
    TokenClaims caller = caller(ctx);
    ObjectNode specs = body(ctx, "extra_specs");
    Map<String, String> values = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = specs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode() || e.getValue().isNull()) throw invalid("extra_specs", e.getValue(), "values are strings");
      values.put(e.getKey(), e.getValue().asText());
    }
    send(ctx, caller, "flavors", new SetFlavorExtraSpecs(ctx.pathParam("id"), values), ctx.pathParam("id"), null);
    ctx.contentType("application/json").result(render.extraSpecs(values).toString());
  }

  private void putSpec(Context ctx) {
    TokenClaims caller = caller(ctx);
    JsonNode root = JsonBody.parse(ctx, render.mapper());
    String key = ctx.pathParam("key");
    if (root == null || !root.isObject() || root.size() != 1 || !root.has(key) || !root.get(key).isValueNode()) {
      throw ApiException.badRequest("Request body and URI mismatch");
    }
    send(ctx, caller, "flavors", new SetFlavorExtraSpecs(ctx.pathParam("id"), Map.of(key, root.get(key).asText())),
        ctx.pathParam("id"), null);
    ctx.contentType("application/json").result(render.mapper().createObjectNode().put(key, root.get(key).asText()).toString());
  }

  private void deleteSpec(Context ctx) {
    TokenClaims caller = caller(ctx);
    send(ctx, caller, "flavors", new UnsetFlavorExtraSpec(ctx.pathParam("id"), ctx.pathParam("key")), ctx.pathParam("id"), null);
    ctx.status(200);
  }

  private void flavorAction(Context ctx) {
    TokenClaims caller = caller(ctx);
    JsonNode root = JsonBody.parse(ctx, render.mapper());
    String id = ctx.pathParam("id");
    if (root != null && root.path("addTenantAccess").path("tenant").isTextual()) {
      // 2.7: access to a public flavor is a conflict (before, Nova recorded it to no effect)
      if (Microversions.negotiate(ctx).atLeast(7) && caller.isAdmin()
          && catalog.flavor(new ComputeCatalog.Viewer(caller.projectId(), true), id).map(ComputeCatalog.Flavor::isPublic).orElse(false)) {
        throw new ApiException(409, "conflict", "Can not add access to a public flavor.");
      }
      send(ctx, caller, "flavors", new AddFlavorAccess(id, root.get("addTenantAccess").get("tenant").asText()), id, null);
    } else if (root != null && root.path("removeTenantAccess").path("tenant").isTextual()) {
      send(ctx, caller, "flavors", new RemoveFlavorAccess(id, root.get("removeTenantAccess").get("tenant").asText()), id, null);
    } else {
      throw ApiException.badRequest("Invalid input for field/attribute action: addTenantAccess or removeTenantAccess with a tenant.");
    }
    ctx.contentType("application/json").result(render.flavorAccess(id, catalog.flavorAccess(id)).toString());
  }

  // ---- key pairs --------------------------------------------------------------------------------

  /**
   * {@code POST /os-keypairs}: import a public key or have a pair made. From 2.2 a pair has a
   * type (ssh, or x509: a PEM certificate) and creation answers 201; from 2.10 an admin may create
   * one for another user ({@code user_id}).
   */
  private void createKeypair(Context ctx) {
    TokenClaims caller = caller(ctx);
    Microversion version = Microversions.negotiate(ctx);
    ObjectNode k = body(ctx, "keypair");
    JsonNode name = k.get("name");
    if (name == null || !name.isTextual() || !KEYPAIR_NAME.matcher(name.asText()).matches()) {
      throw invalid("name", name, "Keypair name must be 1 to 255 characters of letters, digits, spaces (not at either end), '_', '-', '.' and '@'.");
    }
    for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      boolean allowed = field.equals("name") || field.equals("public_key") || (field.equals("type") && version.atLeast(2))
          || (field.equals("user_id") && version.atLeast(10));
      if (!allowed) {
        throw ApiException.badRequest("Invalid input for field/attribute keypair. Additional properties are not allowed ('" + field + "' was unexpected)");
      }
    }
    String type = "ssh";
    if (k.has("type")) {
      if (!k.get("type").isTextual() || !Set.of("ssh", "x509").contains(k.get("type").asText())) {
        throw invalid("type", k.get("type"), k.get("type") + " is not one of ['ssh', 'x509']");
      }
      type = k.get("type").asText();
    }
    String userId = caller.userId();
    if (k.has("user_id")) {
      if (!k.get("user_id").isTextual()) throw invalid("user_id", k.get("user_id"), "it is not a string");
      if (!k.get("user_id").asText().equals(userId)) {
        if (!caller.isAdmin()) throw ApiException.forbidden("Policy doesn't allow os_compute_api:os-keypairs:create to be performed.");
        userId = k.get("user_id").asText();
      }
    }
    String publicKey;
    String privateKey = null;
    if (k.has("public_key")) {
      if (!k.get("public_key").isTextual()) throw invalid("public_key", k.get("public_key"), "it is not a string");
      publicKey = k.get("public_key").asText().trim();
    } else {
      SshKeys.Generated generated = type.equals("x509") ? X509Keys.generate(userId, sender.clock().instant())
          : SshKeys.generate("Generated-by-Skyledger");
      publicKey = generated.publicKey();
      privateKey = generated.privateKeyPem();
    }
    String fingerprint = (type.equals("x509") ? X509Keys.fingerprint(publicKey) : SshKeys.fingerprint(publicKey))
        .orElseThrow(() -> ApiException.badRequest("Keypair data is invalid: failed to generate fingerprint"));
    String project = caller.projectId();
    int limit = project == null ? -1 : ComputeQuotas.effective(catalog.quotaOverrides(project)).get("key_pairs");
    Keypair keypair = new Keypair(userId, name.asText(), publicKey, fingerprint, type);
    send(ctx, caller, "user/" + userId, new CreateKeypair(keypair, project == null ? "" : project, limit), name.asText(), project);
    ObjectNode root = render.mapper().createObjectNode();
    ObjectNode out = root.putObject("keypair");
    out.put("name", keypair.getName()).put("public_key", publicKey).put("fingerprint", fingerprint).put("user_id", userId);
    if (version.atLeast(2)) out.put("type", type);
    // the private key is in this answer only: it is neither kept nor logged
    if (privateKey != null) out.put("private_key", privateKey);
    ctx.status(version.atLeast(2) ? 201 : 200).contentType("application/json").result(root.toString());
  }

  /** {@code DELETE /os-keypairs/{name}}: 202, from 2.2 204; from 2.10 an admin may name another user. */
  private void deleteKeypair(Context ctx) {
    TokenClaims caller = caller(ctx);
    Microversion version = Microversions.negotiate(ctx);
    String asked = version.atLeast(10) ? ctx.queryParam("user_id") : null;
    String userId = asked != null ? asked : caller.userId();
    send(ctx, caller, "user/" + userId, new DeleteKeypair(userId, ctx.pathParam("name")), ctx.pathParam("name"), caller.projectId());
    ctx.status(version.atLeast(2) ? 204 : 202);
  }

  // ---- compute services -------------------------------------------------------------------------

  /** {@code PUT /os-services/enable|disable|disable-log-reason {"host","binary"[,"disabled_reason"]}} (microversion 2.1). */
  private void serviceStatus(Context ctx, boolean enabled, boolean withReason) {
    TokenClaims caller = caller(ctx);
    JsonNode body = JsonBody.parse(ctx, render.mapper());
    if (body == null || !body.path("host").isTextual() || !body.path("binary").isTextual()) {
      throw ApiException.badRequest("Invalid input for field/attribute service: 'host' and 'binary' are required properties");
    }
    String host = body.get("host").asText();
    String binary = body.get("binary").asText();
    if (!binary.equals("nova-compute")) {
      throw new ApiException(404, "itemNotFound", "Service " + binary + " on host " + host + " not found.");
    }
    if (!hosts.test(host)) throw new ApiException(404, "itemNotFound", "Compute host " + host + " could not be found.");
    String reason = null;
    if (withReason) {
      if (!body.path("disabled_reason").isTextual()) throw ApiException.badRequest("Missing disabled reason field");
      reason = body.get("disabled_reason").asText();
    }
    send(ctx, caller, "host/" + host, new SetComputeServiceStatus(host, enabled, reason), host, null);
    ObjectNode root = render.mapper().createObjectNode();
    ObjectNode service = root.putObject("service").put("host", host).put("binary", binary)
        .put("status", enabled ? "enabled" : "disabled");
    if (withReason) service.put("disabled_reason", reason);
    ctx.contentType("application/json").result(root.toString());
  }

  /**
   * {@code PUT /os-services/force-down {"host","binary","forced_down"}} (2.11): an operator fences
   * a host it knows is dead (or lifts that). A forced-down host is down whatever its heartbeats
   * say: it takes no new servers and its servers' {@code host_status} is DOWN.
   */
  private void forceDown(Context ctx) {
    TokenClaims caller = caller(ctx);
    if (!Microversions.negotiate(ctx).atLeast(11)) throw new ApiException(404, "itemNotFound", "The resource could not be found.");
    JsonNode body = JsonBody.parse(ctx, render.mapper());
    if (body == null || !body.path("host").isTextual() || !body.path("binary").isTextual()) {
      throw ApiException.badRequest("Invalid input for field/attribute service: 'host' and 'binary' are required properties");
    }
    JsonNode forced = body.get("forced_down");
    if (forced == null || !(forced.isBoolean() || (forced.isTextual()
        && Set.of("true", "false", "True", "False").contains(forced.asText())))) {
      throw invalid("forced_down", forced, forced + " is not of type 'boolean'");
    }
    boolean forcedDown = forced.isBoolean() ? forced.asBoolean() : Boolean.parseBoolean(forced.asText().toLowerCase(java.util.Locale.ROOT));
    String host = body.get("host").asText();
    String binary = body.get("binary").asText();
    if (!binary.equals("nova-compute")) {
      throw new ApiException(404, "itemNotFound", "Service " + binary + " on host " + host + " not found.");
    }
    if (!hosts.test(host)) throw new ApiException(404, "itemNotFound", "Compute host " + host + " could not be found.");
    send(ctx, caller, "host/" + host, new SetComputeServiceForcedDown(host, forcedDown), host, null);
    ObjectNode root = render.mapper().createObjectNode();
    root.putObject("service").put("host", host).put("binary", binary).put("forced_down", forcedDown);
    ctx.contentType("application/json").result(root.toString());
  }

  // ---- quotas -----------------------------------------------------------------------------------

  private void setQuota(Context ctx) {
    TokenClaims caller = caller(ctx);
    ObjectNode q = body(ctx, "quota_set");
    String project = ctx.pathParam("project");
    Map<String, Integer> limits = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = q.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("force")) continue;
      if (!ComputeQuotas.RESOURCES.contains(e.getKey())) {
        throw ApiException.badRequest("Invalid input for field/attribute quota_set. Additional properties are not allowed ('"
            + e.getKey() + "' was unexpected)");
      }
      limits.put(e.getKey(), integer(q, e.getKey(), null));
    }
    send(ctx, caller, "project/" + project, new SetComputeQuota(project, limits, false), project, project);
    ctx.contentType("application/json").result(render.quotaSet(null, ComputeQuotas.effective(catalog.quotaOverrides(project))).toString());
  }

  private void resetQuota(Context ctx) {
    TokenClaims caller = caller(ctx);
    String project = ctx.pathParam("project");
    send(ctx, caller, "project/" + project, new SetComputeQuota(project, Map.of(), true), project, project);
    ctx.status(202);
  }
}
