package dev.skyledger.commandapi.network;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.commandapi.network.NeutronCreations.Creation;
import dev.skyledger.events.network.AllocationPool;
import dev.skyledger.events.network.CreateNetwork;
import dev.skyledger.events.network.CreatePort;
import dev.skyledger.events.network.CreateSubnet;
import dev.skyledger.events.network.DeleteNetwork;
import dev.skyledger.events.network.DeletePort;
import dev.skyledger.events.network.DeleteSubnet;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.HostRoute;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.Subnet;
import dev.skyledger.events.network.UpdateNetwork;
import dev.skyledger.events.network.UpdatePort;
import dev.skyledger.events.network.UpdateSubnet;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.command.CommandSender;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.network.Cidr;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.views.network.NetworkCatalog;
import dev.skyledger.views.network.NetworkJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.ToIntFunction;

/**
 * The network (Neutron v2.0) write routes for networks, subnets and ports. Commands are keyed by
 * network id, so every address and MAC of a network is decided in order; the answer is read back
 * from the views (read-your-writes).
 */
public final class NetworkWriteRoutes {
  private static final String V2 = "/network/v2.0";
  private static final Set<String> NETWORK_FIELDS = Set.of("name", "admin_state_up", "shared", "router:external", "mtu",
      "description", "project_id", "tenant_id", "port_security_enabled", "availability_zone_hints", "dns_domain",
      "qos_policy_id", "is_default", "provider:network_type", "provider:physical_network", "provider:segmentation_id",
      "tags");
  private static final Set<String> SUBNET_FIELDS = Set.of("name", "network_id", "ip_version", "cidr", "gateway_ip",
      "allocation_pools", "enable_dhcp", "dns_nameservers", "host_routes", "ipv6_address_mode", "ipv6_ra_mode",
      "description", "project_id", "tenant_id", "subnetpool_id", "use_default_subnetpool", "prefixlen", "service_types",
      "segment_id", "dns_publish_fixed_ip", "tags");
  private static final Set<String> PORT_FIELDS = Set.of("name", "network_id", "fixed_ips", "mac_address", "device_id",
      "device_owner", "security_groups", "binding:host_id", "admin_state_up", "port_security_enabled", "description",
      "project_id", "tenant_id", "binding:vnic_type", "binding:profile", "allowed_address_pairs", "extra_dhcp_opts",
      "dns_name", "qos_policy_id", "propagate_uplink_status", "tags");

  /** Ports the router and floating IP services own: removed with their router interface or floating IP only. */
  static final Set<String> SERVICE_OWNERS = Set.of("network:router_interface", "network:router_gateway", "network:floatingip");

  private final NetworkJson render;
  private final NeutronWrites writes;
  private final NeutronCreations creations;

  public NetworkWriteRoutes(Authenticator auth, CommandSender sender, NetworkCatalog catalog, NetworkJson render) {
    this.render = render;
    this.writes = new NeutronWrites(auth, sender, catalog, render);
    this.creations = new NeutronCreations(writes);
  }

  public void routes(JavalinConfig config) {
    new SecurityGroupWriteRoutes(writes).routes(config);
    new RouterWriteRoutes(writes).routes(config);
    new FloatingIpWriteRoutes(writes).routes(config);
    var r = config.routes;
    r.post(V2 + "/networks", this::createNetwork);
    r.put(V2 + "/networks/{id}", this::updateNetwork);
    r.delete(V2 + "/networks/{id}", this::deleteNetwork);
    r.post(V2 + "/subnets", this::createSubnet);
    r.put(V2 + "/subnets/{id}", this::updateSubnet);
    r.delete(V2 + "/subnets/{id}", this::deleteSubnet);
    r.post(V2 + "/ports", this::createPort);
    r.put(V2 + "/ports/{id}", this::updatePort);
    r.delete(V2 + "/ports/{id}", this::deletePort);
  }

  // ---- networks ---------------------------------------------------------------------------------

  private void createNetwork(Context ctx) {
    creations.create(ctx, "network", NETWORK_FIELDS, this::network, (caller, id) -> render.network(writes.network(caller, id), null));
  }

