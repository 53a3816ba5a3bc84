package dev.skyledger.processors.core;

import dev.skyledger.events.core.CommandRejected;
import dev.skyledger.events.core.Envelope;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.StreamsMetrics;
import org.slf4j.Logger;

/**
 * What a processor does with a command that made its decide or evolve throw: counts it (the
 * Kafka Streams sensor {@code command-failed}, so it shows in the process's metrics beside the
 * processor's own), logs it once with the command's request id, and turns it into the answer its
 * caller gets. A failure caused by the command's input is a 400 naming it; anything else a 500
 * with the request id, so the caller can quote it and the operator find the log line.
 */
public final class CommandFailures {
  /** The metric scope of the decider shell's own sensors. */
  public static final String SCOPE = "decider";

  private final Logger log;
  private final String processor;
  private final Sensor failed;
  private final Sensor undecodable;

  public CommandFailures(StreamsMetrics metrics, String processor, Logger log) {
    this.log = log;
    this.processor = processor;
    this.failed = metrics.addRateTotalSensor(SCOPE, processor, "command-failed", Sensor.RecordingLevel.INFO);
    this.undecodable = metrics.addRateTotalSensor(SCOPE, processor, "command-undecodable", Sensor.RecordingLevel.INFO);
  }

  /** A step that is not a caller's command (a fact, a punctuation) failed: counted and logged, nobody to answer. */
  public void failedStep(String what, RuntimeException e) {
    failed.record();
    log.error("{} failed on {}; skipped", processor, what, e);
  }

  /** A command this release cannot read: counted, logged, and refused with a 400. */
  public CommandRejected undecodable(Envelope command, RuntimeException e) {
    undecodable.record();
    log.warn("{} cannot read command {} of type {} (request {})", processor, command.getEventId(), command.getType(),
        command.getRequestId(), e);
    return new CommandRejected(400, "Bad Request", "Undecodable command of type " + command.getType() + ".");
  }

  public CommandRejected failed(Envelope command, RuntimeException e) {
    failed.record();
    log.error("{} failed on command {} of type {} (request {}); answered and skipped", processor, command.getEventId(),
        command.getType(), command.getRequestId(), e);
    if (e instanceof IllegalArgumentException && e.getMessage() != null) {
      return new CommandRejected(400, "Bad Request", "Invalid input: " + e.getMessage());
    }
    return new CommandRejected(500, "Internal Server Error", "The " + processor + " service could not decide the "
        + "request; nothing was changed (request " + command.getRequestId() + ").");
  }
}
