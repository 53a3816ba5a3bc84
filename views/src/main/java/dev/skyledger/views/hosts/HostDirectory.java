package dev.skyledger.views.hosts;

import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The compute hosts as their agents last reported them (the {@code hosts} projection). A host is
 * in the availability zone of its host aggregate (else the one it registered with), and
 * up while its heartbeats keep coming (at most three intervals since the last one, and not
 * stopped) and no operator forced it down.
 */
public final class HostDirectory {
  public record Host(long id, String hostId, String hypervisorType, String hypervisorVersion, String zone, String hostIp,
                     int vcpus, int memoryMb, int localGb, double cpuRatio, double ramRatio, double diskRatio,
                     int vcpusUsed, int memoryMbUsed, int localGbUsed, int runningVms, boolean up, Instant lastSeen,
                     boolean enabled, String disabledReason, boolean forcedDown, String consoleUrl, Instant registeredAt) {
    /**
     * The host as a server's {@code host_status} shows it (microversion 2.16), as Nova judges it:
     * DOWN when forced down, MAINTENANCE when disabled, else UP while its heartbeats come, UNKNOWN
     * when they stopped.
     */
    public String status() {
      if (forcedDown) return "DOWN";
      if (!enabled) return "MAINTENANCE";
      return up ? "UP" : "UNKNOWN";
    }
  }

  private final Database db;
  private final ProjectionRegistry registry;
  private final Clock clock;

  public HostDirectory(Database db, ProjectionRegistry registry, Clock clock) {
    this.db = db;
    this.registry = registry;
    this.clock = clock;
  }

  private String table() {
    return "\"" + registry.schemaOf("hosts") + "\".compute_hosts h LEFT JOIN \"" + registry.schemaOf("compute")
        + "\".compute_services s USING (host_id)";
  }

  /**
   * A host's availability zone: that of the host aggregate it is in that has one (Nova keeps a host
   * in one zone), else the zone it registered with (Nova's default, {@code nova}).
   */
  private String zone() {
    String compute = "\"" + registry.schemaOf("compute") + "\".";
    return "COALESCE((SELECT a.availability_zone FROM " + compute + "aggregates a JOIN " + compute + "aggregate_hosts ah"
        + " ON ah.aggregate_id = a.id WHERE ah.host_id = h.host_id AND a.availability_zone IS NOT NULL ORDER BY a.id LIMIT 1),"
        + " h.availability_zone)";
  }

  public List<Host> hosts() {
    return query("TRUE ORDER BY id", null);
  }

  public Optional<Host> byId(long id) {
    return query("id = ?", id).stream().findFirst();
  }

  /** Whether any registered host is in this availability zone. */
  public boolean hasZone(String zone) {
    return hosts().stream().anyMatch(h -> zone.equals(h.zone()));
  }

  /** Each host's {@link Host#status()}, by host id. */
  public java.util.Map<String, String> statuses() {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    for (Host h : hosts()) out.put(h.hostId(), h.status());
    return out;
  }

  public Optional<Host> byName(String hostId) {
    return query("host_id = ?", hostId).stream().findFirst();
  }

  private List<Host> query(String condition, Object arg) {
    Instant now = clock.instant();
    return db.read(c -> {
      List<Host> out = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT id, host_id, hypervisor_type, hypervisor_version, " + zone() + ","
          + " host_ip, vcpus, memory_mb, local_gb, cpu_allocation_ratio, ram_allocation_ratio, disk_allocation_ratio,"
          + " vcpus_used, memory_mb_used, local_gb_used, running_vms, heartbeat_seconds, stopped, last_seen_at,"
          + " coalesce(s.enabled, true), s.disabled_reason, coalesce(s.forced_down, false), h.console_url, registered_at FROM "
          + table() + " WHERE " + condition)) {
        if (arg != null) s.setObject(1, arg);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) out.add(host(r, now));
        }
      }
      return out;
    });
  }

  private static Host host(ResultSet r, Instant now) throws SQLException {
    Instant lastSeen = r.getTimestamp(19).toInstant();
    Duration grace = Duration.ofSeconds(Math.max(3, 3L * r.getInt(17)));
    boolean forcedDown = r.getBoolean(22);
    boolean up = !r.getBoolean(18) && !lastSeen.plus(grace).isBefore(now) && !forcedDown;
    return new Host(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getString(6), r.getInt(7),
        r.getInt(8), r.getInt(9), r.getDouble(10), r.getDouble(11), r.getDouble(12), r.getInt(13), r.getInt(14), r.getInt(15),
        r.getInt(16), up, lastSeen, r.getBoolean(20), r.getString(21), forcedDown, r.getString(23),
        r.getTimestamp(24).toInstant());
  }
}
