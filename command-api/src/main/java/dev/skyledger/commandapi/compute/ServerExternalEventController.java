package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import io.javalin.http.Context;
import java.util.Set;

/**
 * {@code POST /os-server-external-events}: what the network service tells compute about a server's
 * ports, for administrators (the services' accounts), answered per server as Nova answers: 200 for
 * a server that is placed on a host (whose agent the event is for), 422 for one not placed yet, 404
 * for one that does not exist; the whole answer 200 when every event was taken, 207 when some were,
 * 404 when none was. The hosts here plumb ports from the network service's views and wait on no
 * such event, so a taken event changes nothing.
 */
final class ServerExternalEventController {
  /** The events of Nova's 2.1 schema (later microversions add volume and power events). */
  static final Set<String> NAMES = Set.of("network-changed", "network-vif-plugged", "network-vif-unplugged",
      "network-vif-deleted");
  static final Set<String> STATUSES = Set.of("failed", "completed", "in-progress");
  private static final Set<String> FIELDS = Set.of("name", "server_uuid", "status", "tag");

  private final ComputeAccess access;
  private final ComputeWriteRoutes.Servers servers;
  private final ObjectMapper json;

  ServerExternalEventController(ComputeAccess access, ComputeWriteRoutes.Servers servers, ObjectMapper json) {
    this.access = access;
    this.servers = servers;
    this.json = json;
  }

  void create(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    if (!caller.isAdmin()) {
      throw ApiException.forbidden("Policy doesn't allow os_compute_api:os-server-external-events:create to be performed.");
    }
    ObjectNode root = NovaBody.root(ctx, json);
    NovaBody.onlyFields(root, "events", Set.of("events"));
    JsonNode events = root.get("events");
    if (events == null || !events.isArray() || events.isEmpty()) {
      throw NovaBody.invalid("events", events, "'events' is a non-empty array");
    }
    for (JsonNode e : events) check(e);
    ArrayNode answered = json.createArrayNode();
    int taken = 0;
    for (JsonNode e : events) {
      String server = e.get("server_uuid").asText();
      int code = servers.projectOf(server).isEmpty() ? 404 : servers.hostOf(server).isEmpty() ? 422 : 200;
      if (code == 200) taken++;
      ObjectNode out = answered.addObject();
      out.put("name", e.get("name").asText());
      out.put("server_uuid", server);
      out.put("status", code == 200 ? e.path("status").asText("completed") : "failed");
      if (e.has("tag")) out.put("tag", e.get("tag").asText());
      out.put("code", code);
    }
    ObjectNode body = json.createObjectNode();
    body.set("events", answered);
    int status = taken == 0 ? 404 : taken < events.size() ? 207 : 200;
    ctx.status(status).contentType("application/json").result(body.toString());
  }

  /** One event as Nova's schema has it: name and server_uuid required, status and tag optional, nothing else. */
  private static void check(JsonNode e) {
    if (!(e instanceof ObjectNode o)) throw NovaBody.invalid("events", e, "an event is an object");
    NovaBody.onlyFields(o, "events", FIELDS);
    JsonNode name = o.get("name");
    if (name == null || !NAMES.contains(name.asText()) || !name.isTextual()) {
      throw NovaBody.invalid("name", name, name + " is not one of " + NAMES.stream().sorted().toList());
    }
    JsonNode server = o.get("server_uuid");
    if (server == null || !server.isTextual()) throw NovaBody.invalid("server_uuid", server, "'server_uuid' is a required property");
    JsonNode status = o.get("status");
    if (status != null && (!status.isTextual() || !STATUSES.contains(status.asText()))) {
      throw NovaBody.invalid("status", status, status + " is not one of " + STATUSES.stream().sorted().toList());
    }
    JsonNode tag = o.get("tag");
    if (tag != null && (!tag.isTextual() || tag.asText().length() > 255)) {
      throw NovaBody.invalid("tag", tag, "'tag' is a string of at most 255 characters");
    }
  }
}
