package dev.skyledger.queryapi.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.http.ApiException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** {@code GET /ops/v1/audit/events}: the audit trail over HTTP, for cloud administrators only. */
public final class AuditRoutes {
  private final Authenticator auth;
  private final AuditLog log;
  private final ObjectMapper json;

  public AuditRoutes(Authenticator auth, AuditLog log, ObjectMapper json) {
    this.auth = auth;
    this.log = log;
    this.json = json;
  }

  public void routes(JavalinConfig config) {
    config.routes.get("/ops/v1/audit/events", this::events);
  }

  private void events(Context ctx) {
    auth.admin(ctx);
    int limit = 100;
    String limitParam = ctx.queryParam("limit");
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Invalid value for query parameter 'limit': " + limitParam + ".");
      }
      if (limit < 1 || limit > 1000) throw ApiException.badRequest("Query parameter 'limit' must be between 1 and 1000.");
    }
    AuditLog.Query query = new AuditLog.Query(ctx.queryParam("request_id"), ctx.queryParam("resource"),
        ctx.queryParam("user"), time(ctx, "since"), time(ctx, "until"), limit);
    ctx.contentType("application/json").result(AuditLog.render(json, log.find(query)).toString());
  }

  private static Instant time(Context ctx, String name) {
    String value = ctx.queryParam(name);
    if (value == null) return null;
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("Invalid value for query parameter '" + name + "': expected an ISO-8601 instant like 2026-01-31T12:00:00Z.");
    }
  }
}
