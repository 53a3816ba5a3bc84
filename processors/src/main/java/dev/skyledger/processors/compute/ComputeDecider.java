package dev.skyledger.processors.compute;

import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.compute.AddFlavorAccess;
import dev.skyledger.events.compute.ComputeQuotaSet;
import dev.skyledger.events.compute.ComputeServiceStatusChanged;
import dev.skyledger.events.compute.CreateFlavor;
import dev.skyledger.events.compute.CreateKeypair;
import dev.skyledger.events.compute.CreateServer;
import dev.skyledger.events.compute.DeleteFlavor;
import dev.skyledger.events.compute.DeleteKeypair;
import dev.skyledger.events.compute.DeleteServer;
import dev.skyledger.events.compute.DeleteServerMetadataItem;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.FlavorAccessAdded;
import dev.skyledger.events.compute.FlavorAccessRemoved;
import dev.skyledger.events.compute.FlavorCreated;
import dev.skyledger.events.compute.FlavorDeleted;
import dev.skyledger.events.compute.FlavorUpdated;
import dev.skyledger.events.compute.KeypairCreated;
import dev.skyledger.events.compute.KeypairDeleted;
import dev.skyledger.events.compute.ReleaseServerQuota;
import dev.skyledger.events.compute.RemoveFlavorAccess;
import dev.skyledger.events.compute.SeedFlavors;
import dev.skyledger.events.compute.SetComputeQuota;
import dev.skyledger.events.compute.SetComputeServiceStatus;
import dev.skyledger.events.compute.SetFlavorExtraSpecs;
import dev.skyledger.events.compute.SetServerMetadata;
import dev.skyledger.events.compute.UnsetFlavorExtraSpec;
import dev.skyledger.events.compute.UpdateFlavor;
import dev.skyledger.events.compute.UpdateServer;
import dev.skyledger.events.core.Actor;
import dev.skyledger.platform.compute.ComputeQuotas;
import dev.skyledger.processors.core.Decision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * Decides compute commands: flavors (one stream for the cloud: names and ids are unique), key
 * pairs (one stream per user: names are unique per user, counted against the key_pairs quota), and
 * per project its quota limits and its servers' share of them ({@link ServerDecisions}), and host
 * aggregates (one stream for the cloud, {@link AggregateDecisions}). Pure: {@link #decide} reads the state, {@link #evolve}
 * applies one event. Rejections carry Nova's fault name as their title (badRequest, itemNotFound,
 * forbidden, conflict, overLimit).
 */
final class ComputeDecider {
  private ComputeDecider() {}

