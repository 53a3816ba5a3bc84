package dev.skyledger.processors.network;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.network.SecurityGroupCreated;
import dev.skyledger.events.network.SecurityGroupDeleted;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.GlobalView;
import dev.skyledger.processors.core.KeyValues;
import dev.skyledger.processors.core.StoreKeyValues;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Which project each security group belongs to, in every task of the network decider: ports are
 * decided by network and security groups by project, on different partitions, so the decider
 * reads the owners of the groups a port names from this global store, fed from
 * {@code network.events} (live and on restore alike, as {@code IdentityViewStore}).
 */
final class SecurityGroupOwners implements GlobalView {
  static final String STORE = "network-security-group-owners";

  private final SkyConfig config;
  private final Envelopes envelopes;

  SecurityGroupOwners(SkyConfig config, Envelopes envelopes) {
    this.config = config;
    this.envelopes = envelopes;
  }

  @Override
  public void addTo(StreamsBuilder builder) {
    GlobalView.addEventStore(builder, config, STORE, Topics.NETWORK_EVENTS, "security-group-owners-source",
        () -> new Updater(envelopes));
  }

  /** The owners as one task reads them (null without a context: a state built outside a topology). */
  static KeyValues bind(ProcessorContext<?, ?> context) {
    if (context == null) return null;
    KeyValueStore<String, String> store = context.getStateStore(STORE);
    return new StoreKeyValues(store);
  }

  private static final class Updater implements Processor<String, Envelope, Void, Void> {
    private final Envelopes envelopes;
    private KeyValueStore<String, String> store;

    Updater(Envelopes envelopes) {
      this.envelopes = envelopes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, Envelope> record) {
      Envelope e = record.value();
      if (e == null || !(e.getType().endsWith(".SecurityGroupCreated") || e.getType().endsWith(".SecurityGroupDeleted"))) {
        return;
      }
      SpecificRecord event;
      try {
        event = envelopes.open(e);
      } catch (RuntimeException ex) {
        return; // not a payload this release can read: not an owner it can know
      }
      if (event instanceof SecurityGroupCreated c) {
        store.put(c.getGroup().getSecurityGroupId(), c.getGroup().getProjectId());
      } else if (event instanceof SecurityGroupDeleted d) {
        store.delete(d.getSecurityGroupId());
      }
    }
  }
}
