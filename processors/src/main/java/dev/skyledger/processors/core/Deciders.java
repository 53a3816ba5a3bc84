package dev.skyledger.processors.core;

import dev.skyledger.events.core.Actor;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/** Binds a context's pure decider functions to the processor shell, so each topology is one call. */
public final class Deciders {
  private Deciders() {}

  /** A context's {@code decide(command, actor, state)}. */
  @FunctionalInterface
  public interface Decide<S> {
    Decision decide(SpecificRecord command, Actor actor, S state);
  }

  /** As {@link #of}, with a state that also reads the topology's global views through the task's context. */
  public static <S> DeciderProcessor.Decider<S> withViews(
      java.util.function.BiFunction<KeyValues, org.apache.kafka.streams.processor.api.ProcessorContext<?, ?>, S> state,
      Decide<S> decide, BiConsumer<S, SpecificRecord> evolve, Function<SpecificRecord, String> aggregateOf,
      Function<SpecificRecord, String> projectOf) {
    DeciderProcessor.Decider<S> plain = of(kv -> state.apply(kv, null), decide, evolve, aggregateOf, projectOf);
    return new DeciderProcessor.Decider<>() {
      @Override
      public S state(KeyValues kv) {
        return plain.state(kv);
      }

      @Override
      public S state(KeyValues kv, org.apache.kafka.streams.processor.api.ProcessorContext<?, ?> context) {
        return state.apply(kv, context);
      }

      @Override
      public Decision decide(SpecificRecord command, dev.skyledger.events.core.Envelope envelope, S s) {
        return plain.decide(command, envelope, s);
      }

      @Override
      public void evolve(S s, SpecificRecord event) {
        plain.evolve(s, event);
      }

      @Override
      public String aggregateOf(SpecificRecord event) {
        return plain.aggregateOf(event);
      }

      @Override
      public String projectOf(SpecificRecord event) {
        return plain.projectOf(event);
      }
    };
  }

  public static <S> DeciderProcessor.Decider<S> of(Function<KeyValues, S> state, Decide<S> decide,
                                                   BiConsumer<S, SpecificRecord> evolve,
                                                   Function<SpecificRecord, String> aggregateOf,
                                                   Function<SpecificRecord, String> projectOf) {
    return new DeciderProcessor.Decider<>() {
      @Override
      public S state(KeyValues kv) {
        return state.apply(kv);
      }

      @Override
      public Decision decide(SpecificRecord command, dev.skyledger.events.core.Envelope envelope, S s) {
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