  static Decision decide(SpecificRecord command, Actor actor, ComputeState s) {
    if (command instanceof SeedFlavors c) return seed(c, actor, s);
    if (command instanceof CreateFlavor c) return createFlavor(c, actor, s);
    if (command instanceof UpdateFlavor c) return updateFlavor(c, actor, s);
    if (command instanceof DeleteFlavor c) return deleteFlavor(c, actor, s);
    if (command instanceof SetFlavorExtraSpecs c) return setSpecs(c, actor, s);
    if (command instanceof UnsetFlavorExtraSpec c) return unsetSpec(c, actor, s);
    if (command instanceof AddFlavorAccess c) return addAccess(c, actor, s);
    if (command instanceof RemoveFlavorAccess c) return removeAccess(c, actor, s);
    if (command instanceof CreateKeypair c) return createKeypair(c, actor, s);
    if (command instanceof DeleteKeypair c) return deleteKeypair(c, actor, s);
    if (command instanceof SetComputeQuota c) return setQuota(c, actor, s);
    if (command instanceof SetComputeServiceStatus c) return setServiceStatus(c, actor);
    if (command instanceof dev.skyledger.events.compute.SetComputeServiceForcedDown c) return setForcedDown(c, actor);
    if (command instanceof CreateServer c) return ServerDecisions.create(c, actor, s);
    if (command instanceof DeleteServer c) return ServerDecisions.delete(c, actor, s);
    if (command instanceof ReleaseServerQuota c) return ServerDecisions.releaseQuota(c, actor, s);
    if (command instanceof UpdateServer c) return ServerDecisions.update(c, actor, s);
    if (command instanceof SetServerMetadata c) return ServerDecisions.setMetadata(c, actor, s);
    if (command instanceof DeleteServerMetadataItem c) return ServerDecisions.deleteMetadataItem(c, actor, s);
    if (command instanceof dev.skyledger.events.compute.CreateServerGroup c) return ServerDecisions.createGroup(c, actor, s);
    if (command instanceof dev.skyledger.events.compute.DeleteServerGroup c) return ServerDecisions.deleteGroup(c, actor, s);
    if (command instanceof dev.skyledger.events.compute.CreateAggregate c) return AggregateDecisions.create(c, actor, s);
    if (command instanceof dev.skyledger.events.compute.UpdateAggregate c) return AggregateDecisions.update(c, actor, s);
    if (command instanceof dev.skyledger.events.compute.DeleteAggregate c) return AggregateDecisions.delete(c, actor, s);
    if (command instanceof dev.skyledger.events.compute.AddAggregateHost c) return AggregateDecisions.addHost(c, actor, s);
    if (command instanceof dev.skyledger.events.compute.RemoveAggregateHost c) return AggregateDecisions.removeHost(c, actor, s);
    if (command instanceof dev.skyledger.events.compute.SetAggregateMetadata c) return AggregateDecisions.setMetadata(c, actor, s);
    return badRequest("Unknown compute command " + command.getSchema().getName() + ".");
  }

  static boolean isAdmin(Actor actor) {
    return actor.getRoles().contains("admin") || actor.getRoles().contains("system");
  }

  static Decision badRequest(String message) {
    return Decision.reject(400, "badRequest", message);
  }

  static Decision notFound(String message) {
    return Decision.reject(404, "itemNotFound", message);
  }

  static Decision forbidden(String rule) {
    return Decision.reject(403, "forbidden", "Policy doesn't allow " + rule + " to be performed.");
  }

  static Decision conflict(String message) {
    return Decision.reject(409, "conflict", message);
  }

  // ---- flavors ----------------------------------------------------------------------------------

  private static Decision seed(SeedFlavors c, Actor actor, ComputeState s) {
    if (!isAdmin(actor)) return forbidden("os_compute_api:os-flavor-manage:create");
    List<SpecificRecord> events = new ArrayList<>();
    for (Flavor f : c.getFlavors()) {
      if (s.flavor(f.getFlavorId()).isEmpty() && s.flavorIdByName(f.getName()).isEmpty()) events.add(new FlavorCreated(f));
    }
    return Decision.accept(StreamKeys.FLAVORS, events);
  }

  private static Optional<Decision> invalidFlavor(Flavor f) {
    if (f.getName().isBlank() || f.getName().length() > 255) return Optional.of(badRequest("Invalid input for field/attribute name."));
    if (f.getVcpus() < 1) return Optional.of(badRequest("Invalid input for field/attribute vcpus. Value: " + f.getVcpus() + ". " + f.getVcpus() + " is less than the minimum of 1"));
    if (f.getRamMb() < 1) return Optional.of(badRequest("Invalid input for field/attribute ram. Value: " + f.getRamMb() + ". " + f.getRamMb() + " is less than the minimum of 1"));
    if (f.getDiskGb() < 0) return Optional.of(badRequest("Invalid input for field/attribute disk. Value: " + f.getDiskGb() + ". " + f.getDiskGb() + " is less than the minimum of 0"));
    if (f.getEphemeralGb() < 0) return Optional.of(badRequest("Invalid input for field/attribute OS-FLV-EXT-DATA:ephemeral."));
    if (f.getSwapMb() < 0) return Optional.of(badRequest("Invalid input for field/attribute swap."));
    if (f.getRxtxFactor() <= 0) return Optional.of(badRequest("Invalid input for field/attribute rxtx_factor."));
    return Optional.empty();
  }

