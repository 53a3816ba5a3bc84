package dev.skyledger.platform.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {
  @TempDir
  Path dir;

  @Test
  void aSealedSecretOpensWithTheSameKeyOnlyAndNeverShowsItsPlaintext() throws Exception {
    SecretBox box = SecretBox.loadOrCreate(dir);
    String sealed = box.seal("{\"secret\": \"s3cr3t\"}");

    assertFalse(sealed.contains("s3cr3t"));
    assertNotEquals(sealed, box.seal("{\"secret\": \"s3cr3t\"}"), "a fresh nonce each time");
    assertEquals("{\"secret\": \"s3cr3t\"}", SecretBox.loadOrCreate(dir).open(sealed), "the key file is reused");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("credential.key"))));
    assertThrows(IllegalStateException.class, () -> SecretBox.loadOrCreate(dir.resolve("other")).open(sealed));
    assertThrows(IllegalArgumentException.class, () -> box.open("plain"));
  }
}
