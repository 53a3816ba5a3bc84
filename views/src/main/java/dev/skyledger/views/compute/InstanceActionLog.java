package dev.skyledger.views.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Nova's instance actions of a server, read from the audit trail (the {@code audit} projection
 * keeps every compute event with the request id, the actor and the time of its envelope, also
 * after the server is deleted): which request did what to the server, who asked, when, whether it
 * failed, and the steps the saga took for it. Nothing is projected for this: the actions are
 * derived from the server's events at read time, so they need no replay of their own.
 */
public final class InstanceActionLog {
  /** One step of an action; {@code finish} and {@code result} are null while it runs, {@code traceback} while it did not fail. */
  public record Event(String name, Instant start, Instant finish, String result, String traceback) {}

  /** One action; {@code message} is "Error" when it failed; {@code events} newest first. */
  public record Action(String action, String instanceId, String requestId, String userId, String projectId,
                       Instant start, String message, List<Event> events) {}

  /** A server's actions, newest first, and the project that owns it (who may read them). */
  public record History(String instanceId, String projectId, List<Action> actions) {
    /** The newest action of a request, as Nova looks one up. */
    public Optional<Action> byRequest(String requestId) {
      return actions.stream().filter(a -> a.requestId().equals(requestId)).findFirst();
    }
  }

  /** An event of the server as the audit trail keeps it: its short type, envelope and payload. */
  public record Fact(String type, String requestId, String userId, String actorProjectId, String projectId, Instant time,
                     JsonNode payload) {}

  private static final String PACKAGE = "dev.skyledger.events.compute.";

  /** The events actions are made of. */
  static final List<String> TYPES = List.of("InstanceRequested", "InstanceScheduled", "InstanceActive", "InstanceFailed",
      "InstanceDeleteRequested", "InstanceDeleted", "InstancePowerActionStarted", "InstancePowerActionDone",
      "InstancePowerActionFailed", "InstanceSnapshotStarted", "InstanceSnapshotDone", "InstanceSnapshotFailed",
      "InstanceLocked", "InstanceUnlocked", "InstanceRebuildStarted", "InstanceRebuilt", "InstanceRebuildFailed");

  /** Nova's action and event names for a reboot, stop or start (InstancePowerActionStarted's action). */
  private static final Map<String, String[]> POWER = Map.of(
      "reboot-soft", new String[] {"reboot", "compute_reboot_instance"},
      "reboot-hard", new String[] {"reboot", "compute_reboot_instance"},
      "stop", new String[] {"stop", "compute_stop_instance"},
      "start", new String[] {"start", "compute_start_instance"});

  static final String SCHEDULE = "conductor_schedule_and_build_instances";
  static final String BUILD = "compute__do_build_and_run_instance";
  static final String TERMINATE = "compute_terminate_instance";
  static final String SNAPSHOT = "compute_snapshot_instance";
  static final String REBUILD = "compute_rebuild_instance";

  private final Database db;
  private final ProjectionRegistry registry;
  private final ObjectMapper json;

  public InstanceActionLog(Database db, ProjectionRegistry registry, ObjectMapper json) {
    this.db = db;
    this.registry = registry;
    this.json = json;
  }

