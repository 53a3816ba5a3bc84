package dev.skyledger.processors.identity;

import dev.skyledger.events.identity.*;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.identity.IdentityState.Endpoint;
import dev.skyledger.processors.identity.IdentityState.Region;
import dev.skyledger.processors.identity.IdentityState.Service;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decisions about the service catalog: regions, services and their endpoints, as operators
 * register them, and the deployment's own services that bootstrap keeps registered.
 */
final class CatalogDecisions {
  static final Set<String> INTERFACES = Set.of("public", "internal", "admin");

  private CatalogDecisions() {}

  static Decision createRegion(CreateRegion c, IdentityState s) {
    if (s.region(c.getRegionId()).isPresent()) {
      return Decision.conflict("Conflict occurred attempting to store region - Duplicate ID, " + c.getRegionId() + ".");
    }
    if (c.getParentRegionId() != null && s.region(c.getParentRegionId()).isEmpty()) {
      return regionNotFound(c.getParentRegionId());
    }
    return Decision.accept(c.getRegionId(), new RegionCreated(c.getRegionId(), c.getDescription(), c.getParentRegionId()));
  }

  static Decision updateRegion(UpdateRegion c, IdentityState s) {
    Optional<Region> found = s.region(c.getRegionId());
    if (found.isEmpty()) return regionNotFound(c.getRegionId());
    Region r = found.get();
    String parent = c.getParentRegionId() == null ? r.parentRegionId()
        : c.getParentRegionId().isEmpty() ? null : c.getParentRegionId();
    if (parent != null) {
      if (s.region(parent).isEmpty()) return regionNotFound(parent);
      for (String at = parent; at != null; at = s.region(at).map(Region::parentRegionId).orElse(null)) {
        if (at.equals(r.id())) {
          return Decision.badRequest("Circular reference or a repeated entry found in region tree - " + r.id() + ".");
        }
      }
    }
    return Decision.accept(r.id(), new RegionUpdated(r.id(),
        c.getDescription() != null ? c.getDescription() : r.description(), parent));
  }

  /** A region goes with the regions under it, unless an endpoint is in one of them. */
  static Decision deleteRegion(DeleteRegion c, IdentityState s) {
    if (s.region(c.getRegionId()).isEmpty()) return regionNotFound(c.getRegionId());
    List<String> subtree = new ArrayList<>();
    collect(c.getRegionId(), s, subtree);
    for (String region : subtree) {
      if (s.regionHasEndpoints(region)) {
        return Decision.forbidden("Unable to delete region " + c.getRegionId()
            + " because it or its child regions have associated endpoints.");
      }
    }
    List<SpecificRecord> events = new ArrayList<>();
    for (int i = subtree.size() - 1; i >= 0; i--) events.add(new RegionDeleted(subtree.get(i)));
    return Decision.accept(c.getRegionId(), events);
  }

  private static void collect(String region, IdentityState s, List<String> out) {
    if (out.contains(region) || out.size() > 1000) return;
    out.add(region);
    for (String child : s.childRegions(region)) collect(child, s, out);
  }

  static Decision createService(CreateService c, IdentityState s) {
    if (s.service(c.getServiceId()).isPresent()) {
      return Decision.conflict("Conflict occurred attempting to store service - Duplicate ID, " + c.getServiceId() + ".");
    }
    return Decision.accept(c.getServiceId(), new ServiceCreated(c.getServiceId(), c.getType(), c.getName(),
        c.getDescription(), c.getEnabled()));
  }

  static Decision updateService(UpdateService c, IdentityState s) {
    Optional<Service> found = s.service(c.getServiceId());
    if (found.isEmpty()) return serviceNotFound(c.getServiceId());
    Service v = found.get();
    return Decision.accept(v.id(), new ServiceUpdated(v.id(), c.getType() != null ? c.getType() : v.type(),
        c.getName() != null ? c.getName() : v.name(), c.getDescription() != null ? c.getDescription() : v.description(),
        c.getEnabled() != null ? c.getEnabled() : v.enabled()));
  }

  static Decision deleteService(DeleteService c, IdentityState s) {
    if (s.service(c.getServiceId()).isEmpty()) return serviceNotFound(c.getServiceId());
    List<SpecificRecord> events = new ArrayList<>();
    for (String endpoint : s.endpointsOfService(c.getServiceId())) events.add(new EndpointDeleted(endpoint));
    events.add(new ServiceDeleted(c.getServiceId()));
    return Decision.accept(c.getServiceId(), events);
  }

