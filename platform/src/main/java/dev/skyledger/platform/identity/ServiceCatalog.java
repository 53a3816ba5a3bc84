package dev.skyledger.platform.identity;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The services this deployment serves and its public URL. Bootstrap registers them in the identity
 * catalog ({@link #entries}), from which tokens and {@code GET /v3/auth/catalog} list them beside
 * what operators register; links in responses hang off the public URL ({@link #url}).
 */
public final class ServiceCatalog {
  /** One service: its catalog type and name, and its URL path under the public URL. */
  public record Service(String type, String name, String path) {}

  private final String publicUrl;
  private final String region;
  private final List<Service> services;

  public ServiceCatalog(String publicUrl, String region, List<Service> services) {
    this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    this.region = region;
    this.services = List.copyOf(services);
  }

  /** The services this deployment serves (the others arrive with their modules). */
  public static List<Service> deployed() {
    return List.of(new Service("identity", "keystone", "/identity/v3"), new Service("image", "glance", "/image"),
        new Service("network", "neutron", "/network"),
        new Service("compute", "nova", "/compute/v2.1"));
  }

  public String publicUrl() {
    return publicUrl;
  }

  public String url(String path) {
    return publicUrl + path;
  }

  /** A service this deployment serves: the id it is registered under, its type, name, URL and region. */
  public record Entry(String serviceId, String type, String name, String url, String region) {}

  /** What bootstrap registers in the identity catalog, so the token's catalog lists it. */
  public List<Entry> entries() {
    return services.stream().map(s -> new Entry(stableId(s.type()), s.type(), s.name(), publicUrl + s.path(), region))
        .toList();
  }

  private static String stableId(String seed) {
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
  }
}
