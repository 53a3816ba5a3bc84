package dev.skyledger.processors.image;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.DeciderProcessor;
import dev.skyledger.processors.core.DeciderTopology;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.core.KeyValues;
import dev.skyledger.processors.identity.IdentityViewStore;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.Topology;

/** image.commands → the image decider → image.events and command.replies. */
public final class ImageTopology {
  public static final String STORE = "image-state";

  private final SkyConfig config;
  private final Envelopes envelopes;

  public ImageTopology(SkyConfig config, Envelopes envelopes) {
    this.config = config;
    this.envelopes = envelopes;
  }

  public Topology build() {
    ImageDecider.Quota quota = new ImageDecider.Quota(config.imageQuotaCount(), config.imageQuotaBytes());
    return DeciderTopology.build(config, envelopes, Topics.IMAGE_COMMANDS, Topics.IMAGE_EVENTS, STORE, new Images(quota),
        new IdentityViewStore(config, envelopes));
  }

  /** Binds the image decider to the processor shell. */
  private static final class Images implements DeciderProcessor.Decider<ImageState> {
    private final ImageDecider.Quota quota;

    Images(ImageDecider.Quota quota) {
      this.quota = quota;
    }

    @Override
    public ImageState state(KeyValues kv) {
      return new ImageState(kv);
    }

    @Override
    public Decision decide(SpecificRecord command, Envelope envelope, ImageState state) {
      return ImageDecider.decide(command, envelope.getActor(), state, quota);
    }

    @Override
    public void evolve(ImageState state, SpecificRecord event) {
      ImageDecider.evolve(state, event);
    }

    @Override
    public String aggregateOf(SpecificRecord event) {
      return ImageDecider.aggregateOf(event);
    }

    @Override
    public String projectOf(SpecificRecord event) {
      return null;
    }
  }
}
