package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.Keypair;
import dev.skyledger.events.compute.ServerNetwork;
import dev.skyledger.events.compute.ServerSpec;
import dev.skyledger.events.network.EnsureDefaultSecurityGroup;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.network.DefaultSecurityGroup;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.image.ImageCatalog;
import dev.skyledger.views.network.NetworkCatalog;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A server create request, checked and resolved against the views into the servers it asks for. */
final class ServerRequests {
  /** A server group named in the scheduler hints: the new servers join it and are placed by its policy. */
  record GroupHint(String id, String policy) {}

  /** A create request resolved against the views: the servers to request, at least {@code min} of them. */
  record Creation(List<ServerSpec> specs, int min, String reservationId, boolean returnReservationId, String adminPass,
                  List<String> securityGroupNames) {}

  private final ComputeCatalog compute;
  private final ImageCatalog images;
  private final NetworkCatalog networks;
  private final ComputeWriteRoutes.Groups groups;
  private final ComputeWriteRoutes.Hosts hosts;
  private final ComputeCommands commands;

  ServerRequests(ComputeWriteRoutes.Reads reads, ComputeCommands commands) {
    this.compute = reads.compute();
    this.images = reads.images();
    this.networks = reads.networks();
    this.groups = reads.groups();
    this.hosts = reads.hosts();
    this.commands = commands;
  }

  /**
   * Checks a create request ({@code {"server": {...}, "os:scheduler_hints": {...}}}) in Nova's
   * order and resolves what it names (flavor, image, networks or ports, key pair, zone, security
   * groups, server group) against the views.
   */
  Creation resolve(Context ctx, TokenClaims caller, ObjectNode request) {
    ObjectNode s = NovaBody.resource(request, "server");
    Optional<GroupHint> group = groupHint(caller, request.get("os:scheduler_hints"));
    NovaBody.onlyFields(s, "server", ServerFields.SERVER_FIELDS);
    String project = caller.projectId();
    String name = NovaBody.name(s.get("name"));
    int min = ServerFields.count(s, "min_count");
    int max = ServerFields.count(s, "max_count");
    if (!s.has("max_count")) max = Math.max(min, 1);
    if (min > max) throw ApiException.badRequest("min_count must be <= max_count");
    if (max > 1000) throw NovaBody.invalid("max_count", s.get("max_count"), "at most 1000 servers are created by one request");

    ComputeCatalog.Flavor flavor = flavor(caller, s.get("flavorRef"));
    ImageCatalog.Image image = image(caller, s.get("imageRef"));
    ServerFields.checkFits(flavor, image);
    List<ServerNetwork> nets = networks(caller, s.get("networks"));
    if (max > 1 && nets.stream().anyMatch(n -> n.getPortId() != null)) {
      throw ApiException.badRequest("Unable to launch multiple instances with a single configured port ID. Please"
          + " launch your instance one by one with different ports.");
    }
    Optional<ComputeCatalog.Keypair> key = keypair(caller, s.get("key_name"));
    String userData = ServerFields.userData(s.get("user_data"));
    String adminPass = ServerFields.adminPass(s.get("adminPass"));
    String zone = zone(s.get("availability_zone"));
    String accessIpv4 = ServerFields.accessIp(s.get("accessIPv4"), 4);
    String accessIpv6 = ServerFields.accessIp(s.get("accessIPv6"), 6);
    String diskConfig = ServerFields.diskConfig(s.get("OS-DCF:diskConfig"), image);
    Map<String, String> metadata = NovaBody.metadata(s.get("metadata"), "metadata");
    List<String> securityGroups = securityGroups(ctx, caller, project, s.get("security_groups"));

    Flavor snapshot = ServerFields.snapshot(flavor);
    long now = commands.clock().millis();
    String reservation = ServerFields.reservationId();
    List<ServerSpec> specs = new ArrayList<>();
    for (int i = 1; i <= max; i++) {
      String each = max > 1 ? name + "-" + i : name;
      specs.add(ServerSpec.newBuilder()
          .setInstanceId(UUID.randomUUID().toString()).setProjectId(project).setUserId(caller.userId())
          .setName(each).setHostname(ServerFields.hostname(each)).setFlavor(snapshot)
          .setImageId(image.id()).setImageName(image.name()).setImageChecksum(image.checksum())
          .setImageSize(image.size() == null ? 0 : image.size()).setImageDiskFormat(image.diskFormat())
          .setImageLocation(image.location()).setDiskConfig(diskConfig)
          .setNetworks(nets).setSecurityGroups(securityGroups)
          .setKeyName(key.map(ComputeCatalog.Keypair::name).orElse(null))
          .setPublicKey(key.map(ComputeCatalog.Keypair::publicKey).orElse(null))
          .setUserData(userData).setAvailabilityZone(zone).setMetadata(metadata).setRequestedAt(now)
          .setServerGroupId(group.map(GroupHint::id).orElse(null))
          .setServerGroupPolicy(group.map(GroupHint::policy).orElse(null))
          .setReservationId(reservation).setLaunchIndex(i - 1)
          .setAccessIpv4(accessIpv4).setAccessIpv6(accessIpv6).build());
    }
    boolean returnReservation = s.path("return_reservation_id").asBoolean(false)
        || "true".equalsIgnoreCase(s.path("return_reservation_id").asText(""));
    return new Creation(specs, min, reservation, returnReservation, adminPass, groupNames(caller, securityGroups));
  }

