package dev.skyledger.processors.compute;

import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.compute.AddAggregateHost;
import dev.skyledger.events.compute.Aggregate;
import dev.skyledger.events.compute.AggregateCreated;
import dev.skyledger.events.compute.AggregateDeleted;
import dev.skyledger.events.compute.AggregateUpdated;
import dev.skyledger.events.compute.CreateAggregate;
import dev.skyledger.events.compute.DeleteAggregate;
import dev.skyledger.events.compute.RemoveAggregateHost;
import dev.skyledger.events.compute.SetAggregateMetadata;
import dev.skyledger.events.compute.UpdateAggregate;
import dev.skyledger.events.core.Actor;
import dev.skyledger.processors.core.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;

/**
 * Host aggregates, decided on one stream for the cloud ({@link StreamKeys#AGGREGATES}): names are
 * unique, ids are handed out in order, and a host may be in aggregates of one availability zone
 * only, which is read across every aggregate. Administrators only, as Nova's default policy has it.
 * The API has checked that a host it adds is registered (the hosts are decided on other keys).
 */
final class AggregateDecisions {
  /** The metadata key that is the aggregate's availability zone, as Nova keeps it. */
  static final String ZONE_KEY = "availability_zone";

  private AggregateDecisions() {}

  static Decision create(CreateAggregate c, Actor actor, ComputeState s) {
    if (!ComputeDecider.isAdmin(actor)) return ComputeDecider.forbidden("os_compute_api:os-aggregates:create");
    Optional<Decision> invalid = invalidName(c.getName()).or(() -> invalidZone(c.getAvailabilityZone()));
    if (invalid.isPresent()) return invalid.get();
    if (s.aggregateIdByName(c.getName()).isPresent()) return ComputeDecider.conflict("Aggregate " + c.getName() + " already exists.");
    Aggregate a = Aggregate.newBuilder().setAggregateId(s.lastAggregateId() + 1).setUuid(c.getUuid()).setName(c.getName())
        .setAvailabilityZone(c.getAvailabilityZone()).setHosts(List.of()).setMetadata(Map.of()).build();
    return Decision.accept(id(a), new AggregateCreated(a));
  }

  static Decision update(UpdateAggregate c, Actor actor, ComputeState s) {
    if (!ComputeDecider.isAdmin(actor)) return ComputeDecider.forbidden("os_compute_api:os-aggregates:update");
    Optional<Aggregate> found = s.aggregate(c.getAggregateId());
    if (found.isEmpty()) return notFound(c.getAggregateId());
    Aggregate a = found.get();
    Aggregate.Builder next = Aggregate.newBuilder(a);
    if (c.getName() != null) {
      Optional<Decision> invalid = invalidName(c.getName());
      if (invalid.isPresent()) return invalid.get();
      Optional<Integer> holder = s.aggregateIdByName(c.getName());
      if (holder.isPresent() && holder.get() != a.getAggregateId()) {
        return ComputeDecider.conflict("Aggregate " + c.getName() + " already exists.");
      }
      next.setName(c.getName());
    }
    if (c.getAvailabilityZone() != null) {
      Optional<Decision> invalid = invalidZone(c.getAvailabilityZone())
          .or(() -> zoneConflict(s, a, a.getHosts(), c.getAvailabilityZone(), 400, "Cannot update aggregate " + a.getAggregateId()));
      if (invalid.isPresent()) return invalid.get();
      next.setAvailabilityZone(c.getAvailabilityZone());
    } else if (c.getClearZone()) {
      next.setAvailabilityZone(null);
    }
    return Decision.accept(id(a), new AggregateUpdated(next.build()));
  }

  static Decision delete(DeleteAggregate c, Actor actor, ComputeState s) {
    if (!ComputeDecider.isAdmin(actor)) return ComputeDecider.forbidden("os_compute_api:os-aggregates:delete");
    Optional<Aggregate> a = s.aggregate(c.getAggregateId());
    if (a.isEmpty()) return notFound(c.getAggregateId());
    if (!a.get().getHosts().isEmpty()) {
      return ComputeDecider.badRequest("Cannot perform action 'delete' on aggregate " + c.getAggregateId()
          + ". Reason: Host aggregate is not empty.");
    }
    return Decision.accept(id(a.get()), new AggregateDeleted(a.get()));
  }

  static Decision addHost(AddAggregateHost c, Actor actor, ComputeState s) {
    if (!ComputeDecider.isAdmin(actor)) return ComputeDecider.forbidden("os_compute_api:os-aggregates:add_host");
    Optional<Aggregate> found = s.aggregate(c.getAggregateId());
    if (found.isEmpty()) return notFound(c.getAggregateId());
    Aggregate a = found.get();
    if (a.getHosts().contains(c.getHost())) {
      return ComputeDecider.conflict("Aggregate " + a.getAggregateId() + " already has host " + c.getHost() + ".");
    }
    if (a.getAvailabilityZone() != null) {
      Optional<Decision> conflict = zoneConflict(s, a, List.of(c.getHost()), a.getAvailabilityZone(), 409,
          "Cannot add host to aggregate " + a.getAggregateId());
      if (conflict.isPresent()) return conflict.get();
    }
    List<String> hosts = new ArrayList<>(a.getHosts());
    hosts.add(c.getHost());
    return Decision.accept(id(a), new AggregateUpdated(Aggregate.newBuilder(a).setHosts(hosts).build()));
  }

