package dev.skyledger.platform.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Image data as files under one directory ({@code var/images} in the all-in-one). */
public final class FileImageStore implements ImageStore {
  private static final String SCHEME = "file://";
  /** Uploads are read and written in whole buffers: the file then gets whole pages, which is much cheaper. */
  private static final int BUFFER_BYTES = 1 << 20;
  /** Hashes uploads beside the thread that writes them: MD5 and SHA-512 cost more than reading and writing. */
  private static final ExecutorService HASHING = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "image-hashing");
    t.setDaemon(true);
    return t;
  });
  private final Path root;

  public FileImageStore(Path root) {
    this.root = root.toAbsolutePath();
  }

  private record FileStaged(String imageId, Path file, long size, String md5, String sha512, byte[] head, byte[] tail)
      implements Staged {}

  /** Thrown when an upload is larger than allowed. */
  public static final class TooLarge extends IOException {
    public TooLarge(long max) {
      super("the image data is larger than " + max + " bytes");
    }
  }

  @Override
  public Staged stage(String imageId, InputStream data, long maxBytes) throws IOException {
    Files.createDirectories(root);
    Path file = root.resolve(imageId + "." + UUID.randomUUID() + ".part");
    MessageDigest md5 = digest("MD5");
    MessageDigest sha512 = digest("SHA-512");
    byte[] head = new byte[ImageFormats.HEAD_BYTES];
    int headLength = 0;
    byte[] tail = new byte[ImageFormats.TAIL_BYTES];
    long size = 0;
    byte[][] buffers = {new byte[BUFFER_BYTES], new byte[BUFFER_BYTES]};
    CompletableFuture<Void> hashed = CompletableFuture.completedFuture(null);
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int i = 0; ; i++) {
        // MD5 and SHA-512 run on two other threads, one buffer behind: this buffer's previous
        // contents were hashed before the last buffer was handed over (the join below)
        byte[] buffer = buffers[i & 1];
        int n = data.readNBytes(buffer, 0, buffer.length);
        if (n == 0) break;
        size += n;
        if (size > maxBytes) throw new TooLarge(maxBytes);
        out.write(buffer, 0, n);
        hashed.join();
        hashed = CompletableFuture.allOf(CompletableFuture.runAsync(() -> md5.update(buffer, 0, n), HASHING),
            CompletableFuture.runAsync(() -> sha512.update(buffer, 0, n), HASHING));
        if (headLength < head.length) {
          int copy = Math.min(n, head.length - headLength);
          System.arraycopy(buffer, 0, head, headLength, copy);
          headLength += copy;
        }
        if (n >= tail.length) {
          System.arraycopy(buffer, n - tail.length, tail, 0, tail.length);
        } else {
          System.arraycopy(tail, n, tail, 0, tail.length - n);
          System.arraycopy(buffer, 0, tail, tail.length - n, n);
        }
      }
      hashed.join();
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    byte[] headCopy = java.util.Arrays.copyOf(head, headLength);
    byte[] tailCopy = size >= tail.length ? tail : java.util.Arrays.copyOfRange(tail, tail.length - (int) size, tail.length);
    return new FileStaged(imageId, file, size, HexFormat.of().formatHex(md5.digest()),
        HexFormat.of().formatHex(sha512.digest()), headCopy, tailCopy);
  }

  @Override
  public String commit(Staged staged) throws IOException {
    FileStaged s = (FileStaged) staged;
    String name = s.file().getFileName().toString();
    Path target = root.resolve(name.substring(0, name.length() - ".part".length()));
    Files.move(s.file(), target, StandardCopyOption.ATOMIC_MOVE);
    return SCHEME + target;
  }

  @Override
  public void removeStaged(java.time.Instant before) {
    if (!Files.isDirectory(root)) return;
    try (var files = Files.list(root)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.getFileName().toString().endsWith(".part"))::iterator) {
        try {
          if (Files.getLastModifiedTime(f).toInstant().isBefore(before)) Files.deleteIfExists(f);
        } catch (IOException ignored) {
          // gone meanwhile, or not ours to delete: tried again next time
        }
      }
    } catch (IOException ignored) {
      // the directory cannot be listed just now: tried again next time
    }
  }

  @Override
  public void discard(Staged staged) {
    try {
      Files.deleteIfExists(((FileStaged) staged).file());
    } catch (IOException ignored) {
      // a leftover .part file is harmless and is never served
    }
  }

  @Override
  public ReadableByteChannel open(String location, long offset, long length) throws IOException {
    FileChannel file = FileChannel.open(path(location), StandardOpenOption.READ);
    return new ReadableByteChannel() {
      private long position = offset;
      private final long end = offset + length;

      @Override
      public int read(ByteBuffer into) throws IOException {
        if (position >= end) return -1;
        int limit = into.limit();
        if (into.remaining() > end - position) into.limit(into.position() + (int) (end - position));
        try {
          int n = file.read(into, position);
          if (n > 0) position += n;
          return n;
        } finally {
          into.limit(limit);
        }
      }

      @Override
      public boolean isOpen() {
        return file.isOpen();
      }

      @Override
      public void close() throws IOException {
        file.close();
      }
    };
  }

  @Override
  public void delete(String location) {
    try {
      Files.deleteIfExists(path(location));
    } catch (IOException ignored) {
      // the image is gone from the catalogue; a file left behind is only disk space
    }
  }

  private Path path(String location) {
    if (!location.startsWith(SCHEME)) throw new IllegalArgumentException("not a file store location: " + location);
    Path path = Path.of(location.substring(SCHEME.length())).toAbsolutePath().normalize();
    if (!path.startsWith(root)) throw new IllegalArgumentException("location outside the store: " + location);
    return path;
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
