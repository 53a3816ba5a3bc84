package dev.skyledger.commandapi.compute;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * X.509 key pairs (compute microversion 2.2, {@code "type": "x509"}): the fingerprint of an
 * imported PEM certificate as Nova shows it (SHA-1 of the DER, colon-separated hex), and a new
 * self-signed certificate with its private key, made with the JDK alone (the certificate is a
 * short DER structure written here, signed with SHA256withRSA).
 */
public final class X509Keys {
  private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter GENERALIZED_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
  /** sha256WithRSAEncryption, 1.2.840.113549.1.1.11. */
  private static final byte[] SHA256_WITH_RSA = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
      0x01, 0x0b};
  /** commonName, 2.5.4.3. */
  private static final byte[] COMMON_NAME = {0x06, 0x03, 0x55, 0x04, 0x03};
  private static final Duration VALIDITY = Duration.ofDays(3650);

  private X509Keys() {}

  /** The fingerprint of a PEM certificate; empty if the text is not one. */
  public static Optional<String> fingerprint(String pem) {
    if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) return Optional.empty();
    try {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      return Optional.of(sha1Colons(cert.getEncoded()));
    } catch (CertificateException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A new RSA 2048 key and a self-signed certificate for {@code commonName}, valid ten years from {@code now}. */
  public static SshKeys.Generated generate(String commonName, Instant now) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair pair = generator.generateKeyPair();
      byte[] algorithm = sequence(SHA256_WITH_RSA, new byte[] {0x05, 0x00});
      byte[] name = sequence(tlv(0x31, sequence(COMMON_NAME, tlv(0x0c, commonName.getBytes(StandardCharsets.UTF_8)))));
      byte[] validity = sequence(time(now), time(now.plus(VALIDITY)));
      byte[] serial = tlv(0x02, new BigInteger(64, new SecureRandom()).add(BigInteger.ONE).toByteArray());
      byte[] version3 = tlv(0xa0, tlv(0x02, new byte[] {0x02}));
      byte[] tbs = sequence(version3, serial, algorithm, name, validity, name, pair.getPublic().getEncoded());
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(pair.getPrivate());
      signer.update(tbs);
      byte[] signature = signer.sign();
      byte[] bits = new byte[signature.length + 1];
      System.arraycopy(signature, 0, bits, 1, signature.length);
      byte[] certificate = sequence(tbs, algorithm, tlv(0x03, bits));
      return new SshKeys.Generated(pem("CERTIFICATE", certificate), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA and SHA256withRSA are required JDK algorithms", e);
    }
  }

  private static byte[] time(Instant t) {
    int year = t.atZone(ZoneOffset.UTC).getYear();
    // RFC 5280: UTCTime through 2049, GeneralizedTime after
    return year < 2050 ? tlv(0x17, UTC_TIME.format(t).getBytes(StandardCharsets.US_ASCII))
        : tlv(0x18, GENERALIZED_TIME.format(t).getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] sequence(byte[]... parts) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] p : parts) body.writeBytes(p);
    return tlv(0x30, body.toByteArray());
  }

  /** One DER element: tag, definite length, contents. */
  private static byte[] tlv(int tag, byte[] contents) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int length = contents.length;
    if (length < 0x80) {
      out.write(length);
    } else {
      byte[] digits = BigInteger.valueOf(length).toByteArray();
      int skip = digits[0] == 0 ? 1 : 0;
      out.write(0x80 | (digits.length - skip));
      out.write(digits, skip, digits.length - skip);
    }
    out.writeBytes(contents);
    return out.toByteArray();
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  private static String sha1Colons(byte[] der) {
    try {
      StringJoiner out = new StringJoiner(":");
      for (byte b : MessageDigest.getInstance("SHA-1").digest(der)) out.add(HexFormat.of().toHexDigits(b));
      return out.toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
