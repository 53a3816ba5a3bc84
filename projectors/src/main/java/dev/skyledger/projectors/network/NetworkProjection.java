package dev.skyledger.projectors.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.events.Topic;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.network.AllocationPool;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.HostRoute;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.NetworkCreated;
import dev.skyledger.events.network.NetworkDeleted;
import dev.skyledger.events.network.NetworkUpdated;
import dev.skyledger.events.network.Port;
import dev.skyledger.events.network.PortCreated;
import dev.skyledger.events.network.PortDeleted;
import dev.skyledger.events.network.PortUpdated;
import dev.skyledger.events.network.Subnet;
import dev.skyledger.events.network.SubnetCreated;
import dev.skyledger.events.network.SubnetDeleted;
import dev.skyledger.events.network.SubnetUpdated;
import dev.skyledger.projectors.core.Projection;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Projects network events into the views Neutron's read API serves. */
public final class NetworkProjection implements Projection {
  public static final String NAME = "network";

  private final ObjectMapper json;

  public NetworkProjection(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Topic<String, Envelope>> topics() {
    return List.of(Topics.NETWORK_EVENTS);
  }

  @Override
  public String migrations() {
    return "classpath:db/network";
  }

  @Override
  public void apply(Connection c, ConsumerRecord<String, Envelope> record, SpecificRecord event) throws SQLException {
    Timestamp at = Timestamp.from(record.value().getTime());
    if (event instanceof NetworkCreated e) {
      Network n = e.getNetwork();
      Projection.execute(c, "INSERT INTO networks (id, project_id, name, description, admin_state_up, shared, external, mtu,"
          + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", n.getNetworkId(), n.getProjectId(), n.getName(),
          n.getDescription(), n.getAdminStateUp(), n.getShared(), n.getExternal(), n.getMtu(), at, at);
    } else if (event instanceof NetworkUpdated e) {
      Network n = e.getNetwork();
      Projection.execute(c, "UPDATE networks SET name = ?, description = ?, admin_state_up = ?, shared = ?, external = ?,"
          + " mtu = ?, revision_number = revision_number + 1, updated_at = ? WHERE id = ?", n.getName(), n.getDescription(),
          n.getAdminStateUp(), n.getShared(), n.getExternal(), n.getMtu(), at, n.getNetworkId());
    } else if (event instanceof NetworkDeleted e) {
      Projection.execute(c, "DELETE FROM networks WHERE id = ?", e.getNetworkId());
    } else if (event instanceof SubnetCreated e) {
      Subnet s = e.getSubnet();
      Projection.execute(c, "INSERT INTO subnets (id, network_id, project_id, name, description, ip_version, cidr, gateway_ip,"
          + " allocation_pools, enable_dhcp, dns_nameservers, host_routes, ipv6_address_mode, ipv6_ra_mode, created_at,"
          + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?, ?, ?, ?)", s.getSubnetId(),
          s.getNetworkId(), s.getProjectId(), s.getName(), s.getDescription(), s.getIpVersion(), s.getCidr(),
          s.getGatewayIp(), pools(s.getAllocationPools()), s.getEnableDhcp(),
          c.createArrayOf("text", s.getDnsNameservers().toArray()), routes(s.getHostRoutes()), s.getIpv6AddressMode(),
          s.getIpv6RaMode(), at, at);
    } else if (event instanceof SubnetUpdated e) {
      Subnet s = e.getSubnet();
      Projection.execute(c, "UPDATE subnets SET name = ?, description = ?, gateway_ip = ?, allocation_pools = ?::jsonb,"
          + " enable_dhcp = ?, dns_nameservers = ?, host_routes = ?::jsonb, revision_number = revision_number + 1,"
          + " updated_at = ? WHERE id = ?", s.getName(), s.getDescription(), s.getGatewayIp(), pools(s.getAllocationPools()),
          s.getEnableDhcp(), c.createArrayOf("text", s.getDnsNameservers().toArray()), routes(s.getHostRoutes()), at,
          s.getSubnetId());
    } else if (event instanceof SubnetDeleted e) {
      Projection.execute(c, "DELETE FROM subnets WHERE id = ?", e.getSubnetId());
    } else if (event instanceof PortCreated e) {
      Port p = e.getPort();
      Projection.execute(c, "INSERT INTO ports (id, network_id, project_id, name, description, mac_address, device_id,"
          + " device_owner, security_groups, host_id, admin_state_up, port_security_enabled, created_at, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", p.getPortId(), p.getNetworkId(), p.getProjectId(),
          p.getName(), p.getDescription(), p.getMacAddress(), p.getDeviceId(), p.getDeviceOwner(),
          c.createArrayOf("text", p.getSecurityGroups().toArray()), p.getHostId(), p.getAdminStateUp(),
          p.getPortSecurityEnabled(), at, at);
      insertIps(c, p);
    } else if (event instanceof PortUpdated e) {
      Port p = e.getPort();
      Projection.execute(c, "UPDATE ports SET name = ?, description = ?, mac_address = ?, device_id = ?, device_owner = ?,"
          + " security_groups = ?, host_id = ?, admin_state_up = ?, port_security_enabled = ?,"
          + " revision_number = revision_number + 1, updated_at = ? WHERE id = ?", p.getName(), p.getDescription(),
          p.getMacAddress(), p.getDeviceId(), p.getDeviceOwner(), c.createArrayOf("text", p.getSecurityGroups().toArray()),
          p.getHostId(), p.getAdminStateUp(), p.getPortSecurityEnabled(), at, p.getPortId());
      Projection.execute(c, "DELETE FROM port_ips WHERE port_id = ?", p.getPortId());
      insertIps(c, p);
    } else if (event instanceof PortDeleted e) {
      Projection.execute(c, "DELETE FROM port_ips WHERE port_id = ?", e.getPort().getPortId());
      Projection.execute(c, "DELETE FROM ports WHERE id = ?", e.getPort().getPortId());
    }
  }

  private static void insertIps(Connection c, Port p) throws SQLException {
    int position = 0;
    for (FixedIp ip : p.getFixedIps()) {
      Projection.execute(c, "INSERT INTO port_ips (subnet_id, ip_address, port_id, network_id, position) VALUES (?, ?, ?, ?, ?)",
          ip.getSubnetId(), ip.getIpAddress(), p.getPortId(), p.getNetworkId(), position++);
    }
  }

  private String pools(List<AllocationPool> pools) {
    return write(pools.stream().map(p -> Map.of("start", p.getStart(), "end", p.getEnd())).toList());
  }

  private String routes(List<HostRoute> routes) {
    return write(routes.stream().map(r -> Map.of("destination", r.getDestination(), "nexthop", r.getNexthop())).toList());
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
