package dev.skyledger.platform.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Skyledger HTTP server does around its handlers: give each request an
 * {@code x-openstack-request-id}, bound body sizes, and turn every failure into the error body of
 * the service that was called (never a stack trace).
 */
public final class HttpSetup {
  public static final String REQUEST_ID_HEADER = "x-openstack-request-id";
  /** Nova's older name for the same id, which it still sends and clients (Tempest's) still read. */
  public static final String COMPUTE_REQUEST_ID_HEADER = "x-compute-request-id";
  private static final String REQUEST_ID = "sky.request-id";
  /** Bodies above this are refused with 413 (images will get their own streaming limit). */
  public static final long MAX_BODY_BYTES = 1 << 20;

  private static final Logger log = LoggerFactory.getLogger(HttpSetup.class);

  private HttpSetup() {}

  public static String requestId(Context ctx) {
    String id = ctx.attribute(REQUEST_ID);
    return id != null ? id : "req-unknown";
  }

  public static void apply(JavalinConfig config, ObjectMapper json) {
    apply(config, json, java.util.List.of());
  }

  /**
   * As {@link #apply(JavalinConfig, ObjectMapper)}; requests whose path matches one of
   * {@code streamingUploads} (image data) are streamed by their handler and have no body limit here.
   */
  public static void apply(JavalinConfig config, ObjectMapper json, java.util.List<java.util.regex.Pattern> streamingUploads) {
    config.http.maxRequestSize = MAX_BODY_BYTES;
    config.http.prefer405over404 = true;
    config.router.ignoreTrailingSlashes = true;
    config.startup.showJavalinBanner = false;
    config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler(json)));
    config.routes.before(ctx -> {
      String id = "req-" + UUID.randomUUID();
      ctx.attribute(REQUEST_ID, id);
      ctx.header(REQUEST_ID_HEADER, id);
      if (ctx.path().startsWith("/compute/")) ctx.header(COMPUTE_REQUEST_ID_HEADER, id);
      String length = ctx.header("Content-Length");
      boolean streamed = streamingUploads.stream().anyMatch(p -> p.matcher(ctx.path()).matches());
      if (length != null && !streamed) {
        try {
          if (Long.parseLong(length) > MAX_BODY_BYTES) {
            throw new ApiException(413, "Request Entity Too Large",
                "The request body is larger than " + MAX_BODY_BYTES + " bytes.");
          }
        } catch (NumberFormatException e) {
          throw ApiException.badRequest("Invalid Content-Length header.");
        }
      }
      checkPathAndQuery(ctx);
    });
    // a 5xx names the request, so that what the client shows can be found in the log and the audit trail
    config.routes.exception(ApiException.class, (e, ctx) -> write(ctx, json, e.status(), e.title(),
        e.status() >= 500 && !e.getMessage().contains("(request ") ? e.getMessage() + " (request " + requestId(ctx) + ")"
            : e.getMessage()));
    // Javalin picks the handler registered for the most specific class, and has its own (plain text)
    // for its HttpResponseExceptions, such as "no such endpoint": they need a handler of their own
    config.routes.exception(io.javalin.http.HttpResponseException.class,
        (e, ctx) -> write(ctx, json, e.getStatus(), titleOf(e.getStatus()), e.getStatus() == 413
            ? "The request body is larger than " + MAX_BODY_BYTES + " bytes." : e.getMessage()));
    // the database cannot serve just now (down, restarting, out of connections) or cancelled a
    // statement that ran too long: a 503 the client may retry, with the request id, never a 500
    config.routes.exception(dev.skyledger.platform.db.DatabaseException.class, (e, ctx) -> {
      if (dev.skyledger.platform.db.DatabaseException.isTimeout(e)) {
        log.warn("request {} {} {}: a query ran past the statement timeout", requestId(ctx), ctx.method(), ctx.path());
        write(ctx, json, 503, "Service Unavailable", "The request took too long in the database and was cancelled"
            + " (request " + requestId(ctx) + "); narrow its filters or try again.");
      } else if (dev.skyledger.platform.db.DatabaseException.isTransient(e)) {
        log.warn("request {} {} {}: the database is unavailable: {}", requestId(ctx), ctx.method(), ctx.path(),
            e.getMessage());
        ctx.header("Retry-After", "5");
        write(ctx, json, 503, "Service Unavailable", "The database is unavailable just now (request "
            + requestId(ctx) + "); try again shortly.");
      } else {
        internalError(ctx, json, e);
      }
    });
    config.routes.exception(Exception.class, (e, ctx) -> internalError(ctx, json, e));
    config.routes.error(404, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty()) {
        write(ctx, json, 404, "Not Found", "The resource could not be found: " + ctx.path());
      }
    });
    config.routes.error(405, ctx -> write(ctx, json, 405, "Method Not Allowed",
        "The method " + ctx.method() + " is not allowed on " + ctx.path() + "."));
    // only when no handler said why (a quota, for one, answers 413 with its own message)
    config.routes.error(413, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty()) {
        write(ctx, json, 413, "Request Entity Too Large", "The request body is larger than " + MAX_BODY_BYTES + " bytes.");
      }
    });
  }

  /** The user text rule for what the URL carries: ids and names in the path, filters in the query. */
  private static void checkPathAndQuery(Context ctx) {
    String path;
    try {
      path = java.net.URLDecoder.decode(ctx.path().replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("The request path is not validly percent-encoded.");
    }
    UserText.problem(path).ifPresent(why -> {
      throw ApiException.badRequest("Invalid input in the request path: " + why + ".");
    });
    for (var param : ctx.queryParamMap().entrySet()) {
      UserText.problem(param.getKey()).ifPresent(why -> {
        throw ApiException.badRequest("Invalid query parameter name: " + why + ".");
      });
      for (String value : param.getValue()) {
        UserText.problem(value).ifPresent(why -> {
          throw ApiException.badRequest("Invalid input for query parameter '" + param.getKey() + "': " + why + ".");
        });
      }
    }
  }

  /** A failure the caller cannot help: logged with its trace, answered 500 with the request id and no trace. */
  private static void internalError(Context ctx, ObjectMapper json, Exception e) {
    log.error("request {} {} {} failed", requestId(ctx), ctx.method(), ctx.path(), e);
    write(ctx, json, 500, "Internal Server Error",
        "An unexpected error prevented the request from being fulfilled (request " + requestId(ctx) + ").");
  }

  private static void write(Context ctx, ObjectMapper json, int status, String title, String message) {
    ErrorStyle style = ErrorStyle.forPath(ctx.path());
    ctx.status(status);
    ctx.contentType("application/json");
    try {
      ctx.result(json.writeValueAsString(style.body(json, status, title, message)));
    } catch (Exception e) {
      ctx.result("{\"error\":{\"code\":" + status + "}}");
    }
  }

  private static String titleOf(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Request Entity Too Large";
      case 415 -> "Unsupported Media Type";
      default -> "Error";
    };
  }
}
