package dev.skyledger.platform.identity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The endpoints of this deployment, as the token's catalog and {@code GET /v3/auth/catalog} list
 * them. Each service module that is mounted adds its entry; URLs hang off the public URL.
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

  public ArrayNode render(ObjectMapper json, String projectId) {
    ArrayNode catalog = json.createArrayNode();
    for (Service service : services) {
      ObjectNode entry = catalog.addObject();
      entry.put("type", service.type());
      entry.put("name", service.name());
      entry.put("id", stableId(service.type()));
      ArrayNode endpoints = entry.putArray("endpoints");
      String url = publicUrl + service.path().replace("{project_id}", projectId == null ? "" : projectId);
      for (String iface : List.of("public", "internal", "admin")) {
        endpoints.addObject()
            .put("id", stableId(service.type() + "/" + iface))
            .put("interface", iface)
            .put("region", region)
            .put("region_id", region)
            .put("url", url);
      }
    }
    return catalog;
  }

  private static String stableId(String seed) {
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
  }
}
