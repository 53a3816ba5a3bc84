package dev.skyledger.queryapi.image;

import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.http.ApiException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Glance's JSON schemas ({@code GET /v2/schemas/...}): the documents that describe the image,
 * member and metadata-definition resources, which clients such as glanceclient read to validate
 * and render them. They are fixed documents of the API (resources under {@code image-schemas/}),
 * read once at start.
 */
public final class ImageSchemaRoutes {
  private static final String ROOT = "/image/v2/schemas/";
  private static final List<String> NAMES = List.of("image", "images", "member", "members", "metadefs/namespace",
      "metadefs/namespaces", "metadefs/object", "metadefs/objects", "metadefs/property", "metadefs/properties",
      "metadefs/resource_type", "metadefs/resource_types", "metadefs/tag", "metadefs/tags");

  private final Authenticator auth;
  private final Map<String, String> documents;

  public ImageSchemaRoutes(Authenticator auth) {
    this.auth = auth;
    this.documents = NAMES.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), ImageSchemaRoutes::load));
  }

  public void routes(JavalinConfig config) {
    config.routes.get(ROOT + "{name}", ctx -> show(ctx, ctx.pathParam("name")));
    config.routes.get(ROOT + "metadefs/{name}", ctx -> show(ctx, "metadefs/" + ctx.pathParam("name")));
  }

  private void show(Context ctx, String name) {
    auth.caller(ctx);
    String document = documents.get(name);
    if (document == null) throw ApiException.notFound("No schema named " + name + ".");
    ctx.contentType("application/json").result(document);
  }

  private static String load(String name) {
    String resource = "/image-schemas/" + name.replace('/', '-') + ".json";
    try (InputStream in = ImageSchemaRoutes.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing " + resource);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
