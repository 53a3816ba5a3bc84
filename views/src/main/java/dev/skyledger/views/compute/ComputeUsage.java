package dev.skyledger.views.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What projects use of compute, from the {@code compute} projection: what each holds of its quota
 * now ({@code compute_quota_usage}), and what its servers ran in a period (the servers view keeps
 * a deleted server with its launch and deletion times and the flavor it was requested with).
 */
public final class ComputeUsage {
  /** A server as usage counts it: launched at {@code launchedAt}, deleted at {@code deletedAt} (null: not yet). */
  public record Server(String id, String projectId, String name, String vmState, String flavorName, int vcpus,
                       int memoryMb, int localGb, Instant launchedAt, Instant deletedAt) {}

  /** A server's share of a period, as Nova's os-simple-tenant-usage shows it. */
  public record ServerUsage(Server server, double hours, String state, long uptimeSeconds) {}

  /** A project's usage of a period; {@code servers} in the order Nova lists them (by id). */
  public record TenantUsage(String projectId, Instant start, Instant stop, double totalHours, double vcpuHours,
                            double memoryMbHours, double localGbHours, List<ServerUsage> servers) {}

  private final Database db;
  private final ProjectionRegistry registry;
  private final ObjectMapper json;

  public ComputeUsage(Database db, ProjectionRegistry registry, ObjectMapper json) {
    this.db = db;
    this.registry = registry;
    this.json = json;
  }

  private String table(String name) {
    return "\"" + registry.schemaOf("compute") + "\"." + name;
  }

  /** What the project holds of its quota: {@code instances}, {@code cores}, {@code ram} (MB), as the quota set names them. */
  public Map<String, Integer> quotaInUse(String projectId) {
    return db.read(c -> {
      Map<String, Integer> out = new LinkedHashMap<>();
      out.put("instances", 0);
      out.put("cores", 0);
      out.put("ram", 0);
      out.put("server_groups", 0);
      try (PreparedStatement s = c.prepareStatement("SELECT instances, cores, ram_mb FROM " + table("compute_quota_usage")
          + " WHERE project_id = ?")) {
        s.setString(1, projectId);
        try (ResultSet r = s.executeQuery()) {
          if (r.next()) {
            out.put("instances", r.getInt(1));
            out.put("cores", r.getInt(2));
            out.put("ram", r.getInt(3));
          }
        }
      }
      try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + table("server_groups")
          + " WHERE project_id = ? AND deleted_at IS NULL")) {
        s.setString(1, projectId);
        try (ResultSet r = s.executeQuery()) {
          out.put("server_groups", r.next() ? r.getInt(1) : 0);
        }
      }
      return out;
    });
  }

  /**
   * The servers that ran in {@code [start, stop)}, as Nova picks them: launched before the period
   * ends and not deleted before it starts (a server that never launched used nothing); one
   * project's ({@code projectId}) or everyone's (null), by project and id.
   */
  public List<Server> servers(String projectId, Instant start, Instant stop) {
    return db.read(c -> {
      String sql = "SELECT id, project_id, name, vm_state, flavor::text, launched_at, deleted_at FROM " + table("servers")
          + " WHERE created_at IS NOT NULL AND launched_at IS NOT NULL AND launched_at < ?"
          + " AND (deleted_at IS NULL OR deleted_at > ?)" + (projectId == null ? "" : " AND project_id = ?")
          + " ORDER BY project_id, id";
      List<Server> out = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement(sql)) {
        s.setTimestamp(1, Timestamp.from(stop));
        s.setTimestamp(2, Timestamp.from(start));
        if (projectId != null) s.setString(3, projectId);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) out.add(server(r));
        }
      }
      return out;
    });
  }

  /**
   * How many servers each host ran in {@code [start, stop)}: launched there before the period ends
   * and not deleted before it starts, as {@link #servers} picks them (the instance usage audit).
   */
  public Map<String, Integer> instancesByHost(Instant start, Instant stop) {
    return db.read(c -> {
      Map<String, Integer> out = new LinkedHashMap<>();
      try (PreparedStatement s = c.prepareStatement("SELECT host, count(*) FROM " + table("servers")
          + " WHERE host IS NOT NULL AND launched_at IS NOT NULL AND launched_at < ? AND (deleted_at IS NULL OR deleted_at > ?)"
          + " GROUP BY host ORDER BY host")) {
        s.setTimestamp(1, Timestamp.from(stop));
        s.setTimestamp(2, Timestamp.from(start));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) out.put(r.getString(1), r.getInt(2));
        }
      }
      return out;
    });
  }

  private Server server(ResultSet r) throws SQLException {
    JsonNode flavor;
    try {
      flavor = json.readTree(r.getString(5));
    } catch (Exception e) {
      throw new IllegalStateException("corrupt flavor of server " + r.getString(1), e);
    }
    Timestamp deleted = r.getTimestamp(7);
    return new Server(r.getString(1), r.getString(2), r.getString(3), r.getString(4), flavor.path("name").asText(""),
        flavor.path("vcpus").asInt(), flavor.path("ram_mb").asInt(),
        flavor.path("disk_gb").asInt() + flavor.path("ephemeral_gb").asInt(), r.getTimestamp(6).toInstant(),
        deleted == null ? null : deleted.toInstant());
  }

  /**
   * Nova's arithmetic over {@code servers} (in the order given), one usage per project in the
   * order projects first appear: a server counts from its launch (or the period's start, if later)
   * to its deletion (or the period's stop, if earlier); its uptime runs from its launch to its
   * deletion, or to {@code now} while it lives.
   */
  public static List<TenantUsage> summarize(List<Server> servers, Instant start, Instant stop, Instant now) {
    Map<String, List<ServerUsage>> byProject = new LinkedHashMap<>();
    for (Server s : servers) {
      Instant from = s.launchedAt().isAfter(start) ? s.launchedAt() : start;
      Instant to = s.deletedAt() != null && s.deletedAt().isBefore(stop) ? s.deletedAt() : stop;
      double hours = s.launchedAt().isAfter(stop) || (s.deletedAt() != null && s.deletedAt().isBefore(start))
          ? 0 : Math.max(0, Duration.between(from, to).toNanos() / 3_600_000_000_000.0);
      String state = s.deletedAt() != null ? "terminated" : s.vmState();
      long uptime = Duration.between(s.launchedAt(), s.deletedAt() != null ? s.deletedAt() : now).getSeconds();
      byProject.computeIfAbsent(s.projectId(), k -> new ArrayList<>()).add(new ServerUsage(s, hours, state, uptime));
    }
    List<TenantUsage> out = new ArrayList<>();
    byProject.forEach((project, usages) -> {
      double hours = 0;
      double vcpus = 0;
      double memory = 0;
      double disk = 0;
      for (ServerUsage u : usages) {
        hours += u.hours();
        vcpus += u.server().vcpus() * u.hours();
        memory += u.server().memoryMb() * u.hours();
        disk += u.server().localGb() * u.hours();
      }
      out.add(new TenantUsage(project, start, stop, hours, vcpus, memory, disk, List.copyOf(usages)));
    });
    return out;
  }
}