  static Decision createEndpoint(CreateEndpoint c, IdentityState s) {
    if (s.endpoint(c.getEndpointId()).isPresent()) {
      return Decision.conflict("Conflict occurred attempting to store endpoint - Duplicate ID, " + c.getEndpointId() + ".");
    }
    Decision invalid = check(c.getServiceId(), c.getEndpointInterface(), s);
    if (invalid != null) return invalid;
    List<SpecificRecord> events = new ArrayList<>();
    regionFor(c.getRegionId(), s, events);
    events.add(new EndpointCreated(c.getEndpointId(), c.getServiceId(), c.getEndpointInterface(), c.getUrl(), c.getRegionId(),
        c.getEnabled()));
    return Decision.accept(c.getEndpointId(), events);
  }

  static Decision updateEndpoint(UpdateEndpoint c, IdentityState s) {
    Optional<Endpoint> found = s.endpoint(c.getEndpointId());
    if (found.isEmpty()) return endpointNotFound(c.getEndpointId());
    Endpoint e = found.get();
    String service = c.getServiceId() != null ? c.getServiceId() : e.serviceId();
    String iface = c.getEndpointInterface() != null ? c.getEndpointInterface() : e.iface();
    Decision invalid = check(service, iface, s);
    if (invalid != null) return invalid;
    String region = c.getRegionId() != null ? c.getRegionId() : e.regionId();
    List<SpecificRecord> events = new ArrayList<>();
    regionFor(region, s, events);
    events.add(new EndpointUpdated(e.id(), service, iface, c.getUrl() != null ? c.getUrl() : e.url(), region,
        c.getEnabled() != null ? c.getEnabled() : e.enabled()));
    return Decision.accept(e.id(), events);
  }

  static Decision deleteEndpoint(DeleteEndpoint c, IdentityState s) {
    if (s.endpoint(c.getEndpointId()).isEmpty()) return endpointNotFound(c.getEndpointId());
    return Decision.accept(c.getEndpointId(), new EndpointDeleted(c.getEndpointId()));
  }

  /** The deployment's own services and their public, internal and admin endpoints, each at its URL. */
  static void bootstrap(List<CatalogEntry> catalog, IdentityState s, List<SpecificRecord> events) {
    for (CatalogEntry entry : catalog) {
      if (s.service(entry.getServiceId()).isEmpty()) {
        events.add(new ServiceCreated(entry.getServiceId(), entry.getType(), entry.getName(), null, true));
      }
      for (String iface : List.of("public", "internal", "admin")) {
        String id = builtInEndpointId(entry.getServiceId(), iface);
        Optional<Endpoint> existing = s.endpoint(id);
        if (existing.isEmpty()) {
          regionFor(entry.getRegion(), s, events);
          events.add(new EndpointCreated(id, entry.getServiceId(), iface, entry.getUrl(), entry.getRegion(), true));
        } else if (!existing.get().url().equals(entry.getUrl())) {
          Endpoint e = existing.get();
          events.add(new EndpointUpdated(e.id(), e.serviceId(), e.iface(), entry.getUrl(), e.regionId(), e.enabled()));
        }
      }
    }
  }

  /** A stable id: the same built-in endpoint on every start. */
  static String builtInEndpointId(String serviceId, String iface) {
    return UUID.nameUUIDFromBytes((serviceId + "/" + iface).getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
  }

  /** An endpoint's region is registered with it when it is not yet (as Keystone does). */
  private static void regionFor(String region, IdentityState s, List<SpecificRecord> events) {
    if (region == null || s.region(region).isPresent()) return;
    if (events.stream().anyMatch(e -> e instanceof RegionCreated r && r.getRegionId().equals(region))) return;
    events.add(new RegionCreated(region, "", null));
  }

  private static Decision check(String serviceId, String iface, IdentityState s) {
    if (!INTERFACES.contains(iface)) {
      return Decision.badRequest("Invalid input for field 'interface': '" + iface
          + "' is not one of 'public', 'internal', 'admin'.");
    }
    if (s.service(serviceId).isEmpty()) return Decision.badRequest("Could not find service: " + serviceId + ".");
    return null;
  }

  static Decision regionNotFound(String id) {
    return Decision.notFound("Could not find region: " + id + ".");
  }

  static Decision serviceNotFound(String id) {
    return Decision.notFound("Could not find service: " + id + ".");
  }

  static Decision endpointNotFound(String id) {
    return Decision.notFound("Could not find endpoint: " + id + ".");
  }
}