  /** The caller's own server group named by {@code os:scheduler_hints.group}, if any (400 if it cannot be found). */
  private Optional<GroupHint> groupHint(TokenClaims caller, JsonNode hints) {
    if (hints == null || hints.isNull()) return Optional.empty();
    if (!hints.isObject()) throw NovaBody.invalid("os:scheduler_hints", hints, "it is not of type 'object'");
    JsonNode group = hints.get("group");
    if (group == null) return Optional.empty();
    if (!group.isTextual()) throw NovaBody.invalid("group", group, "it is not a string");
    ObjectNode g = groups.show(caller, group.asText(), Microversions.MAX)
        .filter(x -> x.path("project_id").asText().equals(caller.projectId()))
        .orElseThrow(() -> ApiException.badRequest("Invalid os:scheduler_hints: server group " + group.asText()
            + " could not be found."));
    return Optional.of(new GroupHint(g.path("id").asText(), g.path("policies").path(0).asText()));
  }

  /** The caller's key pair named by {@code key_name}, if one is named (400 if it is not theirs). */
  private Optional<ComputeCatalog.Keypair> keypair(TokenClaims caller, JsonNode v) {
    if (v == null || v.isNull()) return Optional.empty();
    if (!v.isTextual()) throw NovaBody.invalid("key_name", v, "it is not a string");
    return Optional.of(compute.keypair(caller.userId(), v.asText())
        .orElseThrow(() -> ApiException.badRequest("Invalid key_name provided.")));
  }

  /** The availability zone asked for, if it has a host. */
  private String zone(JsonNode v) {
    if (v == null || v.isNull()) return null;
    String zone = v.asText();
    if (!hosts.hasZone(zone)) throw ApiException.badRequest("The requested availability zone is not available");
    return zone;
  }

  private ComputeCatalog.Flavor flavor(TokenClaims caller, JsonNode v) {
    String id = ServerFields.ref(v, "flavorRef");
    return compute.flavor(new ComputeCatalog.Viewer(caller.projectId(), caller.isAdmin()), id)
        .filter(f -> f.id().equals(id))
        .orElseThrow(() -> ApiException.badRequest("Invalid flavorRef provided: flavor " + id + " could not be found."));
  }

  /** The image {@code imageRef} names, visible to the caller and active (400 otherwise, as Nova). */
  ImageCatalog.Image image(TokenClaims caller, JsonNode v) {
    String id = ServerFields.ref(v, "imageRef");
    ImageCatalog.Image image = images.visible(id, new ImageCatalog.Viewer(caller.projectId(), caller.isAdmin()))
        .orElseThrow(() -> ApiException.badRequest("Invalid imageRef provided: image " + id + " could not be found."));
    if (!"active".equals(image.status())) {
      throw ApiException.badRequest("Image " + id + " is not active (it is " + image.status() + ").");
    }
    return image;
  }

