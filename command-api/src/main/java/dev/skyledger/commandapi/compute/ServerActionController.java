package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.commandapi.compute.proxy.NovaProxyRoutes;
import dev.skyledger.events.compute.ChangeServerPower;
import dev.skyledger.events.compute.DeleteServer;
import dev.skyledger.events.compute.LockServer;
import dev.skyledger.events.compute.RebuildServer;
import dev.skyledger.events.compute.ResetServerState;
import dev.skyledger.events.compute.SetServerMetadata;
import dev.skyledger.events.compute.UpdateServer;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.events.compute.SnapshotServer;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.image.ImageCatalog;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code POST /servers/{id}/action}: reboot, os-stop, os-start, createImage, rebuild, lock, unlock and (for
 * administrators) os-resetState (decided
 * by the boot saga, which knows the server's state: one action at a time, 409 from the wrong state
 * or when the server is locked and the caller no administrator), and the console actions.
 */
final class ServerActionController {
  private static final java.time.Duration IMAGE_VISIBLE_WITHIN = java.time.Duration.ofSeconds(10);

  private final ComputeAccess access;
  private final ComputeCommands commands;
  private final ComputeWriteRoutes.Reads reads;
  private final ServerRequests requests;
  private final ConsoleController consoles;
  private final NovaProxyRoutes proxies;
  private final ObjectMapper json;
  private final String imageUrl;

  ServerActionController(ComputeAccess access, ComputeCommands commands, ComputeWriteRoutes.Reads reads,
                         ServerRequests requests, ConsoleController consoles, NovaProxyRoutes proxies, ObjectMapper json, String imageUrl) {
    this.access = access;
    this.commands = commands;
    this.reads = reads;
    this.requests = requests;
    this.consoles = consoles;
    this.proxies = proxies;
    this.json = json;
    this.imageUrl = imageUrl;
  }

  void act(Context ctx) {
    TokenClaims caller = access.caller(ctx);
    String id = ctx.pathParam("id");
    String project = access.projectOf(caller, id);
    ObjectNode root = NovaBody.root(ctx, json);
    if (root.size() != 1) throw ApiException.badRequest("An action request names exactly one action.");
    String name = root.fieldNames().next();
    JsonNode args = root.get(name);
    switch (name) {
      case "reboot" -> power(ctx, caller, id, project, rebootType(args));
      case "os-stop" -> power(ctx, caller, id, project, "stop");
      case "os-start" -> power(ctx, caller, id, project, "start");
      case "os-getConsoleOutput" -> consoles.output(ctx, caller, id, args);
      case "createImage" -> snapshot(ctx, caller, id, project, args);
      case "lock" -> lock(ctx, caller, id, project);
      case "rebuild" -> rebuild(ctx, caller, id, project, args);
      case "os-resetState" -> resetState(ctx, caller, id, project, args);
      case "forceDelete" -> {
        // deletion is immediate here (Nova's reclaim_instance_interval 0): forcing it is deleting it
        commands.forProject(ctx, caller, project, new DeleteServer(id, project), id);
        ctx.status(202);
      }
      case "restore" -> restore(caller, id);
      case "unlock" -> {
        commands.toSaga(ctx, caller, id, project, new LockServer(id, project, false, null));
        ctx.status(202);
      }
      default -> {
        if (proxies.serverAction(ctx, caller, id, project, name, args)) return;
        if (!ConsoleController.LEGACY_ACTIONS.containsKey(name)) throw ApiException.badRequest("There is no such action: " + name);
        consoles.legacy(caller, id, name, args);
      }
    }
  }

  private static String rebootType(JsonNode args) {
    String type = args.path("type").asText("");
    if (!type.equals("SOFT") && !type.equals("HARD")) {
      throw NovaBody.invalid("type", args.get("type"), "'type' is one of 'SOFT', 'HARD'");
    }
    return type.equals("SOFT") ? "reboot-soft" : "reboot-hard";
  }

