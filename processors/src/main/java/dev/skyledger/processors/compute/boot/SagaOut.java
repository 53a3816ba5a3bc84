package dev.skyledger.processors.compute.boot;

import dev.skyledger.events.StreamKeys;
import dev.skyledger.processors.compute.boot.BootState.Boot;
import dev.skyledger.processors.compute.boot.BootState.Origin;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record to write: where, under which key, and on whose behalf ({@code origin} null: the
 * system's). Facts on compute.events carry their position in the server's stream.
 */
record SagaOut(Target target, String key, SpecificRecord payload, String aggregateId, String projectId, long sequence,
             Origin origin, boolean asSystem, String correlationId) {
  enum Target { COMPUTE_EVENTS, COMPUTE_COMMANDS, NETWORK_COMMANDS, HOST_COMMANDS, IMAGE_COMMANDS }

  /** A record done for server {@code b} on behalf of whoever asked for it. */
  static SagaOut forServer(Boot b, Target target, String key, SpecificRecord payload, String aggregateId, long sequence) {
    return new SagaOut(target, key, payload, aggregateId, b.projectId(), sequence, b.origin(), false,
        StreamKeys.instance(b.instanceId()));
  }

  /**
   * A compensation or teardown for server {@code b}: done as the system (with the original request
   * id), so that it also happens when the user has lost the role since.
   */
  static SagaOut asSystem(Boot b, Target target, String key, SpecificRecord payload, String aggregateId) {
    return new SagaOut(target, key, payload, aggregateId, b.projectId(), 0, b.origin(), true, StreamKeys.instance(b.instanceId()));
  }

  /** Adds a fact on the server's own stream, numbered in it; returns the state with the new position. */
  static Boot fact(Boot b, SpecificRecord event, List<SagaOut> out) {
    long seq = b.sequence() + 1;
    out.add(forServer(b, Target.COMPUTE_EVENTS, StreamKeys.instance(b.instanceId()), event, b.instanceId(), seq));
    return b.withSequence(seq);
  }
}
