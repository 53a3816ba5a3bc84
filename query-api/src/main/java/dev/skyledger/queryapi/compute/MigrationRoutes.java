package dev.skyledger.queryapi.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;

/**
 * {@code GET /os-migrations}, for admins: the migrations of servers, which Nova's 2.1 filters by
 * {@code host}, {@code status}, {@code instance_uuid}, {@code source_compute} and
 * {@code migration_type} (any string; a filter nothing matches selects none). This cloud neither resizes nor migrates servers yet, so no event has
 * recorded a migration and every filter selects from none: the list is empty until resize or live
 * migration add their events and a view of them.
 */
public final class MigrationRoutes {
  private static final String PATH = "/compute/v2.1/os-migrations";

  private final Authenticator auth;
  private final ObjectMapper json;

  public MigrationRoutes(Authenticator auth, ObjectMapper json) {
    this.auth = auth;
    this.json = json;
  }

  public void routes(JavalinConfig config) {
    config.routes.get(PATH, this::list);
  }

  private void list(Context ctx) {
    Microversions.negotiate(ctx);
    TokenClaims caller = auth.caller(ctx);
    if (!caller.isAdmin()) {
      throw new ApiException(403, "forbidden", "Policy doesn't allow os_compute_api:os-migrations:index to be performed.");
    }
    ObjectNode root = json.createObjectNode();
    root.putArray("migrations");
    ctx.contentType("application/json").result(root.toString());
  }
}
