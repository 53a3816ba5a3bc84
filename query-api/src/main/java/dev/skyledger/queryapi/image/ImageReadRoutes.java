package dev.skyledger.queryapi.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.identity.ServiceCatalog;
import dev.skyledger.platform.image.ImageStore;
import dev.skyledger.views.image.ImageCatalog;
import dev.skyledger.views.image.ImageJson;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.HttpOutput;

/** The image (Glance v2) read routes: version discovery, image list with filters and pages, image show. */
public final class ImageReadRoutes {
  private static final String ROOT = "/image";
  private static final int DEFAULT_LIMIT = 25;
  private static final int MAX_LIMIT = 1000;

  private final Authenticator auth;
  private final ImageCatalog catalog;
  private final ImageJson render;
  private final ServiceCatalog services;
  private final ImageStore store;
  private final ImageSchemaRoutes schemas;
  private final MetadefReadRoutes metadefs;

  public ImageReadRoutes(Authenticator auth, ImageCatalog catalog, ImageJson render, ServiceCatalog services,
                         ImageStore store, ImageSchemaRoutes schemas, MetadefReadRoutes metadefs) {
    this.auth = auth;
    this.catalog = catalog;
    this.render = render;
    this.services = services;
    this.store = store;
    this.schemas = schemas;
    this.metadefs = metadefs;
  }

  public void routes(JavalinConfig config) {
    var r = config.routes;
    r.get(ROOT, this::versions);
    r.get(ROOT + "/versions", this::versions);
    r.get(ROOT + "/v2/images", this::list);
    r.get(ROOT + "/v2/images/{id}", this::show);
    r.get(ROOT + "/v2/images/{id}/file", this::download);
    r.get(ROOT + "/v2/images/{id}/members", this::members);
    r.get(ROOT + "/v2/images/{id}/members/{member}", this::member);
    schemas.routes(config);
    metadefs.routes(config);
  }

  /** Glance's discovery document; openstacksdk refuses the image service without it. */
  private void versions(Context ctx) {
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode versions = root.putArray("versions");
    String[][] all = {{"v2.9", "CURRENT"}, {"v2.8", "SUPPORTED"}, {"v2.7", "SUPPORTED"}, {"v2.6", "SUPPORTED"},
        {"v2.5", "SUPPORTED"}, {"v2.4", "SUPPORTED"}, {"v2.3", "SUPPORTED"}, {"v2.2", "SUPPORTED"},
        {"v2.1", "SUPPORTED"}, {"v2.0", "SUPPORTED"}};
    for (String[] v : all) {
      versions.addObject().put("id", v[0]).put("status", v[1])
          .putArray("links").addObject().put("rel", "self").put("href", services.url(ROOT + "/v2/"));
    }
    ctx.status(ctx.path().endsWith("/versions") ? 200 : 300).contentType("application/json").result(root.toString());
  }

  static ImageCatalog.Viewer viewer(TokenClaims caller) {
    return new ImageCatalog.Viewer(caller.projectId(), caller.isAdmin());
  }

