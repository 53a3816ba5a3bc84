package dev.skyledger.platform.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/** Image data as files under one directory ({@code var/images} in the all-in-one). */
public final class FileImageStore implements ImageStore {
  private static final String SCHEME = "file://";
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
    byte[] buffer = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      int n;
      while ((n = data.read(buffer)) > 0) {
        size += n;
        if (size > maxBytes) throw new TooLarge(maxBytes);
        out.write(buffer, 0, n);
        md5.update(buffer, 0, n);
        sha512.update(buffer, 0, n);
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
    Path target = root.resolve(s.imageId());
    Files.move(s.file(), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return SCHEME + target;
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
  public InputStream open(String location, long offset, long length) throws IOException {
    FileChannel channel = FileChannel.open(path(location), StandardOpenOption.READ);
    channel.position(offset);
    InputStream in = Channels.newInputStream(channel);
    return new FilterInputStream(in) {
      private long left = length;

      @Override
      public int read() throws IOException {
        if (left <= 0) return -1;
        int b = super.read();
        if (b >= 0) left--;
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (left <= 0) return -1;
        int n = super.read(b, off, (int) Math.min(len, left));
        if (n > 0) left -= n;
        return n;
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
