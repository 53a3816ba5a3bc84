package dev.skyledger.hostagent.image;

import dev.skyledger.platform.image.ImageStore;
import java.io.IOException;
import java.io.InputStream;

/** Snapshot data written straight into the image service's store (hosts that share its file system). */
public final class StoreImageUploads implements ImageUploads {
  private final ImageStore store;

  public StoreImageUploads(ImageStore store) {
    this.store = store;
  }

  @Override
  public Uploaded upload(String imageId, InputStream data) throws IOException {
    ImageStore.Staged staged = store.stage(imageId, data, Long.MAX_VALUE);
    try {
      return new Uploaded(staged.size(), staged.md5(), staged.sha512(), store.commit(staged));
    } catch (IOException | RuntimeException e) {
      store.discard(staged);
      throw e;
    }
  }
}
