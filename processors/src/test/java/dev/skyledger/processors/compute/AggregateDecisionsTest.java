package dev.skyledger.processors.compute;

import static dev.skyledger.processors.DecisionAssertions.assertAccepted;
import static dev.skyledger.processors.DecisionAssertions.assertMessageContains;
import static dev.skyledger.processors.DecisionAssertions.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
import dev.skyledger.processors.core.MapKeyValues;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Host aggregates on the compute decider, on plain objects: given events, when a command, then events or Nova's refusal. */
class AggregateDecisionsTest {
  private static final Actor ADMIN = new Actor("u-alice", "alice", "p-admin", List.of("admin"));
  private static final Actor MEMBER = new Actor("u-bob", "bob", "p-demo", List.of("member"));

  private final ComputeState state = new ComputeState(new MapKeyValues());

  @Test
  void givenNothing_whenCreated_thenItGetsTheFirstIdAndTheNextOneTheSecond() {
    Aggregate first = created(accepted(new CreateAggregate("uuid-1", "rack-1", null)));
    Aggregate second = created(accepted(new CreateAggregate("uuid-2", "rack-2", "az-2")));

    assertEquals(1, first.getAggregateId());
    assertNull(first.getAvailabilityZone());
    assertEquals(2, second.getAggregateId());
    assertEquals("az-2", second.getAvailabilityZone());
  }

  @Test
  void givenADeletedAggregate_whenAnotherIsCreated_thenItsIdIsNotReused() {
    given(new AggregateCreated(aggregate(1, "rack-1", null)), new AggregateDeleted(aggregate(1, "rack-1", null)));

    assertEquals(2, created(accepted(new CreateAggregate("uuid-2", "rack-1", null))).getAggregateId());
  }

  @Test
  void givenMember_whenCreating_thenForbidden() {
    assertRejected(403, "forbidden", decide(new CreateAggregate("u", "rack", null), MEMBER));
  }

  @Test
  void givenAnAggregate_whenOneWithItsNameIsCreated_thenConflict() {
    given(new AggregateCreated(aggregate(1, "rack-1", null)));

    Decision decision = decide(new CreateAggregate("uuid-2", "rack-1", null), ADMIN);

    assertRejected(409, "conflict", decision);
    assertMessageContains("Aggregate rack-1 already exists.", decision);
  }

  @Test
  void givenNothing_whenNameIsEmptyOrTooLong_thenBadRequest() {
    assertRejected(400, "badRequest", decide(new CreateAggregate("u", "", null), ADMIN));
    assertRejected(400, "badRequest", decide(new CreateAggregate("u", "a".repeat(256), null), ADMIN));
    assertRejected(400, "badRequest", decide(new CreateAggregate("u", "rack", "z".repeat(256)), ADMIN));
  }

  @Test
  void givenAnAggregate_whenRenamedAndZoned_thenUpdatedAndTheOldNameIsFree() {
    given(new AggregateCreated(aggregate(1, "rack-1", "az-1")));

    Aggregate updated = updated(accepted(new UpdateAggregate(1, "rack-one", "az-one", false)));

    assertEquals("rack-one", updated.getName());
    assertEquals("az-one", updated.getAvailabilityZone());
    assertAccepted(decide(new CreateAggregate("uuid-2", "rack-1", null), ADMIN));
  }

  @Test
  void givenAZonedAggregate_whenUpdatedWithTheZoneCleared_thenItHasNoZoneAndKeepsItsName() {
    given(new AggregateCreated(aggregate(1, "rack-1", "az-1")));

    Aggregate updated = updated(accepted(new UpdateAggregate(1, null, null, true)));

    assertNull(updated.getAvailabilityZone());
    assertEquals("rack-1", updated.getName());
  }

  @Test
  void givenNothing_whenUpdatingOrDeletingAnUnknownId_thenNotFound() {
    assertRejected(404, "itemNotFound", decide(new UpdateAggregate(-1, "x", null, false), ADMIN));
    Decision delete = decide(new DeleteAggregate(-1), ADMIN);
    assertRejected(404, "itemNotFound", delete);
    assertMessageContains("Aggregate -1 could not be found.", delete);
  }

  @Test
  void givenAnAggregate_whenAHostIsAddedTwice_thenTheSecondIsAConflict() {
    given(new AggregateCreated(aggregate(1, "rack-1", null)));

    assertEquals(List.of("host-a"), updated(accepted(new AddAggregateHost(1, "host-a"))).getHosts());
    Decision again = decide(new AddAggregateHost(1, "host-a"), ADMIN);

    assertRejected(409, "conflict", again);
    assertMessageContains("Aggregate 1 already has host host-a.", again);
  }