  private static Decision createFlavor(CreateFlavor c, Actor actor, ComputeState s) {
    if (!isAdmin(actor)) return forbidden("os_compute_api:os-flavor-manage:create");
    Flavor f = c.getFlavor();
    Optional<Decision> invalid = invalidFlavor(f);
    if (invalid.isPresent()) return invalid.get();
    if (s.flavorIdByName(f.getName()).isPresent()) return conflict("Flavor with name " + f.getName() + " already exists.");
    if (s.flavor(f.getFlavorId()).isPresent()) return conflict("Flavor with ID " + f.getFlavorId() + " already exists.");
    return Decision.accept(f.getFlavorId(), new FlavorCreated(f));
  }

  private static Optional<Flavor> visibleFlavor(Actor actor, ComputeState s, String id) {
    return s.flavor(id).filter(f -> f.getIsPublic() || isAdmin(actor) || s.access(id).contains(actor.getProjectId()));
  }

  private static Decision flavorNotFound(String id) {
    return notFound("Flavor " + id + " could not be found.");
  }

  private static Decision updateFlavor(UpdateFlavor c, Actor actor, ComputeState s) {
    if (!isAdmin(actor)) return forbidden("os_compute_api:os-flavor-manage:update");
    Optional<Flavor> f = s.flavor(c.getFlavorId());
    if (f.isEmpty()) return flavorNotFound(c.getFlavorId());
    return Decision.accept(c.getFlavorId(), new FlavorUpdated(Flavor.newBuilder(f.get()).setDescription(c.getDescription()).build()));
  }

  private static Decision deleteFlavor(DeleteFlavor c, Actor actor, ComputeState s) {
    if (!isAdmin(actor)) return forbidden("os_compute_api:os-flavor-manage:delete");
    if (s.flavor(c.getFlavorId()).isEmpty()) return flavorNotFound(c.getFlavorId());
    return Decision.accept(c.getFlavorId(), new FlavorDeleted(c.getFlavorId()));
  }

  private static Decision setSpecs(SetFlavorExtraSpecs c, Actor actor, ComputeState s) {
    if (!isAdmin(actor)) return forbidden("os_compute_api:os-flavor-extra-specs:create");
    Optional<Flavor> f = s.flavor(c.getFlavorId());
    if (f.isEmpty()) return flavorNotFound(c.getFlavorId());
    for (Map.Entry<String, String> e : c.getSpecs().entrySet()) {
      if (e.getKey().isEmpty() || e.getKey().length() > 255 || !e.getKey().matches("[\\w\\-.: ]+")) {
        return badRequest("Invalid input for field/attribute extra_specs. Value: " + e.getKey() + ".");
      }
      if (e.getValue().length() > 255) return badRequest("Invalid input for field/attribute extra_specs: value of " + e.getKey() + " is longer than 255 characters.");
    }
    Map<String, String> specs = new TreeMap<>(f.get().getExtraSpecs());
    specs.putAll(c.getSpecs());
    return Decision.accept(c.getFlavorId(), new FlavorUpdated(Flavor.newBuilder(f.get()).setExtraSpecs(new LinkedHashMap<>(specs)).build()));
  }

  private static Decision unsetSpec(UnsetFlavorExtraSpec c, Actor actor, ComputeState s) {
    if (!isAdmin(actor)) return forbidden("os_compute_api:os-flavor-extra-specs:delete");
    Optional<Flavor> f = s.flavor(c.getFlavorId());
    if (f.isEmpty()) return flavorNotFound(c.getFlavorId());
    if (!f.get().getExtraSpecs().containsKey(c.getKey())) {
      return notFound("Flavor " + c.getFlavorId() + " has no extra specs with key " + c.getKey() + ".");
    }
    Map<String, String> specs = new TreeMap<>(f.get().getExtraSpecs());
    specs.remove(c.getKey());
    return Decision.accept(c.getFlavorId(), new FlavorUpdated(Flavor.newBuilder(f.get()).setExtraSpecs(new LinkedHashMap<>(specs)).build()));
  }

