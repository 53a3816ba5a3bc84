package dev.skyledger.views.network;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.events.Topic;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.network.*;
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
import dev.skyledger.views.core.Projection;
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
      // a floating IP forwarded to a port that is gone forwards nowhere (as Neutron disassociates it)
      Projection.execute(c, "UPDATE floating_ips SET port_id = NULL, fixed_ip_address = NULL, router_id = NULL,"
          + " updated_at = ? WHERE port_id = ?", at, e.getPort().getPortId());
    } else if (event instanceof SecurityGroupCreated e) {
      SecurityGroup g = e.getGroup();
      Projection.execute(c, "INSERT INTO security_groups (id, project_id, name, description, stateful, created_at, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?)", g.getSecurityGroupId(), g.getProjectId(), g.getName(), g.getDescription(),
          g.getStateful(), at, at);
      for (SecurityGroupRule r : e.getRules()) insertRule(c, r, at);
    } else if (event instanceof SecurityGroupUpdated e) {
      SecurityGroup g = e.getGroup();
      Projection.execute(c, "UPDATE security_groups SET name = ?, description = ?, revision_number = revision_number + 1,"
          + " updated_at = ? WHERE id = ?", g.getName(), g.getDescription(), at, g.getSecurityGroupId());
    } else if (event instanceof SecurityGroupDeleted e) {
      Projection.execute(c, "DELETE FROM security_group_rules WHERE security_group_id = ?", e.getSecurityGroupId());
      Projection.execute(c, "DELETE FROM security_groups WHERE id = ?", e.getSecurityGroupId());
    } else if (event instanceof SecurityGroupRuleCreated e) {
      insertRule(c, e.getRule(), at);
      Projection.execute(c, "UPDATE security_groups SET revision_number = revision_number + 1, updated_at = ? WHERE id = ?",
          at, e.getRule().getSecurityGroupId());
    } else if (event instanceof SecurityGroupRuleDeleted e) {
      Projection.execute(c, "DELETE FROM security_group_rules WHERE id = ?", e.getRule().getRuleId());
      Projection.execute(c, "UPDATE security_groups SET revision_number = revision_number + 1, updated_at = ? WHERE id = ?",
          at, e.getRule().getSecurityGroupId());
    } else if (event instanceof RouterCreated e) {
      Router r = e.getRouter();
      Projection.execute(c, "INSERT INTO routers (id, project_id, name, description, admin_state_up, external_network_id,"
          + " gateway_port_id, external_fixed_ips, enable_snat, routes, created_at, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?)", r.getRouterId(), r.getProjectId(), r.getName(),
          r.getDescription(), r.getAdminStateUp(), r.getExternalNetworkId(), r.getGatewayPortId(),
          fixedIps(r.getExternalFixedIps()), r.getEnableSnat(), routes(r.getRoutes()), at, at);
    } else if (event instanceof RouterUpdated e) {
      Router r = e.getRouter();
      Projection.execute(c, "UPDATE routers SET name = ?, description = ?, admin_state_up = ?, external_network_id = ?,"
          + " gateway_port_id = ?, external_fixed_ips = ?::jsonb, enable_snat = ?, routes = ?::jsonb,"
          + " revision_number = revision_number + 1, updated_at = ? WHERE id = ?", r.getName(), r.getDescription(),
          r.getAdminStateUp(), r.getExternalNetworkId(), r.getGatewayPortId(), fixedIps(r.getExternalFixedIps()),
          r.getEnableSnat(), routes(r.getRoutes()), at, r.getRouterId());
    } else if (event instanceof RouterDeleted e) {
      Projection.execute(c, "DELETE FROM router_interfaces WHERE router_id = ?", e.getRouterId());
      Projection.execute(c, "DELETE FROM routers WHERE id = ?", e.getRouterId());
    } else if (event instanceof RouterInterfaceAdded e) {
      Projection.execute(c, "INSERT INTO router_interfaces (port_id, router_id, subnet_id, network_id) VALUES (?, ?, ?, ?)",
          e.getPortId(), e.getRouterId(), e.getSubnetId(), e.getNetworkId());
      Projection.execute(c, "UPDATE routers SET revision_number = revision_number + 1, updated_at = ? WHERE id = ?", at, e.getRouterId());
    } else if (event instanceof RouterInterfaceRemoved e) {
      Projection.execute(c, "DELETE FROM router_interfaces WHERE port_id = ?", e.getPortId());
      Projection.execute(c, "UPDATE routers SET revision_number = revision_number + 1, updated_at = ? WHERE id = ?", at, e.getRouterId());
    } else if (event instanceof FloatingIpCreated e) {
      FloatingIp f = e.getFloatingIp();
      Projection.execute(c, "INSERT INTO floating_ips (id, project_id, floating_network_id, floating_ip_address,"
          + " floating_port_id, port_id, fixed_ip_address, router_id, description, created_at, updated_at)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", f.getFloatingIpId(), f.getProjectId(), f.getFloatingNetworkId(),
          f.getFloatingIpAddress(), f.getFloatingPortId(), f.getPortId(), f.getFixedIpAddress(), f.getRouterId(),
          f.getDescription(), at, at);
    } else if (event instanceof FloatingIpUpdated e) {
      FloatingIp f = e.getFloatingIp();
      Projection.execute(c, "UPDATE floating_ips SET port_id = ?, fixed_ip_address = ?, router_id = ?, description = ?,"
          + " revision_number = revision_number + 1, updated_at = ? WHERE id = ?", f.getPortId(), f.getFixedIpAddress(),
          f.getRouterId(), f.getDescription(), at, f.getFloatingIpId());
    } else if (event instanceof FloatingIpDeleted e) {
      Projection.execute(c, "DELETE FROM floating_ips WHERE id = ?", e.getFloatingIp().getFloatingIpId());
    } else if (event instanceof NetworkQuotaSet e) {
      Projection.execute(c, "DELETE FROM network_quotas WHERE project_id = ?", e.getProjectId());
      for (var limit : e.getLimits().entrySet()) {
        Projection.execute(c, "INSERT INTO network_quotas (project_id, resource, limit_value) VALUES (?, ?, ?)",
            e.getProjectId(), limit.getKey(), limit.getValue());
      }
    }
  }

  private static void insertRule(Connection c, SecurityGroupRule r, Timestamp at) throws SQLException {
    Projection.execute(c, "INSERT INTO security_group_rules (id, security_group_id, project_id, direction, ethertype, protocol,"
        + " port_range_min, port_range_max, remote_ip_prefix, remote_group_id, description, created_at, updated_at)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", r.getRuleId(), r.getSecurityGroupId(), r.getProjectId(),
        r.getDirection(), r.getEthertype(), r.getProtocol(), r.getPortRangeMin(), r.getPortRangeMax(), r.getRemoteIpPrefix(),
        r.getRemoteGroupId(), r.getDescription(), at, at);
  }

  private String fixedIps(List<FixedIp> ips) {
    return write(ips.stream().map(ip -> Map.of("subnet_id", ip.getSubnetId(), "ip_address", ip.getIpAddress())).toList());
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