  private Creation network(Context ctx, TokenClaims caller, NeutronBody body, ToIntFunction<String> adding) {
    int mtu = mtu(body, 1500);
    String id = UUID.randomUUID().toString();
    String project = NeutronWrites.owner(body, caller);
    writes.checkQuota(project, "network", adding.applyAsInt(project));
    Network network = new Network(id, project, body.string("name", "", 255), body.string("description", "", 255),
        body.bool("admin_state_up", true), body.bool("shared", false), body.bool("router:external", false), mtu);
    return new Creation(id, id, project, new CreateNetwork(network), new DeleteNetwork(id));
  }

  private static int mtu(NeutronBody body, int otherwise) {
    int mtu = body.integer("mtu", otherwise);
    if (mtu < 68 || mtu > 9000) throw NeutronBody.invalid("mtu", "'" + mtu + "' is not in range 68 through 9000.");
    return mtu;
  }

  private void updateNetwork(Context ctx) {
    TokenClaims caller = writes.caller(ctx);
    NetworkCatalog.Network n = writes.network(caller, ctx.pathParam("id"));
    NeutronBody body = NeutronBody.of(ctx, render.mapper(), "network", NETWORK_FIELDS);
    Integer mtu = body.has("mtu") ? mtu(body, 1500) : null;
    writes.send(ctx, caller, n.id(), new UpdateNetwork(n.id(), body.string("name", null, 255), body.string("description", null, 255),
        body.bool("admin_state_up", null), body.bool("shared", null), body.bool("router:external", null), mtu), n.id(), n.projectId());
    writes.answer(ctx, 200, "network", render.network(writes.network(caller, n.id()), null));
  }

  private void deleteNetwork(Context ctx) {
    TokenClaims caller = writes.caller(ctx);
    NetworkCatalog.Network n = writes.network(caller, ctx.pathParam("id"));
    writes.send(ctx, caller, n.id(), new DeleteNetwork(n.id()), n.id(), n.projectId());
    ctx.status(204);
  }

  // ---- subnets ----------------------------------------------------------------------------------

  private void createSubnet(Context ctx) {
    creations.create(ctx, "subnet", SUBNET_FIELDS, this::subnet, (caller, id) -> render.subnet(writes.subnet(caller, id), null));
  }

  private Creation subnet(Context ctx, TokenClaims caller, NeutronBody body, ToIntFunction<String> adding) {
    String networkId = body.requiredString("network_id");
    if (body.has("subnetpool_id") && !body.isNull("subnetpool_id")) {
      throw ApiException.badRequest("Subnet pools are not supported: give the subnet a cidr.");
    }
    String cidrText = body.requiredString("cidr");
    Cidr cidr = Cidr.parse(cidrText).orElseThrow(() -> {
      int slash = cidrText.indexOf('/');
      var ip = slash > 0 ? Ip.parse(cidrText.substring(0, slash)) : java.util.Optional.<Ip>empty();
      try {
        int prefix = Integer.parseInt(cidrText.substring(slash + 1));
        if (ip.isPresent() && prefix >= 0 && prefix <= Ip.bits(ip.get().version())) {
          return NeutronBody.invalid("cidr", "'" + cidrText + "' isn't a recommended CIDR, should be '"
              + Cidr.containing(ip.get(), prefix) + "'.");
        }
      } catch (RuntimeException ignored) {
        // not even a prefix: the message below
      }
      return NeutronBody.invalid("cidr", "'" + cidrText + "' is not a valid IP subnet.");
    });
    int version = body.integer("ip_version", 4);
    if (version != 4 && version != 6) throw NeutronBody.invalid("ip_version", "'" + version + "' is not in [4, 6].");
    NetworkCatalog.Network n = writes.network(caller, networkId);
    String gateway = body.has("gateway_ip") ? body.nullableString("gateway_ip", null) : cidr.defaultGateway().toString();
    if (gateway != null) {
      gateway = Ip.parse(gateway).map(Ip::toString)
          .orElseThrow(() -> NeutronBody.invalid("gateway_ip", "'" + body.raw("gateway_ip").asText() + "' is not a valid IP address."));
    }
    String id = UUID.randomUUID().toString();
    String project = NeutronWrites.owner(body, caller);
    writes.checkQuota(project, "subnet", adding.applyAsInt(project));
    Subnet subnet = Subnet.newBuilder()
        .setSubnetId(id).setNetworkId(n.id()).setProjectId(project)
        .setName(body.string("name", "", 255)).setDescription(body.string("description", "", 255))
        .setIpVersion(version).setCidr(cidr.toString()).setGatewayIp(gateway)
        .setAllocationPools(pools(body))
        .setEnableDhcp(body.bool("enable_dhcp", true))
        .setDnsNameservers(nameservers(body))
        .setHostRoutes(routes(body))
        .setIpv6AddressMode(body.nullableString("ipv6_address_mode", null))
        .setIpv6RaMode(body.nullableString("ipv6_ra_mode", null))
        .build();
    return new Creation(n.id(), id, project, new CreateSubnet(subnet), new DeleteSubnet(id, n.id()));
  }

