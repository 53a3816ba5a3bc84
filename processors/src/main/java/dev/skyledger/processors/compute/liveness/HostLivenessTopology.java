package dev.skyledger.processors.compute.liveness;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.host.HostHeartbeat;
import dev.skyledger.events.host.HostLivenessChanged;
import dev.skyledger.events.host.HostRegistered;
import dev.skyledger.events.host.HostStopped;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.StoreKeyValues;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
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
 * host.events → host.events: {@link HostLiveness} in Kafka Streams. It reads what the agents report
 * (partitioned by host, so it scales out with the hosts), and writes a {@link HostLivenessChanged}
 * on the host's own key when a host comes up or goes down; a wall-clock punctuation every second
 * finds the hosts that fell silent. The boot saga's scheduler reads these changes instead of every
 * heartbeat, and the audit trail shows when each host went down and why.
 */
public final class HostLivenessTopology {
  public static final String STORE = "host-liveness";
  private static final Logger log = LoggerFactory.getLogger(HostLivenessTopology.class);
  private static final Set<String> FACTS = Set.of(HostRegistered.getClassSchema().getFullName(),
      HostHeartbeat.getClassSchema().getFullName(), HostStopped.getClassSchema().getFullName());

  private final SkyConfig config;
  private final Envelopes envelopes;
  private final Clock clock;

  public HostLivenessTopology(SkyConfig config, Envelopes envelopes, Clock clock) {
    this.config = config;
    this.envelopes = envelopes;
    this.clock = clock;
  }

  public Topology build() {
    var serde = Topics.HOST_EVENTS.valueSerde();
    Topology t = new Topology();
    t.addSource("host-events", Serdes.String().deserializer(), serde.deserializer(), config.topic(Topics.HOST_EVENTS));
    t.addProcessor("host-liveness", () -> new Judge(envelopes, clock), "host-events");
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.String()),
        "host-liveness");
    t.addSink("liveness-changes", config.topic(Topics.HOST_EVENTS), Serdes.String().serializer(), serde.serializer(),
        "host-liveness");
    return t;
  }

  private static final class Judge implements Processor<String, Envelope, String, Envelope> {
    private final Envelopes envelopes;
    private final Clock clock;
    private ProcessorContext<String, Envelope> context;
    private HostLiveness liveness;

    Judge(Envelopes envelopes, Clock clock) {
      this.envelopes = envelopes;
      this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, Envelope> context) {
      this.context = context;
      KeyValueStore<String, String> store = context.getStateStore(STORE);
      this.liveness = new HostLiveness(new StoreKeyValues(store), clock.millis());
      context.schedule(Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, at -> {
        long now = clock.millis();
        for (HostLivenessChanged down : liveness.silent(now)) {
          // derived from the host and the moment it was last heard from: a re-run writes the same id
          String id = UUID.nameUUIDFromBytes(("liveness/" + down.getHostId() + "/" + down.getLastSeenAt().toEpochMilli())
              .getBytes(StandardCharsets.UTF_8)).toString();
          forward(Envelope.newBuilder()
              .setEventId(id)
              .setType(envelopes.codec().typeOf(down))
              .setAggregateId(down.getHostId())
              .setProjectId(null)
              .setActor(Envelopes.system())
              .setRequestId("req-" + id)
              .setCausationId(null)
              // no request caused it: the judgement starts a chain of its own
              .setCorrelationId(id)
              .setTime(Instant.ofEpochMilli(now))
              .setSchemaVersion(envelopes.codec().versionOf(envelopes.codec().typeOf(down)))
              .setStreamKey(down.getHostId())
              .setSequence(0)
              .setPayload(ByteBuffer.wrap(envelopes.codec().encode(down)))
              .build(), now);
        }
      });
    }

    @Override
    public void process(Record<String, Envelope> record) {
      Envelope e = record.value();
      if (e == null) return;
      liveness.read(record.timestamp(), clock.millis());
      if (!FACTS.contains(e.getType())) return;
      SpecificRecord fact;
      try {
        fact = envelopes.open(e);
      } catch (RuntimeException ex) {
        log.warn("host liveness skips undecodable {} {}", e.getType(), e.getEventId(), ex);
        return;
      }
      // the broker's append time: every host is judged on one clock
      liveness.on(fact, record.timestamp()).ifPresent(change -> {
        Envelope derived = envelopes.derived(e, 0, change, change.getHostId(), null, 0);
        forward(derived, record.timestamp());
      });
    }

    private void forward(Envelope envelope, long timestamp) {
      context.forward(new Record<>(envelope.getStreamKey(), envelope, timestamp));
    }
  }
}