  /**
   * Lock: then only an administrator may act on the server. Below 2.73 (where {@code locked_reason}
   * comes in, beyond this cloud) Nova reads nothing of the action's value, so nothing here does.
   */
  private void lock(Context ctx, TokenClaims caller, String id, String project) {
    commands.toSaga(ctx, caller, id, project, new LockServer(id, project, true, null));
    ctx.status(202);
  }

  /** os-resetState, for administrators (Nova's policy; the saga checks it again): {@code state} error or active. */
  private void resetState(Context ctx, TokenClaims caller, String id, String project, JsonNode args) {
    if (!caller.isAdmin()) {
      throw ApiException.forbidden("Policy doesn't allow os_compute_api:os-admin-actions:reset_state to be performed.");
    }
    if (!(args instanceof ObjectNode o)) throw NovaBody.invalid("os-resetState", args, "it is not of type 'object'");
    NovaBody.onlyFields(o, "os-resetState", java.util.Set.of("state"));
    JsonNode state = o.get("state");
    if (state == null) throw NovaBody.invalid("os-resetState", args, "'state' is a required property");
    if (!state.isTextual() || !(state.asText().equals("error") || state.asText().equals("active"))) {
      throw NovaBody.invalid("state", state, state + " is not one of ['active', 'error']");
    }
    commands.toSaga(ctx, caller, id, project, new ResetServerState(id, project, state.asText()));
    ctx.status(202);
  }

  private static final java.util.Set<String> REBUILD_FIELDS = java.util.Set.of("imageRef", "name", "metadata", "adminPass",
      "OS-DCF:diskConfig", "accessIPv4", "accessIPv6", "personality", "preserve_ephemeral");

  /**
   * Rebuild from an image: the saga decides it (from ACTIVE, SHUTOFF or ERROR; the host destroys the
   * domain and spawns it again from the image, same host and ports); once it is accepted, a new
   * name and addresses, and metadata that replaces the server's, are decided on the project's stream
   * as an update is. The answer is the server as an update answers, with the new image and the
   * password (given, or made here; neither recorded nor logged).
   */
  private void rebuild(Context ctx, TokenClaims caller, String id, String project, JsonNode args) {
    if (!(args instanceof ObjectNode o)) throw NovaBody.invalid("rebuild", args, "it is not of type 'object'");
    NovaBody.onlyFields(o, "rebuild", REBUILD_FIELDS);
    if (!o.has("imageRef")) throw NovaBody.invalid("rebuild", args, "'imageRef' is a required property");
    ImageCatalog.Image image = requests.image(caller, o.get("imageRef"));
    String name = o.has("name") ? NovaBody.name(o.get("name")) : null;
    Map<String, String> metadata = o.has("metadata") ? NovaBody.metadata(o.get("metadata"), "metadata") : null;
    String adminPass = ServerFields.adminPass(o.get("adminPass"));
    String diskConfig = ServerFields.diskConfig(o.get("OS-DCF:diskConfig"));
    String accessIpv4 = ServerFields.accessIp(o.get("accessIPv4"), 4);
    String accessIpv6 = ServerFields.accessIp(o.get("accessIPv6"), 6);
    commands.toSaga(ctx, caller, id, project, RebuildServer.newBuilder().setInstanceId(id).setProjectId(project)
        .setImageId(image.id()).setImageName(image.name()).setImageChecksum(image.checksum())
        .setImageSize(image.size() == null ? 0 : image.size()).setImageLocation(image.location()).build());
    if (name != null || accessIpv4 != null || accessIpv6 != null || diskConfig != null) {
      commands.forProject(ctx, caller, project, new UpdateServer(id, project, name, accessIpv4, accessIpv6, diskConfig), id);
    }
    if (metadata != null) commands.forProject(ctx, caller, project, new SetServerMetadata(id, project, metadata, true), id);
    ObjectNode server = reads.servers().updated(caller, id, Microversions.negotiate(ctx))
        .orElseThrow(() -> ComputeAccess.notFound(id));
    server.put("adminPass", adminPass);
    ObjectNode root = json.createObjectNode();
    root.set("server", server);
    ctx.status(202).contentType("application/json").result(root.toString());
  }

