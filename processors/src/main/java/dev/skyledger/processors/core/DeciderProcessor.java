package dev.skyledger.processors.core;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.kafka.Envelopes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin Kafka Streams shell around a pure decider: opens the command, asks the decider, numbers
 * and forwards the events to the event sink, and answers on the reply sink, all in the task's
 * exactly-once transaction together with the state changes.
 */
public final class DeciderProcessor implements Processor<String, Envelope, String, Envelope> {
  /** The decider of one bounded context over its state. */
  public interface Decider<S> {
    S state(KeyValues kv);

    /** The state of one task, which may also read the topology's global views through {@code context}. */
    default S state(KeyValues kv, ProcessorContext<?, ?> context) {
      return state(kv);
    }

    Decision decide(SpecificRecord command, Envelope envelope, S state);

    void evolve(S state, SpecificRecord event);

    String aggregateOf(SpecificRecord event);

    /** The project an event belongs to, or null to keep the command's. */
    String projectOf(SpecificRecord event);
  }

  private static final Logger log = LoggerFactory.getLogger(DeciderProcessor.class);

  private final Decider<Object> decider;
  private final Envelopes envelopes;
  private final String storeName;
  private final String eventSink;
  private final String replySink;
  private ProcessorContext<String, Envelope> context;
  private Object state;
  private StagedKeyValues kv;
  private final ActorCheck actorCheck;
  private UnaryOperator<Actor> recheck = UnaryOperator.identity();

  private final List<Inbox> inboxes;
  private CommandFailures failures;

  public DeciderProcessor(Decider<?> decider, Envelopes envelopes, String storeName, String eventSink, String replySink,
                          ActorCheck actorCheck) {
    this(decider, envelopes, storeName, eventSink, replySink, actorCheck, List.of());
  }

  /** As above; the outcomes an inbox wants go to the sink {@link #inboxSink} of its index too. */
  @SuppressWarnings("unchecked")
  public DeciderProcessor(Decider<?> decider, Envelopes envelopes, String storeName, String eventSink, String replySink,
                          ActorCheck actorCheck, List<Inbox> inboxes) {
    this.inboxes = List.copyOf(inboxes);
    this.decider = (Decider<Object>) decider;
    this.actorCheck = actorCheck;
    this.envelopes = envelopes;
    this.storeName = storeName;
    this.eventSink = eventSink;
    this.replySink = replySink;
  }

  @Override
  public void init(ProcessorContext<String, Envelope> context) {
    this.context = context;
    KeyValueStore<String, String> store = context.getStateStore(storeName);
    this.kv = new StagedKeyValues(new StoreKeyValues(store));
    this.state = decider.state(kv, context);
    if (actorCheck != null) this.recheck = actorCheck.bind(context);
    this.failures = new CommandFailures(context.metrics(), storeName.replaceFirst("-state$", ""), log);
  }

  @Override
  public void process(Record<String, Envelope> record) {
    Envelope command = record.value();
    if (command == null) return;
    SpecificRecord payload;
    try {
      payload = envelopes.open(command);
    } catch (RuntimeException e) {
      reply(record, command, failures.undecodable(command, e));
      return;
    }
    Outcome outcome;
    try {
      outcome = decide(command, payload);
    } catch (RuntimeException e) {
      // whatever one command does to the decider stays with that command: its staged state is
      // dropped, its caller is answered once, and the thread goes on with the next record
      kv.discard();
      reply(record, command, failures.failed(command, e));
      return;
    }
    kv.commit();
    for (Envelope envelope : outcome.events()) {
      context.forward(new Record<>(command.getStreamKey(), envelope, record.timestamp()), eventSink);
      copyToInboxes(command.getStreamKey(), envelope, record.timestamp());
    }
    reply(record, command, outcome.answer());
  }

  /** The envelopes of a command's events and the answer to its caller. */
  private record Outcome(List<Envelope> events, SpecificRecord answer) {}

  /**
   * Decides one command and evolves the (staged) state with its events. Nothing is forwarded
   * here: only once every event has been evolved does the caller commit and forward them.
   */
  private Outcome decide(Envelope command, SpecificRecord payload) {
    Actor actor = recheck.apply(command.getActor());
    Envelope checked = actor == command.getActor() ? command : Envelope.newBuilder(command).setActor(actor).build();
    Decision decision = decider.decide(payload, checked, state);
    if (decision.rejected()) return new Outcome(List.of(), decision.rejection());
    String streamKey = command.getStreamKey();
    // each stream's position is kept beside the decider's state, in the same store and transaction
    long sequence = kv.get("seq/" + streamKey).map(Long::parseLong).orElse(0L);
    List<SpecificRecord> events = decision.events();
    List<Envelope> out = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      SpecificRecord event = events.get(i);
      sequence++;
      decider.evolve(state, event);
      String project = decider.projectOf(event) != null ? decider.projectOf(event) : command.getProjectId();
      out.add(envelopes.derived(command, i, event, decider.aggregateOf(event), project, sequence));
    }
    kv.put("seq/" + streamKey, Long.toString(sequence));
    return new Outcome(out, new CommandAccepted(decision.resourceId(), streamKey, sequence, events.size()));
  }

  private void reply(Record<String, Envelope> record, Envelope command, SpecificRecord answer) {
    Envelope reply = envelopes.derived(command, -1, answer,
        command.getAggregateId(), command.getProjectId(), 0);
    context.forward(new Record<>(command.getRequestId(), reply, record.timestamp()), replySink);
    copyToInboxes(command.getRequestId(), reply, record.timestamp());
  }

  /** The name of the sink of the i-th inbox. */
  public static String inboxSink(int i) {
    return "inbox-" + i;
  }

  private void copyToInboxes(String key, Envelope envelope, long timestamp) {
    for (int i = 0; i < inboxes.size(); i++) {
      if (inboxes.get(i).wants().test(envelope)) context.forward(new Record<>(key, envelope, timestamp), inboxSink(i));
    }
  }
}
