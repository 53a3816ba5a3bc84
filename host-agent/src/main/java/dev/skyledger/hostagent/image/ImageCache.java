package dev.skyledger.hostagent.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;

/**
 * The images a host has on local disk, one file per image id in one directory. An image comes in
 * once: it is streamed from an {@link ImageSource} into a temporary file beside the others while its
 * MD5 is computed, and only a copy whose MD5 matches the image's checksum is renamed into place, so
 * a file in the cache was verified when it entered and is trusted from then on. Thread-safe: the
 * hosts of one process may share a cache; several of them asking for the same image fetch it once.
 */
public final class ImageCache {
  /** Image ids are UUIDs; anything that could leave the directory or hide as a temporary file is refused. */
  private static final Pattern IMAGE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,254}");
  private static final String PART = ".part";
  private static final int BUFFER_BYTES = 1 << 20;

  private final Path directory;
  private final ImageSource source;
  private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

  /** A cached image: its file, its size, and whether this call fetched it (false: it was there). */
  public record Cached(Path path, long bytes, boolean fetched) {}

  /** The fetched data is not the image the command named; nothing was cached. */
  public static final class ChecksumMismatch extends IOException {
    public ChecksumMismatch(String imageId, String expected, String actual) {
      super("image " + imageId + " failed its checksum: expected MD5 " + expected + ", got " + actual);
    }
  }

  public ImageCache(Path directory, ImageSource source) {
    this.directory = directory.toAbsolutePath().normalize();
    this.source = source;
  }

  public Path directory() {
    return directory;
  }

  /**
   * Makes sure the image is in the cache and returns it. {@code checksum} is its MD5 in hex (null:
   * not verified), {@code size} its length in bytes (0: unknown), {@code location} where the source
   * finds it. Throws when it cannot be fetched or does not match; the cache is then as before.
   */
  public Cached ensure(String imageId, String checksum, long size, String location) throws IOException {
    if (imageId == null || !IMAGE_ID.matcher(imageId).matches() || imageId.endsWith(PART)) {
      throw new IOException("not an image id this host can cache: " + imageId);
    }
    Path target = directory.resolve(imageId);
    if (Files.isRegularFile(target)) return new Cached(target, Files.size(target), false);
    synchronized (locks.computeIfAbsent(imageId, id -> new Object())) {
      // another host of this process may have fetched it while this one waited
      if (Files.isRegularFile(target)) return new Cached(target, Files.size(target), false);
      Files.createDirectories(directory);
      // not createTempFile: its owner-only mode would keep the hypervisor's own user from reading the image
      Path part = Files.createFile(directory.resolve(imageId + "." + UUID.randomUUID() + PART));
      try {
        long bytes = fetch(imageId, checksum, size, location, part);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        return new Cached(target, bytes, true);
      } finally {
        Files.deleteIfExists(part);
      }
    }
  }

  /** Streams the image into {@code part}, returning its size once its size and checksum are right. */
  private long fetch(String imageId, String checksum, long size, String location, Path part) throws IOException {
    MessageDigest md5 = md5();
    long bytes = 0;
    try (InputStream in = source.open(imageId, location, size);
         FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      byte[] buffer = new byte[BUFFER_BYTES];
      for (int n; (n = in.readNBytes(buffer, 0, buffer.length)) > 0; ) {
        md5.update(buffer, 0, n);
        ByteBuffer data = ByteBuffer.wrap(buffer, 0, n);
        while (data.hasRemaining()) out.write(data);
        bytes += n;
      }
      // the file is trusted once it has its name, so its data must be on disk before it gets it
      out.force(true);
    } catch (IOException e) {
      throw new IOException("could not fetch image " + imageId + ": " + reason(e), e);
    }
    String actual = HexFormat.of().formatHex(md5.digest());
    if (checksum != null && !checksum.isBlank() && !checksum.trim().equalsIgnoreCase(actual)) {
      throw new ChecksumMismatch(imageId, checksum.trim().toLowerCase(), actual);
    }
    if (size > 0 && bytes != size) {
      throw new IOException("image " + imageId + " is " + bytes + " bytes, expected " + size);
    }
    return bytes;
  }

  private static String reason(IOException e) {
    String message = e.getMessage();
    if (e instanceof java.nio.file.NoSuchFileException) return "no such file " + message;
    return message == null ? e.getClass().getSimpleName() : message;
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
