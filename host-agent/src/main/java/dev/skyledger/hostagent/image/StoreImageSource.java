package dev.skyledger.hostagent.image;

import dev.skyledger.platform.image.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;

/** Reads images straight from the image service's store: for agents that share its disk (the all-in-one). */
public final class StoreImageSource implements ImageSource {
  private final ImageStore store;

  public StoreImageSource(ImageStore store) {
    this.store = store;
  }

  @Override
  public InputStream open(String imageId, String location, long size) throws IOException {
    if (location == null || location.isBlank()) throw new IOException("it has no data location");
    try {
      return Channels.newInputStream(store.open(location, 0, size > 0 ? size : Long.MAX_VALUE));
    } catch (IllegalArgumentException e) {
      throw new IOException("it is not in the image store this host reads: " + e.getMessage(), e);
    }
  }
}
