package dev.skyledger.platform.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signing keys are readable by their owner only, from the moment they exist. */
class TokenKeysTest {
  @TempDir
  Path home;

  private static String permissions(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void theKeyIsCreated0600InA0700DirectoryAndLoadedAgain() throws Exception {
    Path dir = home.resolve("keys");
    KeyPair created = TokenKeys.loadOrCreate(dir);
    assertEquals("rwx------", permissions(dir));
    assertEquals("rw-------", permissions(dir.resolve("token-signing.key")));
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "no temporary file left behind");
    }
    KeyPair loaded = TokenKeys.loadOrCreate(dir);
    assertArrayEquals(created.getPrivate().getEncoded(), loaded.getPrivate().getEncoded());
  }

  @Test
  void anExistingDirectoryOrKeyThatOthersCouldReadIsClosed() throws Exception {
    Path dir = home.resolve("open");
    TokenKeys.loadOrCreate(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir.resolve("token-signing.key"), PosixFilePermissions.fromString("rw-r--r--"));
    TokenKeys.loadOrCreate(dir);
    assertEquals("rwx------", permissions(dir));
    assertEquals("rw-------", permissions(dir.resolve("token-signing.key")));
  }
}