  private void list(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    // GET /v2/images/ is a show with an empty id (the router ignores the trailing slash), as in Glance a 404
    if (ctx.path().endsWith("/")) throw ApiException.notFound("No image found with ID .");
    int limit = DEFAULT_LIMIT;
    String limitParam = ctx.queryParam("limit");
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("limit param must be an integer");
      }
      if (limit < 0) throw ApiException.badRequest("limit param must be positive");
      limit = Math.min(limit, MAX_LIMIT);
    }
    String sortKey = ctx.queryParamAsClass("sort_key", String.class).getOrDefault("created_at");
    String sortDir = ctx.queryParamAsClass("sort_dir", String.class).getOrDefault("desc");
    String sort = ctx.queryParam("sort");
    if (sort != null) {
      // the newer syntax, sort=<key>[:<dir>][,...]: the first key orders the page (then the id)
      if (ctx.queryParam("sort_key") != null || ctx.queryParam("sort_dir") != null) {
        throw ApiException.badRequest("Old and new sorting syntax cannot be combined");
      }
      String first = sort.split(",")[0].strip();
      int colon = first.indexOf(':');
      sortKey = colon < 0 ? first : first.substring(0, colon);
      sortDir = colon < 0 ? "desc" : first.substring(colon + 1);
    }
    if (!ImageCatalog.SORT_KEYS.containsKey(sortKey)) throw ApiException.badRequest("Invalid sort key: " + sortKey + ".");
    if (!sortDir.equals("asc") && !sortDir.equals("desc")) {
      throw ApiException.badRequest("Invalid sort direction: " + sortDir + ".");
    }
    String visibility = ctx.queryParam("visibility");
    if (visibility != null && !List.of("public", "private", "shared", "community", "all").contains(visibility)) {
      throw ApiException.badRequest("Invalid visibility value: " + visibility + ".");
    }
    ImageCatalog.Filter filter = new ImageCatalog.Filter(ctx.queryParam("name"), ctx.queryParam("status"), visibility,
        ctx.queryParam("owner"), ctx.queryParams("tag"), ctx.queryParam("disk_format"), ctx.queryParam("container_format"),
        memberStatus(ctx), propertyFilters(ctx), timeFilters(ctx), size(ctx, "size_min", "size"),
        size(ctx, "size_max", "size"));
    List<ImageCatalog.Image> page = catalog.list(viewer(caller), filter, sortKey, sortDir.equals("asc"),
        ctx.queryParam("marker"), limit);
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode images = root.putArray("images");
    page.forEach(i -> images.add(render.image(i)));
    root.put("first", "/v2/images");
    root.put("schema", "/v2/schemas/images");
    if (limit > 0 && page.size() == limit) {
      StringBuilder next = new StringBuilder("/v2/images?marker=").append(page.get(page.size() - 1).id())
          .append("&limit=").append(limit);
      ctx.queryParamMap().forEach((key, values) -> {
        if (key.equals("marker") || key.equals("limit")) return;
        for (String v : values) next.append('&').append(key).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
      });
      root.put("next", next.toString());
    }
    ctx.contentType("application/json").result(root.toString());
  }

  /** The list parameters that are Glance's own; any other names a custom property the images must have. */
  private static final Set<String> LIST_PARAMETERS = Set.of("limit", "marker", "sort_key", "sort_dir", "sort", "name",
      "status", "visibility", "owner", "tag", "disk_format", "container_format", "member_status", "size_min", "size_max",
      "protected", "os_hidden", "id", "created_at", "updated_at", "checksum", "os_hash_value", "size");

  /** A size bound in bytes from {@code param}, or from {@code exact} (both bounds at once). */
  private static Long size(Context ctx, String param, String exact) {
    String value = ctx.queryParam(param) != null ? ctx.queryParam(param) : ctx.queryParam(exact);
    if (value == null) return null;
    try {
      long bytes = Long.parseLong(value);
      if (bytes < 0) throw new NumberFormatException();
      return bytes;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Invalid value for " + (ctx.queryParam(param) != null ? param : exact) + ": "
          + value + " (a size in bytes).");
    }
  }

  private static Map<String, String> propertyFilters(Context ctx) {
    Map<String, String> out = new LinkedHashMap<>();
    ctx.queryParamMap().forEach((key, values) -> {
      if (!LIST_PARAMETERS.contains(key) && !values.isEmpty()) out.put(key, values.get(0));
    });
    return out;
  }

  /** {@code created_at} and {@code updated_at} as Glance takes them: {@code [gt|gte|lt|lte|eq|neq:]<ISO 8601 time>}. */
  private static List<ImageCatalog.TimeBound> timeFilters(Context ctx) {
    List<ImageCatalog.TimeBound> out = new ArrayList<>();
    for (String column : List.of("created_at", "updated_at")) {
      for (String value : ctx.queryParams(column)) {
        int colon = value.indexOf(':');
        String op = colon > 0 && ImageCatalog.TimeBound.isOperator(value.substring(0, colon)) ? value.substring(0, colon) : "eq";
        String time = op.equals("eq") && !value.startsWith("eq:") ? value : value.substring(colon + 1);
        try {
          out.add(new ImageCatalog.TimeBound(column, op, java.time.OffsetDateTime.parse(time).toInstant()));
        } catch (java.time.format.DateTimeParseException e) {
          try {
            out.add(new ImageCatalog.TimeBound(column, op, Instant.parse(time)));
          } catch (java.time.format.DateTimeParseException e2) {
            throw ApiException.badRequest("Unable to filter on a range with a nonsensical value: " + value + ".");
          }
        }
      }
    }
    return out;
  }

  private static String memberStatus(Context ctx) {
    String status = ctx.queryParam("member_status");
    if (status != null && !List.of("accepted", "pending", "rejected", "all").contains(status)) {
      throw ApiException.badRequest("Invalid member_status value: " + status + ".");
    }
    return status;
  }

  /** The owner sees every member; a member sees only itself. */
  private void members(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    ImageCatalog.Image image = catalog.visible(id, viewer(caller))
        .orElseThrow(() -> ApiException.notFound("No image found with ID " + id + "."));
    if (!image.visibility().equals("shared")) {
      throw ApiException.forbidden("Only shared images have members (this one is " + image.visibility() + ").");
    }
    boolean owner = caller.isAdmin() || image.owner().equals(caller.projectId());
    ObjectNode root = render.mapper().createObjectNode();
    ArrayNode members = root.putArray("members");
    catalog.members(id).stream().filter(m -> owner || m.memberId().equals(caller.projectId()))
        .forEach(m -> members.add(render.member(m)));
    root.put("schema", "/v2/schemas/members");
    ctx.contentType("application/json").result(root.toString());
  }

  private void member(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    String member = ctx.pathParam("member");
    ImageCatalog.Image image = catalog.visible(id, viewer(caller))
        .orElseThrow(() -> ApiException.notFound("No image found with ID " + id + "."));
    boolean owner = caller.isAdmin() || image.owner().equals(caller.projectId());
    ImageCatalog.Member found = catalog.member(id, member).filter(m -> owner || m.memberId().equals(caller.projectId()))
        .orElseThrow(() -> ApiException.notFound("No member " + member + " found for image " + id + "."));
    ctx.contentType("application/json").result(render.member(found).toString());
  }

  /** Streams the data, whole or one {@code Range}, with the MD5 the client checks it against. */
  private void download(Context ctx) throws IOException {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    ImageCatalog.Image image = catalog.visible(id, viewer(caller))
        .orElseThrow(() -> ApiException.notFound("No image found with ID " + id + "."));
    if (image.status().equals("deactivated") && !caller.isAdmin()) {
      throw ApiException.forbidden("The requested image has been deactivated. Image data download is forbidden.");
    }
    if (!image.status().equals("active") && !image.status().equals("deactivated") || image.location() == null) {
      ctx.status(204);
      return;
    }
    long size = image.size();
    long start = 0;
    long end = size - 1;
    String range = ctx.header("Range");
    boolean partial = range != null;
    if (partial) {
      Matcher m = RANGE.matcher(range.strip());
      if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
        throw new ApiException(416, "Requested Range Not Satisfiable", "Invalid Range header: " + range + ".");
      }
      if (m.group(1).isEmpty()) {
        start = Math.max(0, size - Long.parseLong(m.group(2)));
      } else {
        start = Long.parseLong(m.group(1));
        if (!m.group(2).isEmpty()) end = Math.min(end, Long.parseLong(m.group(2)));
      }
      if (start > end || start >= size) {
        ctx.header("Content-Range", "bytes */" + size);
        throw new ApiException(416, "Requested Range Not Satisfiable", "Range " + range + " is outside the image's "
            + size + " bytes.");
      }
      ctx.status(206);
      ctx.header("Content-Range", "bytes " + start + "-" + end + "/" + size);
    }
    long length = end - start + 1;
    ctx.contentType("application/octet-stream");
    ctx.header("Content-Length", Long.toString(length));
    ctx.header("Content-MD5", image.checksum());
    try (ReadableByteChannel in = store.open(image.location(), start, length)) {
      // Jetty's own stream takes a direct buffer as it is; a byte[] would be copied on the way in and out
      HttpOutput out = (HttpOutput) ctx.res().getOutputStream();
      ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
      while (in.read(buffer.clear()) >= 0) out.write(buffer.flip());
      out.flush();
    }
  }

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  private void show(Context ctx) {
    TokenClaims caller = auth.caller(ctx);
    String id = ctx.pathParam("id");
    ImageCatalog.Image image = catalog.visible(id, viewer(caller))
        .orElseThrow(() -> ApiException.notFound("No image found with ID " + id + "."));
    ctx.contentType("application/json").result(render.image(image).toString());
  }
}