  private static List<AllocationPool> pools(NeutronBody body) {
    List<ObjectNode> raw = body.objects("allocation_pools");
    if (raw == null) return List.of();
    List<AllocationPool> pools = new ArrayList<>();
    for (ObjectNode p : raw) {
      if (!p.path("start").isTextual() || !p.path("end").isTextual()) {
        throw NeutronBody.invalid("allocation_pools", "each pool needs a start and an end address.");
      }
      pools.add(new AllocationPool(canonical("allocation_pools", p.get("start").asText()), canonical("allocation_pools", p.get("end").asText())));
    }
    return pools;
  }

  private static List<String> nameservers(NeutronBody body) {
    List<String> raw = body.strings("dns_nameservers");
    if (raw == null) return List.of();
    if (raw.size() > 5) throw NeutronBody.invalid("dns_nameservers", "at most 5 name servers.");
    return raw.stream().map(s -> canonical("dns_nameservers", s)).toList();
  }

  private static List<HostRoute> routes(NeutronBody body) {
    List<ObjectNode> raw = body.objects("host_routes");
    if (raw == null) return List.of();
    List<HostRoute> routes = new ArrayList<>();
    for (ObjectNode r : raw) {
      String destination = r.path("destination").asText(null);
      Cidr cidr = Cidr.parse(destination).orElseThrow(() -> NeutronBody.invalid("host_routes", "'" + destination + "' is not a valid IP subnet."));
      routes.add(new HostRoute(cidr.toString(), canonical("host_routes", r.path("nexthop").asText(null))));
    }
    return routes;
  }

  private static String canonical(String field, String ip) {
    return Ip.parse(ip).map(Ip::toString).orElseThrow(() -> NeutronBody.invalid(field, "'" + ip + "' is not a valid IP address."));
  }

  private void updateSubnet(Context ctx) {
    TokenClaims caller = writes.caller(ctx);
    NetworkCatalog.Subnet s = writes.subnet(caller, ctx.pathParam("id"));
    NeutronBody body = NeutronBody.of(ctx, render.mapper(), "subnet", SUBNET_FIELDS);
    for (String fixed : List.of("network_id", "cidr", "ip_version", "ipv6_address_mode", "ipv6_ra_mode")) {
      if (body.has(fixed)) throw ApiException.badRequest("Cannot update read-only attribute " + fixed);
    }
    boolean gatewaySet = body.has("gateway_ip");
    String gateway = gatewaySet ? body.nullableString("gateway_ip", null) : null;
    if (gateway != null) gateway = canonical("gateway_ip", gateway);
    writes.send(ctx, caller, s.networkId(), new UpdateSubnet(s.id(), s.networkId(), body.string("name", null, 255),
        body.string("description", null, 255), body.bool("enable_dhcp", null),
        body.has("dns_nameservers") ? nameservers(body) : null, body.has("host_routes") ? routes(body) : null,
        gatewaySet, gateway, body.has("allocation_pools") ? pools(body) : null), s.id(), s.projectId());
    writes.answer(ctx, 200, "subnet", render.subnet(writes.subnet(caller, s.id()), null));
  }

  private void deleteSubnet(Context ctx) {
    TokenClaims caller = writes.caller(ctx);
    NetworkCatalog.Subnet s = writes.subnet(caller, ctx.pathParam("id"));
    writes.send(ctx, caller, s.networkId(), new DeleteSubnet(s.id(), s.networkId()), s.id(), s.projectId());
    ctx.status(204);
  }

