package dev.skyledger.processors.image;

import dev.skyledger.events.Topics;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.processors.core.DeciderTopology;
import dev.skyledger.processors.core.Deciders;
import dev.skyledger.processors.identity.IdentityViewStore;
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
    return DeciderTopology.build(config, envelopes, Topics.IMAGE_COMMANDS, Topics.IMAGE_EVENTS, STORE,
        Deciders.of(ImageState::new, (command, actor, state) -> ImageDecider.decide(command, actor, state, quota),
            ImageDecider::evolve, ImageDecider::aggregateOf, event -> null),
        new IdentityViewStore(config, envelopes));
  }
}
