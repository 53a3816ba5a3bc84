package dev.skyledger.processors.compute.boot;

import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.compute.ChangeServerPower;
import dev.skyledger.events.compute.InstancePowerActionDone;
import dev.skyledger.events.compute.InstancePowerActionFailed;
import dev.skyledger.events.compute.InstancePowerActionStarted;
import dev.skyledger.events.compute.InstanceSnapshotDone;
import dev.skyledger.events.compute.InstanceSnapshotFailed;
import dev.skyledger.events.compute.InstanceSnapshotStarted;
import dev.skyledger.events.compute.SnapshotServer;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.host.InstanceSnapshotted;
import dev.skyledger.events.host.PowerInstance;
import dev.skyledger.events.host.SnapshotInstance;
import dev.skyledger.events.image.CreateImage;
import dev.skyledger.processors.compute.boot.BootState.Boot;
import dev.skyledger.processors.compute.boot.BootState.Origin;
import dev.skyledger.processors.compute.boot.BootState.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The actions on a running server the saga decides, because it knows the server's state: reboot
 * (soft and hard), stop, start and snapshot, as Nova allows them (one at a time, from the right
 * state, 409 otherwise), each a command to the server's host with a deadline, and the host's
 * answer (or its silence) as the fact that ends it.
 */
final class ServerActions {
  private final BootState state;
  private final BootSaga.Settings settings;

  ServerActions(BootState state, BootSaga.Settings settings) {
    this.state = state;
    this.settings = settings;
  }

  /** The answer to a command the saga decides itself: a rejection (status > 0), or what it does and its fact's position. */
  record Answer(int status, String title, String message, List<SagaOut> outs, String streamKey, long sequence) {
    static Answer reject(int status, String title, String message) {
      return new Answer(status, title, message, List.of(), null, 0);
    }

    boolean rejected() {
      return status > 0;
    }
  }

  /** Reboot, stop or start, as Nova allows them: from ACTIVE (or SHUTOFF for start), one at a time. */
  Answer decide(ChangeServerPower c, Actor actor, long now) {
    return decide(c, actor, null, now);
  }

  /** {@code requestId}: the request that asked (its facts and the host's command carry it and the actor). */
  Answer decide(ChangeServerPower c, Actor actor, String requestId, long now) {
    Optional<Boot> found = actionable(c.getInstanceId(), c.getProjectId(), actor);
    if (found.isEmpty()) return Answer.reject(404, "itemNotFound", "Instance " + c.getInstanceId() + " could not be found.");
    Boot b = found.get();
    String action = c.getAction();
    String verb = action.startsWith("reboot") ? "reboot" : action;
    if (!Set.of("reboot-soft", "reboot-hard", "stop", "start").contains(action)) {
      return Answer.reject(400, "badRequest", "Unknown power action " + action + ".");
    }
    Answer refused = refusal(verb, b, action.equals("start") ? Set.of(Step.SHUTOFF) : Set.of(Step.ACTIVE));
    if (refused != null) return refused;
    List<SagaOut> out = new ArrayList<>();
    b = SagaOut.fact(askedBy(b, actor, requestId), new InstancePowerActionStarted(b.instanceId(), b.projectId(), action), out);
    out.add(SagaOut.forServer(b, SagaOut.Target.HOST_COMMANDS, b.hostId(), new PowerInstance(b.instanceId(), b.hostId(), action), b.instanceId(), 0));
    long sequence = b.sequence();
    state.putBoot(b.withPendingAction(action).withStep(b.step(), now + settings.spawnTimeout().toMillis()));
    return new Answer(0, null, null, out, StreamKeys.instance(b.instanceId()), sequence);
  }

  /**
   * The server from now on acts on behalf of who asked, through their request: the action's facts,
   * the host's command and its answer, and the fact that ends the action name the reboot's (or
   * snapshot's) author and request, not the server's creator.
   */
  private static Boot askedBy(Boot b, Actor actor, String requestId) {
    return requestId == null ? b : b.withOrigin(Origin.of(requestId, actor));
  }

  /** A server an action may be asked for: not deleted, of that project, and the caller's project's (or an admin asks). */
  private Optional<Boot> actionable(String instanceId, String projectId, Actor actor) {
    boolean admin = actor.getRoles().contains("admin") || actor.getRoles().contains("system");
    return state.boot(instanceId).filter(b -> b.projectId().equals(projectId)).filter(b -> b.step() != Step.DELETED)
        .filter(b -> admin || (b.projectId().equals(actor.getProjectId()) && actor.getRoles().contains("member")));
  }

  /** Nova's 409 when the server is being deleted, busy with another action, or not in a state the action starts from. */
  private static Answer refusal(String verb, Boot b, Set<Step> from) {
    if (b.step() == Step.DELETING) return conflict(verb, b, "task_state deleting");
    if (b.pendingAction() != null) return conflict(verb, b, "task_state " + taskOf(b.pendingAction()));
    if (!from.contains(b.step())) return conflict(verb, b, "vm_state " + vmStateOf(b.step()));
    return null;
  }

