package dev.skyledger.views.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;

/** Networks, subnets and ports as Neutron v2.0 writes them, optionally cut down to the requested {@code fields}. */
public final class NetworkJson {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private final ObjectMapper json;

  public NetworkJson(ObjectMapper json) {
    this.json = json;
  }

  public ObjectMapper mapper() {
    return json;
  }

  public ObjectNode network(NetworkCatalog.Network n, Collection<String> fields) {
    ObjectNode o = json.createObjectNode();
    o.put("id", n.id());
    o.put("name", n.name());
    o.put("tenant_id", n.projectId());
    o.put("project_id", n.projectId());
    o.put("admin_state_up", n.adminStateUp());
    o.put("status", "ACTIVE");
    ArrayNode subnets = o.putArray("subnets");
    n.subnets().forEach(subnets::add);
    o.put("shared", n.shared());
    o.put("router:external", n.external());
    o.put("mtu", n.mtu());
    o.put("description", n.description());
    o.put("port_security_enabled", true);
    o.putArray("availability_zone_hints");
    o.putArray("availability_zones").add("nova");
    o.putNull("ipv4_address_scope");
    o.putNull("ipv6_address_scope");
    o.put("l2_adjacency", true);
    if (n.external()) o.put("is_default", false);
    o.putArray("tags");
    times(o, n.createdAt(), n.updatedAt(), n.revision());
    return only(o, fields);
  }

  public ObjectNode subnet(NetworkCatalog.Subnet s, Collection<String> fields) {
    ObjectNode o = json.createObjectNode();
    o.put("id", s.id());
    o.put("name", s.name());
    o.put("tenant_id", s.projectId());
    o.put("project_id", s.projectId());
    o.put("network_id", s.networkId());
    o.put("ip_version", s.ipVersion());
    o.put("cidr", s.cidr());
    if (s.gatewayIp() == null) o.putNull("gateway_ip"); else o.put("gateway_ip", s.gatewayIp());
    ArrayNode pools = o.putArray("allocation_pools");
    s.allocationPools().forEach(p -> pools.addObject().put("start", p.start()).put("end", p.end()));
    o.put("enable_dhcp", s.enableDhcp());
    ArrayNode dns = o.putArray("dns_nameservers");
    s.dnsNameservers().forEach(dns::add);
    ArrayNode routes = o.putArray("host_routes");
    s.hostRoutes().forEach(r -> routes.addObject().put("destination", r.destination()).put("nexthop", r.nexthop()));
    if (s.ipv6AddressMode() == null) o.putNull("ipv6_address_mode"); else o.put("ipv6_address_mode", s.ipv6AddressMode());
    if (s.ipv6RaMode() == null) o.putNull("ipv6_ra_mode"); else o.put("ipv6_ra_mode", s.ipv6RaMode());
    o.put("description", s.description());
    o.putNull("subnetpool_id");
    o.putArray("service_types");
    o.putNull("segment_id");
    o.put("dns_publish_fixed_ip", false);
    o.putArray("tags");
    times(o, s.createdAt(), s.updatedAt(), s.revision());
    return only(o, fields);
  }

  public ObjectNode port(NetworkCatalog.Port p, Collection<String> fields) {
    ObjectNode o = json.createObjectNode();
    o.put("id", p.id());
    o.put("name", p.name());
    o.put("network_id", p.networkId());
    o.put("tenant_id", p.projectId());
    o.put("project_id", p.projectId());
    o.put("mac_address", p.macAddress());
    o.put("admin_state_up", p.adminStateUp());
    boolean bound = !p.hostId().isEmpty();
    o.put("status", bound && p.adminStateUp() ? "ACTIVE" : "DOWN");
    o.put("device_id", p.deviceId());
    o.put("device_owner", p.deviceOwner());
    ArrayNode ips = o.putArray("fixed_ips");
    p.fixedIps().forEach(ip -> ips.addObject().put("subnet_id", ip.subnetId()).put("ip_address", ip.ipAddress()));
    ArrayNode groups = o.putArray("security_groups");
    p.securityGroups().forEach(groups::add);
    o.put("port_security_enabled", p.portSecurityEnabled());
    o.put("binding:host_id", p.hostId());
    o.put("binding:vif_type", bound ? "bridge" : "unbound");
    o.put("binding:vnic_type", "normal");
    o.putObject("binding:profile");
    o.putObject("binding:vif_details");
    o.putArray("allowed_address_pairs");
    o.putArray("extra_dhcp_opts");
    o.put("description", p.description());
    o.put("dns_name", "");
    o.putArray("tags");
    times(o, p.createdAt(), p.updatedAt(), p.revision());
    return only(o, fields);
  }

