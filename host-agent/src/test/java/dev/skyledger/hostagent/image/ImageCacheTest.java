package dev.skyledger.hostagent.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.platform.image.FileImageStore;
import dev.skyledger.platform.image.ImageStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCacheTest {
  @TempDir
  Path tmp;

  private static final byte[] CIRROS = "QFI\u00fb pretend this is cirros-0.6.2-x86_64-disk.img".repeat(50_000)
      .getBytes(StandardCharsets.UTF_8);

  /** Images in memory; counts how often each is read, and can take its time (as a big image would). */
  private static final class CountingSource implements ImageSource {
    final Map<String, byte[]> images = new ConcurrentHashMap<>();
    final Map<String, Long> delayMillis = new ConcurrentHashMap<>();
    final AtomicInteger opens = new AtomicInteger();

    @Override
    public InputStream open(String imageId, String location, long size) throws IOException {
      opens.incrementAndGet();
      byte[] data = images.get(location);
      if (data == null) throw new java.nio.file.NoSuchFileException(location);
      try {
        Thread.sleep(delayMillis.getOrDefault(location, 0L));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new ByteArrayInputStream(data);
    }
  }

  private static String md5(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
  }

  private List<Path> files(Path dir) throws IOException {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  @Test
  void anImageFromTheStoreIsFetchedVerifiedAndThenAHit() throws Exception {
    ImageStore store = new FileImageStore(tmp.resolve("images"));
    ImageStore.Staged staged = store.stage("img-1", new ByteArrayInputStream(CIRROS), Long.MAX_VALUE);
    String location = store.commit(staged);
    ImageCache cache = new ImageCache(tmp.resolve("image-cache"), new StoreImageSource(store));

    ImageCache.Cached first = cache.ensure("img-1", staged.md5().toUpperCase(), staged.size(), location);
    assertTrue(first.fetched());
    assertEquals(CIRROS.length, first.bytes());
    assertEquals(tmp.resolve("image-cache").resolve("img-1").toAbsolutePath(), first.path());
    assertArrayEquals(CIRROS, Files.readAllBytes(first.path()));
    assertEquals(List.of(first.path()), files(cache.directory()), "no temporary file is left behind");

    store.delete(location);
    ImageCache.Cached again = cache.ensure("img-1", staged.md5(), staged.size(), location);
    assertEquals(new ImageCache.Cached(first.path(), CIRROS.length, false), again, "a cached image is not fetched again");
  }

  @Test
  void dataThatDoesNotMatchTheChecksumIsNotCached() throws Exception {
    CountingSource source = new CountingSource();
    source.images.put("loc-1", CIRROS);
    ImageCache cache = new ImageCache(tmp.resolve("image-cache"), source);
    String wrong = "0123456789abcdef0123456789abcdef";

    ImageCache.ChecksumMismatch e = assertThrows(ImageCache.ChecksumMismatch.class,
        () -> cache.ensure("img-1", wrong, CIRROS.length, "loc-1"));
    assertTrue(e.getMessage().contains("img-1") && e.getMessage().contains("expected MD5 " + wrong)
        && e.getMessage().contains("got " + md5(CIRROS)), e.getMessage());
    assertEquals(List.of(), files(cache.directory()), "neither the image nor a temporary file is left");

    ImageCache.Cached right = cache.ensure("img-1", md5(CIRROS), CIRROS.length, "loc-1");
    assertTrue(right.fetched(), "the next try fetches again");
    assertEquals(2, source.opens.get());
  }

  @Test
  void aShortImageOrAMissingOneFailsAndLeavesNothing() throws Exception {
    CountingSource source = new CountingSource();
    source.images.put("loc-1", CIRROS);
    ImageCache cache = new ImageCache(tmp.resolve("image-cache"), source);

    IOException shortOne = assertThrows(IOException.class, () -> cache.ensure("img-1", null, CIRROS.length + 1L, "loc-1"));
    assertTrue(shortOne.getMessage().contains("expected " + (CIRROS.length + 1L)), shortOne.getMessage());
    IOException missing = assertThrows(IOException.class, () -> cache.ensure("img-2", null, 0, "loc-2"));
    assertEquals("could not fetch image img-2: no such file loc-2", missing.getMessage());
    assertThrows(IOException.class, () -> cache.ensure("../etc", null, 0, "loc-1"), "ids cannot leave the directory");
    assertEquals(List.of(), files(cache.directory()));
  }

  @Test
  void hostsAskingForTheSameImageAtOnceFetchItOnce() throws Exception {
    CountingSource source = new CountingSource();
    source.images.put("loc-1", CIRROS);
    source.delayMillis.put("loc-1", 200L);
    ImageCache cache = new ImageCache(tmp.resolve("image-cache"), source);
    int hosts = 8;
    CyclicBarrier together = new CyclicBarrier(hosts);
    ExecutorService pool = Executors.newFixedThreadPool(hosts);
    try {
      List<Future<ImageCache.Cached>> results = new ArrayList<>();
      for (int i = 0; i < hosts; i++) {
        results.add(pool.submit(() -> {
          together.await();
          return cache.ensure("img-1", md5(CIRROS), CIRROS.length, "loc-1");
        }));
      }
      int fetched = 0;
      for (Future<ImageCache.Cached> r : results) {
        ImageCache.Cached c = r.get();
        if (c.fetched()) fetched++;
        assertArrayEquals(CIRROS, Files.readAllBytes(c.path()));
      }
      assertEquals(1, source.opens.get(), "one fetch");
      assertEquals(1, fetched, "one host fetched, the others found it cached");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void differentImagesDoNotWaitForEachOther() throws Exception {
    CountingSource source = new CountingSource();
    source.images.put("slow", CIRROS);
    source.images.put("fast", "tiny".getBytes(StandardCharsets.UTF_8));
    source.delayMillis.put("slow", 1_000L);
    ImageCache cache = new ImageCache(tmp.resolve("image-cache"), source);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<ImageCache.Cached> slow = pool.submit(() -> cache.ensure("img-slow", null, 0, "slow"));
      while (source.opens.get() == 0) Thread.sleep(5);
      assertTrue(cache.ensure("img-fast", null, 0, "fast").fetched());
      assertFalse(slow.isDone(), "the other image's fetch did not wait for this one");
      assertTrue(slow.get().fetched());
    } finally {
      pool.shutdownNow();
    }
  }
}
