package dev.skyledger.commandapi.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.Topics;
import dev.skyledger.events.image.AbortImageUpload;
import dev.skyledger.events.image.AddImageMember;
import dev.skyledger.events.image.CompleteImageUpload;
import dev.skyledger.events.image.CreateImage;
import dev.skyledger.events.image.DeactivateImage;
import dev.skyledger.events.image.DeleteImage;
import dev.skyledger.events.image.ReactivateImage;
import dev.skyledger.events.image.RemoveImageMember;
import dev.skyledger.events.image.SetImageMemberStatus;
import dev.skyledger.events.image.StartImageUpload;
import dev.skyledger.events.image.UpdateImage;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.command.CommandSender;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.http.JsonBody;
import dev.skyledger.platform.image.FileImageStore;
import dev.skyledger.platform.image.ImageFormats;
import dev.skyledger.platform.image.ImageStore;
import dev.skyledger.views.image.ImageCatalog;
import dev.skyledger.views.image.ImageJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The image (Glance v2) write routes: create, JSON-patch update, delete, tags. Image commands are
 * keyed by the owning project; the views are read back for the answer (read-your-writes).
 */
public final class ImageWriteRoutes {
  private static final String V2 = "/image/v2";

  private final Authenticator auth;
  private final CommandSender sender;
  private final ImageCatalog catalog;
  private final ImageJson render;
  private final ImageStore store;
  private final long maxBytes;
  private final MetadefWriteRoutes metadefs;

  /** The upload route, streamed by its handler rather than read whole. */
  public static final Pattern UPLOAD_PATH = Pattern.compile("/image/v2/images/[^/]+/file");

  public ImageWriteRoutes(Authenticator auth, CommandSender sender, ImageCatalog catalog, ImageJson render,
                          ImageStore store, long maxBytes, MetadefWriteRoutes metadefs) {
    this.auth = auth;
    this.sender = sender;
    this.catalog = catalog;
    this.render = render;
    this.store = store;
    this.maxBytes = maxBytes;
    this.metadefs = metadefs;
  }

  public void routes(JavalinConfig config) {
    var r = config.routes;
    r.post(V2 + "/images", this::create);
    r.patch(V2 + "/images/{id}", this::update);
    r.delete(V2 + "/images/{id}", this::delete);
    r.delete(V2 + "/images", this::deleteWithoutId);
    r.put(V2 + "/images/{id}/file", this::upload);
    r.post(V2 + "/images/{id}/members", this::addMember);
    r.put(V2 + "/images/{id}/members/{member}", this::setMemberStatus);
    r.delete(V2 + "/images/{id}/members/{member}", this::removeMember);
    r.post(V2 + "/images/{id}/actions/deactivate", ctx -> activation(ctx, false));
    r.post(V2 + "/images/{id}/actions/reactivate", ctx -> activation(ctx, true));
    r.put(V2 + "/images/{id}/tags/{tag}", ctx -> tag(ctx, true));
    r.delete(V2 + "/images/{id}/tags/{tag}", ctx -> tag(ctx, false));
    metadefs.routes(config);
  }

  /** The metadata a client controls, as one mutable value the JSON patch and the commands share. */
  private static final class Metadata {
    String name;
    String diskFormat;
    String containerFormat;
    String visibility = "shared";
    /** A new owner an administrator gives the image; null: unchanged (or, on create, the caller's project). */
    String owner;
    boolean isProtected;
    int minDisk;
    int minRam;
    List<String> tags = new ArrayList<>();
    Map<String, String> properties = new LinkedHashMap<>();

    static Metadata of(ImageCatalog.Image i) {
      Metadata m = new Metadata();
      m.name = i.name();
      m.diskFormat = i.diskFormat();
      m.containerFormat = i.containerFormat();
      m.visibility = i.visibility();
      m.isProtected = i.isProtected();
      m.minDisk = i.minDisk();
      m.minRam = i.minRam();
      m.tags = new ArrayList<>(i.tags());
      m.properties = new LinkedHashMap<>(i.properties());
      return m;
    }

