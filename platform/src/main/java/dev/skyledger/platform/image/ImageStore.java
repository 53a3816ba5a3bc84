package dev.skyledger.platform.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;

/**
 * Where image data lives. An upload is staged (streamed, measured and hashed, never held in
 * memory), then committed or discarded; a committed image is read back by location, in ranges.
 * The first store is the local file system ({@link FileImageStore}); others (object storage)
 * implement the same interface.
 */
public interface ImageStore {
  /** An upload written but not yet committed: its size, MD5 and SHA-512, and its first and last bytes. */
  interface Staged {
    long size();

    String md5();

    String sha512();

    byte[] head();

    byte[] tail();
  }

  /** Streams {@code data} into the store; more than {@code maxBytes} fails and leaves nothing behind. */
  Staged stage(String imageId, InputStream data, long maxBytes) throws IOException;

  /**
   * Makes a staged upload the image's data; returns its location, new for every commit, so that an
   * upload that comes again (a snapshot command redelivered) never overwrites data an image holds.
   */
  String commit(Staged staged) throws IOException;

  /** Forgets a staged upload. */
  void discard(Staged staged);

  /**
   * {@code length} bytes from {@code offset} of the data at a location, as a channel so that a
   * store can read straight into the (direct) buffers the server writes to the socket.
   */
  ReadableByteChannel open(String location, long offset, long length) throws IOException;

  void delete(String location);

  /** Removes staged uploads begun before {@code before} and never committed or discarded (their writer died). */
  default void removeStaged(java.time.Instant before) {}
}