  private List<ServerNetwork> networks(TokenClaims caller, JsonNode v) {
    NetworkCatalog.Viewer viewer = new NetworkCatalog.Viewer(caller.projectId(), caller.isAdmin());
    List<ServerNetwork> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      // as Nova without a request: the one network the project can use, if there is exactly one
      List<NetworkCatalog.Network> usable = networks.networks(new NetworkCatalog.Viewer(caller.projectId(), false),
          new NetworkCatalog.Query(Map.of(), null, true, null, null)).stream().filter(n -> !n.external()).toList();
      if (usable.size() > 1) {
        throw new ApiException(409, "conflict", "Multiple possible networks found, use a Network ID to be more specific.");
      }
      usable.forEach(n -> out.add(new ServerNetwork(n.id(), null, null)));
      return out;
    }
    if (!v.isArray()) throw NovaBody.invalid("networks", v, "it is not of type 'array'");
    for (JsonNode n : v) {
      if (!n.isObject()) throw NovaBody.invalid("networks", n, "each network is an object with a uuid");
      if (n.has("port") && !n.get("port").isNull()) {
        out.add(existingPort(caller, n, viewer, out));
        continue;
      }
      if (!n.path("uuid").isTextual()) throw NovaBody.invalid("networks", n, "'uuid' is a required property");
      String id = n.get("uuid").asText();
      NetworkCatalog.Network net = networks.network(viewer, id)
          .filter(x -> caller.isAdmin() || x.shared() || x.projectId().equals(caller.projectId()))
          .orElseThrow(() -> ApiException.badRequest("Invalid networks: network " + id + " could not be found."));
      String fixed = null;
      if (n.has("fixed_ip") && !n.get("fixed_ip").isNull()) {
        fixed = Ip.parse(n.get("fixed_ip").asText()).map(Ip::toString)
            .orElseThrow(() -> NovaBody.invalid("fixed_ip", n.get("fixed_ip"), "it is not an IP address"));
      }
      out.add(new ServerNetwork(net.id(), null, fixed));
    }
    return out;
  }

  /**
   * A port of the caller's project that no device holds, to be bound to the server (as Nova: 400 if
   * it cannot be found or is another project's, 409 if a server already holds it). The saga binds it,
   * and the network service refuses the binding if another boot won the port in the meantime.
   */
  private ServerNetwork existingPort(TokenClaims caller, JsonNode n, NetworkCatalog.Viewer viewer, List<ServerNetwork> so) {
    if (!n.get("port").isTextual()) throw NovaBody.invalid("port", n.get("port"), "it is not a string");
    String id = n.get("port").asText();
    if (n.has("fixed_ip") && !n.get("fixed_ip").isNull()) {
      throw ApiException.badRequest("Invalid networks: a fixed_ip cannot be given with port " + id
          + "; the port's own addresses are used.");
    }
    NetworkCatalog.Port port = networks.port(viewer, id)
        .orElseThrow(() -> ApiException.badRequest("Port " + id + " could not be found."));
    if (!port.projectId().equals(caller.projectId())) {
      throw ApiException.badRequest("Port " + id + " not usable for instance: it belongs to another project.");
    }
    if (!port.deviceId().isEmpty()) throw new ApiException(409, "conflict", "Port " + id + " is still in use.");
    if (so.stream().anyMatch(x -> id.equals(x.getPortId()))) {
      throw ApiException.badRequest("Invalid networks: port " + id + " is given more than once.");
    }
    return new ServerNetwork(port.networkId(), port.id(), null);
  }

  private List<String> securityGroups(Context ctx, TokenClaims caller, String project, JsonNode v) {
    NetworkCatalog.Viewer viewer = new NetworkCatalog.Viewer(project, false);
    List<String> ids = new ArrayList<>();
    if (v == null || v.isNull()) {
      ensureDefaultGroup(ctx, caller, project);
      ids.add(DefaultSecurityGroup.idOf(project));
      return ids;
    }
    if (!v.isArray()) throw NovaBody.invalid("security_groups", v, "it is not of type 'array'");
    for (JsonNode g : v) {
      if (!g.path("name").isTextual()) throw NovaBody.invalid("security_groups", g, "each group is an object with a name");
      String name = g.get("name").asText();
      if (name.equals("default")) {
        ensureDefaultGroup(ctx, caller, project);
        ids.add(DefaultSecurityGroup.idOf(project));
        continue;
      }
      Optional<NetworkCatalog.SecurityGroup> byId = networks.securityGroup(viewer, name);
      List<NetworkCatalog.SecurityGroup> byName = networks.securityGroups(viewer,
          new NetworkCatalog.Query(Map.of("name", List.of(name)), null, true, null, null));
      String id = byId.map(NetworkCatalog.SecurityGroup::id).orElseGet(() -> {
        if (byName.size() > 1) {
          throw new ApiException(409, "conflict", "Multiple security groups found matching '" + name
              + "'. Use an ID to be more specific.");
        }
        return byName.stream().findFirst().map(NetworkCatalog.SecurityGroup::id)
            .orElseThrow(() -> ApiException.badRequest("Security group " + name + " not found for project " + project + "."));
      });
      if (!ids.contains(id)) ids.add(id);
    }
    return ids;
  }

  private void ensureDefaultGroup(Context ctx, TokenClaims caller, String project) {
    String id = DefaultSecurityGroup.idOf(project);
    if (networks.securityGroup(new NetworkCatalog.Viewer(project, true), id).isPresent()) return;
    commands.toNetwork(ctx, caller, DefaultSecurityGroup.streamKey(project),
        new EnsureDefaultSecurityGroup(project, id, DefaultSecurityGroup.ruleIdsOf(project)), id, project);
  }

  private List<String> groupNames(TokenClaims caller, List<String> ids) {
    NetworkCatalog.Viewer viewer = new NetworkCatalog.Viewer(caller.projectId(), true);
    return ids.stream().map(id -> networks.securityGroup(viewer, id).map(NetworkCatalog.SecurityGroup::name).orElse(id))
        .toList();
  }
}
