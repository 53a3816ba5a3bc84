package dev.skyledger.queryapi.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.compute.ServerCatalog.Sort;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How GET /servers reads Nova's sort and changes-since parameters. */
class ServerListParamsTest {
  private static List<Sort> sort(List<String> keys, List<String> dirs, boolean admin) {
    return ServerReadRoutes.sort(keys, dirs, admin);
  }

  @Test
  void withoutParametersServersAreNewestFirst() {
    assertEquals(List.of(new Sort("created_at", false)), sort(List.of(), List.of(), false));
  }

  @Test
  void keysPairWithDirectionsAndTheRestTakeTheFirstDirection() {
    assertEquals(List.of(new Sort("display_name", true), new Sort("vm_state", false), new Sort("launched_at", true)),
        sort(List.of("display_name", "vm_state", "launched_at"), List.of("asc", "desc"), false));
    assertEquals(List.of(new Sort("created_at", true)), sort(List.of(), List.of("asc"), false));
  }

  @Test
  void keysThatOrderNothingHereAndHostForNonAdminsAreDroppedWithTheirDirections() {
    assertEquals(List.of(new Sort("display_name", false)),
        sort(List.of("progress", "host", "display_name"), List.of("asc", "asc", "desc"), false));
    assertEquals(List.of(new Sort("host", true)), sort(List.of("host"), List.of("asc"), true));
  }

  @Test
  void unknownKeysBadDirectionsAndMoreDirectionsThanKeysAre400s() {
    assertEquals(400, assertThrows(ApiException.class, () -> sort(List.of("bogus"), List.of(), false)).status());
    assertEquals(400, assertThrows(ApiException.class, () -> sort(List.of("uuid"), List.of("up"), false)).status());
    assertEquals(400, assertThrows(ApiException.class,
        () -> sort(List.of("uuid"), List.of("asc", "desc"), false)).status());
  }

  @Test
  void changesSinceIsIso8601WithAZoneOrInUtcOrADate() {
    Instant t = Instant.parse("2026-11-22T04:30:00Z");
    assertEquals(t, ServerReadRoutes.changesSince("2026-11-22T04:30:00Z"));
    assertEquals(t, ServerReadRoutes.changesSince("2026-11-22T06:30:00+02:00"));
    assertEquals(t, ServerReadRoutes.changesSince("2026-11-22T04:30:00"));
    assertEquals(Instant.parse("2026-11-22T00:00:00Z"), ServerReadRoutes.changesSince("2026-11-22"));
    assertEquals(400, assertThrows(ApiException.class, () -> ServerReadRoutes.changesSince("yesterday")).status());
  }
}
