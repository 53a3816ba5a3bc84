package dev.skyledger.queryapi.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.compute.InstanceActionLog;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Nova's {@code os-instance-actions} of a server: what was done to it, by which request and user,
 * and (one action) the steps taken. They stay readable after the server is deleted, for its
 * project's members and admins; another project's server is not found. Events are shown to both,
 * the traceback of a failed step to admins only (Nova's rule since 2.51); a member's events still
 * carry the key, null, as the 2.1 response schema requires it of every event (Tempest checks it).
 */
public final class InstanceActionRoutes {
  private static final String PATH = "/compute/v2.1/servers/{id}/os-instance-actions";
  /** Nova's times here: naive UTC with microseconds. */
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS")
      .withZone(ZoneOffset.UTC);

  private final Authenticator auth;
  private final InstanceActionLog log;
  private final ObjectMapper json;

  public InstanceActionRoutes(Authenticator auth, InstanceActionLog log, ObjectMapper json) {
    this.auth = auth;
    this.log = log;
    this.json = json;
  }

  public void routes(JavalinConfig config) {
    config.routes.get(PATH, this::list);
    config.routes.get(PATH + "/{request_id}", this::show);
  }

  private InstanceActionLog.History visible(Context ctx, TokenClaims caller) {
    String id = ctx.pathParam("id");
    return log.history(id)
        .filter(h -> caller.isAdmin() || (h.projectId() != null && h.projectId().equals(caller.projectId())))
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Instance " + id + " could not be found."));
  }

  private void list(Context ctx) {
    Microversions.negotiate(ctx);
    TokenClaims caller = auth.caller(ctx);
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("instanceActions");
    for (InstanceActionLog.Action a : visible(ctx, caller).actions()) list.add(action(a));
    ctx.contentType("application/json").result(root.toString());
  }

  private void show(Context ctx) {
    Microversions.negotiate(ctx);
    TokenClaims caller = auth.caller(ctx);
    String requestId = ctx.pathParam("request_id");
    InstanceActionLog.Action a = visible(ctx, caller).byRequest(requestId)
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Action " + requestId + " not found"));
    ObjectNode o = action(a);
    ArrayNode events = o.putArray("events");
    for (InstanceActionLog.Event e : a.events()) {
      ObjectNode event = events.addObject().put("event", e.name()).put("start_time", time(e.start()))
          .put("finish_time", time(e.finish())).put("result", e.result());
      event.put("traceback", caller.isAdmin() ? e.traceback() : null);
    }
    ObjectNode root = json.createObjectNode();
    root.set("instanceAction", o);
    ctx.contentType("application/json").result(root.toString());
  }

  private ObjectNode action(InstanceActionLog.Action a) {
    return json.createObjectNode().put("action", a.action()).put("instance_uuid", a.instanceId())
        .put("message", a.message()).put("project_id", a.projectId()).put("request_id", a.requestId())
        .put("start_time", time(a.start())).put("user_id", a.userId());
  }

  private static String time(Instant t) {
    return t == null ? null : TIME.format(t.truncatedTo(ChronoUnit.MICROS));
  }
}
