package dev.skyledger.platform.compute;

import dev.skyledger.platform.http.ApiException;
import io.javalin.http.Context;
import java.util.Locale;

/**
 * The compute API's microversion: the one this service implements is {@link #MAX}; a request may ask
 * for it or an earlier one ({@code OpenStack-API-Version: compute 2.x} or the older
 * {@code X-OpenStack-Nova-API-Version}), and gets 406 for a later one, as Nova answers.
 */
public final class Microversions {
  public static final String MIN = "2.1";
  public static final String MAX = "2.1";

  private Microversions() {}

  /** Checks the requested version and sets the response headers; returns the version in effect. */
  public static String negotiate(Context ctx) {
    String asked = null;
    String header = ctx.header("OpenStack-API-Version");
    if (header != null && header.toLowerCase(Locale.ROOT).startsWith("compute ")) asked = header.substring(8).trim();
    if (asked == null) asked = ctx.header("X-OpenStack-Nova-API-Version");
    String version = asked == null || asked.isBlank() ? MIN : asked.equalsIgnoreCase("latest") ? MAX : asked.trim();
    if (!version.matches("2\\.\\d+")) {
      throw new ApiException(400, "badRequest", "API Version String " + version + " is of invalid format. Must be of format MajorNum.MinorNum.");
    }
    if (minor(version) > minor(MAX) || minor(version) < minor(MIN)) {
      throw new ApiException(406, "notAcceptable", "Version " + version + " is not supported by the API. Minimum is "
          + MIN + " and maximum is " + MAX + ".");
    }
    ctx.header("OpenStack-API-Version", "compute " + version);
    ctx.header("X-OpenStack-Nova-API-Version", version);
    ctx.header("Vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
    return version;
  }

  private static int minor(String version) {
    return Integer.parseInt(version.substring(version.indexOf('.') + 1));
  }
}
