package dev.skyledger.platform.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The Ed25519 key pair that signs tokens. Every API process needs the public key to validate
 * tokens offline; only processes that issue tokens need the private key.
 */
public final class TokenKeys {
  private static final String PRIVATE_FILE = "token-signing.key";
  private static final String PUBLIC_FILE = "token-signing.pub";

  private TokenKeys() {}

  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 unavailable", e);
    }
  }

  /**
   * Loads the key pair from {@code dir}, creating it if absent: the directory is (made) readable by
   * the owner only (0700) and the private key is born 0600, written to a file that never had wider
   * permissions and moved into place whole, so no other user can read it at any moment.
   */
  public static KeyPair loadOrCreate(Path dir) {
    Path priv = dir.resolve(PRIVATE_FILE);
    Path pub = dir.resolve(PUBLIC_FILE);
    try {
      ownerOnly(dir);
      if (!Files.exists(priv)) {
        KeyPair pair = generate();
        write(pub, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n", "rw-r--r--");
        write(priv, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n", "rw-------");
        return pair;
      }
      setPermissions(priv, "rw-------");
      KeyFactory factory = KeyFactory.getInstance("Ed25519");
      PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(read(priv)));
      PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(read(pub)));
      return new KeyPair(publicKey, privateKey);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write token keys in " + dir, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("token keys in " + dir + " are not Ed25519 keys", e);
    }
  }

  private static void ownerOnly(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return;
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(dir);
      }
    }
    setPermissions(dir, "rwx------");
  }

  /** Creates {@code file} with {@code permissions} from its first byte (a temporary file moved into place). */
  private static void write(Path file, String content, String permissions) throws IOException {
    Path tmp;
    try {
      tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
    } catch (UnsupportedOperationException e) {
      tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    }
    Files.writeString(tmp, content);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static void setPermissions(Path path, String permissions) throws IOException {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
  }

  private static byte[] read(Path file) throws IOException {
    return Base64.getDecoder().decode(Files.readString(file).strip());
  }
}