  @Test
  void givenAHostInAZoneAggregate_whenAddedToAnAggregateOfAnotherZone_thenConflict() {
    given(new AggregateCreated(withHosts(aggregate(1, "rack-1", "az-1"), "host-a")),
        new AggregateCreated(aggregate(2, "rack-2", "az-2")), new AggregateCreated(aggregate(3, "plain", null)),
        new AggregateCreated(aggregate(4, "same-zone", "az-1")));

    Decision decision = decide(new AddAggregateHost(2, "host-a"), ADMIN);

    assertRejected(409, "conflict", decision);
    assertMessageContains("One or more hosts already in availability zone(s) [az-1]", decision);
    assertAccepted(decide(new AddAggregateHost(3, "host-a"), ADMIN));
    assertAccepted(decide(new AddAggregateHost(4, "host-a"), ADMIN));
  }

  @Test
  void givenAHostInAZoneAggregate_whenAnotherOfItsAggregatesGetsAnotherZone_thenBadRequest() {
    given(new AggregateCreated(withHosts(aggregate(1, "rack-1", "az-1"), "host-a")),
        new AggregateCreated(withHosts(aggregate(2, "plain", null), "host-a")));

    assertRejected(400, "badRequest", decide(new UpdateAggregate(2, null, "az-2", false), ADMIN));
    assertRejected(400, "badRequest", decide(new SetAggregateMetadata(2, Map.of("availability_zone", "az-2")), ADMIN));
    assertAccepted(decide(new UpdateAggregate(2, null, "az-1", false), ADMIN));
  }

  @Test
  void givenAnAggregateWithAHost_whenDeleted_thenBadRequestAndOnceEmptyItIsDeleted() {
    given(new AggregateCreated(withHosts(aggregate(1, "rack-1", null), "host-a")));

    assertRejected(400, "badRequest", decide(new DeleteAggregate(1), ADMIN));
    accepted(new RemoveAggregateHost(1, "host-a"));
    assertEquals(List.of(new AggregateDeleted(aggregate(1, "rack-1", null))), accepted(new DeleteAggregate(1)).events());
  }

  @Test
  void givenAnAggregate_whenAHostNotInItIsRemoved_thenNotFound() {
    given(new AggregateCreated(aggregate(1, "rack-1", null)));

    assertRejected(404, "itemNotFound", decide(new RemoveAggregateHost(1, "host-a"), ADMIN));
  }

  @Test
  void givenMetadata_whenSetWithNullValuesAndAZone_thenMergedKeysRemovedAndZoneSet() {
    given(new AggregateCreated(aggregate(1, "rack-1", null)));
    accepted(new SetAggregateMetadata(1, Map.of("ssd", "true", "gpu", "no")));
    Map<String, String> change = new HashMap<>();
    change.put("gpu", null);
    change.put("availability_zone", "az-1");

    Aggregate a = updated(accepted(new SetAggregateMetadata(1, change)));

    assertEquals(Map.of("ssd", "true"), a.getMetadata());
    assertEquals("az-1", a.getAvailabilityZone());
  }

  @Test
  void givenAZonedAggregate_whenTheZoneKeyIsSetToNullOrEmpty_thenClearedOrRefused() {
    given(new AggregateCreated(aggregate(1, "rack-1", "az-1")));
    Map<String, String> clear = new HashMap<>();
    clear.put("availability_zone", null);

    assertRejected(400, "badRequest", decide(new SetAggregateMetadata(1, Map.of("availability_zone", "")), ADMIN));
    assertNull(updated(accepted(new SetAggregateMetadata(1, clear))).getAvailabilityZone());
  }

  @Test
  void givenMember_whenChangingAnAggregate_thenForbidden() {
    given(new AggregateCreated(aggregate(1, "rack-1", null)));

    assertRejected(403, "forbidden", decide(new AddAggregateHost(1, "host-a"), MEMBER));
    assertRejected(403, "forbidden", decide(new RemoveAggregateHost(1, "host-a"), MEMBER));
    assertRejected(403, "forbidden", decide(new DeleteAggregate(1), MEMBER));
    assertRejected(403, "forbidden", decide(new SetAggregateMetadata(1, Map.of()), MEMBER));
  }

  private static Aggregate aggregate(int id, String name, String zone) {
    return Aggregate.newBuilder().setAggregateId(id).setUuid("uuid-" + id).setName(name).setAvailabilityZone(zone)
        .setHosts(List.of()).setMetadata(Map.of()).build();
  }

  private static Aggregate withHosts(Aggregate a, String... hosts) {
    return Aggregate.newBuilder(a).setHosts(List.of(hosts)).build();
  }

  private static Aggregate created(Decision d) {
    return ((AggregateCreated) d.events().get(0)).getAggregate();
  }

  private static Aggregate updated(Decision d) {
    return ((AggregateUpdated) d.events().get(0)).getAggregate();
  }

  private void given(SpecificRecord... events) {
    List.of(events).forEach(e -> ComputeDecider.evolve(state, e));
  }

  private Decision decide(SpecificRecord command, Actor actor) {
    return ComputeDecider.decide(command, actor, state);
  }

  private Decision accepted(SpecificRecord command) {
    Decision decision = decide(command, ADMIN);
    assertAccepted(decision);
    decision.events().forEach(e -> ComputeDecider.evolve(state, e));
    return decision;
  }
}
