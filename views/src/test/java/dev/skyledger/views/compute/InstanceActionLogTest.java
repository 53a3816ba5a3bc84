package dev.skyledger.views.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.views.compute.InstanceActionLog.Action;
import dev.skyledger.views.compute.InstanceActionLog.Event;
import dev.skyledger.views.compute.InstanceActionLog.Fact;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A server's actions as they are derived from its events: what each request did, whether it failed, its steps. */
class InstanceActionLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID = "srv-1";
  private static final Instant T = Instant.parse("2026-11-22T04:30:00Z");

  /** Facts of one server, each a second after the one before. */
  private static final class Facts {
    final List<Fact> list = new ArrayList<>();

    Facts add(String type, String requestId, String user, String... fields) {
      ObjectNode payload = JSON.createObjectNode().put("instanceId", ID).put("projectId", "proj-1");
      for (int i = 0; i < fields.length; i += 2) payload.put(fields[i], fields[i + 1]);
      list.add(new Fact(type, requestId, user, "proj-1", "proj-1", T.plusSeconds(list.size()), payload));
      return this;
    }

    Instant at(int index) {
      return T.plusSeconds(index);
    }
  }

  private static Action only(List<Action> actions, String name) {
    List<Action> found = actions.stream().filter(a -> a.action().equals(name)).toList();
    assertEquals(1, found.size(), name + " in " + actions);
    return found.get(0);
  }

  @Test
  void givenABootThatRan_thenCreateSucceededInTwoStepsWithTheRequestAndUserOfTheRequest() {
    Facts f = new Facts().add("InstanceRequested", "req-create", "alice").add("InstanceScheduled", "req-create", "alice")
        .add("InstanceNetworked", "req-create", "alice").add("InstanceActive", "req-create", "alice");
    Action create = only(InstanceActionLog.actions(ID, f.list), "create");
    assertEquals("req-create", create.requestId());
    assertEquals("alice", create.userId());
    assertEquals("proj-1", create.projectId());
    assertEquals(f.at(0), create.start());
    assertNull(create.message());
    assertEquals(List.of(
        new Event(InstanceActionLog.BUILD, f.at(1), f.at(3), "Success", null),
        new Event(InstanceActionLog.SCHEDULE, f.at(0), f.at(1), "Success", null)), create.events(), "newest first");
  }

  @Test
  void givenABootStillScheduling_thenItsStepHasNoFinishNorResult() {
    Facts f = new Facts().add("InstanceRequested", "req-create", "alice");
    Action create = only(InstanceActionLog.actions(ID, f.list), "create");
    assertEquals(List.of(new Event(InstanceActionLog.SCHEDULE, f.at(0), null, null, null)), create.events());
  }

  @Test
  void givenNoHost_thenCreateFailedInSchedulingWithTheReasonAsTraceback() {
    Facts f = new Facts().add("InstanceRequested", "req-create", "alice")
        .add("InstanceFailed", "req-create", null, "message", "No valid host was found.", "step", "scheduling");
    Action create = only(InstanceActionLog.actions(ID, f.list), "create");
    assertEquals("Error", create.message());
    assertEquals(List.of(new Event(InstanceActionLog.SCHEDULE, f.at(0), f.at(1), "Error", "No valid host was found.")),
        create.events());
  }

  @Test
  void givenASpawnThatFailed_thenTheBuildStepFailed() {
    Facts f = new Facts().add("InstanceRequested", "req-create", "alice").add("InstanceScheduled", "req-create", "alice")
        .add("InstanceFailed", "req-create", null, "message", "spawn failed", "step", "spawning", "details", "disk full");
    Action create = only(InstanceActionLog.actions(ID, f.list), "create");
    assertEquals("Error", create.message());
    assertEquals(new Event(InstanceActionLog.BUILD, f.at(1), f.at(2), "Error", "spawn failed\ndisk full"), create.events().get(0));
    assertEquals("Success", create.events().get(1).result());
  }

  @Test
  void givenRebootStopAndAFailedStart_thenOneActionEachNamedAsNovaNewestFirst() {
    Facts f = new Facts().add("InstanceRequested", "req-create", "alice").add("InstanceScheduled", "req-create", "alice")
        .add("InstanceActive", "req-create", "alice")
        .add("InstancePowerActionStarted", "req-reboot", "bob", "action", "reboot-hard")
        .add("InstancePowerActionDone", "req-reboot", "bob", "action", "reboot-hard")
        .add("InstancePowerActionStarted", "req-stop", "bob", "action", "stop")
        .add("InstancePowerActionDone", "req-stop", "bob", "action", "stop")
        .add("InstancePowerActionStarted", "req-start", "bob", "action", "start")
        .add("InstancePowerActionFailed", "req-start", "bob", "action", "start", "message", "host did not answer");
    List<Action> actions = InstanceActionLog.actions(ID, f.list);
    assertEquals(List.of("start", "stop", "reboot", "create"), actions.stream().map(Action::action).toList());
    Action reboot = actions.get(2);
    assertEquals("req-reboot", reboot.requestId());
    assertEquals("bob", reboot.userId());
    assertNull(reboot.message());
    assertEquals(List.of(new Event("compute_reboot_instance", f.at(3), f.at(4), "Success", null)), reboot.events());
    Action start = actions.get(0);
    assertEquals("Error", start.message());
    assertEquals(List.of(new Event("compute_start_instance", f.at(7), f.at(8), "Error", "host did not answer")),
        start.events());
  }

  @Test
  void givenADelete_thenItsRequestAndUserSayWhoDeletedTheServerWhateverOrderTheStreamsCameIn() {
    Facts f = new Facts().add("InstanceRequested", "req-create", "alice").add("InstanceScheduled", "req-create", "alice")
        .add("InstanceActive", "req-create", "alice").add("InstanceDeleted", "req-create", null)
        .add("InstanceDeleteRequested", "req-delete", "carol");
    Action delete = only(InstanceActionLog.actions(ID, f.list), "delete");
    assertEquals("req-delete", delete.requestId());
    assertEquals("carol", delete.userId());
    assertEquals(f.at(4), delete.start());
    assertEquals(List.of(new Event(InstanceActionLog.TERMINATE, f.at(4), f.at(3), "Success", null)), delete.events());
  }

  @Test
  void givenASnapshot_thenCreateImage() {
    Facts f = new Facts().add("InstanceRequested", "req-create", "alice").add("InstanceActive", "req-create", "alice")
        .add("InstanceSnapshotStarted", "req-image", "alice", "imageId", "img-9")
        .add("InstanceSnapshotDone", "req-image", "alice", "imageId", "img-9");
    Action image = only(InstanceActionLog.actions(ID, f.list), "createImage");
    assertEquals("req-image", image.requestId());
    assertEquals(List.of(new Event(InstanceActionLog.SNAPSHOT, f.at(2), f.at(3), "Success", null)), image.events());
  }

  @Test
  void theNewestActionOfARequestIsTheOneShownByRequestId() {
    Facts f = new Facts().add("InstanceRequested", "req-1", "alice")
        .add("InstancePowerActionStarted", "req-1", "alice", "action", "stop");
    InstanceActionLog.History h = new InstanceActionLog.History(ID, "proj-1", InstanceActionLog.actions(ID, f.list));
    assertEquals("stop", h.byRequest("req-1").orElseThrow().action());
    assertEquals(List.of(), h.byRequest("req-2").stream().toList());
  }
}