    /** Sets one attribute from a client's value; the errors name the attribute. */
    void set(String attribute, JsonNode value) {
      if (ImageJson.RESERVED.contains(attribute)) {
        throw ApiException.forbidden("Attribute '" + attribute + "' is read-only.");
      }
      switch (attribute) {
        case "name" -> name = nullableText(attribute, value, 255);
        case "disk_format" -> diskFormat = nullableText(attribute, value, 32);
        case "container_format" -> containerFormat = nullableText(attribute, value, 32);
        case "visibility" -> visibility = text(attribute, value);
        case "protected" -> {
          if (!value.isBoolean()) throw invalid(attribute, "a boolean");
          isProtected = value.asBoolean();
        }
        case "min_disk" -> minDisk = integer(attribute, value);
        case "min_ram" -> minRam = integer(attribute, value);
        case "tags" -> {
          if (!value.isArray()) throw invalid(attribute, "a list of strings");
          List<String> list = new ArrayList<>();
          for (JsonNode tag : value) {
            if (!tag.isTextual() || tag.asText().length() > 255) throw invalid(attribute, "a list of strings");
            if (!list.contains(tag.asText())) list.add(tag.asText());
          }
          tags = list;
        }
        default -> {
          if (attribute.isEmpty() || attribute.length() > 255) throw ApiException.badRequest("Invalid property name '" + attribute + "'.");
          if (!value.isTextual()) throw invalid(attribute, "a string (extra properties are strings)");
          if (value.asText().length() > 65_535) throw invalid(attribute, "at most 65535 characters");
          properties.put(attribute, value.asText());
        }
      }
    }

    void remove(String attribute) {
      if (ImageJson.RESERVED.contains(attribute)) throw ApiException.forbidden("Attribute '" + attribute + "' is read-only.");
      switch (attribute) {
        case "name", "disk_format", "container_format", "visibility", "protected", "min_disk", "min_ram", "tags" ->
            throw ApiException.forbidden("Attribute '" + attribute + "' cannot be removed.");
        default -> {
          if (properties.remove(attribute) == null) {
            throw new ApiException(409, "Conflict", "Property " + attribute + " does not exist.");
          }
        }
      }
    }

    private static String text(String attribute, JsonNode value) {
      if (!value.isTextual()) throw invalid(attribute, "a string");
      return value.asText();
    }

    private static String nullableText(String attribute, JsonNode value, int max) {
      if (value.isNull()) return null;
      String text = text(attribute, value);
      if (text.length() > max) throw invalid(attribute, "at most " + max + " characters");
      return text;
    }

    private static int integer(String attribute, JsonNode value) {
      if (!value.isInt()) throw invalid(attribute, "an integer");
      return value.asInt();
    }

    private static ApiException invalid(String attribute, String expected) {
      return ApiException.badRequest("Invalid value for '" + attribute + "': expected " + expected + ".");
    }
  }

