package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.compute.AddAggregateHost;
import dev.skyledger.events.compute.CreateAggregate;
import dev.skyledger.events.compute.DeleteAggregate;
import dev.skyledger.events.compute.RemoveAggregateHost;
import dev.skyledger.events.compute.SetAggregateMetadata;
import dev.skyledger.events.compute.UpdateAggregate;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.compute.AggregateCatalog;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * Host aggregates ({@code /os-aggregates}): create, update, delete, and the actions add_host,
 * remove_host and set_metadata, for admins; decided on one stream for the cloud. A host added must
 * be registered (404 otherwise, read from the hosts view); the rest is the decider's.
 */
final class AggregateController {
  private final ComputeAccess access;
  private final ComputeCommands commands;
  private final AggregateCatalog catalog;
  private final ComputeWriteRoutes.Hosts hosts;
  private final ObjectMapper json;

  AggregateController(ComputeAccess access, ComputeCommands commands, AggregateCatalog catalog, ComputeWriteRoutes.Hosts hosts,
                      ObjectMapper json) {
    this.access = access;
    this.commands = commands;
    this.catalog = catalog;
    this.hosts = hosts;
    this.json = json;
  }

  void create(Context ctx) {
    TokenClaims caller = admin(ctx, "create");
    ObjectNode a = NovaBody.resource(ctx, json, "aggregate");
    NovaBody.onlyFields(a, "aggregate", Set.of("name", "availability_zone"));
    String name = NovaBody.name(a.get("name"));
    String zone = zone(a.get("availability_zone"));
    String uuid = UUID.randomUUID().toString();
    send(ctx, caller, new CreateAggregate(uuid, name, zone), uuid);
    answer(ctx, catalog.byUuid(uuid).orElseThrow(), true);
  }

  void update(Context ctx) {
    TokenClaims caller = admin(ctx, "update");
    int id = id(ctx);
    ObjectNode a = NovaBody.resource(ctx, json, "aggregate");
    NovaBody.onlyFields(a, "aggregate", Set.of("name", "availability_zone"));
    if (a.isEmpty()) throw ApiException.badRequest("Invalid input for field/attribute aggregate. Value: {}. {} does not have enough properties");
    String name = a.has("name") ? NovaBody.name(a.get("name")) : null;
    String zone = zone(a.get("availability_zone"));
    boolean clearZone = a.has("availability_zone") && a.get("availability_zone").isNull();
    send(ctx, caller, new UpdateAggregate(id, name, zone, clearZone), Integer.toString(id));
    answer(ctx, shown(id), false);
  }

  void delete(Context ctx) {
    TokenClaims caller = admin(ctx, "delete");
    int id = id(ctx);
    send(ctx, caller, new DeleteAggregate(id), Integer.toString(id));
    ctx.status(200);
  }

  /** {@code POST /os-aggregates/{id}/action}: exactly one of add_host, remove_host, set_metadata. */
  void action(Context ctx) {
    ObjectNode root = NovaBody.root(ctx, json);
    if (root.size() != 1) throw ApiException.badRequest("Invalid input for field/attribute action: one of add_host, remove_host or set_metadata.");
    String action = root.fieldNames().next();
    if (!Set.of("add_host", "remove_host", "set_metadata").contains(action)) {
      throw ApiException.badRequest("Invalid input for field/attribute action. Additional properties are not allowed ('"
          + action + "' was unexpected)");
    }
    TokenClaims caller = admin(ctx, action);
    int id = id(ctx);
    ObjectNode body = NovaBody.resource(root, action);
    SpecificRecord command;
    if (action.equals("set_metadata")) {
      NovaBody.onlyFields(body, action, Set.of("metadata"));
      command = new SetAggregateMetadata(id, metadata(body.get("metadata")));
    } else {
      NovaBody.onlyFields(body, action, Set.of("host"));
      String host = host(body.get("host"));
      if (action.equals("add_host") && !hosts.exists(host)) {
        throw new ApiException(404, "itemNotFound", "Compute host " + host + " could not be found.");
      }
      command = action.equals("add_host") ? new AddAggregateHost(id, host) : new RemoveAggregateHost(id, host);
    }
    send(ctx, caller, command, Integer.toString(id));
    answer(ctx, shown(id), false);
  }

  private TokenClaims admin(Context ctx, String rule) {
    TokenClaims caller = access.caller(ctx);
    if (!caller.isAdmin()) {
      throw new ApiException(403, "forbidden", "Policy doesn't allow os_compute_api:os-aggregates:" + rule + " to be performed.");
    }
    return caller;
  }

  private void send(Context ctx, TokenClaims caller, SpecificRecord command, String aggregateId) {
    commands.send(ctx, caller, StreamKeys.AGGREGATES, command, aggregateId, null);
  }

  private AggregateCatalog.Aggregate shown(int id) {
    return catalog.byId(id).orElseThrow(() -> notFound(Integer.toString(id)));
  }

  private void answer(Context ctx, AggregateCatalog.Aggregate a, boolean created) {
    ObjectNode root = json.createObjectNode();
    root.set("aggregate", catalog.render(a, created, Microversions.negotiate(ctx).atLeast(41)));
    ctx.contentType("application/json").result(root.toString());
  }

  static int id(Context ctx) {
    String id = ctx.pathParam("id");
    try {
      return Integer.parseInt(id);
    } catch (NumberFormatException e) {
      throw notFound(id);
    }
  }

  static ApiException notFound(String id) {
    return new ApiException(404, "itemNotFound", "Aggregate " + id + " could not be found.");
  }

  /** An availability zone: absent or null (none), or 1 to 255 characters. */
  private static String zone(JsonNode v) {
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw NovaBody.invalid("availability_zone", v, v + " is not of type 'string', 'null'");
    String zone = v.asText();
    if (zone.isBlank() || zone.length() > 255 || !zone.equals(zone.strip())) {
      throw NovaBody.invalid("availability_zone", v, "a zone is 1 to 255 characters without leading or trailing whitespace");
    }
    return zone;
  }

  private static String host(JsonNode v) {
    if (v == null || !v.isTextual()) throw NovaBody.invalid("host", v, "'host' is a required property");
    String host = v.asText();
    if (host.isEmpty() || host.length() > 255) throw NovaBody.invalid("host", v, "a host name is 1 to 255 characters");
    return host;
  }

  /** Metadata to merge: keys of 1 to 255 characters, values strings of at most 255 or null (remove the key). */
  private static Map<String, String> metadata(JsonNode v) {
    if (v == null || !v.isObject()) throw NovaBody.invalid("metadata", v, "'metadata' is a required property of type 'object'");
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().isEmpty() || e.getKey().length() > 255 || !e.getKey().matches("[a-zA-Z0-9\\-_:. ]+")) {
        throw NovaBody.invalid("metadata", v, "'" + e.getKey() + "' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'");
      }
      JsonNode value = e.getValue();
      if (value.isNull()) {
        out.put(e.getKey(), null);
      } else if (value.isTextual() && value.asText().length() <= 255) {
        out.put(e.getKey(), value.asText());
      } else {
        throw NovaBody.invalid("metadata", value, "values are strings of at most 255 characters, or null");
      }
    }
    return out;
  }
}
