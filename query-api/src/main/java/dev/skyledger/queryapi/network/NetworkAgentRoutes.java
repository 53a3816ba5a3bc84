package dev.skyledger.queryapi.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.hosts.HostDirectory;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/**
 * Neutron's agents ({@code GET /v2.0/agents}, read-only): the agent of each registered host, which
 * is what serves a host here (its network configuration is rendered for it by the views, not by
 * separate L2, DHCP and L3 agents), alive while its heartbeats come. Under Neutron's default policy
 * only admins see agents: anyone else gets an empty list, and a show is 404 as for an agent that
 * does not exist.
 */
public final class NetworkAgentRoutes {
  private static final String V2 = "/network/v2.0";
  static final String AGENT_TYPE = "Skyledger host agent";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final Authenticator auth;
  private final HostDirectory hosts;
  private final ObjectMapper json;

  public NetworkAgentRoutes(Authenticator auth, HostDirectory hosts, ObjectMapper json) {
    this.auth = auth;
    this.hosts = hosts;
    this.json = json;
  }

  public void routes(JavalinConfig config) {
    config.routes.get(V2 + "/agents", this::list);
    config.routes.get(V2 + "/agents/{id}", this::show);
  }

  /** An agent's id: stable for its host, so a show finds it again without an id stored anywhere. */
  static String idOf(String hostId) {
    return UUID.nameUUIDFromBytes(("network-agent/" + hostId).getBytes(StandardCharsets.UTF_8)).toString();
  }

  private List<HostDirectory.Host> visible(TokenClaims caller) {
    return caller.isAdmin() ? hosts.hosts() : List.of();
  }

  private void list(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("agents");
    for (HostDirectory.Host h : visible(caller)) {
      ObjectNode agent = agent(h);
      if (matches(ctx, agent)) list.add(agent);
    }
    ctx.contentType("application/json").result(root.toString());
  }

  /** Neutron's equality filters on an agent's plain attributes (host, agent_type, alive, ...). */
  private static boolean matches(Context ctx, ObjectNode agent) {
    for (var e : ctx.queryParamMap().entrySet()) {
      if (e.getKey().equals("fields") || !agent.has(e.getKey()) || agent.get(e.getKey()).isContainerNode()) continue;
      String value = agent.get(e.getKey()).asText();
      if (e.getValue().stream().noneMatch(v -> v.equalsIgnoreCase(value))) return false;
    }
    return true;
  }

  private void show(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    HostDirectory.Host host = visible(caller).stream().filter(h -> idOf(h.hostId()).equals(id)).findFirst()
        .orElseThrow(() -> new ApiException(404, "AgentNotFound", "Agent " + id + " could not be found."));
    ObjectNode root = json.createObjectNode();
    root.set("agent", agent(host));
    ctx.contentType("application/json").result(root.toString());
  }

  private ObjectNode agent(HostDirectory.Host h) {
    ObjectNode a = json.createObjectNode();
    a.put("id", idOf(h.hostId()));
    a.put("agent_type", AGENT_TYPE);
    a.put("binary", "sky-host-agent");
    a.put("topic", "host.commands");
    a.put("host", h.hostId());
    a.put("availability_zone", h.zone());
    a.put("admin_state_up", h.enabled());
    a.put("alive", h.up());
    a.putNull("description");
    a.put("heartbeat_timestamp", TIME.format(h.lastSeen()));
    a.put("created_at", TIME.format(h.registeredAt()));
    a.put("started_at", TIME.format(h.registeredAt()));
    a.putObject("configurations");
    a.putObject("resource_versions");
    a.putNull("resources_synced");
    a.putNull("ha_state");
    return a;
  }
}
