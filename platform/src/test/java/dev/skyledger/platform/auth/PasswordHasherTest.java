package dev.skyledger.platform.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Passwords are checked against their stored PBKDF2 hash; a broken stored hash denies, it never throws. */
class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher(1_000);

  @Test
  void givenHashOfPassword_whenMatchesSamePassword_thenTrue() {
    String stored = hasher.hash("correct horse battery staple");

    assertTrue(hasher.matches("correct horse battery staple", stored));
  }

  @Test
  void givenHashOfPassword_whenMatchesWrongPassword_thenFalse() {
    String stored = hasher.hash("correct horse battery staple");

    assertFalse(hasher.matches("correct horse battery stapler", stored));
    assertFalse(hasher.matches("", stored));
    assertFalse(hasher.matches(null, stored));
  }

  @Test
  void givenSamePasswordHashedTwice_whenCompared_thenDifferentSaltsAndBothMatch() {
    String first = hasher.hash("s3cret");
    String second = hasher.hash("s3cret");

    assertNotEquals(first, second);
    assertNotEquals(first.split("\\$")[2], second.split("\\$")[2], "salts must differ");
    assertTrue(hasher.matches("s3cret", first));
    assertTrue(hasher.matches("s3cret", second));
  }

  @Test
  void givenHashMadeWithOtherIterationCount_whenMatches_thenStillTrue() {
    String stored = new PasswordHasher(2_000).hash("s3cret");

    assertTrue(hasher.matches("s3cret", stored));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "s3cret", "plain$text", "pbkdf2-sha256$1000$c2FsdA==",
      "md5$1000$c2FsdA==$aGFzaA==", "pbkdf2-sha256$many$c2FsdA==$aGFzaA==", "pbkdf2-sha256$1000$%%%$aGFzaA==",
      "pbkdf2-sha256$0$c2FsdA==$aGFzaA==", "pbkdf2-sha256$-5$c2FsdA==$aGFzaA==", "pbkdf2-sha256$1000$$aGFzaA==",
      "pbkdf2-sha256$1000$c2FsdA==$aGFzaA==$extra"})
  void givenMalformedStoredHash_whenMatches_thenFalse(String stored) {
    assertFalse(hasher.matches("s3cret", stored));
  }

  @Test
  void givenNoStoredHash_whenMatches_thenFalse() {
    assertFalse(hasher.matches("s3cret", null));
  }
}
