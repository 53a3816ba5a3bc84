package dev.skyledger.queryapi.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.compute.AggregateCatalog;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

/** {@code GET /os-aggregates} and {@code /os-aggregates/{id}}: the host aggregates, for admins, from the compute view. */
public final class AggregateReadRoutes {
  private static final String PATH = "/compute/v2.1/os-aggregates";

  private final Authenticator auth;
  private final AggregateCatalog aggregates;
  private final ObjectMapper json;

  public AggregateReadRoutes(Authenticator auth, AggregateCatalog aggregates, ObjectMapper json) {
    this.auth = auth;
    this.aggregates = aggregates;
    this.json = json;
  }

  public void routes(JavalinConfig config) {
    config.routes.get(PATH, this::list);
    config.routes.get(PATH + "/{id}", this::show);
  }

  private void list(Context ctx) {
    boolean uuid = admin(ctx, "index");
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("aggregates");
    aggregates.aggregates().forEach(a -> list.add(aggregates.render(a, false, uuid)));
    ctx.contentType("application/json").result(root.toString());
  }

  private void show(Context ctx) {
    boolean uuid = admin(ctx, "show");
    String id = ctx.pathParam("id");
    AggregateCatalog.Aggregate a;
    try {
      a = aggregates.byId(Integer.parseInt(id)).orElse(null);
    } catch (NumberFormatException e) {
      a = null;
    }
    if (a == null) throw new ApiException(404, "itemNotFound", "Aggregate " + id + " could not be found.");
    ObjectNode root = json.createObjectNode();
    root.set("aggregate", aggregates.render(a, false, uuid));
    ctx.contentType("application/json").result(root.toString());
  }

  /** Refuses anyone but an admin, in Nova's words; true when the microversion shows the uuid (2.41). */
  private boolean admin(Context ctx, String rule) {
    boolean uuid = Microversions.negotiate(ctx).atLeast(41);
    TokenClaims caller = auth.caller(ctx);
    if (!caller.isAdmin()) {
      throw new ApiException(403, "forbidden", "Policy doesn't allow os_compute_api:os-aggregates:" + rule + " to be performed.");
    }
    return uuid;
  }
}
