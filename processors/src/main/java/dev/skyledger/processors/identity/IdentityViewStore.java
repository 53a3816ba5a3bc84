package dev.skyledger.processors.identity;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.ActorCheck;
import dev.skyledger.processors.core.GlobalView;
import dev.skyledger.processors.core.StoreKeyValues;
import java.util.function.UnaryOperator;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link IdentityView} of another context's topology: a global store fed from
 * {@code identity.events}, whose deciders re-check each command's roles against it.
 *
 * <p>It is added with {@link StreamsBuilder#addGlobalStore}, which passes the records through
 * {@link Updater} when the store is rebuilt from the topic as well (KAFKA-7663), so a store restored
 * after a crash or on a new machine holds exactly what the live one held; {@code IdentityViewRestoreTest}
 * proves it on a real broker.
 */
public final class IdentityViewStore implements ActorCheck {
  public static final String STORE = "identity-view";
  private static final Logger log = LoggerFactory.getLogger(IdentityViewStore.class);

  private final SkyConfig config;
  private final Envelopes envelopes;

  public IdentityViewStore(SkyConfig config, Envelopes envelopes) {
    this.config = config;
    this.envelopes = envelopes;
  }

  @Override
  public void addTo(StreamsBuilder builder) {
    GlobalView.addEventStore(builder, config, STORE, Topics.IDENTITY_EVENTS, "identity-view-source",
        () -> new Updater(envelopes));
  }

  @Override
  public UnaryOperator<Actor> bind(ProcessorContext<?, ?> context) {
    KeyValueStore<String, String> store = context.getStateStore(STORE);
    return new IdentityView(new StoreKeyValues(store))::recheck;
  }

  /** Applies each identity event to the store, live and on restore alike. */
  private static final class Updater implements Processor<String, Envelope, Void, Void> {
    private final Envelopes envelopes;
    private IdentityView view;

    Updater(Envelopes envelopes) {
      this.envelopes = envelopes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      KeyValueStore<String, String> store = context.getStateStore(STORE);
      view = new IdentityView(new StoreKeyValues(store));
    }

    @Override
    public void process(Record<String, Envelope> record) {
      if (record.value() == null) return;
      SpecificRecord event;
      try {
        event = envelopes.open(record.value());
      } catch (RuntimeException e) {
        log.warn("skipping undecodable identity event {} of type {}", record.value().getEventId(),
            record.value().getType(), e);
        return;
      }
      view.apply(event);
    }
  }
}
