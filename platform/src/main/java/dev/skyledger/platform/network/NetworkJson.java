package dev.skyledger.platform.network;

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
