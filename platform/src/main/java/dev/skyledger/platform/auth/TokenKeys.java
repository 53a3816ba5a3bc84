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

  /** Loads the key pair from {@code dir}, creating it (private key readable by the owner only) if absent. */
  public static KeyPair loadOrCreate(Path dir) {
    Path priv = dir.resolve(PRIVATE_FILE);
    Path pub = dir.resolve(PUBLIC_FILE);
    try {
      if (!Files.exists(priv)) {
        Files.createDirectories(dir);
        KeyPair pair = generate();
        Files.writeString(pub, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\n");
        Files.writeString(priv, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n");
        try {
          Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
        return pair;
      }
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

  private static byte[] read(Path file) throws IOException {
    return Base64.getDecoder().decode(Files.readString(file).strip());
  }
}