  private static Decision addAccess(AddFlavorAccess c, Actor actor, ComputeState s) {
    if (!isAdmin(actor)) return forbidden("os_compute_api:os-flavor-access:add_tenant_access");
    Optional<Flavor> f = s.flavor(c.getFlavorId());
    if (f.isEmpty()) return flavorNotFound(c.getFlavorId());
    if (f.get().getIsPublic()) return conflict("Can not add access to a public flavor.");
    if (s.access(c.getFlavorId()).contains(c.getProjectId())) {
      return conflict("Flavor access already exists for flavor " + c.getFlavorId() + " and project " + c.getProjectId() + " combination.");
    }
    return Decision.accept(c.getFlavorId(), new FlavorAccessAdded(c.getFlavorId(), c.getProjectId()));
  }

  private static Decision removeAccess(RemoveFlavorAccess c, Actor actor, ComputeState s) {
    if (!isAdmin(actor)) return forbidden("os_compute_api:os-flavor-access:remove_tenant_access");
    if (s.flavor(c.getFlavorId()).isEmpty()) return flavorNotFound(c.getFlavorId());
    if (!s.access(c.getFlavorId()).contains(c.getProjectId())) {
      return notFound("Flavor access not found for " + c.getFlavorId() + " / " + c.getProjectId() + " combination.");
    }
    return Decision.accept(c.getFlavorId(), new FlavorAccessRemoved(c.getFlavorId(), c.getProjectId()));
  }

  // ---- key pairs --------------------------------------------------------------------------------

  private static Decision createKeypair(CreateKeypair c, Actor actor, ComputeState s) {
    var k = c.getKeypair();
    if (!isAdmin(actor) && !k.getUserId().equals(actor.getUserId())) return forbidden("os_compute_api:os-keypairs:create");
    if (s.keypair(k.getUserId(), k.getName()).isPresent()) {
      return conflict("Key pair '" + k.getName() + "' already exists.");
    }
    if (c.getLimit() >= 0 && s.keypairCount(k.getUserId()) + 1 > c.getLimit()) {
      return Decision.reject(403, "forbidden", "Quota exceeded, too many key pairs.");
    }
    return Decision.accept(k.getName(), new KeypairCreated(k));
  }

  private static Decision deleteKeypair(DeleteKeypair c, Actor actor, ComputeState s) {
    if (!isAdmin(actor) && !c.getUserId().equals(actor.getUserId())) return forbidden("os_compute_api:os-keypairs:delete");
    var k = s.keypair(c.getUserId(), c.getName());
    if (k.isEmpty()) return notFound("Keypair " + c.getName() + " not found for user " + c.getUserId());
    return Decision.accept(c.getName(), new KeypairDeleted(k.get()));
  }

  // ---- quotas -----------------------------------------------------------------------------------

  private static Decision setQuota(SetComputeQuota c, Actor actor, ComputeState s) {
    if (!isAdmin(actor)) return forbidden("os_compute_api:os-quota-sets:update");
    for (Map.Entry<String, Integer> e : c.getLimits().entrySet()) {
      if (!ComputeQuotas.RESOURCES.contains(e.getKey())) {
        return badRequest("Invalid input for field/attribute quota_set. Additional properties are not allowed ('" + e.getKey() + "' was unexpected)");
      }
      if (e.getValue() < -1) {
        return badRequest("Invalid input for field/attribute " + e.getKey() + ". Value: " + e.getValue() + ". " + e.getValue() + " is less than the minimum of -1");
      }
    }
    Map<String, Integer> merged = new TreeMap<>(c.getReset() ? Map.of() : s.quota(c.getProjectId()));
    merged.putAll(c.getLimits());
    return Decision.accept(c.getProjectId(), new ComputeQuotaSet(c.getProjectId(), new LinkedHashMap<>(merged)));
  }

