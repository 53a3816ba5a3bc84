package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.Topics;
import dev.skyledger.events.compute.ChangeServerPower;
import dev.skyledger.events.compute.CreateServer;
import dev.skyledger.events.compute.CreateServerGroup;
import dev.skyledger.events.compute.DeleteServer;
import dev.skyledger.events.compute.DeleteServerGroup;
import dev.skyledger.events.compute.DeleteServerMetadataItem;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.ServerGroup;
import dev.skyledger.events.compute.ServerNetwork;
import dev.skyledger.events.compute.ServerSpec;
import dev.skyledger.events.compute.SetServerMetadata;
import dev.skyledger.events.compute.SnapshotServer;
import dev.skyledger.events.compute.UpdateServer;
import dev.skyledger.events.image.CreateImage;
import dev.skyledger.events.image.DeleteImage;
import dev.skyledger.events.network.EnsureDefaultSecurityGroup;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.command.CommandSender;
import dev.skyledger.platform.compute.Microversion;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.platform.network.DefaultSecurityGroup;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.image.ImageCatalog;
import dev.skyledger.views.network.NetworkCatalog;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;

/**
 * Nova's server write routes: create (validated here against the views: flavor, image, networks,
 * key pair, security groups, user data; the quota is decided exactly on the project's stream),
 * rename, delete, and metadata. The boot itself is carried by the boot saga; create answers 202
 * with the server in BUILD.
 */
public final class ServerWriteRoutes {
  private static final String V21 = "/compute/v2.1";
  private static final String PROJECTION = "compute";
  /** Nova's limit on user_data: 65535 bytes of base64 text. */
  static final int MAX_USER_DATA = 65535;
  private static final Set<String> SERVER_FIELDS = Set.of("name", "imageRef", "flavorRef", "networks", "key_name",
      "user_data", "security_groups", "availability_zone", "min_count", "max_count", "metadata", "accessIPv4",
      "accessIPv6", "adminPass", "config_drive", "OS-DCF:diskConfig", "return_reservation_id", "personality");

  /** Where a server belongs, if it exists and is not deleted: its project, and its host (null before scheduling). */
  public interface ServerProjects {
    Optional<String> projectOf(String serverId);

    Optional<String> hostOf(String serverId);
  }

  /** The server as this caller may read it. */
  public interface ServerView {
    /** As GET /servers/{id} at 2.1 shows it (what these routes read of a server). */
    Optional<ObjectNode> show(TokenClaims caller, String serverId);

    /** As Nova answers an update of it at this microversion. */
    Optional<ObjectNode> updated(TokenClaims caller, String serverId, Microversion version);
  }

  /** A server group as GET /os-server-groups/{id} shows it to this caller at a microversion. */
  public interface GroupView {
    Optional<ObjectNode> show(TokenClaims caller, String groupId, Microversion version);
  }

  /** A server's console log, read from the host that runs it (null lines: all), if that host answers. */
  public interface Consoles {
    Optional<String> consoleLog(String hostId, String serverId, Integer lines);
  }

  private final Authenticator auth;
  private final CommandSender sender;
  private final ComputeCatalog compute;
  private final ImageCatalog images;
  private final NetworkCatalog networks;
  private final ServerProjects servers;
  private final ServerView view;
  private final Predicate<String> zones;
  private final Consoles consoles;
  private GroupView groups = (caller, id, version) -> Optional.empty();
  private final com.fasterxml.jackson.databind.ObjectMapper json;
  private final String baseUrl;
  /** The image endpoint (snapshots are answered with their image's URL there). */
  private final String imageUrl;

  /** {@code zones}: whether an availability zone has a compute host; {@code baseUrl}: the compute endpoint, for links. */
  public ServerWriteRoutes(Authenticator auth, CommandSender sender, ComputeCatalog compute, ImageCatalog images,
                           NetworkCatalog networks, ServerProjects servers, ServerView view, Predicate<String> zones,
                           Consoles consoles, com.fasterxml.jackson.databind.ObjectMapper json, String baseUrl,
                           String imageUrl) {
    this.consoles = consoles;
    this.imageUrl = imageUrl;
    this.auth = auth;
    this.sender = sender;
    this.compute = compute;
    this.images = images;
    this.networks = networks;
    this.servers = servers;
    this.view = view;
    this.zones = zones;
    this.json = json;
    this.baseUrl = baseUrl;
  }

  /** Where server groups are read from (for scheduler hints and the answer to their creation). */
  public ServerWriteRoutes withGroups(GroupView groups) {
    this.groups = groups;
    return this;
  }