  private void create(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    if (caller.projectId() == null) throw ApiException.forbidden("A project-scoped token is needed to create images.");
    ObjectNode body = JsonBody.of(ctx, render.mapper()).node();
    String id = UUID.randomUUID().toString();
    Metadata m = new Metadata();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals("id")) {
        id = requestedId(field.getValue());
      } else if (field.getKey().equals("owner") && !field.getValue().isNull()) {
        m.owner = ownerOf(field.getValue());
      } else if (!field.getKey().equals("owner")) {
        m.set(field.getKey(), field.getValue());
      }
    }
    String owner = m.owner == null ? caller.projectId() : m.owner;
    if (!owner.equals(caller.projectId()) && !caller.isAdmin()) {
      throw ApiException.forbidden("You are not permitted to create images owned by '" + owner + "'.");
    }
    sender.send(ctx, caller, Topics.IMAGE_COMMANDS, owner, "image", new CreateImage(id, owner, m.name, m.diskFormat,
        m.containerFormat, m.visibility, m.isProtected, m.minDisk, m.minRam, m.tags, m.properties), id, owner);
    String created = id;
    ImageCatalog.Image image = catalog.find(id).orElseThrow(() -> ApiException.notFound("No image found with ID " + created + "."));
    ctx.status(201).header("Location", "/v2/images/" + id).contentType("application/json").result(render.image(image).toString());
  }

  private static String requestedId(JsonNode value) {
    if (!value.isTextual()) throw ApiException.badRequest("Invalid value for 'id': expected a UUID.");
    try {
      return UUID.fromString(value.asText()).toString();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("Invalid value for 'id': expected a UUID.");
    }
  }

  private void update(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (!type.startsWith(ImagePatch.V21) && !type.startsWith(ImagePatch.V20)) {
      ctx.header("Accept-Patch", ImagePatch.V20 + ", " + ImagePatch.V21);
      throw new ApiException(415, "Unsupported Media Type", "Content type must be " + ImagePatch.V21 + ".");
    }
    ImageCatalog.Image image = visible(ctx, caller);
    Metadata m = Metadata.of(image);
    for (ImagePatch.Op op : ImagePatch.parse(JsonBody.parse(ctx, render.mapper()), type)) apply(m, op, caller);
    send(ctx, caller, image, m);
    ImageCatalog.Image updated = catalog.find(image.id()).orElseThrow(() -> ApiException.notFound("No image found with ID " + image.id() + "."));
    ctx.contentType("application/json").result(render.image(updated).toString());
  }

  private static void apply(Metadata m, ImagePatch.Op op, TokenClaims caller) {
    String attribute = op.root();
    boolean element = op.path().size() > 1;
    if (element && !attribute.equals("tags")) {
      throw ApiException.badRequest("Invalid JSON pointer for this resource: '/" + String.join("/", op.path()) + "'");
    }
    switch (op.kind()) {
      case "add", "replace" -> {
        if (element) {
          if (!op.value().isTextual()) throw ApiException.badRequest("Invalid value for 'tags': expected a string.");
          if (!m.tags.contains(op.value().asText())) m.tags.add(op.value().asText());
          return;
        }
        if (attribute.equals("owner")) {
          if (!caller.isAdmin()) throw ApiException.forbidden("Owner can't be updated by non admin.");
          m.owner = ownerOf(op.value());
          return;
        }
        m.set(attribute, op.value());
      }
      default -> {
        if (element) throw ApiException.badRequest("Invalid JSON pointer for this resource: '/" + String.join("/", op.path()) + "'");
        if (attribute.equals("owner")) throw ApiException.forbidden("Attribute 'owner' cannot be removed.");
        m.remove(attribute);
      }
    }
  }

  private static String ownerOf(JsonNode value) {
    if (!value.isTextual() || value.asText().isEmpty() || value.asText().length() > 255) {
      throw ApiException.badRequest("Invalid value for 'owner': expected a project id of at most 255 characters.");
    }
    return value.asText();
  }

  /** {@code DELETE /v2/images/} names an image with an empty id, which no image has (Glance's 404); the collection itself is 405. */
  private void deleteWithoutId(Context ctx) {
    auth.caller(ctx);
    if (ctx.path().endsWith("/")) throw ApiException.notFound("No image found with ID .");
    throw new ApiException(405, "Method Not Allowed", "The method DELETE is not allowed for the image list.");
  }

  private void delete(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    ImageCatalog.Image image = visible(ctx, caller);
    sender.send(ctx, caller, Topics.IMAGE_COMMANDS, image.streamKey(), "image", new DeleteImage(image.id()), image.id(),
        image.owner());
    if (image.location() != null) store.delete(image.location());
    ctx.status(204);
  }

  /**
   * {@code PUT /v2/images/{id}/file}: streams the data into the store while measuring and hashing
   * it, checks its header against the declared disk format, and activates the image. Any failure
   * puts the image back to queued and leaves no data behind.
   */
  private void upload(Context ctx) throws IOException {
    TokenClaims caller = auth.caller(ctx);
    ImageCatalog.Image image = visible(ctx, caller);
    if (image.diskFormat() == null || image.containerFormat() == null) {
      throw ApiException.badRequest("Properties disk_format, container_format must be set prior to saving data.");
    }
    String owner = image.owner();
    String stream = image.streamKey();
    sender.send(ctx, caller, Topics.IMAGE_COMMANDS, stream, "image", new StartImageUpload(image.id()), image.id(), owner);
    ImageStore.Staged staged;
    try {
      staged = store.stage(image.id(), ctx.req().getInputStream(), maxBytes);
    } catch (FileImageStore.TooLarge e) {
      abort(ctx, caller, image, e.getMessage());
      throw new ApiException(413, "Request Entity Too Large", "Image data is larger than the " + maxBytes + " bytes allowed.");
    } catch (IOException | RuntimeException e) {
      abort(ctx, caller, image, "upload interrupted: " + e.getMessage());
      throw ApiException.badRequest("The upload was interrupted: " + e.getMessage());
    }
    ImageFormats.Inspection inspection = ImageFormats.inspect(staged.head(), staged.tail(), staged.size());
    String contradiction = ImageFormats.contradiction(image.diskFormat(), inspection);
    if (staged.size() == 0 || contradiction != null) {
      store.discard(staged);
      String reason = staged.size() == 0 ? "No image data was sent." : contradiction;
      abort(ctx, caller, image, reason);
      throw ApiException.badRequest(reason);
    }
    String location = store.commit(staged);
    try {
      sender.send(ctx, caller, Topics.IMAGE_COMMANDS, stream, "image", new CompleteImageUpload(image.id(), staged.size(),
          inspection.virtualSize(), staged.md5(), "sha512", staged.sha512(), location), image.id(), owner);
    } catch (RuntimeException e) {
      store.delete(location);
      abort(ctx, caller, image, "the data was not recorded: " + e.getMessage());
      throw e;
    }
    ctx.status(204);
  }

  private void addMember(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    ImageCatalog.Image image = visible(ctx, caller);
    String member = JsonBody.of(ctx, render.mapper()).name("member", 255);
    sender.send(ctx, caller, Topics.IMAGE_COMMANDS, image.streamKey(), "image", new AddImageMember(image.id(), member),
        image.id(), image.owner());
    respondMember(ctx, image.id(), member);
  }

  private void setMemberStatus(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    ImageCatalog.Image image = visible(ctx, caller);
    String member = ctx.pathParam("member");
    String status = JsonBody.of(ctx, render.mapper()).string("status");
    sender.send(ctx, caller, Topics.IMAGE_COMMANDS, image.streamKey(), "image",
        new SetImageMemberStatus(image.id(), member, status), image.id(), image.owner());
    respondMember(ctx, image.id(), member);
  }

  private void removeMember(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    ImageCatalog.Image image = visible(ctx, caller);
    sender.send(ctx, caller, Topics.IMAGE_COMMANDS, image.streamKey(), "image",
        new RemoveImageMember(image.id(), ctx.pathParam("member")), image.id(), image.owner());
    ctx.status(204);
  }

  private void respondMember(Context ctx, String imageId, String member) {
    ImageCatalog.Member found = catalog.member(imageId, member)
        .orElseThrow(() -> ApiException.notFound("No member " + member + " found for image " + imageId + "."));
    ctx.contentType("application/json").result(render.member(found).toString());
  }

  private void activation(Context ctx, boolean reactivate) {
    TokenClaims caller = auth.caller(ctx);
    ImageCatalog.Image image = visible(ctx, caller);
    sender.send(ctx, caller, Topics.IMAGE_COMMANDS, image.streamKey(), "image",
        reactivate ? new ReactivateImage(image.id()) : new DeactivateImage(image.id()), image.id(), image.owner());
    ctx.status(204);
  }

  private void abort(Context ctx, TokenClaims caller, ImageCatalog.Image image, String reason) {
    sender.send(ctx, caller, Topics.IMAGE_COMMANDS, image.streamKey(), "image", new AbortImageUpload(image.id(), reason),
        image.id(), image.owner());
  }

  private void tag(Context ctx, boolean add) {
    TokenClaims caller = auth.caller(ctx);
    ImageCatalog.Image image = visible(ctx, caller);
    String tag = ctx.pathParam("tag");
    if (tag.length() > 255) throw ApiException.badRequest("A tag is at most 255 characters.");
    Metadata m = Metadata.of(image);
    if (add) {
      if (!m.tags.contains(tag)) m.tags.add(tag);
    } else if (!m.tags.remove(tag)) {
      throw ApiException.notFound("Tag " + tag + " not found.");
    }
    send(ctx, caller, image, m);
    ctx.status(204);
  }

  private ImageCatalog.Image visible(Context ctx, TokenClaims caller) {
    String id = ctx.pathParam("id");
    return catalog.visible(id, new ImageCatalog.Viewer(caller.projectId(), caller.isAdmin()))
        .orElseThrow(() -> ApiException.notFound("No image found with ID " + id + "."));
  }

  private void send(Context ctx, TokenClaims caller, ImageCatalog.Image image, Metadata m) {
    sender.send(ctx, caller, Topics.IMAGE_COMMANDS, image.streamKey(), "image", new UpdateImage(image.id(), m.name,
        m.diskFormat, m.containerFormat, m.visibility, m.isProtected, m.minDisk, m.minRam, m.tags, m.properties, m.owner),
        image.id(), image.owner());
  }
}
