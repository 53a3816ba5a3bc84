package dev.skyledger.processors.core;

import dev.skyledger.events.core.Actor;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Re-checks who sent a command against live state before the decider sees it (DESIGN.md: a revoked
 * role takes effect even for a still-valid token). It brings its own state into the topology.
 */
public interface ActorCheck extends GlobalView {
  /** The check bound to one task's view of those stores, called when its processor starts. */
  UnaryOperator<Actor> bind(ProcessorContext<?, ?> context);
}
