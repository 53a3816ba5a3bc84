package dev.skyledger.platform.compute;

import dev.skyledger.platform.http.ApiException;
import io.javalin.http.Context;
import java.util.Locale;

/**
 * The compute API's microversions: a request may ask for any from {@link #MIN} to {@link #MAX}
 * ({@code OpenStack-API-Version: compute 2.x}, the older {@code X-OpenStack-Nova-API-Version}, or
 * {@code latest}), gets {@link #MIN} when it asks for none, and 406 for one out of range, as Nova
 * answers. Every change up to {@link #MAX} is implemented as its microversion defines it:
 * <ul>
 *   <li>2.2 key pair types (ssh, x509), 201 on create and 204 on delete;</li>
 *   <li>2.3 the extended server attributes for admins (reservation id, launch index, hostname,
 *       kernel and ramdisk, root device, user data);</li>
 *   <li>2.4 (os-fixed-ips), 2.12 (virtual interfaces' net_id) and 2.14 (evacuate) change APIs of
 *       nova-network or actions this cloud does not offer;</li>
 *   <li>2.5 the ip6 filter for everyone;</li>
 *   <li>2.6 and 2.8 {@code remote-consoles} (the console types a host offers);</li>
 *   <li>2.7 409 for access to a public flavor;</li>
 *   <li>2.9 {@code locked};</li>
 *   <li>2.10 key pairs of another user for admins ({@code user_id});</li>
 *   <li>2.11 forced-down compute services;</li>
 *   <li>2.13 a server group's {@code user_id} and {@code project_id};</li>
 *   <li>2.15 soft-affinity and soft-anti-affinity;</li>
 *   <li>2.16 {@code host_status} for admins.</li>
 * </ul>
 */
public final class Microversions {
  public static final Microversion MIN = Microversion.V2_1;
  public static final Microversion MAX = new Microversion(16);
  private static final String ATTRIBUTE = "compute.microversion";

  private Microversions() {}

  /** Checks the requested version, sets the response headers, and returns the version in effect. */
  public static Microversion negotiate(Context ctx) {
    Microversion known = ctx.attribute(ATTRIBUTE);
    if (known != null) return known;
    String asked = null;
    String header = ctx.header("OpenStack-API-Version");
    if (header != null) {
      for (String part : header.split(",")) {
        String p = part.strip();
        if (p.toLowerCase(Locale.ROOT).startsWith("compute ")) asked = p.substring(8).strip();
      }
    }
    if (asked == null) asked = ctx.header("X-OpenStack-Nova-API-Version");
    Microversion version = parse(asked);
    ctx.header("OpenStack-API-Version", "compute " + version);
    ctx.header("X-OpenStack-Nova-API-Version", version.toString());
    ctx.header("Vary", "OpenStack-API-Version, X-OpenStack-Nova-API-Version");
    ctx.attribute(ATTRIBUTE, version);
    return version;
  }

  /** The version a header value asks for: none is {@link #MIN}, {@code latest} is {@link #MAX}. */
  static Microversion parse(String asked) {
    if (asked == null || asked.isBlank()) return MIN;
    String text = asked.strip();
    if (text.equalsIgnoreCase("latest")) return MAX;
    if (!text.matches("\\d{1,4}\\.\\d{1,4}")) {
      throw new ApiException(400, "badRequest", "API Version String " + text
          + " is of invalid format. Must be of format MajorNum.MinorNum.");
    }
    int major = Integer.parseInt(text.substring(0, text.indexOf('.')));
    int minor = Integer.parseInt(text.substring(text.indexOf('.') + 1));
    if (major != 2 || minor < MIN.minor() || minor > MAX.minor()) {
      throw new ApiException(406, "notAcceptable", "Version " + text + " is not supported by the API. Minimum is "
          + MIN + " and maximum is " + MAX + ".");
    }
    return new Microversion(minor);
  }
}
