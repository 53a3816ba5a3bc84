package dev.skyledger.processors.compute.boot;

import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.compute.ChangeServerPower;
import dev.skyledger.events.compute.InstanceLocked;
import dev.skyledger.events.compute.InstancePowerActionDone;
import dev.skyledger.events.compute.InstancePowerActionFailed;
import dev.skyledger.events.compute.InstancePowerActionStarted;
import dev.skyledger.events.compute.InstanceSnapshotDone;
import dev.skyledger.events.compute.InstanceSnapshotFailed;
import dev.skyledger.events.compute.InstanceSnapshotStarted;
import dev.skyledger.events.compute.InstanceUnlocked;
import dev.skyledger.events.compute.InstanceRebuildFailed;
import dev.skyledger.events.compute.InstanceRebuildStarted;
import dev.skyledger.events.compute.InstanceRebuilt;
import dev.skyledger.events.compute.InstanceStateReset;
import dev.skyledger.events.compute.RebuildServer;
import dev.skyledger.events.compute.LockServer;
import dev.skyledger.events.compute.ResetServerState;
import dev.skyledger.events.compute.SnapshotServer;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.host.DestroyInstance;
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
    Answer refused = refusal(verb, b, action.equals("start") ? Set.of(Step.SHUTOFF) : Set.of(Step.ACTIVE), actor);
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
    boolean admin = isAdmin(actor);
    return state.boot(instanceId).filter(b -> b.projectId().equals(projectId)).filter(b -> b.step() != Step.DELETED)
        .filter(b -> admin || (b.projectId().equals(actor.getProjectId()) && actor.getRoles().contains("member")));
  }

  private static boolean isAdmin(Actor actor) {
    return actor.getRoles().contains("admin") || actor.getRoles().contains("system");
  }

  /**
   * Nova's 409 when the server is locked and the caller is no administrator, is being deleted, is
   * busy with another action, or is not in a state the action starts from.
   */
  private Answer refusal(String verb, Boot b, Set<Step> from, Actor actor) {
    if (state.lock(b.instanceId()).isPresent() && !isAdmin(actor)) {
      return Answer.reject(409, "conflict", "Instance " + b.instanceId() + " is locked");
    }
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
      default -> action.startsWith(SNAPSHOT) ? "image_snapshot" : isRebuild(action) ? "rebuilding" : action;
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

  /**
   * Lock or unlock, as Nova's os-lock-server: in any state, locking a locked server (or unlocking an
   * unlocked one) changes nothing; a lock an administrator of another project set is lifted only by
   * an administrator (Nova's unlock_override rule, 403).
   */
  Answer decide(LockServer c, Actor actor, String requestId) {
    Optional<Boot> found = actionable(c.getInstanceId(), c.getProjectId(), actor);
    if (found.isEmpty()) return Answer.reject(404, "itemNotFound", "Instance " + c.getInstanceId() + " could not be found.");
    Boot b = found.get();
    Optional<BootState.Lock> lock = state.lock(b.instanceId());
    List<SagaOut> out = new ArrayList<>();
    if (c.getLocked() && lock.isEmpty()) {
      String by = b.projectId().equals(actor.getProjectId()) ? "owner" : "admin";
      // the fact names who locked it; the server goes on acting for whoever asked for what it is doing
      long seq = SagaOut.fact(askedBy(b, actor, requestId), new InstanceLocked(b.instanceId(), b.projectId(), by,
          c.getReason()), out).sequence();
      b = b.withSequence(seq);
      state.putLock(b.instanceId(), new BootState.Lock(by, c.getReason()));
      state.putBoot(b);
    } else if (!c.getLocked() && lock.isPresent()) {
      if (lock.get().lockedBy().equals("admin") && !isAdmin(actor)) {
        return Answer.reject(403, "forbidden",
            "Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be performed.");
      }
      b = b.withSequence(SagaOut.fact(askedBy(b, actor, requestId), new InstanceUnlocked(b.instanceId(), b.projectId()),
          out).sequence());
      state.putLock(b.instanceId(), null);
      state.putBoot(b);
    }
    return new Answer(0, null, null, out, StreamKeys.instance(b.instanceId()), b.sequence());
  }

  /**
   * Nova's os-resetState, for administrators: the server is recorded in ERROR or ACTIVE and whatever
   * it was busy with is over (a late answer of its host to it is ignored); its host, ports and
   * claim stay as they are, so a deletion still gives them back. Refused (409) while it is built or
   * deleted, where the saga's own steps decide its state, and to ACTIVE when its build failed and it
   * holds no host any more (there is nothing to be active on).
   */
  Answer decide(ResetServerState c, Actor actor, String requestId) {
    if (!isAdmin(actor)) {
      return Answer.reject(403, "forbidden", "Policy doesn't allow os_compute_api:os-admin-actions:reset_state to be performed.");
    }
    Optional<Boot> found = actionable(c.getInstanceId(), c.getProjectId(), actor);
    if (found.isEmpty()) return Answer.reject(404, "itemNotFound", "Instance " + c.getInstanceId() + " could not be found.");
    Boot b = found.get();
    Step next = switch (c.getState()) {
      case "error" -> Step.ERROR;
      case "active" -> Step.ACTIVE;
      default -> null;
    };
    if (next == null) return Answer.reject(400, "badRequest", "Invalid input for field/attribute state. Value: " + c.getState()
        + ". '" + c.getState() + "' is not one of ['active', 'error']");
    if (b.step() == Step.DELETING) return conflict("os-resetState", b, "task_state deleting");
    if (b.step() == Step.NETWORKING || b.step() == Step.SPAWNING) return conflict("os-resetState", b, "vm_state building");
    if (next == Step.ACTIVE && !b.claimed()) {
      return Answer.reject(409, "conflict", "Cannot 'os-resetState' instance " + b.instanceId() + " to active: its build"
          + " failed and it holds no host; delete it and create it again.");
    }
    List<SagaOut> out = new ArrayList<>();
    long seq = SagaOut.fact(askedBy(b, actor, requestId), new InstanceStateReset(b.instanceId(), b.projectId(), c.getState()),
        out).sequence();
    state.putBoot(b.withSequence(seq).withPendingAction(null).withStep(next, 0));
    return new Answer(0, null, null, out, StreamKeys.instance(b.instanceId()), seq);
  }

  /** A pending rebuild: of a running server, or of a stopped one (stopped again once rebuilt). */
  static final String REBUILD = "rebuild";
  static final String REBUILD_STOPPED = "rebuild/stopped";

  static boolean isRebuild(String pendingAction) {
    return REBUILD.equals(pendingAction) || REBUILD_STOPPED.equals(pendingAction);
  }

  /**
   * Rebuild from an image, as Nova allows it: from ACTIVE, SHUTOFF or ERROR, one action at a time.
   * The host destroys the domain and spawns it again from the image (its commands run in order), on
   * the same host with the same ports and claim; a server whose build failed holds no host and
   * cannot be rebuilt (409).
   */
  Answer decide(RebuildServer c, Actor actor, String requestId, long now) {
    Optional<Boot> found = actionable(c.getInstanceId(), c.getProjectId(), actor);
    if (found.isEmpty()) return Answer.reject(404, "itemNotFound", "Instance " + c.getInstanceId() + " could not be found.");
    Boot b = found.get();
    Answer refused = refusal("rebuild", b, Set.of(Step.ACTIVE, Step.SHUTOFF, Step.ERROR), actor);
    if (refused != null) return refused;
    if (!b.claimed()) {
      return Answer.reject(409, "conflict", "Cannot 'rebuild' instance " + b.instanceId() + ": its build failed and it"
          + " holds no host; delete it and create it again.");
    }
    String pending = b.step() == Step.SHUTOFF ? REBUILD_STOPPED : REBUILD;
    List<SagaOut> out = new ArrayList<>();
    b = SagaOut.fact(askedBy(b, actor, requestId), new InstanceRebuildStarted(b.instanceId(), b.projectId(), c.getImageId(),
        c.getImageName()), out);
    b = b.withImage(c.getImageId(), c.getImageChecksum(), c.getImageSize(), c.getImageLocation());
    out.add(SagaOut.forServer(b, SagaOut.Target.HOST_COMMANDS, b.hostId(), new DestroyInstance(b.instanceId(), b.hostId()),
        b.instanceId(), 0));
    out.add(SagaOut.forServer(b, SagaOut.Target.HOST_COMMANDS, b.hostId(), BootSaga.spawnCommand(b), b.instanceId(), 0));
    state.putBoot(b.withPendingAction(pending).withSpawnSent().withStep(Step.SPAWNING, now + settings.spawnTimeout().toMillis()));
    return new Answer(0, null, null, out, StreamKeys.instance(b.instanceId()), b.sequence());
  }

  /** The host spawned the rebuilt server: it runs; one that was stopped is stopped again, as Nova leaves it. */
  void rebuilt(Boot b, long now, List<SagaOut> out) {
    boolean stopped = REBUILD_STOPPED.equals(b.pendingAction());
    b = SagaOut.fact(b, new InstanceRebuilt(b.instanceId(), b.projectId(), b.imageId()), out);
    if (!stopped) {
      state.putBoot(b.withPendingAction(null).withStep(Step.ACTIVE, 0));
      return;
    }
    out.add(SagaOut.forServer(b, SagaOut.Target.HOST_COMMANDS, b.hostId(), new PowerInstance(b.instanceId(), b.hostId(), "stop"),
        b.instanceId(), 0));
    state.putBoot(b.withPendingAction("stop").withStep(Step.ACTIVE, now + settings.spawnTimeout().toMillis()));
  }

  /** The rebuild failed: the server is in ERROR, and keeps its host, ports and claim (a deletion gives them back). */
  void rebuildFailed(Boot b, String reason, List<SagaOut> out) {
    b = SagaOut.fact(b, new InstanceRebuildFailed(b.instanceId(), b.projectId(), b.imageId(),
        "Rebuild of instance " + b.instanceId() + " failed: " + reason), out);
    state.putBoot(b.withPendingAction(null).withStep(Step.ERROR, 0));
  }

  /** Snapshot into a new image: from ACTIVE or SHUTOFF, one action at a time. */
  Answer decide(SnapshotServer c, Actor actor, long now) {
    return decide(c, actor, null, now);
  }

  Answer decide(SnapshotServer c, Actor actor, String requestId, long now) {
    Optional<Boot> found = actionable(c.getInstanceId(), c.getProjectId(), actor);
    if (found.isEmpty()) return Answer.reject(404, "itemNotFound", "Instance " + c.getInstanceId() + " could not be found.");
    Boot b = found.get();
    Answer refused = refusal("createImage", b, Set.of(Step.ACTIVE, Step.SHUTOFF), actor);
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
