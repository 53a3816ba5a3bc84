package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.Microversion;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A server's consoles: its log ({@code os-getConsoleOutput}, read from its host) and the remote
 * consoles ({@code remote-consoles}, 2.6; the 2.1 actions {@code os-getVNCConsole} and its kin).
 * The hosts here offer no remote console of any type, so a running server's answer to those is
 * Nova's for a console type its host does not offer: 400 {@code Unavailable console type}.
 */
final class ConsoleController {
  /** The console types of each protocol (2.6; mks from 2.8). */
  private static final Map<String, Set<String>> CONSOLE_TYPES = Map.of("vnc", Set.of("novnc", "xvpvnc"),
      "spice", Set.of("spice-html5"), "rdp", Set.of("rdp-html5"), "serial", Set.of("serial"), "mks", Set.of("webmks"));
  /** The 2.1 console actions and the protocol each asks for. */
  static final Map<String, String> LEGACY_ACTIONS = Map.of("os-getVNCConsole", "vnc", "os-getSPICEConsole", "spice",
      "os-getRDPConsole", "rdp", "os-getSerialConsole", "serial");

  private final ComputeAccess access;
  private final ComputeWriteRoutes.Servers servers;
  private final ComputeWriteRoutes.Hosts hosts;
  private final ObjectMapper json;

  ConsoleController(ComputeAccess access, ComputeWriteRoutes.Servers servers, ComputeWriteRoutes.Hosts hosts,
                    ObjectMapper json) {
    this.access = access;
    this.servers = servers;
    this.hosts = hosts;
    this.json = json;
  }

  /** {@code POST /servers/{id}/remote-consoles {"remote_console":{"protocol","type"}}}, checked as Nova checks it. */
  void create(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    Microversion version = Microversions.negotiate(ctx);
    if (!version.atLeast(6)) throw new ApiException(404, "itemNotFound", "The resource could not be found.");
    String id = ctx.pathParam("id");
    ObjectNode console = NovaBody.resource(ctx, json, "remote_console");
    JsonNode protocol = console.get("protocol");
    JsonNode type = console.get("type");
    Set<String> protocols = version.atLeast(8) ? CONSOLE_TYPES.keySet() : Set.of("vnc", "spice", "rdp", "serial");
    if (protocol == null || !protocol.isTextual() || !protocols.contains(protocol.asText())) {
      throw NovaBody.invalid("protocol", protocol, "'protocol' is one of " + new TreeSet<>(protocols));
    }
    if (type == null || !type.isTextual() || !CONSOLE_TYPES.get(protocol.asText()).contains(type.asText())) {
      throw unsupported(type == null ? "" : type.asText(), protocol.asText());
    }
    unavailable(caller, id, type.asText());
  }

  /** A 2.1 console action ({@link #LEGACY_ACTIONS}), answered as {@link #create} is. */
  void legacy(TokenClaims caller, String id, String action, JsonNode args) {
    String protocol = LEGACY_ACTIONS.get(action);
    JsonNode type = args.get("type");
    if (type == null || !type.isTextual()) throw NovaBody.invalid("type", type, "'type' is a required property");
    if (!CONSOLE_TYPES.get(protocol).contains(type.asText())) throw unsupported(type.asText(), protocol);
    unavailable(caller, id, type.asText());
  }

  private static ApiException unsupported(String type, String protocol) {
    return ApiException.badRequest("Unsupported console_type \"" + type + "\" for protocol " + protocol + ".");
  }

  private void unavailable(TokenClaims caller, String id, String type) {
    ObjectNode server = servers.show(caller, id).orElseThrow(() -> ComputeAccess.notFound(id));
    if (!"ACTIVE".equals(server.path("status").asText())) {
      throw new ApiException(409, "conflict", "Instance " + id + " is not ready: it is "
          + server.path("OS-EXT-STS:vm_state").asText() + ".");
    }
    throw ApiException.badRequest("Unavailable console type " + type + ".");
  }

  /** {@code os-getConsoleOutput {"length": n}}: the last n lines of the console log (all: absent or -1). */
  void output(Context ctx, TokenClaims caller, String id, JsonNode args) {
    Integer lines = lines(args.get("length"));
    ObjectNode server = servers.show(caller, id).orElseThrow(() -> ComputeAccess.notFound(id));
    String host = servers.hostOf(id).orElse("");
    if (!"ACTIVE".equals(server.path("status").asText()) && !"SHUTOFF".equals(server.path("status").asText())) {
      throw new ApiException(409, "conflict", "Cannot 'get_console_output' instance " + id + " while it is in vm_state "
          + server.path("OS-EXT-STS:vm_state").asText());
    }
    String log = hosts.consoleLog(host, id, lines).orElseThrow(() -> ApiException.unavailable(
        "Guest does not have a console available: host " + host + " did not answer."));
    ObjectNode out = json.createObjectNode();
    out.put("output", log);
    ctx.contentType("application/json").result(out.toString());
  }

  /**
   * {@code GET /servers/{id}/diagnostics}, for administrators (Nova's policy): what the server's host
   * reports of it, before 2.48 in the driver's own words; 409 for a server that is not running on a
   * host, 503 when its host does not answer.
   */
  void diagnostics(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    String id = ctx.pathParam("id");
    access.projectOf(caller, id);
    if (!caller.isAdmin()) throw ApiException.forbidden("Policy doesn't allow os_compute_api:os-server-diagnostics to be performed.");
    ObjectNode server = servers.show(caller, id).orElseThrow(() -> ComputeAccess.notFound(id));
    String host = servers.hostOf(id).orElse("");
    if (host.isEmpty() || !"ACTIVE".equals(server.path("status").asText()) && !"SHUTOFF".equals(server.path("status").asText())) {
      throw new ApiException(409, "conflict", "Cannot 'get_diagnostics' instance " + id + " while it is in vm_state "
          + server.path("OS-EXT-STS:vm_state").asText());
    }
    String diagnostics = hosts.diagnostics(host, id).orElseThrow(() -> ApiException.unavailable(
        "Diagnostics of instance " + id + " are not available: host " + host + " did not answer."));
    ctx.contentType("application/json").result(diagnostics);
  }

  private static Integer lines(JsonNode length) {
    if (length == null || length.isNull()) return null;
    int lines;
    if (length.isIntegralNumber() || (length.isTextual() && length.asText().matches("-?\\d+"))) lines = length.asInt();
    else throw NovaBody.invalid("length", length, length + " is not of type 'integer', 'string', 'null'");
    if (lines < -1) throw NovaBody.invalid("length", length, lines + " is less than the minimum of -1");
    return lines == -1 ? null : lines;
  }
}
