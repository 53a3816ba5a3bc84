package dev.skyledger.processors.core;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.Envelope;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/** Binds a context's pure decider functions to the processor shell, so each topology is one call. */
public final class Deciders {
  private Deciders() {}

  /** A context's {@code decide(command, actor, state)}. */
  @FunctionalInterface
  public interface Decide<S> {
    Decision decide(SpecificRecord command, Actor actor, S state);
  }

  /** As {@link #withViews}, for a state that reads only its own store. */
  public static <S> DeciderProcessor.Decider<S> of(Function<KeyValues, S> state, Decide<S> decide,
                                                   BiConsumer<S, SpecificRecord> evolve,
                                                   Function<SpecificRecord, String> aggregateOf,
                                                   Function<SpecificRecord, String> projectOf) {
    return withViews((kv, context) -> state.apply(kv), decide, evolve, aggregateOf, projectOf);
  }

  /**
   * A context's pure functions as the processor shell's decider; the state may also read the
   * topology's global views through the task's context (null outside a topology).
   */
  public static <S> DeciderProcessor.Decider<S> withViews(BiFunction<KeyValues, ProcessorContext<?, ?>, S> state,
                                                          Decide<S> decide, BiConsumer<S, SpecificRecord> evolve,
                                                          Function<SpecificRecord, String> aggregateOf,
                                                          Function<SpecificRecord, String> projectOf) {
    return new DeciderProcessor.Decider<>() {
      @Override
      public S state(KeyValues kv) {
        return state.apply(kv, null);
      }

      @Override
      public S state(KeyValues kv, ProcessorContext<?, ?> context) {
        return state.apply(kv, context);
      }

      @Override
      public Decision decide(SpecificRecord command, Envelope envelope, S s) {
        return decide.decide(command, envelope.getActor(), s);
      }

      @Override
      public void evolve(S s, SpecificRecord event) {
        evolve.accept(s, event);
      }

      @Override
      public String aggregateOf(SpecificRecord event) {
        return aggregateOf.apply(event);
      }

      @Override
      public String projectOf(SpecificRecord event) {
        return projectOf.apply(event);
      }
    };
  }
}
