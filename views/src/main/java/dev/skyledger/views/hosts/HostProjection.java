package dev.skyledger.views.hosts;

import dev.skyledger.events.Topic;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.host.HostHeartbeat;
import dev.skyledger.events.host.HostRegistered;
import dev.skyledger.events.host.HostStopped;
import dev.skyledger.views.core.Projection;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Projects what host agents report into the view os-services and os-hypervisors read. */
public final class HostProjection implements Projection {
  public static final String NAME = "hosts";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Topic<String, Envelope>> topics() {
    return List.of(Topics.HOST_EVENTS);
  }

  @Override
  public String migrations() {
    return "classpath:db/hosts";
  }

  @Override
  public void apply(Connection c, ConsumerRecord<String, Envelope> record, SpecificRecord event) throws SQLException {
    Timestamp at = Timestamp.from(record.value().getTime());
    if (event instanceof HostRegistered e) {
      Projection.execute(c, "INSERT INTO compute_hosts (host_id, hypervisor_type, hypervisor_version, availability_zone, host_ip,"
          + " vcpus, memory_mb, local_gb, cpu_allocation_ratio, ram_allocation_ratio, disk_allocation_ratio, heartbeat_seconds,"
          + " stopped, registered_at, last_seen_at, console_url) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false, ?, ?, ?)"
          + " ON CONFLICT (host_id) DO UPDATE SET hypervisor_type = EXCLUDED.hypervisor_type,"
          + " hypervisor_version = EXCLUDED.hypervisor_version, availability_zone = EXCLUDED.availability_zone,"
          + " host_ip = EXCLUDED.host_ip, vcpus = EXCLUDED.vcpus, memory_mb = EXCLUDED.memory_mb,"
          + " local_gb = EXCLUDED.local_gb, cpu_allocation_ratio = EXCLUDED.cpu_allocation_ratio,"
          + " ram_allocation_ratio = EXCLUDED.ram_allocation_ratio, disk_allocation_ratio = EXCLUDED.disk_allocation_ratio,"
          + " heartbeat_seconds = EXCLUDED.heartbeat_seconds, stopped = false, last_seen_at = EXCLUDED.last_seen_at,"
          + " console_url = EXCLUDED.console_url",
          e.getHostId(), e.getHypervisorType(), e.getHypervisorVersion(), e.getAvailabilityZone(), e.getHostIp(),
          e.getVcpus(), e.getMemoryMb(), e.getLocalGb(), e.getCpuAllocationRatio(), e.getRamAllocationRatio(),
          e.getDiskAllocationRatio(), e.getHeartbeatSeconds(), at, at, e.getConsoleUrl());
    } else if (event instanceof HostHeartbeat e) {
      Projection.execute(c, "UPDATE compute_hosts SET vcpus_used = ?, memory_mb_used = ?, local_gb_used = ?, running_vms = ?,"
          + " heartbeat_seconds = ?, stopped = false, last_seen_at = GREATEST(last_seen_at, ?) WHERE host_id = ?",
          e.getVcpusUsed(), e.getMemoryMbUsed(), e.getLocalGbUsed(), e.getRunningVms(), e.getIntervalSeconds(), at,
          e.getHostId());
    } else if (event instanceof HostStopped e) {
      Projection.execute(c, "UPDATE compute_hosts SET stopped = true, last_seen_at = GREATEST(last_seen_at, ?) WHERE host_id = ?",
          at, e.getHostId());
    }
  }
}