  public void routes(JavalinConfig config) {
    var r = config.routes;
    r.post(V21 + "/os-server-groups", this::createGroup);
    r.delete(V21 + "/os-server-groups/{id}", this::deleteGroup);
    r.post(V21 + "/servers", this::create);
    r.put(V21 + "/servers/{id}", this::update);
    r.delete(V21 + "/servers/{id}", this::delete);
    r.post(V21 + "/servers/{id}/action", this::action);
    r.post(V21 + "/servers/{id}/remote-consoles", this::remoteConsole);
    r.post(V21 + "/servers/{id}/metadata", ctx -> setMetadata(ctx, false));
    r.put(V21 + "/servers/{id}/metadata", ctx -> setMetadata(ctx, true));
    r.put(V21 + "/servers/{id}/metadata/{key}", this::putMetadataItem);
    r.delete(V21 + "/servers/{id}/metadata/{key}", this::deleteMetadataItem);
  }

  private TokenClaims caller(Context ctx) {
    Microversions.negotiate(ctx);
    return auth.caller(ctx);
  }

  private void send(Context ctx, TokenClaims caller, String project, SpecificRecord command, String aggregateId) {
    sender.send(ctx, caller, Topics.COMPUTE_COMMANDS, "project/" + project, PROJECTION, command, aggregateId, project);
  }

  private JsonNode root(Context ctx) {
    JsonNode root = JsonBody.parse(ctx, json);
    if (root == null || !root.isObject()) throw ApiException.badRequest("The request body must be a JSON object.");
    return root;
  }

  private ObjectNode body(Context ctx, String resource) {
    JsonNode root = root(ctx);
    if (!root.path(resource).isObject()) {
      throw ApiException.badRequest("Invalid input for field/attribute " + resource + ". Value: " + root
          + ". '" + resource + "' is a required property");
    }
    return (ObjectNode) root.get(resource);
  }

  static ApiException invalid(String field, JsonNode value, String why) {
    return ApiException.badRequest("Invalid input for field/attribute " + field + ". Value: " + value + ". " + why);
  }

  /** The project of a server the caller may act on, or 404 as Nova answers for another project's server. */
  private String projectOf(TokenClaims caller, String id) {
    Optional<String> project = servers.projectOf(id);
    if (project.isEmpty() || (!caller.isAdmin() && !project.get().equals(caller.projectId()))) {
      throw new ApiException(404, "itemNotFound", "Instance " + id + " could not be found.");
    }
    return project.get();
  }

  // ---- create -----------------------------------------------------------------------------------

