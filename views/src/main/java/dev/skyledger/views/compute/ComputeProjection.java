package dev.skyledger.views.compute;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.events.Topic;
import dev.skyledger.events.Topics;
import dev.skyledger.events.compute.ComputeQuotaSet;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.FlavorAccessAdded;
import dev.skyledger.events.compute.FlavorAccessRemoved;
import dev.skyledger.events.compute.FlavorCreated;
import dev.skyledger.events.compute.FlavorDeleted;
import dev.skyledger.events.compute.FlavorUpdated;
import dev.skyledger.events.compute.InstanceActive;
import dev.skyledger.events.compute.InstanceDeleteRequested;
import dev.skyledger.events.compute.InstanceDeleted;
import dev.skyledger.events.compute.InstanceFailed;
import dev.skyledger.events.compute.InstanceNetworked;
import dev.skyledger.events.compute.InstancePowerActionDone;
import dev.skyledger.events.compute.InstancePowerActionFailed;
import dev.skyledger.events.compute.InstancePowerActionStarted;
import dev.skyledger.events.compute.InstanceRequested;
import dev.skyledger.events.compute.InstanceScheduled;
import dev.skyledger.events.compute.InstanceUpdated;
import dev.skyledger.events.compute.Keypair;
import dev.skyledger.events.compute.KeypairCreated;
import dev.skyledger.events.compute.KeypairDeleted;
import dev.skyledger.events.compute.ServerMetadataChanged;
import dev.skyledger.events.compute.ServerSpec;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.Port;
import dev.skyledger.views.core.Projection;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Projects compute events into the views Nova's read API serves. */
public final class ComputeProjection implements Projection {
  public static final String NAME = "compute";

  /**
   * A server's status, vm_state, task_state and power_state, from the facts its events recorded
   * (whatever order they were applied in), with Nova's names: deleted, failed, running or shut off
   * (a reboot shows as status REBOOT or HARD_REBOOT while it runs), or booting at the step its
   * facts show (no host yet: scheduling; fewer ports than networks asked for: networking; else
   * spawning). A delete requested shows as task_state deleting until the server is gone.
   */
  private static final String DERIVE_STATE = "UPDATE servers SET"
      + " status = CASE WHEN deleted_at IS NOT NULL THEN 'DELETED' WHEN fault IS NOT NULL OR reset_error THEN 'ERROR'"
      + " WHEN launched_at IS NULL THEN 'BUILD' WHEN power_action = 'reboot-soft' THEN 'REBOOT'"
      + " WHEN power_action = 'reboot-hard' THEN 'HARD_REBOOT' WHEN power_action = 'rebuild' THEN 'REBUILD'"
      + " WHEN stopped THEN 'SHUTOFF' ELSE 'ACTIVE' END,"
      + " vm_state = CASE WHEN deleted_at IS NOT NULL THEN 'deleted' WHEN fault IS NOT NULL OR reset_error THEN 'error'"
      + " WHEN launched_at IS NULL THEN 'building' WHEN stopped THEN 'stopped' ELSE 'active' END,"
      + " task_state = CASE WHEN deleted_at IS NOT NULL THEN NULL WHEN delete_requested_at IS NOT NULL THEN 'deleting'"
      + " WHEN fault IS NOT NULL OR reset_error THEN NULL"
      + " WHEN launched_at IS NOT NULL THEN CASE power_action WHEN 'reboot-soft' THEN 'rebooting'"
      + " WHEN 'reboot-hard' THEN 'rebooting_hard' WHEN 'stop' THEN 'powering-off' WHEN 'start' THEN 'powering-on' WHEN 'snapshot' THEN 'image_snapshot'"
      + " WHEN 'rebuild' THEN 'rebuilding' END"
      + " WHEN host IS NULL THEN 'scheduling'"
      + " WHEN (SELECT count(*) FROM server_ports p WHERE p.server_id = servers.id) < COALESCE(requested_networks, 0)"
      + " THEN 'networking' ELSE 'spawning' END,"
      // Nova's power states: 0 no state, 1 running, 4 shut down
      + " power_state = CASE WHEN deleted_at IS NOT NULL OR fault IS NOT NULL OR launched_at IS NULL THEN 0"
      + " WHEN stopped THEN 4 ELSE 1 END"
      + " WHERE id = ?";

  private final ObjectMapper json;

