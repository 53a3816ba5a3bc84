package dev.skyledger.processors.identity;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.DeciderProcessor;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.core.KeyValues;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** identity.commands → the identity decider → identity.events and command.replies. */
public final class IdentityTopology {
  public static final String STORE = "identity-state";

  private final SkyConfig config;
  private final Envelopes envelopes;

  public IdentityTopology(SkyConfig config, Envelopes envelopes) {
    this.config = config;
    this.envelopes = envelopes;
  }

  public Topology build() {
    var serde = Topics.IDENTITY_COMMANDS.valueSerde();
    Topology topology = new Topology();
    topology.addSource("commands", Serdes.String().deserializer(), serde.deserializer(),
        config.topic(Topics.IDENTITY_COMMANDS));
    topology.addProcessor("decider",
        () -> new DeciderProcessor(new Identity(), envelopes, STORE, "events", "replies"), "commands");
    topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE),
        Serdes.String(), Serdes.String()), "decider");
    topology.addSink("events", config.topic(Topics.IDENTITY_EVENTS), Serdes.String().serializer(),
        serde.serializer(), "decider");
    topology.addSink("replies", config.topic(Topics.COMMAND_REPLIES), Serdes.String().serializer(),
        serde.serializer(), "decider");
    return topology;
  }

  /** Binds the identity decider to the processor shell. */
  private static final class Identity implements DeciderProcessor.Decider<IdentityState> {
    @Override
    public IdentityState state(KeyValues kv) {
      return new IdentityState(kv);
    }

    @Override
    public Decision decide(SpecificRecord command, Envelope envelope, IdentityState state) {
      return IdentityDecider.decide(command, envelope.getActor(), state);
    }

    @Override
    public void evolve(IdentityState state, SpecificRecord event) {
      IdentityDecider.evolve(state, event);
    }

    @Override
    public long sequence(IdentityState state, String streamKey) {
      return state.sequence(streamKey);
    }

    @Override
    public void setSequence(IdentityState state, String streamKey, long sequence) {
      state.setSequence(streamKey, sequence);
    }

    @Override
    public String aggregateOf(SpecificRecord event) {
      return IdentityDecider.aggregateOf(event);
    }

    @Override
    public String projectOf(SpecificRecord event) {
      return IdentityDecider.projectOf(event);
    }
  }
}