  private void create(Context ctx) {
    TokenClaims caller = caller(ctx);
    if (caller.projectId() == null) throw ApiException.forbidden("Servers are created with a project-scoped token.");
    JsonNode request = root(ctx);
    ObjectNode s = body(ctx, "server");
    String groupId = null;
    String groupPolicy = null;
    JsonNode hints = request.get("os:scheduler_hints");
    if (hints != null && !hints.isNull()) {
      if (!hints.isObject()) throw invalid("os:scheduler_hints", hints, "it is not of type 'object'");
      JsonNode group = hints.get("group");
      if (group != null) {
        if (!group.isTextual()) throw invalid("group", group, "it is not a string");
        ObjectNode g = groups.show(caller, group.asText(), Microversions.MAX)
            .filter(x -> x.path("project_id").asText().equals(caller.projectId()))
            .orElseThrow(() -> ApiException.badRequest("Invalid os:scheduler_hints: server group " + group.asText()
                + " could not be found."));
        groupId = g.path("id").asText();
        groupPolicy = g.path("policies").path(0).asText();
      }
    }
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!SERVER_FIELDS.contains(field)) {
        throw ApiException.badRequest("Invalid input for field/attribute server. Additional properties are not allowed ('"
            + field + "' was unexpected)");
      }
    }
    String project = caller.projectId();
    String name = name(s.get("name"));
    int min = count(s, "min_count");
    int max = count(s, "max_count");
    if (!s.has("max_count")) max = Math.max(min, 1);
    if (min > max) throw ApiException.badRequest("min_count must be <= max_count");
    if (max > 1000) throw invalid("max_count", s.get("max_count"), "at most 1000 servers are created by one request");

    ComputeCatalog.Flavor flavor = flavor(caller, s.get("flavorRef"));
    ImageCatalog.Image image = image(caller, s.get("imageRef"));
    checkFits(flavor, image);
    List<ServerNetwork> nets = networks(caller, s.get("networks"));
    if (max > 1 && nets.stream().anyMatch(n -> n.getPortId() != null)) {
      throw ApiException.badRequest("Unable to launch multiple instances with a single configured port ID. Please"
          + " launch your instance one by one with different ports.");
    }
    String keyName = null;
    String publicKey = null;
    if (s.has("key_name") && !s.get("key_name").isNull()) {
      if (!s.get("key_name").isTextual()) throw invalid("key_name", s.get("key_name"), "it is not a string");
      keyName = s.get("key_name").asText();
      var key = compute.keypair(caller.userId(), keyName);
      if (key.isEmpty()) throw ApiException.badRequest("Invalid key_name provided.");
      publicKey = key.get().publicKey();
    }
    String userData = userData(s.get("user_data"));
    String adminPass = adminPass(s.get("adminPass"));
    String zone = null;
    if (s.has("availability_zone") && !s.get("availability_zone").isNull()) {
      zone = s.get("availability_zone").asText();
      if (!zones.test(zone)) throw ApiException.badRequest("The requested availability zone is not available");
    }
    Map<String, String> metadata = metadata(s.get("metadata"), "metadata");
    List<String> groups = securityGroups(ctx, caller, project, s.get("security_groups"));

    Flavor snapshot = Flavor.newBuilder().setFlavorId(flavor.id()).setName(flavor.name()).setVcpus(flavor.vcpus())
        .setRamMb(flavor.ramMb()).setDiskGb(flavor.diskGb()).setEphemeralGb(flavor.ephemeralGb())
        .setSwapMb(flavor.swapMb()).setRxtxFactor(flavor.rxtxFactor()).setIsPublic(flavor.isPublic())
        .setDescription(flavor.description()).setExtraSpecs(flavor.extraSpecs()).build();
    long now = sender.clock().millis();
    String reservation = reservationId();
    List<ServerSpec> specs = new ArrayList<>();
    for (int i = 1; i <= max; i++) {
      String each = max > 1 ? name + "-" + i : name;
      specs.add(ServerSpec.newBuilder()
          .setInstanceId(UUID.randomUUID().toString()).setProjectId(project).setUserId(caller.userId())
          .setName(each).setHostname(hostname(each)).setFlavor(snapshot)
          .setImageId(image.id()).setImageName(image.name()).setImageChecksum(image.checksum())
          .setImageSize(image.size() == null ? 0 : image.size()).setImageDiskFormat(image.diskFormat())
          .setImageLocation(image.location())
          .setNetworks(nets).setSecurityGroups(groups).setKeyName(keyName).setPublicKey(publicKey)
          .setUserData(userData).setAvailabilityZone(zone).setMetadata(metadata).setRequestedAt(now)
          .setServerGroupId(groupId).setServerGroupPolicy(groupPolicy)
          .setReservationId(reservation).setLaunchIndex(i - 1).build());
    }
    String first = specs.get(0).getInstanceId();
    send(ctx, caller, project, new CreateServer(specs, min), first);
    ObjectNode root = json.createObjectNode();
    if (s.path("return_reservation_id").asBoolean(false)
        || "true".equalsIgnoreCase(s.path("return_reservation_id").asText(""))) {
      // as Nova: the reservation instead of the server, for clients that create many and follow them by it
      root.put("reservation_id", reservation);
      ctx.status(202).contentType("application/json").result(root.toString());
      return;
    }
    ObjectNode out = root.putObject("server");
    out.put("id", first);
    ArrayNode links = out.putArray("links");
    links.addObject().put("rel", "self").put("href", baseUrl + "/servers/" + first);
    links.addObject().put("rel", "bookmark").put("href", baseUrl.replace("/v2.1", "") + "/servers/" + first);
    out.put("OS-DCF:diskConfig", "MANUAL");
    // as Nova: the password in this answer only; it is neither recorded nor logged
    out.put("adminPass", adminPass);
    ArrayNode sg = out.putArray("security_groups");
    for (String g : groupNames(caller, groups)) sg.addObject().put("name", g);
    ctx.status(202).contentType("application/json").result(root.toString());
  }

  /** Nova's alphabet for generated passwords: letters and digits that cannot be mistaken for one another. */
  private static final String PASSWORD_SYMBOLS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  /**
   * The server's admin password as Nova answers it: the one sent, or 12 random characters. As with
   * Nova's libvirt driver (which injects no password by default) it is not set in the guest by the
   * cloud; it is not kept either, so it is in the create answer only.
   */
  static String adminPass(JsonNode v) {
    if (v != null && !v.isNull()) {
      if (!v.isTextual()) throw invalid("adminPass", v, "it is not a string");
      return v.asText();
    }
    java.security.SecureRandom random = new java.security.SecureRandom();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 12; i++) out.append(PASSWORD_SYMBOLS.charAt(random.nextInt(PASSWORD_SYMBOLS.length())));
    return out.toString();
  }

  /** A reservation id as Nova makes them: {@code r-} and 8 random lowercase letters and digits. */
  private static String reservationId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    java.security.SecureRandom random = new java.security.SecureRandom();
    StringBuilder id = new StringBuilder("r-");
    for (int i = 0; i < 8; i++) id.append(alphabet.charAt(random.nextInt(alphabet.length())));
    return id.toString();
  }

  private static String name(JsonNode v) {
    if (v == null || !v.isTextual()) throw invalid("name", v, "'name' is a required property");
    String name = v.asText();
    if (name.isBlank() || name.length() > 255 || !name.equals(name.strip())) {
      throw invalid("name", v, "a name is 1 to 255 characters without leading or trailing whitespace");
    }
    return name;
  }

  /** A hostname from a server name, as Nova sanitizes it: letters, digits and hyphens, at most 63 characters. */
  static String hostname(String name) {
    String h = name.toLowerCase().replaceAll("[ _.]", "-").replaceAll("[^a-z0-9-]", "").replaceAll("^-+|-+$", "");
    if (h.length() > 63) h = h.substring(0, 63).replaceAll("-+$", "");
    return h.isEmpty() ? "server" : h;
  }

  private static int count(ObjectNode s, String field) {
    JsonNode v = s.get(field);
    if (v == null || v.isNull()) return 1;
    int n;
    if (v.isIntegralNumber()) n = v.asInt();
    else if (v.isTextual() && v.asText().matches("\\d{1,6}")) n = Integer.parseInt(v.asText());
    else throw invalid(field, v, v + " is not of type 'integer', 'string'");
    if (n < 1) throw invalid(field, v, n + " is less than the minimum of 1");
    return n;
  }

  private static String ref(JsonNode v, String field) {
    if (v == null || v.isNull() || !v.isTextual() || v.asText().isBlank()) {
      throw invalid(field, v, "'" + field + "' is a required property");
    }
    String ref = v.asText();
    // a reference may be a URL ending in the id, as in Nova
    int slash = ref.lastIndexOf('/');
    return slash >= 0 ? ref.substring(slash + 1) : ref;
  }

  private ComputeCatalog.Flavor flavor(TokenClaims caller, JsonNode v) {
    String id = ref(v, "flavorRef");
    return compute.flavor(new ComputeCatalog.Viewer(caller.projectId(), caller.isAdmin()), id)
        .filter(f -> f.id().equals(id))
        .orElseThrow(() -> ApiException.badRequest("Invalid flavorRef provided: flavor " + id + " could not be found."));
  }

  private ImageCatalog.Image image(TokenClaims caller, JsonNode v) {
    String id = ref(v, "imageRef");
    ImageCatalog.Image image = images.visible(id, new ImageCatalog.Viewer(caller.projectId(), caller.isAdmin()))
        .orElseThrow(() -> ApiException.badRequest("Invalid imageRef provided: image " + id + " could not be found."));
    if (!"active".equals(image.status())) {
      throw ApiException.badRequest("Image " + id + " is not active (it is " + image.status() + ").");
    }
    return image;
  }

  /** As Nova: the flavor's RAM and root disk must hold the image (min_ram, min_disk, and its size). */
  static void checkFits(ComputeCatalog.Flavor flavor, ImageCatalog.Image image) {
    if (image.minRam() > flavor.ramMb()) {
      throw ApiException.badRequest("Flavor's memory is too small for requested image. Flavor memory is "
          + flavor.ramMb() + " MB, the image needs at least " + image.minRam() + " MB (min_ram).");
    }
    if (flavor.diskGb() == 0) return; // a zero-disk flavor takes the image's size
    if (image.minDisk() > flavor.diskGb()) {
      throw ApiException.badRequest("Flavor's disk is too small for requested image. Flavor disk is "
          + flavor.diskGb() + " GB, the image needs at least " + image.minDisk() + " GB (min_disk).");
    }
    long imageBytes = image.virtualSize() != null ? image.virtualSize() : image.size() == null ? 0 : image.size();
    long flavorBytes = (long) flavor.diskGb() << 30;
    if (imageBytes > flavorBytes) {
      throw ApiException.badRequest("Flavor's disk is too small for requested image. Flavor disk is " + flavorBytes
          + " bytes, image is " + imageBytes + " bytes.");
    }
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
    if (!v.isArray()) throw invalid("networks", v, "it is not of type 'array'");
    for (JsonNode n : v) {
      if (!n.isObject()) throw invalid("networks", n, "each network is an object with a uuid");
      if (n.has("port") && !n.get("port").isNull()) {
        out.add(existingPort(caller, n, viewer, out));
        continue;
      }
      if (!n.path("uuid").isTextual()) throw invalid("networks", n, "'uuid' is a required property");
      String id = n.get("uuid").asText();
      NetworkCatalog.Network net = networks.network(viewer, id)
          .filter(x -> caller.isAdmin() || x.shared() || x.projectId().equals(caller.projectId()))
          .orElseThrow(() -> ApiException.badRequest("Invalid networks: network " + id + " could not be found."));
      String fixed = null;
      if (n.has("fixed_ip") && !n.get("fixed_ip").isNull()) {
        fixed = Ip.parse(n.get("fixed_ip").asText()).map(Ip::toString)
            .orElseThrow(() -> invalid("fixed_ip", n.get("fixed_ip"), "it is not an IP address"));
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
    if (!n.get("port").isTextual()) throw invalid("port", n.get("port"), "it is not a string");
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

  static String userData(JsonNode v) {
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw invalid("user_data", v, "it is not a string");
    String text = v.asText();
    if (text.length() > MAX_USER_DATA) {
      throw ApiException.badRequest("User data too large. User data must be no larger than " + MAX_USER_DATA
          + " bytes once base64 encoded. Your data is " + text.length() + " bytes");
    }
    try {
      Base64.getMimeDecoder().decode(text);
      if (!text.replaceAll("\\s", "").matches("[A-Za-z0-9+/]*={0,2}") || text.replaceAll("\\s", "").length() % 4 != 0) {
        throw new IllegalArgumentException("not base64");
      }
    } catch (IllegalArgumentException e) {
      throw invalid("user_data", v.isTextual() && text.length() > 40 ? json(text.substring(0, 40) + "...") : v,
          "User data needs to be valid base 64.");
    }
    return text;
  }

  private static JsonNode json(String s) {
    return com.fasterxml.jackson.databind.node.TextNode.valueOf(s);
  }

  static Map<String, String> metadata(JsonNode v, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null || v.isNull()) return out;
    if (!v.isObject()) throw invalid(field, v, "it is not of type 'object'");
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().isEmpty() || e.getKey().length() > 255) throw invalid(field, v, "keys are 1 to 255 characters");
      if (!e.getValue().isTextual()) throw invalid(field, e.getValue(), "values are strings");
      if (e.getValue().asText().length() > 255) throw invalid(field, e.getValue(), "values are at most 255 characters");
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  private List<String> securityGroups(Context ctx, TokenClaims caller, String project, JsonNode v) {
    NetworkCatalog.Viewer viewer = new NetworkCatalog.Viewer(project, false);
    List<String> ids = new ArrayList<>();
    if (v == null || v.isNull()) {
      ensureDefaultGroup(ctx, caller, project);
      ids.add(DefaultSecurityGroup.idOf(project));
      return ids;
    }
    if (!v.isArray()) throw invalid("security_groups", v, "it is not of type 'array'");
    for (JsonNode g : v) {
      if (!g.path("name").isTextual()) throw invalid("security_groups", g, "each group is an object with a name");
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
    sender.send(ctx, caller, Topics.NETWORK_COMMANDS, DefaultSecurityGroup.streamKey(project), "network",
        new EnsureDefaultSecurityGroup(project, id, DefaultSecurityGroup.ruleIdsOf(project)), id, project);
  }

  private List<String> groupNames(TokenClaims caller, List<String> ids) {
    NetworkCatalog.Viewer viewer = new NetworkCatalog.Viewer(caller.projectId(), true);
    return ids.stream().map(id -> networks.securityGroup(viewer, id).map(NetworkCatalog.SecurityGroup::name).orElse(id))
        .toList();
  }

  // ---- server groups ----------------------------------------------------------------------------

  /**
   * {@code POST /os-server-groups {"server_group":{"name","policies":[one policy]}}}: affinity or
   * anti-affinity, and from 2.15 soft-affinity or soft-anti-affinity.
   */
  private void createGroup(Context ctx) {
    TokenClaims caller = caller(ctx);
    Microversion version = Microversions.negotiate(ctx);
    if (caller.projectId() == null) throw ApiException.forbidden("Server groups are created with a project-scoped token.");
    ObjectNode g = body(ctx, "server_group");
    for (Iterator<String> it = g.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!field.equals("name") && !field.equals("policies")) {
        throw ApiException.badRequest("Invalid input for field/attribute server_group. Additional properties are not allowed ('"
            + field + "' was unexpected)");
      }
    }
    String name = name(g.get("name"));
    JsonNode policies = g.get("policies");
    Set<String> allowed = version.atLeast(15) ? Set.of("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity")
        : Set.of("affinity", "anti-affinity");
    if (policies == null || !policies.isArray() || policies.size() != 1 || !policies.get(0).isTextual()
        || !allowed.contains(policies.get(0).asText())) {
      throw invalid("policies", policies, version.atLeast(15)
          ? "exactly one of 'affinity', 'anti-affinity', 'soft-affinity', 'soft-anti-affinity'"
          : "exactly one of 'affinity', 'anti-affinity' (soft policies need microversion 2.15)");
    }
    String id = UUID.randomUUID().toString();
    sender.send(ctx, caller, Topics.COMPUTE_COMMANDS, "project/" + caller.projectId(), PROJECTION,
        new CreateServerGroup(new ServerGroup(id, caller.projectId(), caller.userId(), name, policies.get(0).asText())),
        id, caller.projectId());
    ObjectNode root = json.createObjectNode();
    root.set("server_group", groups.show(caller, id, version)
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Instance group " + id + " could not be found.")));
    ctx.contentType("application/json").result(root.toString());
  }

  private void deleteGroup(Context ctx) {
    TokenClaims caller = caller(ctx);
    String id = ctx.pathParam("id");
    ObjectNode g = groups.show(caller, id, Microversions.MAX)
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Instance group " + id + " could not be found."));
    String project = g.path("project_id").asText();
    sender.send(ctx, caller, Topics.COMPUTE_COMMANDS, "project/" + project, PROJECTION, new DeleteServerGroup(id, project),
        id, project);
    ctx.status(204);
  }

  // ---- actions ----------------------------------------------------------------------------------

  /** {@code POST /servers/{id}/action}: reboot, os-stop, os-start (decided by the boot saga), os-getConsoleOutput. */
  private void action(Context ctx) {
    TokenClaims caller = caller(ctx);
    String id = ctx.pathParam("id");
    String project = projectOf(caller, id);
    JsonNode root = root(ctx);
    if (root.size() != 1) throw ApiException.badRequest("An action request names exactly one action.");
    String name = root.fieldNames().next();
    JsonNode args = root.get(name);
    switch (name) {
      case "reboot" -> {
        String type = args.path("type").asText("");
        if (!type.equals("SOFT") && !type.equals("HARD")) {
          throw invalid("type", args.get("type"), "'type' is one of 'SOFT', 'HARD'");
        }
        power(ctx, caller, id, project, type.equals("SOFT") ? "reboot-soft" : "reboot-hard");
      }
      case "os-stop" -> power(ctx, caller, id, project, "stop");
      case "os-start" -> power(ctx, caller, id, project, "start");
      case "os-getConsoleOutput" -> consoleOutput(ctx, caller, id, args);
      case "createImage" -> createImage(ctx, caller, id, project, args);
      case "os-getVNCConsole" -> legacyConsole(caller, id, "vnc", args, Set.of("novnc", "xvpvnc"));
      case "os-getSPICEConsole" -> legacyConsole(caller, id, "spice", args, Set.of("spice-html5"));
      case "os-getRDPConsole" -> legacyConsole(caller, id, "rdp", args, Set.of("rdp-html5"));
      case "os-getSerialConsole" -> legacyConsole(caller, id, "serial", args, Set.of("serial"));
      default -> throw ApiException.badRequest("There is no such action: " + name);
    }
  }

  private void power(Context ctx, TokenClaims caller, String id, String project, String action) {
    sender.send(ctx, caller, Topics.COMPUTE_SAGA, "instance/" + id, PROJECTION,
        new ChangeServerPower(id, project, action), id, project);
    ctx.status(202);
  }

  /**
   * A snapshot: the image is created here (queued, owned by the server's project, marked as a
   * snapshot of this server), then the boot saga, which knows whether the server can be
   * snapshotted now, asks its host to upload the disk into it. If the saga refuses, the image goes.
   */
  private void createImage(Context ctx, TokenClaims caller, String id, String project, JsonNode args) {
    if (!args.isObject()) throw invalid("createImage", args, "it is not of type 'object'");
    JsonNode nameNode = args.get("name");
    if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank() || nameNode.asText().length() > 255) {
      throw invalid("name", nameNode, "'name' is a required property of 1 to 255 characters");
    }
    Map<String, String> metadata = metadata(args.get("metadata"), "metadata");
    ObjectNode server = view.show(caller, id)
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Instance " + id + " could not be found."));
    String baseId = server.path("image").path("id").asText(null);
    Optional<ImageCatalog.Image> base = baseId == null ? Optional.empty() : images.find(baseId);
    Map<String, String> properties = new LinkedHashMap<>();
    base.ifPresent(b -> b.properties().forEach((k, v) -> {
      if (!k.startsWith("image_") && !k.equals("instance_uuid") && !k.equals("base_image_ref")) properties.put(k, v);
    }));
    properties.putAll(metadata);
    properties.put("image_type", "snapshot");
    properties.put("instance_uuid", id);
    if (baseId != null) properties.put("base_image_ref", baseId);
    properties.put("user_id", caller.userId());
    int minDisk = compute.flavor(new ComputeCatalog.Viewer(project, true), server.path("flavor").path("id").asText(""))
        .map(ComputeCatalog.Flavor::diskGb).orElse(base.map(ImageCatalog.Image::minDisk).orElse(0));
    String imageId = UUID.randomUUID().toString();
    sender.send(ctx, caller, Topics.IMAGE_COMMANDS, project, "image", new CreateImage(imageId, project,
        nameNode.asText(), base.map(ImageCatalog.Image::diskFormat).orElse("raw"),
        base.map(ImageCatalog.Image::containerFormat).orElse("bare"), "private", false, minDisk,
        base.map(ImageCatalog.Image::minRam).orElse(0), List.of(), properties), imageId, project);
    try {
      sender.send(ctx, caller, Topics.COMPUTE_SAGA, "instance/" + id, PROJECTION, new SnapshotServer(id, project, imageId),
          id, project);
    } catch (ApiException refused) {
      sender.send(ctx, caller, Topics.IMAGE_COMMANDS, project, "image", new DeleteImage(imageId), imageId, project);
      throw refused;
    }
    ctx.status(202).header("Location", imageUrl + "/v2/images/" + imageId);
  }

  // ---- remote consoles ----------------------------------------------------------------------------

  /** The console types of each protocol (2.6; mks from 2.8). */
  private static final Map<String, Set<String>> CONSOLE_TYPES = Map.of("vnc", Set.of("novnc", "xvpvnc"),
      "spice", Set.of("spice-html5"), "rdp", Set.of("rdp-html5"), "serial", Set.of("serial"), "mks", Set.of("webmks"));

  /**
   * {@code POST /servers/{id}/remote-consoles} (2.6): the request is checked as Nova checks it; the
   * hosts here offer no remote console of any type (a server's console is its log, read with
   * {@code os-getConsoleOutput}), so a running server's answer is Nova's for a console type its
   * host does not offer: 400 {@code Unavailable console type}.
   */
  private void remoteConsole(Context ctx) {
    TokenClaims caller = caller(ctx);
    Microversion version = Microversions.negotiate(ctx);
    if (!version.atLeast(6)) throw new ApiException(404, "itemNotFound", "The resource could not be found.");
    String id = ctx.pathParam("id");
    ObjectNode console = body(ctx, "remote_console");
    JsonNode protocol = console.get("protocol");
    JsonNode type = console.get("type");
    Set<String> protocols = version.atLeast(8) ? CONSOLE_TYPES.keySet()
        : Set.of("vnc", "spice", "rdp", "serial");
    if (protocol == null || !protocol.isTextual() || !protocols.contains(protocol.asText())) {
      throw invalid("protocol", protocol, "'protocol' is one of " + new java.util.TreeSet<>(protocols));
    }
    if (type == null || !type.isTextual() || !CONSOLE_TYPES.get(protocol.asText()).contains(type.asText())) {
      throw ApiException.badRequest("Unsupported console_type \"" + (type == null ? "" : type.asText())
          + "\" for protocol " + protocol.asText() + ".");
    }
    unavailableConsole(caller, id, type.asText());
  }

  /** The 2.1 console actions ({@code os-getVNCConsole} and its kin), answered as {@link #remoteConsole} is. */
  private void legacyConsole(TokenClaims caller, String id, String protocol, JsonNode args, Set<String> types) {
    JsonNode type = args.get("type");
    if (type == null || !type.isTextual()) throw invalid("type", type, "'type' is a required property");
    if (!types.contains(type.asText())) {
      throw ApiException.badRequest("Unsupported console_type \"" + type.asText() + "\" for protocol " + protocol + ".");
    }
    unavailableConsole(caller, id, type.asText());
  }

  private void unavailableConsole(TokenClaims caller, String id, String type) {
    ObjectNode server = view.show(caller, id)
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Instance " + id + " could not be found."));
    if (!"ACTIVE".equals(server.path("status").asText())) {
      throw new ApiException(409, "conflict", "Instance " + id + " is not ready: it is "
          + server.path("OS-EXT-STS:vm_state").asText() + ".");
    }
    throw ApiException.badRequest("Unavailable console type " + type + ".");
  }

  private void consoleOutput(Context ctx, TokenClaims caller, String id, JsonNode args) {
    Integer lines = null;
    JsonNode length = args.get("length");
    if (length != null && !length.isNull()) {
      if (length.isIntegralNumber() || (length.isTextual() && length.asText().matches("-?\\d+"))) lines = length.asInt();
      else throw invalid("length", length, length + " is not of type 'integer', 'string', 'null'");
      if (lines < -1) throw invalid("length", length, lines + " is less than the minimum of -1");
      if (lines == -1) lines = null;
    }
    ObjectNode server = view.show(caller, id)
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Instance " + id + " could not be found."));
    String host = servers.hostOf(id).orElse("");
    if (!"ACTIVE".equals(server.path("status").asText()) && !"SHUTOFF".equals(server.path("status").asText())) {
      throw new ApiException(409, "conflict", "Cannot 'get_console_output' instance " + id + " while it is in vm_state "
          + server.path("OS-EXT-STS:vm_state").asText());
    }
    String log = consoles.consoleLog(host, id, lines).orElseThrow(() -> ApiException.unavailable(
        "Guest does not have a console available: host " + host + " did not answer."));
    ObjectNode out = json.createObjectNode();
    out.put("output", log);
    ctx.contentType("application/json").result(out.toString());
  }

  // ---- update, delete, metadata -----------------------------------------------------------------

  private void update(Context ctx) {
    TokenClaims caller = caller(ctx);
    String id = ctx.pathParam("id");
    String project = projectOf(caller, id);
    ObjectNode s = body(ctx, "server");
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!Set.of("name", "accessIPv4", "accessIPv6", "OS-DCF:diskConfig").contains(field)) {
        throw ApiException.badRequest("Invalid input for field/attribute server. Additional properties are not allowed ('"
            + field + "' was unexpected)");
      }
    }
    String name = s.has("name") ? name(s.get("name")) : null;
    send(ctx, caller, project, new UpdateServer(id, project, name), id);
    ObjectNode server = view.updated(caller, id, Microversions.negotiate(ctx))
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Instance " + id + " could not be found."));
    ObjectNode root = json.createObjectNode();
    root.set("server", server);
    ctx.contentType("application/json").result(root.toString());
  }

  private void delete(Context ctx) {
    TokenClaims caller = caller(ctx);
    String id = ctx.pathParam("id");
    String project = projectOf(caller, id);
    send(ctx, caller, project, new DeleteServer(id, project), id);
    ctx.status(204);
  }

  private void setMetadata(Context ctx, boolean replace) {
    TokenClaims caller = caller(ctx);
    String id = ctx.pathParam("id");
    String project = projectOf(caller, id);
    JsonNode root = root(ctx);
    if (!root.path("metadata").isObject()) throw invalid("metadata", root, "'metadata' is a required property");
    Map<String, String> metadata = metadata(root.get("metadata"), "metadata");
    send(ctx, caller, project, new SetServerMetadata(id, project, metadata, replace), id);
    answerMetadata(ctx, caller, id);
  }

  private void putMetadataItem(Context ctx) {
    TokenClaims caller = caller(ctx);
    String id = ctx.pathParam("id");
    String key = ctx.pathParam("key");
    String project = projectOf(caller, id);
    JsonNode root = root(ctx);
    JsonNode meta = root.get("meta");
    if (meta == null || !meta.isObject() || meta.size() != 1) {
      throw invalid("meta", meta, "'meta' is a required property with exactly one item");
    }
    if (!meta.has(key)) throw ApiException.badRequest("Request body and URI mismatch");
    Map<String, String> item = metadata(meta, "meta");
    send(ctx, caller, project, new SetServerMetadata(id, project, item, false), id);
    ObjectNode out = json.createObjectNode();
    out.putObject("meta").put(key, item.get(key));
    ctx.contentType("application/json").result(out.toString());
  }

  private void deleteMetadataItem(Context ctx) {
    TokenClaims caller = caller(ctx);
    String id = ctx.pathParam("id");
    String project = projectOf(caller, id);
    send(ctx, caller, project, new DeleteServerMetadataItem(id, project, ctx.pathParam("key")), id);
    ctx.status(204);
  }

  private void answerMetadata(Context ctx, TokenClaims caller, String id) {
    ObjectNode server = view.show(caller, id)
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Instance " + id + " could not be found."));
    ObjectNode out = json.createObjectNode();
    out.set("metadata", server.path("metadata").isObject() ? server.get("metadata") : json.createObjectNode());
    ctx.contentType("application/json").result(out.toString());
  }
}
