package dev.skyledger.hostagent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.hostagent.driver.HypervisorDriver;
import dev.skyledger.hostagent.driver.HypervisorDriver.DomainSpec;
import dev.skyledger.hostagent.driver.HypervisorDriver.DomainState;
import dev.skyledger.hostagent.driver.SimulatedDriver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SimulatedDriverTest {
  private final SimulatedDriver driver = new SimulatedDriver(new HypervisorDriver.Capacity(4, 4096, 100), Duration.ZERO,
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

  private static DomainSpec spec(String id, int memoryMb) {
    return new DomainSpec(id, "vm-" + id, 1, memoryMb, 10, null,
        List.of(new HypervisorDriver.Nic("port-1", "fa:16:3e:00:00:01", "tapport-1")), null);
  }

  @Test
  void spawnedDomainsRunUseCapacityAndWriteAConsoleLog() throws Exception {
    driver.spawn(spec("a", 1024));
    driver.spawn(spec("b", 2048));
    assertEquals(new HypervisorDriver.Usage(2, 3072, 20, 2), driver.usage());
    assertEquals(Optional.of(DomainState.RUNNING), driver.state("a"));
    String log = driver.consoleLog("a", 0);
    assertTrue(log.contains("fa:16:3e:00:00:01") && log.contains("vm-a login:"), log);
    assertEquals(1, driver.consoleLog("a", 1).split("\n").length);
    assertEquals(3, driver.consoleLog("a", 3).split("\n", -1).length, "Nova's tail: what a client counts with split");
  }

  @Test
  void theConsoleShowsABootWithTheHostnameNicsAndInjectedKey() throws Exception {
    driver.spawn(spec("a", 512));
    String plain = driver.consoleLog("a", 0);
    assertTrue(plain.contains("Linux version") && plain.contains("Setting hostname to vm-a")
        && plain.contains("| ens3   | True | fa:16:3e:00:00:01 |")
        && plain.contains("ci-info: no authorized SSH keys fingerprints found for user ubuntu."), plain);

    // ssh-keygen -l -E sha256 shows this key's fingerprint as base64 of the same SHA-256
    String key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFqC8lRhVbqBz8h5aNq2P7n0lWc0h1eZQ4c9K1Qj7QkT bob@desk";
    driver.spawn(new DomainSpec("b", "vm-b", 1, 512, 10, null, List.of(), null, key));
    String keyed = driver.consoleLog("b", 0);
    String sha256 = java.util.HexFormat.ofDelimiter(":").formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(java.util.Base64.getDecoder().decode(key.split(" ")[1])));
    assertTrue(keyed.contains("| ssh-ed25519 | " + sha256 + " | - | bob@desk |"), keyed);
    assertTrue(!keyed.contains("no authorized SSH keys"), keyed);
  }

  @Test
  void aDomainWhoseImageFileIsMissingIsRefused() {
    HypervisorDriver.DriverException e = assertThrows(HypervisorDriver.DriverException.class,
        () -> driver.spawn(new DomainSpec("a", "vm-a", 1, 512, 10, "/nonexistent/img-1", List.of(), null)));
    assertTrue(e.getMessage().contains("/nonexistent/img-1"), e.getMessage());
    assertEquals(List.of(), driver.domains());
  }

  @Test
  void aDomainBeyondTheHostsMemoryIsRefused() throws Exception {
    driver.spawn(spec("a", 3000));
    HypervisorDriver.DriverException e = assertThrows(HypervisorDriver.DriverException.class, () -> driver.spawn(spec("b", 2000)));
    assertTrue(e.getMessage().contains("memory"), e.getMessage());
    assertThrows(HypervisorDriver.DriverException.class, () -> driver.spawn(spec("a", 10)), "ids are unique");
  }

  @Test
  void powerCyclesAndDestroy() throws Exception {
    driver.spawn(spec("a", 512));
    driver.powerOff("a");
    assertEquals(Optional.of(DomainState.SHUTOFF), driver.state("a"));
    driver.powerOn("a");
    driver.reboot("a", true);
    assertEquals(Optional.of(DomainState.RUNNING), driver.state("a"));
    assertTrue(driver.consoleLog("a", 0).contains("hard reboot"));
    driver.destroy("a");
    driver.destroy("a");
    assertEquals(Optional.empty(), driver.state("a"));
    assertEquals(List.of(), driver.domains());
    assertThrows(HypervisorDriver.DriverException.class, () -> driver.powerOn("a"));
  }

  @Test
  void givenAStateDirectory_whenTheHostRestarts_thenItsDomainsAreBackRunningOrShutOffAsTheyWere(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    var capacity = new HypervisorDriver.Capacity(4, 4096, 100);
    SimulatedDriver before = new SimulatedDriver(capacity, Duration.ZERO, java.time.Clock.systemUTC(), dir);
    before.spawn(new HypervisorDriver.DomainSpec("vm-1", "web", 1, 512, 1, null, java.util.List.of(), null));
    before.spawn(new HypervisorDriver.DomainSpec("vm-2", "db", 1, 1024, 1, null, java.util.List.of(), null));
    before.spawn(new HypervisorDriver.DomainSpec("vm-3", "gone", 1, 256, 1, null, java.util.List.of(), null));
    before.powerOff("vm-2");
    before.destroy("vm-3");

    SimulatedDriver after = new SimulatedDriver(capacity, Duration.ZERO, java.time.Clock.systemUTC(), dir);
    org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of("vm-1", "vm-2"), after.domains());
    org.junit.jupiter.api.Assertions.assertEquals(HypervisorDriver.DomainState.RUNNING, after.state("vm-1").orElseThrow());
    org.junit.jupiter.api.Assertions.assertEquals(HypervisorDriver.DomainState.SHUTOFF, after.state("vm-2").orElseThrow());
    org.junit.jupiter.api.Assertions.assertEquals(1536, after.usage().memoryMb());
    org.junit.jupiter.api.Assertions.assertTrue(after.consoleLog("vm-1", 0).contains("web login:"));
  }
}
