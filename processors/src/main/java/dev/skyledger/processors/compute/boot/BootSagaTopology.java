package dev.skyledger.processors.compute.boot;

import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.Topic;
import dev.skyledger.events.Topics;
import dev.skyledger.events.compute.ChangeServerPower;
import dev.skyledger.events.compute.LockServer;
import dev.skyledger.events.compute.RebuildServer;
import dev.skyledger.events.compute.ResetServerState;
import dev.skyledger.events.compute.ComputeServiceForcedDownChanged;
import dev.skyledger.events.compute.ComputeServiceStatusChanged;
import dev.skyledger.events.compute.InstanceDeleteRequested;
import dev.skyledger.events.compute.InstanceRequested;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.events.core.CommandRejected;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.host.HostLivenessChanged;
import dev.skyledger.events.host.HostRegistered;
import dev.skyledger.events.host.InstanceActionFailed;
import dev.skyledger.events.host.InstanceDestroyed;
import dev.skyledger.events.host.InstancePowerChanged;
import dev.skyledger.events.host.InstanceSpawnFailed;
import dev.skyledger.events.host.InstanceSpawned;
import dev.skyledger.events.network.PortCreated;
import dev.skyledger.events.network.PortDeleted;
import dev.skyledger.events.network.PortUpdated;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.ActorCheck;
import dev.skyledger.processors.core.CommandFailures;
import dev.skyledger.processors.core.Inbox;
import dev.skyledger.processors.core.StagedKeyValues;
import dev.skyledger.processors.core.StoreKeyValues;
import dev.skyledger.processors.identity.IdentityViewStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boot saga in two sub-topologies, reading one topic, {@code compute.saga}, which has one
 * partition. The compute and network deciders write the facts the saga acts on there themselves
 * ({@link #inbox}: requests and deletes of servers, the ports it made or bound, the refusals of its
 * port commands), in the transaction that decides them, so these reach the saga without a copying
 * hop. The feeder copies the hosts' facts from host.events: their registrations, the changes of
 * their liveness ({@code HostLivenessTopology}; never their heartbeats) and what they did with
 * servers. The saga reads them all in one order, keeps its state (servers in flight, hosts and
 * their claims) in one store, and writes its facts (compute.events, each server its own stream
 * {@code instance/<id>}) and its commands (network.commands, host.commands, compute.commands) in the
 * same exactly-once transaction. A wall-clock punctuation every second moves servers whose step is
 * overdue to ERROR.
 */
public final class BootSagaTopology {
  public static final String STORE = "boot-saga";
  private static final Logger log = LoggerFactory.getLogger(BootSagaTopology.class);

  /** What the deciders write into the saga's inbox themselves, by envelope type. */
  static final Set<String> DIRECT = Set.of(
      InstanceRequested.getClassSchema().getFullName(), InstanceDeleteRequested.getClassSchema().getFullName(),
      ComputeServiceStatusChanged.getClassSchema().getFullName(),
      ComputeServiceForcedDownChanged.getClassSchema().getFullName(),
      // a host aggregate's zone is its hosts' zone for the scheduler
      dev.skyledger.events.compute.AggregateCreated.getClassSchema().getFullName(),
      dev.skyledger.events.compute.AggregateUpdated.getClassSchema().getFullName(),
      dev.skyledger.events.compute.AggregateDeleted.getClassSchema().getFullName());

  /** Of these, only those of the saga's own commands (correlated to a server): its ports and their refusals. */
  static final Set<String> DIRECT_OWN = Set.of(
      PortCreated.getClassSchema().getFullName(), PortUpdated.getClassSchema().getFullName(),
      PortDeleted.getClassSchema().getFullName(), CommandRejected.getClassSchema().getFullName());

  /** What the feeder copies from host.events, by envelope type. */
  static final Set<String> HOST_FACTS = Set.of(
      HostRegistered.getClassSchema().getFullName(), HostLivenessChanged.getClassSchema().getFullName(),
      dev.skyledger.events.host.HostInventoryReported.getClassSchema().getFullName(),
      InstanceSpawned.getClassSchema().getFullName(),
      InstanceSpawnFailed.getClassSchema().getFullName(), InstanceDestroyed.getClassSchema().getFullName(),
      InstancePowerChanged.getClassSchema().getFullName(), InstanceActionFailed.getClassSchema().getFullName(),
      dev.skyledger.events.host.InstanceSnapshotted.getClassSchema().getFullName());

  /** The saga's inbox: give it to the compute and network deciders. */
  public static Inbox inbox() {
    return new Inbox(Topics.COMPUTE_SAGA, BootSagaTopology::wanted);
  }

  static boolean wanted(Envelope e) {
    if (DIRECT.contains(e.getType())) return true;
    return DIRECT_OWN.contains(e.getType()) && StreamKeys.instanceIdOf(e.getCorrelationId()) != null;
  }

  private final SkyConfig config;
  private final Envelopes envelopes;
  private final BootSaga.Settings settings;
  private final Clock clock;
  private final ActorCheck actorCheck;

  /** The saga with its step deadlines from the configuration ({@code SkyConfig.Compute}). */
  public BootSagaTopology(SkyConfig config, Envelopes envelopes, Clock clock) {
    this(config, envelopes, new BootSaga.Settings(config.compute().networkTimeout(), config.compute().spawnTimeout(),
        config.compute().deleteTimeout()), clock);
  }

  BootSagaTopology(SkyConfig config, Envelopes envelopes, BootSaga.Settings settings, Clock clock) {
    this.config = config;
    this.envelopes = envelopes;
    this.settings = settings;
    this.clock = clock;
    this.actorCheck = new IdentityViewStore(config, envelopes);
  }

  public Topology build() {
    var serde = Topics.COMPUTE_SAGA.valueSerde();
    StreamsBuilder builder = new StreamsBuilder();
    actorCheck.addTo(builder);
    Topology t = builder.build();
    t.addSource("saga-source-host-events", Serdes.String().deserializer(), serde.deserializer(),
        config.topic(Topics.HOST_EVENTS));
    t.addProcessor("saga-feeder", Feeder::new, "saga-source-host-events");
    t.addSink("saga-input", config.topic(Topics.COMPUTE_SAGA), Serdes.String().serializer(), serde.serializer(),
        "saga-feeder");

    t.addSource("saga", Serdes.String().deserializer(), serde.deserializer(), config.topic(Topics.COMPUTE_SAGA));
    t.addProcessor("boot-saga", () -> new SagaProcessor(envelopes, settings, clock, actorCheck), "saga");
    t.addSink("saga-replies", config.topic(Topics.COMMAND_REPLIES), Serdes.String().serializer(), serde.serializer(),
        "boot-saga");
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String()),
        "boot-saga");
    for (SagaOut.Target target : SagaOut.Target.values()) {
      Topic<String, Envelope> topic = topicOf(target);
      t.addSink("saga-" + target.name().toLowerCase(), config.topic(topic), Serdes.String().serializer(),
          topic.valueSerde().serializer(), "boot-saga");
    }
    return t;
  }

  static Topic<String, Envelope> topicOf(SagaOut.Target target) {
    return switch (target) {
      case COMPUTE_EVENTS -> Topics.COMPUTE_EVENTS;
      case COMPUTE_COMMANDS -> Topics.COMPUTE_COMMANDS;
      case NETWORK_COMMANDS -> Topics.NETWORK_COMMANDS;
      case HOST_COMMANDS -> Topics.HOST_COMMANDS;
      case IMAGE_COMMANDS -> Topics.IMAGE_COMMANDS;
    };
  }

  /** How close to the wall clock the facts being read must be for the saga to count as caught up. */
  static final long CAUGHT_UP_MS = 5_000;

  /**
   * The time the saga's deadlines are judged at, as the liveness processor judges silence: the wall
   * clock while the saga is caught up (the facts it reads are fresh, or there has been nothing to
   * read for a while), else the newest time among the facts it has read. A saga that was down and
   * is reading its backlog thus never fails a boot whose success it simply has not read yet.
   */
  static long judgedAt(long wall, long lastRecordTime, long lastProcessedAt) {
    boolean fresh = lastRecordTime >= wall - CAUGHT_UP_MS;
    boolean quiet = wall - lastProcessedAt >= CAUGHT_UP_MS;
    return fresh || quiet ? wall : lastRecordTime;
  }

  /** Copies the hosts' facts the saga acts on (never their heartbeats). */
  private static final class Feeder implements Processor<String, Envelope, String, Envelope> {
    private ProcessorContext<String, Envelope> context;

    @Override
    public void init(ProcessorContext<String, Envelope> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, Envelope> record) {
      Envelope e = record.value();
      if (e != null && HOST_FACTS.contains(e.getType())) context.forward(record);
    }
  }

  private static final class SagaProcessor implements Processor<String, Envelope, String, Envelope> {
    private final Envelopes envelopes;
    private final BootSaga.Settings settings;
    private final Clock clock;
    private final ActorCheck actorCheck;
    private UnaryOperator<Actor> recheck = UnaryOperator.identity();
    private ProcessorContext<String, Envelope> context;
    private BootSaga saga;
    private BootState state;
    private StagedKeyValues kv;
    private CommandFailures failures;

    /** The newest time of a fact read, and the wall time of the last read: what deadlines are judged against. */
    private long lastRecordTime;
    private long lastProcessedAt;

    SagaProcessor(Envelopes envelopes, BootSaga.Settings settings, Clock clock, ActorCheck actorCheck) {
      this.envelopes = envelopes;
      this.settings = settings;
      this.clock = clock;
      this.actorCheck = actorCheck;
    }

    @Override
    public void init(ProcessorContext<String, Envelope> context) {
      this.context = context;
      this.recheck = actorCheck.bind(context);
      KeyValueStore<String, String> store = context.getStateStore(STORE);
      this.kv = new StagedKeyValues(new StoreKeyValues(store));
      this.state = new BootState(kv);
      this.saga = new BootSaga(state, settings);
      this.failures = new CommandFailures(context.metrics(), "boot-saga", log);
      // just started: nothing read yet, so no deadline is judged passed until the backlog shows its times
      this.lastProcessedAt = clock.millis();
      context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, at -> {
        long now = judgedAt(clock.millis(), lastRecordTime, lastProcessedAt);
        List<SagaOut> outs;
        try {
          outs = saga.timeouts(now);
        } catch (RuntimeException ex) {
          drop();
          failures.failedStep("deadlines at " + now, ex);
          return;
        }
        kv.commit();
        String cause = "timeout/" + now;
        for (int i = 0; i < outs.size(); i++) emit(outs.get(i), cause, null, "", i, now);
      });
    }

    /** Forgets what a failed step staged, in the store and in memory. */
    private void drop() {
      kv.discard();
      state.reload();
    }

    @Override
    public void process(Record<String, Envelope> record) {
      Envelope e = record.value();
      lastProcessedAt = clock.millis();
      lastRecordTime = Math.max(lastRecordTime, e.getTime().toEpochMilli());
      SpecificRecord fact;
      try {
        fact = envelopes.open(e);
      } catch (RuntimeException ex) {
        log.warn("boot saga skips undecodable {} {}", e.getType(), e.getEventId(), ex);
        return;
      }
      long now = clock.millis();
      if (fact instanceof ChangeServerPower || fact instanceof dev.skyledger.events.compute.SnapshotServer
          || fact instanceof LockServer || fact instanceof ResetServerState || fact instanceof RebuildServer) {
        decide(fact, e, now);
        return;
      }
      List<SagaOut> outs;
      try {
        outs = saga.on(fact, e, now);
      } catch (RuntimeException ex) {
        // one fact the saga cannot take is set aside in the log, not a stop for every server
        drop();
        failures.failedStep(e.getType() + " " + e.getEventId() + " (request " + e.getRequestId() + ")", ex);
        return;
      }
      kv.commit();
      for (int i = 0; i < outs.size(); i++) emit(outs.get(i), e.getEventId(), e.getEventId(), e.getRequestId(), i, now);
    }

    /** A command the saga decides itself: its facts and commands, and the reply the API waits for. */
    private void decide(SpecificRecord command, Envelope e, long now) {
      ServerActions.Answer answer;
      try {
        Actor actor = recheck.apply(e.getActor());
        if (command instanceof ChangeServerPower c) answer = saga.actions().decide(c, actor, e.getRequestId(), now);
        else if (command instanceof LockServer c) answer = saga.actions().decide(c, actor, e.getRequestId());
        else if (command instanceof ResetServerState c) answer = saga.actions().decide(c, actor, e.getRequestId());
        else if (command instanceof RebuildServer c) answer = saga.actions().decide(c, actor, e.getRequestId(), now);
        else answer = saga.actions().decide((dev.skyledger.events.compute.SnapshotServer) command, actor, e.getRequestId(), now);
      } catch (RuntimeException ex) {
        drop();
        Envelope failed = envelopes.derived(e, -1, failures.failed(e, ex), e.getAggregateId(), e.getProjectId(), 0);
        context.forward(new Record<>(e.getRequestId(), failed, now), "saga-replies");
        return;
      }
      kv.commit();
      SpecificRecord reply;
      if (answer.rejected()) {
        reply = new CommandRejected(answer.status(), answer.title(), answer.message());
      } else {
        for (int i = 0; i < answer.outs().size(); i++) emit(answer.outs().get(i), e.getEventId(), e.getEventId(), e.getRequestId(), i, now);
        reply = new CommandAccepted(e.getAggregateId(), answer.streamKey(), answer.sequence(), answer.outs().size());
      }
      Envelope envelope = envelopes.derived(e, -1, reply, e.getAggregateId(), e.getProjectId(), 0);
      context.forward(new Record<>(e.getRequestId(), envelope, now), "saga-replies");
    }

    private void emit(SagaOut out, String cause, String causationId, String causeRequestId, int n, long now) {
      var origin = out.origin();
      Actor actor = out.asSystem() || origin == null ? Envelopes.system() : Actor.newBuilder()
          .setUserId(origin.userId()).setUserName(origin.userName()).setProjectId(origin.projectId())
          .setRoles(origin.roles()).build();
      Envelope envelope = envelopes.of(out.payload()).setEventId(Envelopes.derivedId(cause, "saga/" + n))
          .setAggregateId(out.aggregateId()).setProjectId(out.projectId()).setActor(actor)
          .setRequestId(origin == null ? causeRequestId : origin.requestId()).setCausationId(causationId)
          .setCorrelationId(out.correlationId()).setTime(Instant.ofEpochMilli(now)).setStreamKey(out.key())
          .setSequence(out.sequence()).build();
      context.forward(new Record<>(out.key(), envelope, now), "saga-" + out.target().name().toLowerCase());
    }
  }
}