  static Decision removeHost(RemoveAggregateHost c, Actor actor, ComputeState s) {
    if (!ComputeDecider.isAdmin(actor)) return ComputeDecider.forbidden("os_compute_api:os-aggregates:remove_host");
    Optional<Aggregate> found = s.aggregate(c.getAggregateId());
    if (found.isEmpty()) return notFound(c.getAggregateId());
    Aggregate a = found.get();
    if (!a.getHosts().contains(c.getHost())) {
      return ComputeDecider.notFound("Cannot remove host " + c.getHost() + " in aggregate " + a.getAggregateId());
    }
    List<String> hosts = new ArrayList<>(a.getHosts());
    hosts.remove(c.getHost());
    return Decision.accept(id(a), new AggregateUpdated(Aggregate.newBuilder(a).setHosts(hosts).build()));
  }

  /** Merges metadata: a null value removes its key; {@code availability_zone} sets (or, null, clears) the zone. */
  static Decision setMetadata(SetAggregateMetadata c, Actor actor, ComputeState s) {
    if (!ComputeDecider.isAdmin(actor)) return ComputeDecider.forbidden("os_compute_api:os-aggregates:set_metadata");
    Optional<Aggregate> found = s.aggregate(c.getAggregateId());
    if (found.isEmpty()) return notFound(c.getAggregateId());
    Aggregate a = found.get();
    Map<String, String> metadata = new TreeMap<>(a.getMetadata());
    String zone = a.getAvailabilityZone();
    for (Map.Entry<String, String> e : c.getMetadata().entrySet()) {
      if (e.getKey().isEmpty() || e.getKey().length() > 255 || (e.getValue() != null && e.getValue().length() > 255)) {
        return ComputeDecider.badRequest("Invalid input for field/attribute metadata. Value: " + e.getKey()
            + ". Keys are 1 to 255 characters and values at most 255.");
      }
      if (e.getKey().equals(ZONE_KEY)) {
        if (e.getValue() != null && e.getValue().isEmpty()) {
          return ComputeDecider.badRequest("Aggregate " + a.getAggregateId() + " does not support empty named availability zone");
        }
        zone = e.getValue();
      } else if (e.getValue() == null) {
        metadata.remove(e.getKey());
      } else {
        metadata.put(e.getKey(), e.getValue());
      }
    }
    if (zone != null && !zone.equals(a.getAvailabilityZone())) {
      Optional<Decision> conflict = zoneConflict(s, a, a.getHosts(), zone, 400,
          "Cannot update metadata of aggregate " + a.getAggregateId());
      if (conflict.isPresent()) return conflict.get();
    }
    return Decision.accept(id(a), new AggregateUpdated(Aggregate.newBuilder(a).setMetadata(metadata)
        .setAvailabilityZone(zone).build()));
  }

  static void evolve(ComputeState s, SpecificRecord event) {
    if (event instanceof AggregateCreated e) s.putAggregate(e.getAggregate());
    else if (event instanceof AggregateUpdated e) s.putAggregate(e.getAggregate());
    else if (event instanceof AggregateDeleted e) s.deleteAggregate(e.getAggregate());
  }

  /** The aggregate an event is about (its integer id), or null for another event. */
  static String aggregateOf(SpecificRecord event) {
    if (event instanceof AggregateCreated e) return id(e.getAggregate());
    if (event instanceof AggregateUpdated e) return id(e.getAggregate());
    if (event instanceof AggregateDeleted e) return id(e.getAggregate());
    return null;
  }

  private static String id(Aggregate a) {
    return Integer.toString(a.getAggregateId());
  }

  private static Decision notFound(int id) {
    return ComputeDecider.notFound("Aggregate " + id + " could not be found.");
  }

  private static Optional<Decision> invalidName(String name) {
    if (name.isEmpty() || name.length() > 255 || !name.equals(name.strip())) {
      return Optional.of(ComputeDecider.badRequest("Invalid input for field/attribute name. Value: " + name
          + ". A name is 1 to 255 characters without leading or trailing whitespace."));
    }
    return Optional.empty();
  }

  private static Optional<Decision> invalidZone(String zone) {
    if (zone != null && (zone.isEmpty() || zone.length() > 255 || !zone.equals(zone.strip()))) {
      return Optional.of(ComputeDecider.badRequest("Invalid input for field/attribute availability_zone. Value: " + zone
          + ". A zone is 1 to 255 characters without leading or trailing whitespace."));
    }
    return Optional.empty();
  }

  /**
   * Nova's rule that a host is in one availability zone: refused when one of {@code hosts} is in
   * another aggregate whose zone is set and is not {@code zone}.
   */
  private static Optional<Decision> zoneConflict(ComputeState s, Aggregate self, List<String> hosts, String zone, int status,
                                                 String action) {
    TreeSet<String> others = new TreeSet<>();
    for (Aggregate other : s.aggregates()) {
      if (other.getAggregateId() == self.getAggregateId() || other.getAvailabilityZone() == null) continue;
      if (other.getAvailabilityZone().equals(zone)) continue;
      if (other.getHosts().stream().anyMatch(hosts::contains)) others.add(other.getAvailabilityZone());
    }
    if (others.isEmpty()) return Optional.empty();
    String message = action + ". Reason: One or more hosts already in availability zone(s) " + others + ".";
    return Optional.of(status == 409 ? ComputeDecider.conflict(message) : ComputeDecider.badRequest(message));
  }
}
