package dev.skyledger.events;

import dev.skyledger.events.core.Envelope;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/** The immutable topic catalogue. Keys are partition keys; values are envelopes. */
public final class Topics {
  private Topics() {}

  /** Identity commands, keyed by domain id: everything unique within a domain is decided in order. */
  public static final Topic<String, Envelope> IDENTITY_COMMANDS =
      new Topic<>("identity.commands", Topic.Kind.COMMANDS, Serdes.String(), new EnvelopeSerde());
  /** Identity events, keyed by domain id. */
  public static final Topic<String, Envelope> IDENTITY_EVENTS =
      new Topic<>("identity.events", Topic.Kind.EVENTS, Serdes.String(), new EnvelopeSerde());
  /** Image commands, keyed by the owning project (its quota is decided in order). */
  public static final Topic<String, Envelope> IMAGE_COMMANDS =
      new Topic<>("image.commands", Topic.Kind.COMMANDS, Serdes.String(), new EnvelopeSerde());
  /** Image events, keyed by the owning project. */
  public static final Topic<String, Envelope> IMAGE_EVENTS =
      new Topic<>("image.events", Topic.Kind.EVENTS, Serdes.String(), new EnvelopeSerde());
  /**
   * Network commands, keyed by network id: addresses and MACs are unique per network, so everything
   * that takes or frees one on a network (ports, floating IPs) is decided in order there. What
   * belongs to a project as a whole (security groups, routers, quotas) is keyed {@code project/<id>}.
   */
  public static final Topic<String, Envelope> NETWORK_COMMANDS =
      new Topic<>("network.commands", Topic.Kind.COMMANDS, Serdes.String(), new EnvelopeSerde());
  /** Network events, keyed by network id. */
  public static final Topic<String, Envelope> NETWORK_EVENTS =
      new Topic<>("network.events", Topic.Kind.EVENTS, Serdes.String(), new EnvelopeSerde());
  /**
   * Compute commands. Flavors are keyed {@code flavors} (their names and ids are unique across the
   * cloud), key pairs {@code user/<id>} (names are unique per user), quotas and servers
   * {@code project/<id>} (a project's quota is decided in order).
   */
  public static final Topic<String, Envelope> COMPUTE_COMMANDS =
      new Topic<>("compute.commands", Topic.Kind.COMMANDS, Serdes.String(), new EnvelopeSerde());
  /** Compute events, keyed as their commands. */
  public static final Topic<String, Envelope> COMPUTE_EVENTS =
      new Topic<>("compute.events", Topic.Kind.EVENTS, Serdes.String(), new EnvelopeSerde());
  /** Commands to host agents, keyed by host id: each agent reads its own host's, in order. */
  public static final Topic<String, Envelope> HOST_COMMANDS =
      new Topic<>("host.commands", Topic.Kind.COMMANDS, Serdes.String(), new EnvelopeSerde());
  /** What host agents report (registration, heartbeats, what they did), keyed by host id. */
  public static final Topic<String, Envelope> HOST_EVENTS =
      new Topic<>("host.events", Topic.Kind.EVENTS, Serdes.String(), new EnvelopeSerde());
  /**
   * The boot saga's input, on one partition, keyed {@code instance/<id>} where a record is about one
   * server: the compute and network facts it acts on (requests and deletes of servers, the ports it
   * made or bound, the refusals of its own commands), written here by their deciders in the same
   * transaction that decides them; the hosts' facts (registrations, liveness changes, what they did
   * with its commands), copied from host.events by the saga's feeder; and the actions on a server
   * the saga decides itself (reboot, stop, start, snapshot), sent here by the API. Scheduling claims
   * host capacity, so it is decided in one order for the whole cloud (a cell, when cells come).
   */
  public static final Topic<String, Envelope> COMPUTE_SAGA =
      new Topic<>("compute.saga", Topic.Kind.SAGA, Serdes.String(), new EnvelopeSerde());
  /** Replies to every command, keyed by request id. */
  public static final Topic<String, Envelope> COMMAND_REPLIES =
      new Topic<>("command.replies", Topic.Kind.REPLIES, Serdes.String(), new EnvelopeSerde());

  public static final List<Topic<String, Envelope>> ALL =
      List.of(IDENTITY_COMMANDS, IDENTITY_EVENTS, IMAGE_COMMANDS, IMAGE_EVENTS, NETWORK_COMMANDS, NETWORK_EVENTS,
          COMPUTE_COMMANDS, COMPUTE_EVENTS, COMPUTE_SAGA, HOST_COMMANDS, HOST_EVENTS, COMMAND_REPLIES);

  /** Event topics: what the audit trail reads and what projections replay. */
  public static final List<Topic<String, Envelope>> EVENT_TOPICS = List.of(IDENTITY_EVENTS, IMAGE_EVENTS, NETWORK_EVENTS, COMPUTE_EVENTS,
      HOST_EVENTS);
}
