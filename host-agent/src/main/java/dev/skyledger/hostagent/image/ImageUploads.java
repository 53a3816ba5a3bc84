package dev.skyledger.hostagent.image;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where a host puts the data of a new image (a server's snapshot): streamed, measured and hashed
 * on the way, never whole in memory. The first implementation writes into the image service's
 * store ({@link StoreImageUploads}); an agent on another machine will upload over HTTP.
 */
public interface ImageUploads {
  /** What was stored: size, MD5, SHA-512, and the store's location for the image service. */
  record Uploaded(long size, String md5, String sha512, String location) {}

  Uploaded upload(String imageId, InputStream data) throws IOException;
}