  /** The server's actions, or empty when the audit trail has no event of a server with this id. */
  public Optional<History> history(String instanceId) {
    String events = "\"" + registry.schemaOf("audit") + "\".events";
    List<Fact> facts = db.read(c -> {
      List<Fact> out = new ArrayList<>();
      try (PreparedStatement s = c.prepareStatement("SELECT type, request_id, actor_user_id, actor_project_id, project_id,"
          + " occurred_at, payload::text FROM " + events + " WHERE aggregate_id = ? AND type = ANY (?)"
          + " ORDER BY occurred_at, topic, partition, kafka_offset")) {
        s.setString(1, instanceId);
        s.setArray(2, c.createArrayOf("text", TYPES.stream().map(t -> PACKAGE + t).toArray()));
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            String type = r.getString(1);
            out.add(new Fact(type.substring(type.lastIndexOf('.') + 1), r.getString(2), r.getString(3), r.getString(4),
                r.getString(5), r.getTimestamp(6).toInstant(), payload(r.getString(7))));
          }
        }
      }
      return out;
    });
    if (facts.isEmpty()) return Optional.empty();
    String project = facts.stream().map(Fact::projectId).filter(p -> p != null).findFirst()
        .orElse(facts.get(0).payload().path("projectId").asText(null));
    return Optional.of(new History(instanceId, project, actions(instanceId, facts)));
  }

  private JsonNode payload(String text) {
    try {
      return json.readTree(text);
    } catch (Exception e) {
      return json.createObjectNode();
    }
  }

  /**
   * The actions the facts of one server record (in the order they happened), newest first.
   * Creation and deletion happen once per server, so their steps are found by type, whatever
   * order the server's two streams interleave in; power actions and snapshots run one at a time
   * on the server's own stream, so each ends the one its stream started last.
   */
  public static List<Action> actions(String instanceId, List<Fact> facts) {
    List<ActionBuilder> actions = new ArrayList<>();
    Fact requested = first(facts, "InstanceRequested");
    if (requested != null) actions.add(created(instanceId, requested, facts));
    Fact deleteRequested = first(facts, "InstanceDeleteRequested");
    if (deleteRequested != null) {
      ActionBuilder delete = new ActionBuilder("delete", instanceId, deleteRequested);
      Fact deleted = first(facts, "InstanceDeleted");
      delete.events.add(new Event(TERMINATE, deleteRequested.time(), deleted == null ? null : deleted.time(),
          deleted == null ? null : "Success", null));
      actions.add(delete);
    }
    ActionBuilder running = null;
    for (Fact f : facts) {
      switch (f.type()) {
        case "InstancePowerActionStarted" -> {
          String[] names = POWER.getOrDefault(f.payload().path("action").asText(),
              new String[] {f.payload().path("action").asText(), "compute_" + f.payload().path("action").asText() + "_instance"});
          running = new ActionBuilder(names[0], instanceId, f);
          running.events.add(new Event(names[1], f.time(), null, null, null));
          actions.add(running);
        }
        case "InstanceSnapshotStarted" -> {
          running = new ActionBuilder("createImage", instanceId, f);
          running.events.add(new Event(SNAPSHOT, f.time(), null, null, null));
          actions.add(running);
        }
        // as in Nova, a lock or unlock is an action of its own, done when asked, with no events
        case "InstanceLocked" -> actions.add(new ActionBuilder("lock", instanceId, f));
        case "InstanceUnlocked" -> actions.add(new ActionBuilder("unlock", instanceId, f));
        case "InstanceRebuildStarted" -> {
          running = new ActionBuilder("rebuild", instanceId, f);
          running.events.add(new Event(REBUILD, f.time(), null, null, null));
          actions.add(running);
        }
        case "InstancePowerActionDone", "InstanceSnapshotDone", "InstanceRebuilt" -> {
          if (running != null) running.finishLast(f.time(), null);
          running = null;
        }
        case "InstancePowerActionFailed", "InstanceSnapshotFailed", "InstanceRebuildFailed" -> {
          if (running != null) running.finishLast(f.time(), f.payload().path("message").asText(""));
          running = null;
        }
        default -> { }
      }
    }
    // newest first; of two started at once, the one recorded later
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < actions.size(); i++) order.add(i);
    order.sort(Comparator.<Integer, Instant>comparing(i -> actions.get(i).start.time()).thenComparing(i -> i).reversed());
    return order.stream().map(i -> actions.get(i).build()).toList();
  }

  /**
   * Creation: scheduling from the request to the host chosen, then the build on the host until the
   * server runs; a failure ends whichever step it happened in.
   */
  private static ActionBuilder created(String instanceId, Fact requested, List<Fact> facts) {
    ActionBuilder create = new ActionBuilder("create", instanceId, requested);
    Fact scheduled = first(facts, "InstanceScheduled");
    Fact active = first(facts, "InstanceActive");
    Fact failed = first(facts, "InstanceFailed");
    boolean failedScheduling = failed != null && (scheduled == null || failed.payload().path("step").asText().equals("scheduling"));
    if (failedScheduling) {
      create.events.add(new Event(SCHEDULE, requested.time(), failed.time(), "Error", traceback(failed)));
    } else {
      create.events.add(new Event(SCHEDULE, requested.time(), scheduled == null ? null : scheduled.time(),
          scheduled == null ? null : "Success", null));
    }
    if (scheduled != null && !failedScheduling) {
      if (failed != null) create.events.add(new Event(BUILD, scheduled.time(), failed.time(), "Error", traceback(failed)));
      else create.events.add(new Event(BUILD, scheduled.time(), active == null ? null : active.time(),
          active == null ? null : "Success", null));
    }
    if (failed != null) create.message = "Error";
    return create;
  }

  private static String traceback(Fact failed) {
    String message = failed.payload().path("message").asText("");
    String details = failed.payload().path("details").asText("");
    return details.isEmpty() ? message : message + "\n" + details;
  }

  private static Fact first(List<Fact> facts, String type) {
    for (Fact f : facts) if (f.type().equals(type)) return f;
    return null;
  }

  private static final class ActionBuilder {
    final String action;
    final String instanceId;
    final Fact start;
    final List<Event> events = new ArrayList<>();
    String message;

    ActionBuilder(String action, String instanceId, Fact start) {
      this.action = action;
      this.instanceId = instanceId;
      this.start = start;
    }

    /** Ends the action's step: failed when {@code error} is not null. */
    void finishLast(Instant at, String error) {
      Event e = events.remove(events.size() - 1);
      events.add(new Event(e.name(), e.start(), at, error == null ? "Success" : "Error", error));
      if (error != null) message = "Error";
    }

    Action build() {
      List<Event> newestFirst = new ArrayList<>(events);
      newestFirst.sort(Comparator.comparing(Event::start).reversed());
      String project = start.actorProjectId() != null ? start.actorProjectId() : start.projectId();
      return new Action(action, instanceId, start.requestId(), start.userId(), project, start.time(), message,
          List.copyOf(newestFirst));
    }
  }
}
