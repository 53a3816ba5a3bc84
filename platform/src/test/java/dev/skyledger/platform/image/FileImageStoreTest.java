package dev.skyledger.platform.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Committed image data is never overwritten: every commit has a location of its own. */
class FileImageStoreTest {
  @TempDir
  Path root;

  private static byte first(ImageStore store, String location) throws Exception {
    try (ReadableByteChannel channel = store.open(location, 0, 1)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      channel.read(b);
      return b.get(0);
    }
  }

  @Test
  void anUploadThatComesAgainForTheSameImageLeavesTheFirstDataAsItWas() throws Exception {
    FileImageStore store = new FileImageStore(root);
    String original = store.commit(store.stage("img-1", new ByteArrayInputStream(new byte[] {1, 1, 1}), 1 << 20));
    String again = store.commit(store.stage("img-1", new ByteArrayInputStream(new byte[] {2, 2, 2}), 1 << 20));
    assertNotEquals(original, again);
    assertEquals(1, first(store, original), "the active image's data is untouched");
    assertEquals(2, first(store, again));
  }
}
