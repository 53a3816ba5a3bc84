package dev.skyledger.platform.compute;

/**
 * A compute API microversion in effect for one request ({@code 2.minor}). What a response holds
 * and what a request may send is decided by asking {@link #atLeast}, with the microversion that
 * introduced the change named where it is asked.
 */
public record Microversion(int minor) {
  public static final Microversion V2_1 = new Microversion(1);

  public boolean atLeast(int minor) {
    return this.minor >= minor;
  }

  @Override
  public String toString() {
    return "2." + minor;
  }
}