  // ---- compute services -------------------------------------------------------------------------

  private static Decision setServiceStatus(SetComputeServiceStatus c, Actor actor) {
    if (!isAdmin(actor)) return forbidden("os_compute_api:os-services:update");
    if (c.getDisabledReason() != null && c.getDisabledReason().length() > 255) {
      return badRequest("Invalid input for field/attribute disabled_reason. Value: " + c.getDisabledReason() + ". It is longer than 255 characters.");
    }
    return Decision.accept(c.getHostId(), new ComputeServiceStatusChanged(c.getHostId(), c.getEnabled(),
        c.getEnabled() ? null : c.getDisabledReason()));
  }

  /** Forcing a host down is an operator's fencing: admins only, recorded as asked (it is idempotent). */
  private static Decision setForcedDown(dev.skyledger.events.compute.SetComputeServiceForcedDown c, Actor actor) {
    if (!isAdmin(actor)) return forbidden("os_compute_api:os-services:update");
    return Decision.accept(c.getHostId(),
        new dev.skyledger.events.compute.ComputeServiceForcedDownChanged(c.getHostId(), c.getForcedDown()));
  }

  // ---- evolve -----------------------------------------------------------------------------------

  static void evolve(ComputeState s, SpecificRecord event) {
    if (event instanceof FlavorCreated e) s.putFlavor(e.getFlavor());
    else if (event instanceof FlavorUpdated e) s.putFlavor(e.getFlavor());
    else if (event instanceof FlavorDeleted e) s.deleteFlavor(e.getFlavorId());
    else if (event instanceof FlavorAccessAdded e) s.addAccess(e.getFlavorId(), e.getProjectId());
    else if (event instanceof FlavorAccessRemoved e) s.removeAccess(e.getFlavorId(), e.getProjectId());
    else if (event instanceof KeypairCreated e) s.putKeypair(e.getKeypair());
    else if (event instanceof KeypairDeleted e) s.deleteKeypair(e.getKeypair());
    else if (event instanceof ComputeQuotaSet e) s.replaceQuota(e.getProjectId(), e.getLimits());
    else {
      AggregateDecisions.evolve(s, event);
      ServerDecisions.evolve(s, event);
    }
  }

  static String aggregateOf(SpecificRecord event) {
    if (event instanceof FlavorCreated e) return e.getFlavor().getFlavorId();
    if (event instanceof FlavorUpdated e) return e.getFlavor().getFlavorId();
    if (event instanceof FlavorDeleted e) return e.getFlavorId();
    if (event instanceof FlavorAccessAdded e) return e.getFlavorId();
    if (event instanceof FlavorAccessRemoved e) return e.getFlavorId();
    if (event instanceof KeypairCreated e) return e.getKeypair().getUserId() + "/" + e.getKeypair().getName();
    if (event instanceof KeypairDeleted e) return e.getKeypair().getUserId() + "/" + e.getKeypair().getName();
    if (event instanceof ComputeQuotaSet e) return e.getProjectId();
    if (event instanceof ComputeServiceStatusChanged e) return e.getHostId();
    if (event instanceof dev.skyledger.events.compute.ComputeServiceForcedDownChanged e) return e.getHostId();
    String aggregate = AggregateDecisions.aggregateOf(event);
    if (aggregate != null) return aggregate;
    String server = ServerDecisions.aggregateOf(event);
    if (server != null) return server;
    throw new IllegalArgumentException("not a compute event: " + event.getSchema().getFullName());
  }

  static String projectOf(SpecificRecord event) {
    if (event instanceof FlavorAccessAdded e) return e.getProjectId();
    if (event instanceof FlavorAccessRemoved e) return e.getProjectId();
    if (event instanceof ComputeQuotaSet e) return e.getProjectId();
    return ServerDecisions.projectOf(event);
  }
}
