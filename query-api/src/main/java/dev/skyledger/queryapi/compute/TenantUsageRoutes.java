package dev.skyledger.queryapi.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.compute.ComputeUsage;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Nova's {@code os-simple-tenant-usage}: the hours, vCPU-hours, MB-hours and GB-hours the servers
 * of a project ran in a period, for admins across projects ({@code GET /os-simple-tenant-usage},
 * per server with {@code detailed=1}) and for a project's members ({@code GET .../{tenant_id}}).
 * The period is {@code start} to {@code end}, naive UTC times as Nova takes them (now when absent),
 * its end cut to now.
 */
public final class TenantUsageRoutes {
  private static final String PATH = "/compute/v2.1/os-simple-tenant-usage";
  /** What Nova accepts: {@code 2026-11-22T00:00:00}, with up to six fraction digits, or with a space and the fraction. */
  private static final List<DateTimeFormatter> FORMATS = List.of(
      new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd'T'HH:mm:ss")
          .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 6, true).optionalEnd().toFormatter(),
      new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd HH:mm:ss")
          .appendFraction(ChronoField.NANO_OF_SECOND, 1, 6, true).toFormatter());
  /** Nova's times here: naive UTC with microseconds. */
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS")
      .withZone(ZoneOffset.UTC);

  private final Authenticator auth;
  private final ComputeUsage usage;
  private final ObjectMapper json;
  private final Clock clock;

  public TenantUsageRoutes(Authenticator auth, ComputeUsage usage, ObjectMapper json, Clock clock) {
    this.auth = auth;
    this.usage = usage;
    this.json = json;
    this.clock = clock;
  }

  public void routes(JavalinConfig config) {
    config.routes.get(PATH, this::index);
    config.routes.get(PATH + "/{tenant_id}", this::show);
  }

  /** The period asked for: start before end (400 otherwise), the end no later than now. */
  private record Period(Instant start, Instant stop, Instant now) {}

  private Period period(Context ctx) {
    Instant now = clock.instant();
    Instant start = time("start", ctx.queryParam("start"), now);
    Instant stop = time("end", ctx.queryParam("end"), now);
    if (!start.isBefore(stop)) {
      throw ApiException.badRequest("Invalid start time. The start time cannot occur after the end time.");
    }
    return new Period(start, stop.isAfter(now) ? now : stop, now);
  }

  /** A time as Nova parses it (no zone: UTC); absent or empty: now. */
  static Instant time(String name, String value, Instant now) {
    if (value == null || value.isEmpty()) return now;
    for (DateTimeFormatter format : FORMATS) {
      try {
        return LocalDateTime.parse(value, format).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException next) {
        // try the next format
      }
    }
    throw ApiException.badRequest("Invalid datetime string: Datetime is in invalid format. Query parameter " + name
        + ": '" + value + "' (expected like 2026-11-22T00:00:00 or 2026-11-22T00:00:00.000000, UTC without a zone).");
  }

  private void index(Context ctx) {
    Microversions.negotiate(ctx);
    TokenClaims caller = auth.caller(ctx);
    if (!caller.isAdmin()) {
      throw ApiException.forbidden("Policy doesn't allow os_compute_api:os-simple-tenant-usage:list to be performed.");
    }
    Period p = period(ctx);
    boolean detailed = "1".equals(ctx.queryParam("detailed"));
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("tenant_usages");
    for (ComputeUsage.TenantUsage u : ComputeUsage.summarize(usage.servers(null, p.start(), p.stop()), p.start(), p.stop(), p.now())) {
      list.add(tenant(u, detailed));
    }
    ctx.contentType("application/json").result(root.toString());
  }

  private void show(Context ctx) {
    Microversions.negotiate(ctx);
    TokenClaims caller = auth.caller(ctx);
    String project = ctx.pathParam("tenant_id");
    if (!caller.isAdmin() && !project.equals(caller.projectId())) {
      throw ApiException.forbidden("Policy doesn't allow os_compute_api:os-simple-tenant-usage:show to be performed.");
    }
    Period p = period(ctx);
    List<ComputeUsage.TenantUsage> usages = ComputeUsage.summarize(usage.servers(project, p.start(), p.stop()), p.start(),
        p.stop(), p.now());
    ObjectNode root = json.createObjectNode();
    // as Nova: an empty object when the project ran nothing in the period
    root.set("tenant_usage", usages.isEmpty() ? json.createObjectNode() : tenant(usages.get(0), true));
    ctx.contentType("application/json").result(root.toString());
  }

  private ObjectNode tenant(ComputeUsage.TenantUsage u, boolean detailed) {
    ObjectNode o = json.createObjectNode();
    o.put("tenant_id", u.projectId());
    if (detailed) {
      ArrayNode servers = o.putArray("server_usages");
      for (ComputeUsage.ServerUsage s : u.servers()) servers.add(server(s));
    }
    o.put("total_local_gb_usage", u.localGbHours());
    o.put("total_vcpus_usage", u.vcpuHours());
    o.put("total_memory_mb_usage", u.memoryMbHours());
    o.put("total_hours", u.totalHours());
    o.put("start", time(u.start()));
    o.put("stop", time(u.stop()));
    return o;
  }

  private ObjectNode server(ComputeUsage.ServerUsage u) {
    ComputeUsage.Server s = u.server();
    return json.createObjectNode().put("hours", u.hours()).put("flavor", s.flavorName()).put("instance_id", s.id())
        .put("name", s.name()).put("tenant_id", s.projectId()).put("memory_mb", s.memoryMb()).put("local_gb", s.localGb())
        .put("vcpus", s.vcpus()).put("started_at", time(s.launchedAt())).put("ended_at", time(s.deletedAt()))
        .put("state", u.state()).put("uptime", u.uptimeSeconds());
  }

  private static String time(Instant t) {
    return t == null ? null : TIME.format(t.truncatedTo(ChronoUnit.MICROS));
  }
}
