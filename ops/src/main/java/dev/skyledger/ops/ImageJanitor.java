package dev.skyledger.ops;

import dev.skyledger.events.Topics;
import dev.skyledger.events.image.AbortImageUpload;
import dev.skyledger.platform.command.CommandSender;
import dev.skyledger.platform.image.ImageStore;
import dev.skyledger.platform.runtime.BackgroundLoop;
import dev.skyledger.views.image.ImageCatalog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends uploads that died: an image left {@code saving} longer than the bound (the API process or the
 * host agent that was writing it crashed) goes back to {@code queued} through the image decider
 * ({@code AbortImageUpload} as the system, so the audit trail says why), and staged data nobody
 * wrote to for as long is removed. The decider has the last word: an upload that completed
 * meanwhile is not touched, so several API processes may run this at once.
 */
final class ImageJanitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ImageJanitor.class);

  private final ImageCatalog images;
  private final ImageStore store;
  private final CommandSender sender;
  private final Clock clock;
  private final Duration bound;
  private BackgroundLoop loop;

  ImageJanitor(ImageCatalog images, ImageStore store, CommandSender sender, Clock clock, Duration bound) {
    this.images = images;
    this.store = store;
    this.sender = sender;
    this.clock = clock;
    this.bound = bound;
  }

  ImageJanitor start() {
    long every = Math.max(200, Math.min(10_000, bound.toMillis() / 4));
    loop = BackgroundLoop.start("image-janitor", l -> {
      while (l.pause(every)) sweep();
    }, () -> { }, log);
    return this;
  }

  /** One pass: every upload past the bound is ended, every stale staged file removed. */
  void sweep() {
    Instant before = clock.instant().minus(bound);
    for (ImageCatalog.Image image : images.savingSince(before)) {
      String reason = "the upload did not complete within " + bound.toSeconds() + " s";
      String requestId = "req-" + UUID.randomUUID();
      sender.sendAsSystem(requestId, Topics.IMAGE_COMMANDS, image.streamKey(), new AbortImageUpload(image.id(), reason),
          image.id(), image.owner());
      log.warn("image {} was left saving; back to queued: {} (request {})", image.id(), reason, requestId);
    }
    store.removeStaged(before);
  }

  @Override
  public void close() {
    if (loop != null) loop.close();
  }
}
