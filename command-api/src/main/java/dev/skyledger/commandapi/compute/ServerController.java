package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.compute.CreateServer;
import dev.skyledger.events.compute.DeleteServer;
import dev.skyledger.events.compute.UpdateServer;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import io.javalin.http.Context;
import java.util.Set;

/**
 * Servers ({@code /servers}): create (checked and resolved by {@link ServerRequests}; the quota is
 * decided exactly on the project's stream, the boot carried by the saga, so it answers 202 with the
 * server in BUILD), rename, and delete from any state.
 */
final class ServerController {
  private static final Set<String> UPDATE_FIELDS = Set.of("name", "accessIPv4", "accessIPv6", "OS-DCF:diskConfig");

  private final ComputeAccess access;
  private final ComputeCommands commands;
  private final ServerRequests requests;
  private final ComputeWriteRoutes.Servers servers;
  private final ObjectMapper json;
  private final String computeUrl;

  ServerController(ComputeAccess access, ComputeCommands commands, ServerRequests requests,
                   ComputeWriteRoutes.Servers servers, ObjectMapper json, String computeUrl) {
    this.access = access;
    this.commands = commands;
    this.requests = requests;
    this.servers = servers;
    this.json = json;
    this.computeUrl = computeUrl;
  }

  void create(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    if (caller.projectId() == null) throw ApiException.forbidden("Servers are created with a project-scoped token.");
    ServerRequests.Creation creation = requests.resolve(ctx, caller, NovaBody.root(ctx, json));
    String first = creation.specs().get(0).getInstanceId();
    commands.forProject(ctx, caller, caller.projectId(), new CreateServer(creation.specs(), creation.min()), first);
    ObjectNode root = json.createObjectNode();
    if (creation.returnReservationId()) {
      // as Nova: the reservation instead of the server, for clients that create many and follow them by it
      root.put("reservation_id", creation.reservationId());
    } else {
      root.set("server", created(first, creation));
    }
    ctx.status(202).contentType("application/json").result(root.toString());
  }

  private ObjectNode created(String id, ServerRequests.Creation creation) {
    ObjectNode out = json.createObjectNode();
    out.put("id", id);
    ArrayNode links = out.putArray("links");
    links.addObject().put("rel", "self").put("href", computeUrl + "/servers/" + id);
    links.addObject().put("rel", "bookmark").put("href", computeUrl.replace("/v2.1", "") + "/servers/" + id);
    out.put("OS-DCF:diskConfig", creation.specs().get(0).getDiskConfig() == null ? "MANUAL" : creation.specs().get(0).getDiskConfig());
    // as Nova: the password in this answer only; it is neither recorded nor logged
    out.put("adminPass", creation.adminPass());
    ArrayNode groups = out.putArray("security_groups");
    creation.securityGroupNames().forEach(name -> groups.addObject().put("name", name));
    return out;
  }

  void update(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    String id = ctx.pathParam("id");
    String project = access.projectOf(caller, id);
    ObjectNode s = NovaBody.resource(ctx, json, "server");
    NovaBody.onlyFields(s, "server", UPDATE_FIELDS);
    String name = s.has("name") ? NovaBody.name(s.get("name")) : null;
    String accessIpv4 = ServerFields.accessIp(s.get("accessIPv4"), 4);
    String accessIpv6 = ServerFields.accessIp(s.get("accessIPv6"), 6);
    String diskConfig = ServerFields.diskConfig(s.get("OS-DCF:diskConfig"));
    commands.forProject(ctx, caller, project, new UpdateServer(id, project, name, accessIpv4, accessIpv6, diskConfig), id);
    ObjectNode server = servers.updated(caller, id, Microversions.negotiate(ctx)).orElseThrow(() -> ComputeAccess.notFound(id));
    ObjectNode root = json.createObjectNode();
    root.set("server", server);
    ctx.contentType("application/json").result(root.toString());
  }

  void delete(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    String id = ctx.pathParam("id");
    String project = access.projectOf(caller, id);
    commands.forProject(ctx, caller, project, new DeleteServer(id, project), id);
    ctx.status(204);
  }
}
