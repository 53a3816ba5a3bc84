package dev.skyledger.platform.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets that must be read back (a credential's blob, such as an EC2 secret) before they
 * are published: only the sealed text goes on the log and into the views; the identity API, which
 * holds the key ({@code credential.key} beside the token keys, owner-only), opens it to answer.
 * AES-256-GCM with a fresh nonce per secret; the text is {@code sb1:<base64(nonce|ciphertext)>}.
 */
public final class SecretBox {
  private static final String FILE = "credential.key";
  private static final String PREFIX = "sb1:";
  private static final int NONCE = 12;

  private final SecretKey key;
  private final SecureRandom random = new SecureRandom();

  public SecretBox(SecretKey key) {
    this.key = key;
  }

  /** The key in {@code dir}, made (0600, written whole) when absent. */
  public static SecretBox loadOrCreate(Path dir) {
    Path file = dir.resolve(FILE);
    try {
      Files.createDirectories(dir);
      if (!Files.exists(file)) {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        byte[] raw = generator.generateKey().getEncoded();
        Path tmp;
        try {
          tmp = Files.createTempFile(dir, FILE, ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
          tmp = Files.createTempFile(dir, FILE, ".tmp");
        }
        Files.writeString(tmp, Base64.getEncoder().encodeToString(raw) + "\n");
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
          Files.deleteIfExists(tmp);
          if (!Files.exists(file)) throw raced;
        }
      }
      byte[] raw = Base64.getDecoder().decode(Files.readString(file).strip());
      return new SecretBox(new SecretKeySpec(raw, "AES"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or write the credential key in " + dir, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES unavailable", e);
    }
  }

  public String seal(String plaintext) {
    try {
      byte[] nonce = new byte[NONCE];
      random.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[NONCE + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE);
      System.arraycopy(sealed, 0, out, NONCE, sealed.length);
      return PREFIX + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal a secret", e);
    }
  }

  /** The plaintext of a sealed text; an error if it was not sealed with this key. */
  public String open(String sealedText) {
    if (sealedText == null || !sealedText.startsWith(PREFIX)) throw new IllegalArgumentException("not a sealed secret");
    try {
      byte[] in = Base64.getDecoder().decode(sealedText.substring(PREFIX.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, NONCE));
      return new String(cipher.doFinal(in, NONCE, in.length - NONCE), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a sealed secret does not open with this key", e);
    }
  }
}
