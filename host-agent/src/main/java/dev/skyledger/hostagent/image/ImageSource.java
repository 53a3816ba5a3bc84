package dev.skyledger.hostagent.image;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where a host agent reads an image's bytes when its cache does not have them: the image service's
 * store for agents beside it ({@link StoreImageSource}); the image API over HTTP for agents elsewhere.
 */
public interface ImageSource {
  /**
   * The image's bytes from the first; {@code location} is where the image service keeps them,
   * {@code size} how many there are (0 when unknown).
   */
  InputStream open(String imageId, String location, long size) throws IOException;
}
