package dev.skyledger.commandapi.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class X509KeysTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  @Test
  void aGeneratedCertificateIsSelfSignedForTheUserAndItsKeySignsForIt() throws Exception {
    SshKeys.Generated generated = X509Keys.generate("user-1", NOW);

    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(generated.publicKey().getBytes(StandardCharsets.US_ASCII)));
    cert.verify(cert.getPublicKey());
    assertEquals("CN=user-1", cert.getSubjectX500Principal().getName());
    assertEquals(3, cert.getVersion());
    cert.checkValidity(java.util.Date.from(NOW.plusSeconds(86_400L * 365 * 9)));
    assertEquals("SHA256withRSA", cert.getSigAlgName());

    String body = generated.privateKeyPem().replaceAll("-----[A-Z ]+-----|\\s", "");
    var key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    Signature sign = Signature.getInstance("SHA256withRSA");
    sign.initSign(key);
    sign.update(new byte[] {1, 2, 3});
    byte[] signature = sign.sign();
    Signature check = Signature.getInstance("SHA256withRSA");
    check.initVerify(cert.getPublicKey());
    check.update(new byte[] {1, 2, 3});
    assertTrue(check.verify(signature), "the private key given out is the certificate's");
  }

  @Test
  void theFingerprintIsTheSha1OfTheDerAsColonSeparatedLowercaseHex() throws Exception {
    SshKeys.Generated generated = X509Keys.generate("user-1", NOW);
    X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(generated.publicKey().getBytes(StandardCharsets.US_ASCII)));
    byte[] sha1 = java.security.MessageDigest.getInstance("SHA-1").digest(cert.getEncoded());

    String fingerprint = X509Keys.fingerprint(generated.publicKey()).orElseThrow();

    assertEquals(59, fingerprint.length());
    assertTrue(fingerprint.matches("([0-9a-f]{2}:){19}[0-9a-f]{2}"), fingerprint);
    assertEquals(java.util.HexFormat.of().formatHex(sha1), fingerprint.replace(":", ""));
  }

  @Test
  void textThatIsNoCertificateHasNoFingerprint() {
    assertEquals(Optional.empty(), X509Keys.fingerprint("ssh-rsa AAAA user@host"));
    assertEquals(Optional.empty(), X509Keys.fingerprint("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"));
    assertEquals(Optional.empty(), X509Keys.fingerprint(null));
  }
}
