package dev.skyledger.processors.core;

import dev.skyledger.events.core.CommandRejected;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * What a decider decided about one command: the events it caused (possibly none, for a command
 * that changes nothing) and the id of the resource it created or changed; or a rejection.
 */
public record Decision(List<SpecificRecord> events, String resourceId, CommandRejected rejection) {
  public static Decision accept(String resourceId, SpecificRecord... events) {
    return new Decision(List.of(events), resourceId, null);
  }

  public static Decision accept(String resourceId, List<SpecificRecord> events) {
    return new Decision(List.copyOf(events), resourceId, null);
  }

  public static Decision reject(int status, String title, String message) {
    return new Decision(List.of(), null, new CommandRejected(status, title, message));
  }

  public static Decision badRequest(String message) {
    return reject(400, "Bad Request", message);
  }

  public static Decision forbidden(String message) {
    return reject(403, "Forbidden", message);
  }

  public static Decision notFound(String message) {
    return reject(404, "Not Found", message);
  }

  public static Decision conflict(String message) {
    return reject(409, "Conflict", message);
  }

  public boolean rejected() {
    return rejection != null;
  }
}
