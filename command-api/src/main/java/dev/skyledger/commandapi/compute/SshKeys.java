package dev.skyledger.commandapi.compute;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/** OpenSSH public keys: checking an imported one, its fingerprint as Nova shows it, and generating a pair. */
public final class SshKeys {
  private static final Set<String> TYPES = Set.of("ssh-rsa", "ssh-dss", "ssh-ed25519", "ecdsa-sha2-nistp256",
      "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com");

  private SshKeys() {}

  /** A generated pair: the public key in OpenSSH form and the private key in PEM (given to the user once). */
  public record Generated(String publicKey, String privateKeyPem) {}

  /**
   * The fingerprint of an OpenSSH public key line ({@code type base64 [comment]}): the MD5 of the
   * key blob as colon-separated hex, as Nova shows it; empty if the line is not a valid key.
   */
  public static Optional<String> fingerprint(String line) {
    if (line == null) return Optional.empty();
    String[] parts = line.trim().split("\\s+");
    if (parts.length < 2 || !TYPES.contains(parts[0])) return Optional.empty();
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    // the blob starts with the key type again, as a length-prefixed string
    ByteBuffer b = ByteBuffer.wrap(blob);
    if (b.remaining() < 4) return Optional.empty();
    int length = b.getInt();
    if (length <= 0 || length > b.remaining()) return Optional.empty();
    byte[] type = new byte[length];
    b.get(type);
    if (!new String(type, StandardCharsets.US_ASCII).equals(parts[0]) || !b.hasRemaining()) return Optional.empty();
    return Optional.of(md5Colons(blob));
  }

  private static String md5Colons(byte[] blob) {
    try {
      byte[] digest = MessageDigest.getInstance("MD5").digest(blob);
      StringJoiner out = new StringJoiner(":");
      for (byte x : digest) out.add(HexFormat.of().toHexDigits(x));
      return out.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A new RSA 2048 key pair; {@code comment} ends the public key line. */
  public static Generated generate(String comment) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
      ByteArrayOutputStream blob = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(blob);
      writeString(out, "ssh-rsa".getBytes(StandardCharsets.US_ASCII));
      writeString(out, mpint(pub.getPublicExponent()));
      writeString(out, mpint(pub.getModulus()));
      String publicKey = "ssh-rsa " + Base64.getEncoder().encodeToString(blob.toByteArray()) + " " + comment;
      String pem = "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
      return new Generated(publicKey, pem);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] mpint(BigInteger value) {
    return value.toByteArray();
  }

  private static void writeString(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }
}
