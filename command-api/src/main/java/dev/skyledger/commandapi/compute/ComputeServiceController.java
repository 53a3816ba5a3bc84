package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.compute.SetComputeServiceForcedDown;
import dev.skyledger.events.compute.SetComputeServiceStatus;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import io.javalin.http.Context;
import java.util.Set;

/** Compute services ({@code /os-services}): enable, disable, force down; for admins, decided per host. */
final class ComputeServiceController {
  private final ComputeAccess access;
  private final ComputeCommands commands;
  private final ComputeWriteRoutes.Hosts hosts;
  private final ObjectMapper json;

  ComputeServiceController(ComputeAccess access, ComputeCommands commands, ComputeWriteRoutes.Hosts hosts, ObjectMapper json) {
    this.access = access;
    this.commands = commands;
    this.hosts = hosts;
    this.json = json;
  }

  /** {@code PUT /os-services/enable|disable|disable-log-reason {"host","binary"[,"disabled_reason"]}} (microversion 2.1). */
  void status(Context ctx, boolean enabled, boolean withReason) {
    TokenClaims caller = access.caller(ctx);
    JsonNode body = NovaBody.root(ctx, json);
    if (!body.path("host").isTextual() || !body.path("binary").isTextual()) {
      throw ApiException.badRequest("Invalid input for field/attribute service: 'host' and 'binary' are required properties");
    }
    String host = body.get("host").asText();
    String binary = body.get("binary").asText();
    if (!binary.equals("nova-compute")) {
      throw new ApiException(404, "itemNotFound", "Service " + binary + " on host " + host + " not found.");
    }
    if (!hosts.exists(host)) throw new ApiException(404, "itemNotFound", "Compute host " + host + " could not be found.");
    String reason = null;
    if (withReason) {
      if (!body.path("disabled_reason").isTextual()) throw ApiException.badRequest("Missing disabled reason field");
      reason = body.get("disabled_reason").asText();
    }
    commands.send(ctx, caller, StreamKeys.host(host), new SetComputeServiceStatus(host, enabled, reason), host, null);
    ObjectNode root = json.createObjectNode();
    ObjectNode service = root.putObject("service").put("host", host).put("binary", binary)
        .put("status", enabled ? "enabled" : "disabled");
    if (withReason) service.put("disabled_reason", reason);
    ctx.contentType("application/json").result(root.toString());
  }

  /**
   * {@code PUT /os-hosts/{host} {"status": "enable|disable", "maintenance_mode": "enable|disable"}}
   * (before 2.43): the status enables or disables the host's compute service, as os-services does;
   * maintenance mode is, as with Nova's libvirt driver, not something a host here has (501).
   */
  void updateHost(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    if (!caller.isAdmin()) throw new ApiException(403, "forbidden", "Policy doesn't allow os_compute_api:os-hosts to be performed.");
    String host = ctx.pathParam("host");
    ObjectNode body = NovaBody.root(ctx, json);
    NovaBody.onlyFields(body, "host", Set.of("status", "maintenance_mode"));
    JsonNode status = body.get("status");
    JsonNode maintenance = body.get("maintenance_mode");
    if (status == null && maintenance == null) {
      throw ApiException.badRequest("Invalid input for field/attribute host. 'status' or 'maintenance_mode' is required");
    }
    for (JsonNode v : new JsonNode[] {status, maintenance}) {
      if (v != null && !(v.isTextual() && Set.of("enable", "disable").contains(v.asText()))) {
        throw NovaBody.invalid(v == status ? "status" : "maintenance_mode", v, v + " is not one of ['enable', 'disable']");
      }
    }
    if (!hosts.exists(host)) throw new ApiException(404, "itemNotFound", "Compute host " + host + " could not be found.");
    if (maintenance != null) {
      throw new ApiException(501, "notImplemented", "Virt driver does not implement host maintenance mode.");
    }
    boolean enabled = status.asText().equals("enable");
    commands.send(ctx, caller, StreamKeys.host(host), new SetComputeServiceStatus(host, enabled, null), host, null);
    ObjectNode root = json.createObjectNode();
    root.put("host", host).put("status", enabled ? "enabled" : "disabled");
    ctx.contentType("application/json").result(root.toString());
  }

  /**
   * {@code PUT /os-services/force-down {"host","binary","forced_down"}} (2.11): an operator fences
   * a host it knows is dead (or lifts that). A forced-down host is down whatever its heartbeats
   * say: it takes no new servers and its servers' {@code host_status} is DOWN.
   */
  void forceDown(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    if (!Microversions.negotiate(ctx).atLeast(11)) throw new ApiException(404, "itemNotFound", "The resource could not be found.");
    JsonNode body = NovaBody.root(ctx, json);
    if (!body.path("host").isTextual() || !body.path("binary").isTextual()) {
      throw ApiException.badRequest("Invalid input for field/attribute service: 'host' and 'binary' are required properties");
    }
    JsonNode forced = body.get("forced_down");
    if (forced == null || !(forced.isBoolean() || (forced.isTextual()
        && Set.of("true", "false", "True", "False").contains(forced.asText())))) {
      throw NovaBody.invalid("forced_down", forced, forced + " is not of type 'boolean'");
    }
    boolean forcedDown = forced.isBoolean() ? forced.asBoolean() : Boolean.parseBoolean(forced.asText().toLowerCase(java.util.Locale.ROOT));
    String host = body.get("host").asText();
    String binary = body.get("binary").asText();
    if (!binary.equals("nova-compute")) {
      throw new ApiException(404, "itemNotFound", "Service " + binary + " on host " + host + " not found.");
    }
    if (!hosts.exists(host)) throw new ApiException(404, "itemNotFound", "Compute host " + host + " could not be found.");
    commands.send(ctx, caller, StreamKeys.host(host), new SetComputeServiceForcedDown(host, forcedDown), host, null);
    ObjectNode root = json.createObjectNode();
    root.putObject("service").put("host", host).put("binary", binary).put("forced_down", forcedDown);
    ctx.contentType("application/json").result(root.toString());
  }
}