  // ---- ports ------------------------------------------------------------------------------------

  private void createPort(Context ctx) {
    creations.create(ctx, "port", PORT_FIELDS, this::port, (caller, id) -> render.port(writes.port(caller, id), null));
  }

  private Creation port(Context ctx, TokenClaims caller, NeutronBody body, ToIntFunction<String> adding) {
    String networkId = body.requiredString("network_id");
    NetworkCatalog.Network n = writes.network(caller, networkId);
    String id = UUID.randomUUID().toString();
    String project = NeutronWrites.owner(body, caller);
    List<String> groups = body.strings("security_groups");
    boolean secured = body.bool("port_security_enabled", true);
    if (groups == null && secured) groups = List.of(writes.defaultSecurityGroup(ctx, caller, project));
    writes.checkQuota(project, "port", adding.applyAsInt(project));
    CreatePort command = CreatePort.newBuilder()
        .setPortId(id).setNetworkId(n.id()).setProjectId(project)
        .setName(body.string("name", "", 255)).setDescription(body.string("description", "", 255))
        .setMacAddress(body.string("mac_address", null, 64))
        .setFixedIps(fixedIps(body))
        .setDeviceId(body.string("device_id", "", 255)).setDeviceOwner(body.string("device_owner", "", 255))
        .setSecurityGroups(groups == null ? List.of() : writes.ownSecurityGroups(project, groups))
        .setHostId(body.string("binding:host_id", "", 255))
        .setAdminStateUp(body.bool("admin_state_up", true))
        .setPortSecurityEnabled(secured)
        .build();
    return new Creation(n.id(), id, project, command, new DeletePort(id, n.id()));
  }

  private static List<FixedIp> fixedIps(NeutronBody body) {
    List<ObjectNode> raw = body.objects("fixed_ips");
    if (raw == null) return null;
    List<FixedIp> ips = new ArrayList<>();
    for (ObjectNode ip : raw) {
      String subnet = ip.path("subnet_id").isTextual() ? NeutronBody.uuid("fixed_ips", ip.get("subnet_id").asText()) : null;
      String address = ip.path("ip_address").isTextual() ? canonical("fixed_ips", ip.get("ip_address").asText()) : null;
      if (subnet == null && address == null) throw NeutronBody.invalid("fixed_ips", "each entry needs a subnet_id or an ip_address.");
      ips.add(new FixedIp(subnet, address));
    }
    return ips;
  }

  private void updatePort(Context ctx) {
    TokenClaims caller = writes.caller(ctx);
    NetworkCatalog.Port p = writes.port(caller, ctx.pathParam("id"));
    NeutronBody body = NeutronBody.of(ctx, render.mapper(), "port", PORT_FIELDS);
    if (body.has("network_id") && !p.networkId().equals(body.raw("network_id").asText())) {
      throw ApiException.badRequest("Cannot update read-only attribute network_id");
    }
    List<String> groups = body.strings("security_groups");
    writes.send(ctx, caller, p.networkId(), new UpdatePort(p.id(), p.networkId(), body.string("name", null, 255),
        body.string("description", null, 255), body.bool("admin_state_up", null), body.string("device_id", null, 255),
        body.string("device_owner", null, 255), body.string("binding:host_id", null, 255), body.string("mac_address", null, 64),
        writes.ownSecurityGroups(p.projectId(), groups),
        fixedIps(body), body.bool("port_security_enabled", null), ""), p.id(), p.projectId());
    writes.answer(ctx, 200, "port", render.port(writes.port(caller, p.id()), null));
  }

  private void deletePort(Context ctx) {
    TokenClaims caller = writes.caller(ctx);
    NetworkCatalog.Port p = writes.port(caller, ctx.pathParam("id"));
    if (SERVICE_OWNERS.contains(p.deviceOwner())) {
      throw new ApiException(409, "ServicePortInUse", "Port " + p.id() + " cannot be deleted directly via the port API: has"
          + " device owner " + p.deviceOwner() + ".");
    }
    writes.send(ctx, caller, p.networkId(), new DeletePort(p.id(), p.networkId()), p.id(), p.projectId());
    ctx.status(204);
  }
}
