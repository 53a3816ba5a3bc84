package dev.skyledger.processors.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The compute decider's server rows hold any name the API accepted, and rows of the first release still read. */
class ComputeStateTest {
  @Test
  void aServerRowKeepsANameWithSeparatorsAndControlCharacters() {
    var server = new ComputeState.Server("s-1", "p-1", "a\u0000b,c|d\"e\\f\n", 2, 512, true, false);
    assertEquals(server, ComputeState.Server.decode(server.encode()));
  }

  @Test
  void aRowOfTheFirstReleaseStillReads() {
    String legacy = String.join("\u0000", "s-1", "p-1", "web", "2", "512", "true", "false");
    assertEquals(new ComputeState.Server("s-1", "p-1", "web", 2, 512, true, false), ComputeState.Server.decode(legacy));
  }
}
