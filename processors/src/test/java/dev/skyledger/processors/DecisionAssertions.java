package dev.skyledger.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.processors.core.Decision;
import java.util.List;

/** What the decider tests check of a decision: accepted, or refused with a status (and title) and no events. */
public final class DecisionAssertions {
  private DecisionAssertions() {}

  public static void assertAccepted(Decision decision) {
    assertNull(decision.rejection(), () -> "unexpected rejection: " + decision.rejection());
  }

  public static void assertRejected(int status, Decision decision) {
    assertNotNull(decision.rejection(), () -> "expected a " + status + " but got events " + decision.events());
    assertEquals(status, decision.rejection().getStatus(), () -> decision.rejection().getMessage());
    assertEquals(List.of(), decision.events());
  }

  /** Refused with this status and this title (the service's error type). */
  public static void assertRejected(int status, String title, Decision decision) {
    assertNotNull(decision.rejection(), () -> "expected a " + status + " " + title + " but got events " + decision.events());
    assertEquals(status, decision.rejection().getStatus(), () -> decision.rejection().toString());
    assertEquals(title, decision.rejection().getTitle(), () -> decision.rejection().toString());
    assertEquals(List.of(), decision.events());
  }

  public static void assertMessageContains(String expected, Decision decision) {
    String message = decision.rejection().getMessage();
    assertTrue(message.contains(expected), () -> "expected '" + expected + "' in: " + message);
  }
}