  /**
   * restore undoes a soft deletion, which this cloud never makes (a deletion is immediate, as Nova's
   * with reclaim_instance_interval 0): whatever state the server is in, it is not soft-deleted, and
   * Nova's answer for that is a 409 naming the state.
   */
  private void restore(TokenClaims caller, String id) {
    ObjectNode server = reads.servers().show(caller, id).orElseThrow(() -> ComputeAccess.notFound(id));
    throw new ApiException(409, "conflict", "Cannot 'restore' instance " + id + " while it is in vm_state "
        + server.path("OS-EXT-STS:vm_state").asText());
  }

  private void power(Context ctx, TokenClaims caller, String id, String project, String action) {
    commands.toSaga(ctx, caller, id, project, new ChangeServerPower(id, project, action));
    ctx.status(202);
  }

  /**
   * A snapshot: the boot saga, which knows whether the server can be snapshotted now, creates the
   * image (queued, owned by the server's project, marked as a snapshot of this server) and asks the
   * server's host to upload the disk into it; a refused snapshot makes no image. The answer waits
   * (briefly) until the image can be read, so a client may follow its Location at once.
   */
  private void snapshot(Context ctx, TokenClaims caller, String id, String project, JsonNode args) {
    if (!args.isObject()) throw NovaBody.invalid("createImage", args, "it is not of type 'object'");
    JsonNode nameNode = args.get("name");
    if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank() || nameNode.asText().length() > 255) {
      throw NovaBody.invalid("name", nameNode, "'name' is a required property of 1 to 255 characters");
    }
    Map<String, String> metadata = NovaBody.metadata(args.get("metadata"), "metadata");
    ObjectNode server = reads.servers().show(caller, id).orElseThrow(() -> ComputeAccess.notFound(id));
    String imageId = UUID.randomUUID().toString();
    commands.toSaga(ctx, caller, id, project, snapshotOf(id, project, imageId, nameNode.asText(), metadata, server, caller));
    awaitImage(imageId);
    ctx.status(202).header("Location", imageUrl + "/v2/images/" + imageId);
  }

  /** The snapshot's image: the base image's formats and properties, marked as this server's snapshot. */
  private SnapshotServer snapshotOf(String id, String project, String imageId, String name, Map<String, String> metadata,
                                    ObjectNode server, TokenClaims caller) {
    String baseId = server.path("image").path("id").asText(null);
    Optional<ImageCatalog.Image> base = baseId == null ? Optional.empty() : reads.images().find(baseId);
    Map<String, String> properties = new LinkedHashMap<>();
    base.ifPresent(b -> b.properties().forEach((k, v) -> {
      if (!k.startsWith("image_") && !k.equals("instance_uuid") && !k.equals("base_image_ref")) properties.put(k, v);
    }));
    properties.put("image_type", "snapshot");
    properties.put("instance_uuid", id);
    if (baseId != null) properties.put("base_image_ref", baseId);
    properties.put("user_id", caller.userId());
    // as Nova: what the request's metadata says wins over what the snapshot is marked with
    properties.putAll(metadata);
    int minDisk = reads.compute().flavor(new ComputeCatalog.Viewer(project, true), server.path("flavor").path("id").asText(""))
        .map(ComputeCatalog.Flavor::diskGb).orElse(base.map(ImageCatalog.Image::minDisk).orElse(0));
    return SnapshotServer.newBuilder().setInstanceId(id).setProjectId(project).setImageId(imageId).setImageName(name)
        .setDiskFormat(base.map(ImageCatalog.Image::diskFormat).orElse("raw"))
        .setContainerFormat(base.map(ImageCatalog.Image::containerFormat).orElse("bare"))
        .setMinDisk(minDisk).setMinRam(base.map(ImageCatalog.Image::minRam).orElse(0)).setProperties(properties).build();
  }

  /** The image the saga creates is decided and projected right after the saga's answer: wait for it, a few seconds at most. */
  private void awaitImage(String imageId) {
    long deadline = System.nanoTime() + IMAGE_VISIBLE_WITHIN.toNanos();
    while (reads.images().find(imageId).isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