  private static Answer conflict(String verb, Boot b, String state) {
    return Answer.reject(409, "conflict", "Cannot '" + verb + "' instance " + b.instanceId() + " while it is in " + state);
  }

  /** Nova's task_state while an action runs. */
  static String taskOf(String action) {
    return switch (action) {
      case "reboot-soft" -> "rebooting";
      case "reboot-hard" -> "rebooting_hard";
      case "stop" -> "powering-off";
      case "start" -> "powering-on";
      default -> action.startsWith(SNAPSHOT) ? "image_snapshot" : action;
    };
  }

  static String vmStateOf(Step step) {
    return switch (step) {
      case NETWORKING, SPAWNING -> "building";
      case ACTIVE -> "active";
      case SHUTOFF -> "stopped";
      case ERROR -> "error";
      case DELETING, DELETED -> "deleted";
    };
  }

  /** Snapshot into a new image: from ACTIVE or SHUTOFF, one action at a time. */
  Answer decide(SnapshotServer c, Actor actor, long now) {
    return decide(c, actor, null, now);
  }

  Answer decide(SnapshotServer c, Actor actor, String requestId, long now) {
    Optional<Boot> found = actionable(c.getInstanceId(), c.getProjectId(), actor);
    if (found.isEmpty()) return Answer.reject(404, "itemNotFound", "Instance " + c.getInstanceId() + " could not be found.");
    Boot b = found.get();
    Answer refused = refusal("createImage", b, Set.of(Step.ACTIVE, Step.SHUTOFF));
    if (refused != null) return refused;
    List<SagaOut> out = new ArrayList<>();
    b = SagaOut.fact(askedBy(b, actor, requestId), new InstanceSnapshotStarted(b.instanceId(), b.projectId(), c.getImageId()), out);
    if (c.getImageName() != null) {
      // the image is made only once the snapshot is sure to be taken (a refused one leaves no image
      // behind), on the image service's stream of the project, before the host can start its upload there
      out.add(SagaOut.forServer(b, SagaOut.Target.IMAGE_COMMANDS, b.projectId(), new CreateImage(c.getImageId(),
          b.projectId(), c.getImageName(), c.getDiskFormat(), c.getContainerFormat(), "private", false, c.getMinDisk(),
          c.getMinRam(), List.of(), c.getProperties()), c.getImageId(), 0));
    }
    out.add(SagaOut.forServer(b, SagaOut.Target.HOST_COMMANDS, b.hostId(), new SnapshotInstance(b.instanceId(), b.hostId(), c.getImageId(),
        b.projectId(), "raw"), b.instanceId(), 0));
    long sequence = b.sequence();
    state.putBoot(b.withPendingAction(SNAPSHOT + c.getImageId()).withStep(b.step(), now + settings.spawnTimeout().toMillis()));
    return new Answer(0, null, null, out, StreamKeys.instance(b.instanceId()), sequence);
  }

  /** A pending snapshot is kept as this prefix and the image's id. */
  static final String SNAPSHOT = "snapshot/";

  void snapshotted(InstanceSnapshotted e, List<SagaOut> out) {
    Optional<Boot> found = state.boot(e.getInstanceId()).filter(b -> (SNAPSHOT + e.getImageId()).equals(b.pendingAction()));
    if (found.isEmpty()) return;
    Boot b = SagaOut.fact(found.get(), new InstanceSnapshotDone(e.getInstanceId(), found.get().projectId(), e.getImageId(),
        e.getSize()), out);
    state.putBoot(b.withPendingAction(null).withStep(b.step(), 0));
  }

  /** The host's answer to a power action or a snapshot (reason null: done). */
  void answered(String instanceId, String action, String reason, List<SagaOut> out) {
    Optional<Boot> found = state.boot(instanceId).filter(b -> b.pendingAction() != null)
        .filter(b -> action.equals(b.pendingAction()) || b.pendingAction().startsWith(action + "/"));
    if (found.isEmpty()) return;
    Boot b = found.get();
    if (b.pendingAction().startsWith(SNAPSHOT)) {
      String image = b.pendingAction().substring(SNAPSHOT.length());
      b = SagaOut.fact(b, new InstanceSnapshotFailed(instanceId, b.projectId(), image, reason == null ? "no answer" : reason), out);
      state.putBoot(b.withPendingAction(null).withStep(b.step(), 0));
      return;
    }
    if (reason != null) {
      b = SagaOut.fact(b, new InstancePowerActionFailed(instanceId, b.projectId(), action, reason), out);
      state.putBoot(b.withPendingAction(null).withStep(b.step(), 0));
      return;
    }
    boolean running = !action.equals("stop");
    b = SagaOut.fact(b, new InstancePowerActionDone(instanceId, b.projectId(), action, running), out);
    state.putBoot(b.withPendingAction(null).withStep(running ? Step.ACTIVE : Step.SHUTOFF, 0));
  }
}