  public ComputeProjection(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Topic<String, Envelope>> topics() {
    return List.of(Topics.COMPUTE_EVENTS);
  }

  @Override
  public String migrations() {
    return "classpath:db/compute";
  }

  @Override
  public void apply(Connection c, ConsumerRecord<String, Envelope> record, SpecificRecord event) throws SQLException {
    Timestamp at = Timestamp.from(record.value().getTime());
    if (event instanceof FlavorCreated e) {
      Flavor f = e.getFlavor();
      Projection.execute(c, "INSERT INTO flavors (id, name, vcpus, ram_mb, disk_gb, ephemeral_gb, swap_mb, rxtx_factor, is_public,"
          + " description, extra_specs, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)",
          f.getFlavorId(), f.getName(), f.getVcpus(), f.getRamMb(), f.getDiskGb(), f.getEphemeralGb(), f.getSwapMb(),
          f.getRxtxFactor(), f.getIsPublic(), f.getDescription(), write(f.getExtraSpecs()), at, at);
    } else if (event instanceof FlavorUpdated e) {
      Flavor f = e.getFlavor();
      Projection.execute(c, "UPDATE flavors SET description = ?, extra_specs = ?::jsonb, updated_at = ? WHERE id = ?",
          f.getDescription(), write(f.getExtraSpecs()), at, f.getFlavorId());
    } else if (event instanceof FlavorDeleted e) {
      Projection.execute(c, "DELETE FROM flavor_access WHERE flavor_id = ?", e.getFlavorId());
      Projection.execute(c, "DELETE FROM flavors WHERE id = ?", e.getFlavorId());
    } else if (event instanceof FlavorAccessAdded e) {
      Projection.execute(c, "INSERT INTO flavor_access (flavor_id, project_id) VALUES (?, ?)", e.getFlavorId(), e.getProjectId());
    } else if (event instanceof FlavorAccessRemoved e) {
      Projection.execute(c, "DELETE FROM flavor_access WHERE flavor_id = ? AND project_id = ?", e.getFlavorId(), e.getProjectId());
    } else if (event instanceof KeypairCreated e) {
      Keypair k = e.getKeypair();
      Projection.execute(c, "INSERT INTO keypairs (user_id, name, public_key, fingerprint, type, created_at) VALUES (?, ?, ?, ?, ?, ?)",
          k.getUserId(), k.getName(), k.getPublicKey(), k.getFingerprint(), k.getType(), at);
    } else if (event instanceof KeypairDeleted e) {
      Projection.execute(c, "DELETE FROM keypairs WHERE user_id = ? AND name = ?", e.getKeypair().getUserId(), e.getKeypair().getName());
    } else if (event instanceof dev.skyledger.events.compute.ComputeServiceStatusChanged e) {
      Projection.execute(c, "INSERT INTO compute_services (host_id, enabled, disabled_reason, updated_at) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (host_id) DO UPDATE SET enabled = EXCLUDED.enabled, disabled_reason = EXCLUDED.disabled_reason,"
          + " updated_at = EXCLUDED.updated_at", e.getHostId(), e.getEnabled(), e.getDisabledReason(), at);
    } else if (event instanceof dev.skyledger.events.compute.ComputeServiceForcedDownChanged e) {
      Projection.execute(c, "INSERT INTO compute_services (host_id, enabled, forced_down, updated_at) VALUES (?, true, ?, ?)"
          + " ON CONFLICT (host_id) DO UPDATE SET forced_down = EXCLUDED.forced_down, updated_at = EXCLUDED.updated_at",
          e.getHostId(), e.getForcedDown(), at);
    } else if (event instanceof ComputeQuotaSet e) {
      Projection.execute(c, "DELETE FROM compute_quotas WHERE project_id = ?", e.getProjectId());
      for (var limit : e.getLimits().entrySet()) {
        Projection.execute(c, "INSERT INTO compute_quotas (project_id, resource, limit_value) VALUES (?, ?, ?)",
            e.getProjectId(), limit.getKey(), limit.getValue());
      }
    } else if (event instanceof dev.skyledger.events.compute.QuotaReserved e) {
      addQuotaUsage(c, e.getProjectId(), e.getInstances(), e.getCores(), e.getRamMb());
    } else if (event instanceof dev.skyledger.events.compute.QuotaReleased e) {
      addQuotaUsage(c, e.getProjectId(), -e.getInstances(), -e.getCores(), -e.getRamMb());
    } else if (event instanceof dev.skyledger.events.compute.ServerGroupCreated e) {
      var g = e.getGroup();
      Projection.execute(c, "INSERT INTO server_groups (id, project_id, user_id, name, policy, created_at)"
          + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING", g.getGroupId(), g.getProjectId(), g.getUserId(),
          g.getName(), g.getPolicy(), at);
    } else if (event instanceof dev.skyledger.events.compute.ServerGroupDeleted e) {
      Projection.execute(c, "UPDATE server_groups SET deleted_at = ? WHERE id = ?", at, e.getGroupId());
    } else if (event instanceof dev.skyledger.events.compute.AggregateCreated e) {
      var a = e.getAggregate();
      Projection.execute(c, "INSERT INTO aggregates (id, uuid, name, availability_zone, metadata, created_at)"
          + " VALUES (?, ?, ?, ?, ?::jsonb, ?) ON CONFLICT (id) DO NOTHING", a.getAggregateId(), a.getUuid(), a.getName(),
          a.getAvailabilityZone(), write(a.getMetadata()), at);
      aggregateHosts(c, a);
    } else if (event instanceof dev.skyledger.events.compute.AggregateUpdated e) {
      var a = e.getAggregate();
      Projection.execute(c, "UPDATE aggregates SET name = ?, availability_zone = ?, metadata = ?::jsonb, updated_at = ?"
          + " WHERE id = ?", a.getName(), a.getAvailabilityZone(), write(a.getMetadata()), at, a.getAggregateId());
      aggregateHosts(c, a);
    } else if (event instanceof dev.skyledger.events.compute.AggregateDeleted e) {
      Projection.execute(c, "DELETE FROM aggregates WHERE id = ?", e.getAggregate().getAggregateId());
    } else {
      applyServer(c, event, at);
    }
  }

  /** An aggregate's hosts are exactly those of its latest event, in the order they were added. */
  private static void aggregateHosts(Connection c, dev.skyledger.events.compute.Aggregate a) throws SQLException {
    Projection.execute(c, "DELETE FROM aggregate_hosts WHERE aggregate_id = ?", a.getAggregateId());
    int position = 0;
    for (String host : a.getHosts()) {
      Projection.execute(c, "INSERT INTO aggregate_hosts (aggregate_id, host_id, position) SELECT ?, ?, ?"
          + " WHERE EXISTS (SELECT 1 FROM aggregates WHERE id = ?)", a.getAggregateId(), host, position++, a.getAggregateId());
    }
  }

  /** The server views: {@code servers} and {@code server_ports} (see V4__servers.sql for why rows are upserted). */
  private void applyServer(Connection c, SpecificRecord event, Timestamp at) throws SQLException {
    String id;
    if (event instanceof InstanceRequested e) {
      ServerSpec s = e.getServer();
      id = s.getInstanceId();
      Projection.execute(c, "INSERT INTO servers (id, project_id, user_id, name, hostname, status, vm_state, power_state,"
          + " flavor_id, flavor, image_id, image_name, key_name, availability_zone, security_groups, metadata, user_data,"
          + " requested_networks, created_at, updated_at, reservation_id, launch_index, access_ipv4, access_ipv6)"
          + " VALUES (?, ?, ?, ?, ?, 'BUILD', 'building', 0, ?, ?::jsonb, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?,"
          + " ?, ?)"
          + " ON CONFLICT (id) DO UPDATE SET user_id = EXCLUDED.user_id, name = EXCLUDED.name, hostname = EXCLUDED.hostname,"
          + " flavor_id = EXCLUDED.flavor_id, flavor = EXCLUDED.flavor, image_id = EXCLUDED.image_id,"
          + " image_name = EXCLUDED.image_name, key_name = EXCLUDED.key_name,"
          // the zone the server was scheduled to, when that was applied first, wins over the one asked for
          + " availability_zone = COALESCE(servers.availability_zone, EXCLUDED.availability_zone),"
          + " security_groups = EXCLUDED.security_groups, metadata = EXCLUDED.metadata, user_data = EXCLUDED.user_data,"
          + " requested_networks = EXCLUDED.requested_networks, created_at = EXCLUDED.created_at,"
          + " reservation_id = EXCLUDED.reservation_id, launch_index = EXCLUDED.launch_index,"
          + " access_ipv4 = EXCLUDED.access_ipv4, access_ipv6 = EXCLUDED.access_ipv6,"
          + " updated_at = GREATEST(servers.updated_at, EXCLUDED.updated_at)",
          id, s.getProjectId(), s.getUserId(), s.getName(), s.getHostname(), s.getFlavor().getFlavorId(),
          write(flavor(s.getFlavor())), s.getImageId(), s.getImageName(), s.getKeyName(), s.getAvailabilityZone(),
          write(s.getSecurityGroups()), write(s.getMetadata()), s.getUserData(), s.getNetworks().size(), at, at,
          s.getReservationId(), s.getLaunchIndex(), s.getAccessIpv4(), s.getAccessIpv6());
      if (s.getServerGroupId() != null) {
        Projection.execute(c, "UPDATE servers SET server_group_id = ? WHERE id = ?", s.getServerGroupId(), id);
      }
      // a server requested before the disk config was recorded has none: MANUAL, Nova's default
      Projection.execute(c, "UPDATE servers SET disk_config = ? WHERE id = ?", s.getDiskConfig(), id);
    } else if (event instanceof InstanceScheduled e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET host = ?, availability_zone = ? WHERE id = ?", e.getHostId(),
          e.getAvailabilityZone(), id);
    } else if (event instanceof InstanceNetworked e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Port p = e.getPort();
      Projection.execute(c, "INSERT INTO server_ports (server_id, port_id, network_id, mac, fixed_ips, position)"
          + " VALUES (?, ?, ?, ?, ?::jsonb, (SELECT count(*) FROM server_ports WHERE server_id = ?))"
          + " ON CONFLICT (server_id, port_id) DO NOTHING", id, p.getPortId(), p.getNetworkId(), p.getMacAddress(),
          write(fixedIps(p.getFixedIps())), id);
    } else if (event instanceof InstanceActive e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET launched_at = ?, host = ? WHERE id = ?", at, e.getHostId(), id);
    } else if (event instanceof InstanceFailed e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Map<String, Object> fault = new LinkedHashMap<>();
      fault.put("code", e.getCode());
      fault.put("message", e.getMessage());
      fault.put("details", e.getDetails());
      fault.put("step", e.getStep());
      fault.put("created", at.toInstant().toString());
      Projection.execute(c, "UPDATE servers SET fault = ?::jsonb WHERE id = ?", write(fault), id);
      // the boot saga deleted the ports it had allocated
      Projection.execute(c, "DELETE FROM server_ports WHERE server_id = ?", id);
    } else if (event instanceof InstancePowerActionStarted e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET power_action = ? WHERE id = ?", e.getAction(), id);
    } else if (event instanceof InstancePowerActionDone e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET power_action = NULL, stopped = ? WHERE id = ?", !e.getRunning(), id);
    } else if (event instanceof InstancePowerActionFailed e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET power_action = NULL WHERE id = ?", id);
    } else if (event instanceof dev.skyledger.events.compute.InstanceSnapshotStarted e) {
      // a snapshot runs like a power action: one at a time, shown as task_state image_snapshot
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET power_action = 'snapshot' WHERE id = ?", id);
    } else if (event instanceof dev.skyledger.events.compute.InstanceSnapshotDone e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET power_action = NULL WHERE id = ?", id);
    } else if (event instanceof dev.skyledger.events.compute.InstanceSnapshotFailed e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET power_action = NULL WHERE id = ?", id);
    } else if (event instanceof dev.skyledger.events.compute.InstanceStateReset e) {
      // the action it was busy with is over; reset to active, it is shown running (Nova's vm_state active)
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      boolean error = e.getState().equals("error");
      // reset to active, a failed rebuild's fault is over too (the saga keeps such a server's host)
      Projection.execute(c, "UPDATE servers SET reset_error = ?, power_action = NULL,"
          + " stopped = CASE WHEN ? THEN stopped ELSE false END, fault = CASE WHEN ? THEN fault ELSE NULL END WHERE id = ?",
          error, error, error, id);
    } else if (event instanceof dev.skyledger.events.compute.InstanceRebuildStarted e) {
      // shown with the new image at once, as Nova answers the rebuild
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET power_action = 'rebuild', image_id = ?, image_name = ? WHERE id = ?",
          e.getImageId(), e.getImageName(), id);
    } else if (event instanceof dev.skyledger.events.compute.InstanceRebuilt e) {
      // running again from the image, whatever state it was rebuilt from (an ERROR is over)
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET power_action = NULL, stopped = false, reset_error = false, fault = NULL"
          + " WHERE id = ?", id);
    } else if (event instanceof dev.skyledger.events.compute.InstanceRebuildFailed e) {
      // in ERROR with the reason; it keeps its ports (the saga still holds them)
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Map<String, Object> fault = new LinkedHashMap<>();
      fault.put("code", 500);
      fault.put("message", e.getMessage());
      fault.put("details", "");
      fault.put("step", "rebuilding");
      fault.put("created", at.toInstant().toString());
      Projection.execute(c, "UPDATE servers SET power_action = NULL, fault = ?::jsonb WHERE id = ?", write(fault), id);
    } else if (event instanceof dev.skyledger.events.compute.InstanceLocked e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET locked_by = ? WHERE id = ?", e.getLockedBy(), id);
    } else if (event instanceof dev.skyledger.events.compute.InstanceUnlocked e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET locked_by = NULL WHERE id = ?", id);
    } else if (event instanceof InstanceDeleteRequested e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET delete_requested_at = ? WHERE id = ?", at, id);
    } else if (event instanceof InstanceDeleted e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET deleted_at = ?, host = COALESCE(?, host) WHERE id = ?", at, e.getHostId(), id);
      Projection.execute(c, "DELETE FROM server_ports WHERE server_id = ?", id);
    } else if (event instanceof InstanceUpdated e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET name = COALESCE(?, name), access_ipv4 = COALESCE(?, access_ipv4),"
          + " access_ipv6 = COALESCE(?, access_ipv6), disk_config = COALESCE(?, disk_config) WHERE id = ?", e.getName(),
          e.getAccessIpv4(), e.getAccessIpv6(), e.getDiskConfig(), id);
    } else if (event instanceof ServerMetadataChanged e) {
      id = touch(c, e.getInstanceId(), e.getProjectId(), at);
      Projection.execute(c, "UPDATE servers SET metadata = ?::jsonb WHERE id = ?", write(e.getMetadata()), id);
    } else {
      return;
    }
    Projection.execute(c, DERIVE_STATE, id);
  }

  /** What the project holds of its quota, moved by a reservation (positive) or a release (negative): see V5. */
  private static void addQuotaUsage(Connection c, String projectId, int instances, int cores, int ramMb) throws SQLException {
    Projection.execute(c, "INSERT INTO compute_quota_usage (project_id, instances, cores, ram_mb) VALUES (?, ?, ?, ?)"
        + " ON CONFLICT (project_id) DO UPDATE SET instances = compute_quota_usage.instances + EXCLUDED.instances,"
        + " cores = compute_quota_usage.cores + EXCLUDED.cores, ram_mb = compute_quota_usage.ram_mb + EXCLUDED.ram_mb",
        projectId, instances, cores, ramMb);
  }

  /** Makes sure the server's row exists (its InstanceRequested may come later in a replay) and is updated at {@code at}. */
  private static String touch(Connection c, String id, String projectId, Timestamp at) throws SQLException {
    Projection.execute(c, "INSERT INTO servers (id, project_id, status, vm_state, power_state, updated_at)"
        + " VALUES (?, ?, 'BUILD', 'building', 0, ?)"
        + " ON CONFLICT (id) DO UPDATE SET updated_at = GREATEST(servers.updated_at, EXCLUDED.updated_at)", id, projectId, at);
    return id;
  }

  private static Map<String, Object> flavor(Flavor f) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", f.getFlavorId());
    out.put("name", f.getName());
    out.put("vcpus", f.getVcpus());
    out.put("ram_mb", f.getRamMb());
    out.put("disk_gb", f.getDiskGb());
    out.put("ephemeral_gb", f.getEphemeralGb());
    out.put("swap_mb", f.getSwapMb());
    out.put("rxtx_factor", f.getRxtxFactor());
    out.put("extra_specs", f.getExtraSpecs());
    return out;
  }

  private static List<Map<String, String>> fixedIps(List<FixedIp> ips) {
    return ips.stream().map(ip -> {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("subnet_id", ip.getSubnetId());
      m.put("ip_address", ip.getIpAddress());
      return m;
    }).toList();
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