  public ObjectNode securityGroup(NetworkCatalog.SecurityGroup g, Collection<String> fields) {
    ObjectNode o = json.createObjectNode();
    o.put("id", g.id());
    o.put("name", g.name());
    o.put("tenant_id", g.projectId());
    o.put("project_id", g.projectId());
    o.put("description", g.description());
    o.put("stateful", g.stateful());
    o.put("shared", false);
    ArrayNode rules = o.putArray("security_group_rules");
    g.rules().forEach(r -> rules.add(rule(r, null)));
    o.putArray("tags");
    times(o, g.createdAt(), g.updatedAt(), g.revision());
    return only(o, fields);
  }

  public ObjectNode rule(NetworkCatalog.Rule r, Collection<String> fields) {
    ObjectNode o = json.createObjectNode();
    o.put("id", r.id());
    o.put("security_group_id", r.securityGroupId());
    o.put("tenant_id", r.projectId());
    o.put("project_id", r.projectId());
    o.put("direction", r.direction());
    o.put("ethertype", r.ethertype());
    nullable(o, "protocol", r.protocol());
    if (r.portRangeMin() == null) o.putNull("port_range_min"); else o.put("port_range_min", r.portRangeMin());
    if (r.portRangeMax() == null) o.putNull("port_range_max"); else o.put("port_range_max", r.portRangeMax());
    nullable(o, "remote_ip_prefix", r.remoteIpPrefix());
    nullable(o, "remote_group_id", r.remoteGroupId());
    nullable(o, "remote_address_group_id", null);
    o.put("normalized_cidr", r.remoteIpPrefix());
    o.put("description", r.description());
    o.put("belongs_to_default_sg", false);
    times(o, r.createdAt(), r.updatedAt(), r.revision());
    return only(o, fields);
  }

  public ObjectNode router(NetworkCatalog.Router r, Collection<String> fields) {
    ObjectNode o = json.createObjectNode();
    o.put("id", r.id());
    o.put("name", r.name());
    o.put("tenant_id", r.projectId());
    o.put("project_id", r.projectId());
    o.put("admin_state_up", r.adminStateUp());
    o.put("status", "ACTIVE");
    o.put("description", r.description());
    if (r.externalNetworkId() == null) {
      o.putNull("external_gateway_info");
    } else {
      ObjectNode gw = o.putObject("external_gateway_info");
      gw.put("network_id", r.externalNetworkId());
      gw.put("enable_snat", r.enableSnat());
      ArrayNode ips = gw.putArray("external_fixed_ips");
      r.externalFixedIps().forEach(ip -> ips.addObject().put("subnet_id", ip.subnetId()).put("ip_address", ip.ipAddress()));
    }
    ArrayNode routes = o.putArray("routes");
    r.routes().forEach(rt -> routes.addObject().put("destination", rt.destination()).put("nexthop", rt.nexthop()));
    o.put("distributed", false);
    o.put("ha", false);
    o.putArray("availability_zone_hints");
    o.putArray("availability_zones").add("nova");
    o.putNull("flavor_id");
    o.putArray("tags");
    times(o, r.createdAt(), r.updatedAt(), r.revision());
    return only(o, fields);
  }

  public ObjectNode floatingIp(NetworkCatalog.FloatingIp f, Collection<String> fields) {
    ObjectNode o = json.createObjectNode();
    o.put("id", f.id());
    o.put("tenant_id", f.projectId());
    o.put("project_id", f.projectId());
    o.put("floating_network_id", f.floatingNetworkId());
    o.put("floating_ip_address", f.floatingIpAddress());
    nullable(o, "port_id", f.portId());
    nullable(o, "fixed_ip_address", f.fixedIpAddress());
    nullable(o, "router_id", f.routerId());
    o.put("status", f.portId() == null ? "DOWN" : "ACTIVE");
    o.put("description", f.description());
    o.putNull("qos_policy_id");
    o.putArray("port_forwardings");
    o.put("dns_domain", "");
    o.put("dns_name", "");
    o.putArray("tags");
    times(o, f.createdAt(), f.updatedAt(), f.revision());
    return only(o, fields);
  }

  private static void nullable(ObjectNode o, String field, String value) {
    if (value == null) o.putNull(field); else o.put(field, value);
  }

  /** A collection body: {@code {"<name>": [...], "<name>_links": [next]}}. */
  public ObjectNode collection(String name, List<ObjectNode> items, String nextHref) {
    ObjectNode root = json.createObjectNode();
    root.putArray(name).addAll(items);
    if (nextHref != null) root.putArray(name + "_links").addObject().put("rel", "next").put("href", nextHref);
    return root;
  }

  private static void times(ObjectNode o, Instant created, Instant updated, int revision) {
    o.put("created_at", TIME.format(created.truncatedTo(ChronoUnit.SECONDS)));
    o.put("updated_at", TIME.format(updated.truncatedTo(ChronoUnit.SECONDS)));
    o.put("revision_number", revision);
  }

  private static ObjectNode only(ObjectNode o, Collection<String> fields) {
    if (fields == null || fields.isEmpty()) return o;
    o.retain(fields);
    return o;
  }
}
