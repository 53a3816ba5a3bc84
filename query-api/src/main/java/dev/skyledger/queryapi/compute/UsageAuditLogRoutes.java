package dev.skyledger.queryapi.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.compute.ComputeUsage;
import dev.skyledger.views.hosts.HostDirectory;
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
import java.util.List;
import java.util.Map;

/**
 * Nova's {@code os-instance_usage_audit_log}, for admins: the instance usage audit of the last
 * completed audit period (a calendar month, Nova's default {@code instance_usage_audit_period})
 * before now ({@code GET /os-instance_usage_audit_log}) or before a time
 * ({@code GET .../{before}}, {@code YYYY-MM-DD hh:mm:ss[.ffffff]}, UTC). Usage here is computed from
 * the event log (the servers view keeps each server's host, launch and deletion), so a completed
 * period is audited on every host that was registered before it ended: each is DONE with the
 * servers it ran in the period; a host registered later is one the audit did not run on.
 */
public final class UsageAuditLogRoutes {
  private static final String PATH = "/compute/v2.1/os-instance_usage_audit_log";
  private static final DateTimeFormatter BEFORE = new DateTimeFormatterBuilder().appendPattern("uuuu-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 6, true).optionalEnd().toFormatter();
  /** How Nova prints the period (Python's str of a datetime). */
  private static final DateTimeFormatter PERIOD = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private final Authenticator auth;
  private final HostDirectory hosts;
  private final ComputeUsage usage;
  private final ObjectMapper json;
  private final Clock clock;

  public UsageAuditLogRoutes(Authenticator auth, HostDirectory hosts, ComputeUsage usage, ObjectMapper json, Clock clock) {
    this.auth = auth;
    this.hosts = hosts;
    this.usage = usage;
    this.json = json;
    this.clock = clock;
  }

  public void routes(JavalinConfig config) {
    config.routes.get(PATH, ctx -> answer(ctx, "instance_usage_audit_logs", clock.instant()));
    config.routes.get(PATH + "/{before}", ctx -> {
      admin(ctx);
      answer(ctx, "instance_usage_audit_log", before(ctx.pathParam("before")));
    });
  }

  /** A time as Nova takes it here; anything else is Nova's 400. */
  static Instant before(String value) {
    try {
      return LocalDateTime.parse(value, BEFORE).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("Invalid timestamp for date " + value);
    }
  }

  /** The last calendar month that ended before {@code before}: {@code [begin, end)}, as Nova's last_completed_audit_period. */
  static Instant[] period(Instant before) {
    LocalDateTime at = LocalDateTime.ofInstant(before, ZoneOffset.UTC);
    LocalDateTime end = at.toLocalDate().withDayOfMonth(1).atStartOfDay();
    if (!end.isBefore(at)) end = end.minusMonths(1);
    return new Instant[] {end.minusMonths(1).toInstant(ZoneOffset.UTC), end.toInstant(ZoneOffset.UTC)};
  }

  private void answer(Context ctx, String wrapper, Instant before) {
    admin(ctx);
    Instant[] period = period(before);
    Map<String, Integer> instances = usage.instancesByHost(period[0], period[1]);
    ObjectNode log = json.createObjectNode();
    ObjectNode byHost = log.putObject("log");
    ArrayNode notRun = json.createArrayNode();
    int done = 0;
    int total = 0;
    List<HostDirectory.Host> all = hosts.hosts();
    for (HostDirectory.Host h : all) {
      if (!h.registeredAt().isBefore(period[1])) {
        notRun.add(h.hostId());
        continue;
      }
      int n = instances.getOrDefault(h.hostId(), 0);
      byHost.putObject(h.hostId()).put("state", "DONE").put("instances", n).put("errors", 0)
          .put("message", "Usage of " + n + " instances on host " + h.hostId() + " computed from the event log.");
      done++;
      total += n;
    }
    log.set("hosts_not_run", notRun);
    log.put("num_hosts", all.size());
    log.put("num_hosts_done", done);
    log.put("num_hosts_not_run", notRun.size());
    log.put("num_hosts_running", 0);
    log.put("overall_status", (done == all.size() ? "ALL" : done + " of " + all.size()) + " hosts done. 0 errors.");
    log.put("period_beginning", PERIOD.format(period[0]));
    log.put("period_ending", PERIOD.format(period[1]));
    log.put("total_errors", 0);
    log.put("total_instances", total);
    ObjectNode root = json.createObjectNode();
    root.set(wrapper, log);
    ctx.contentType("application/json").result(root.toString());
  }

  private void admin(Context ctx) {
    Microversions.negotiate(ctx);
    TokenClaims caller = auth.caller(ctx);
    if (!caller.isAdmin()) {
      throw new ApiException(403, "forbidden",
          "Policy doesn't allow os_compute_api:os-instance-usage-audit-log to be performed.");
    }
  }
}
