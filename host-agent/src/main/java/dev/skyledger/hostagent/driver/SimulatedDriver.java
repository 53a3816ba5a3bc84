package dev.skyledger.hostagent.driver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A hypervisor in memory: domains with a state and a console log, a configurable capacity, and a
 * configurable spawn delay; like a real one it refuses a domain whose image file is not there. For
 * development, for tests, and for running thousands of hosts on one machine in scale tests.
 *
 * <p>Given a state directory, it keeps each domain's definition and power state there (as libvirt
 * keeps its domain XML), so a host that restarts finds its domains again and resumes those that
 * were running, as Nova's {@code resume_guests_state_on_host_boot} does.
 */
public final class SimulatedDriver implements HypervisorDriver {
  private final Capacity capacity;
  private final Duration spawnDelay;
  private final Clock clock;
  private final Map<String, Domain> domains = new LinkedHashMap<>();

  private static final class Domain {
    final DomainSpec spec;
    DomainState state = DomainState.RUNNING;
    final StringBuilder console = new StringBuilder();

    Domain(DomainSpec spec) {
      this.spec = spec;
    }
  }

  /** What is kept of a domain across a restart of its host. */
  record Saved(DomainSpec spec, DomainState state) {}

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  /** Null: nothing survives a restart. */
  private final Path stateDir;

  public SimulatedDriver(Capacity capacity, Duration spawnDelay, Clock clock) {
    this(capacity, spawnDelay, clock, null);
  }

  /** As above, keeping the domains in {@code stateDir} and resuming the ones found there. */
  public SimulatedDriver(Capacity capacity, Duration spawnDelay, Clock clock, Path stateDir) {
    this.capacity = capacity;
    this.spawnDelay = spawnDelay;
    this.clock = clock;
    this.stateDir = stateDir;
    if (stateDir != null) resume();
  }

  private void resume() {
    try {
      Files.createDirectories(stateDir);
      try (var files = Files.list(stateDir)) {
        for (Path f : files.filter(x -> x.toString().endsWith(".json")).sorted().toList()) {
          Saved saved = JSON.readValue(f.toFile(), Saved.class);
          Domain d = new Domain(saved.spec());
          d.state = saved.state();
          if (d.state == DomainState.RUNNING) boot(d);
          domains.put(saved.spec().instanceId(), d);
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read the domains kept in " + stateDir, e);
    }
  }

  private void save(Domain d) {
    if (stateDir == null) return;
    Path file = stateDir.resolve(d.spec.instanceId() + ".json");
    Path tmp = stateDir.resolve(d.spec.instanceId() + ".json.tmp");
    try {
      JSON.writeValue(tmp.toFile(), new Saved(d.spec, d.state));
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot keep domain " + d.spec.instanceId(), e);
    }
  }

  private void forget(String instanceId) {
    if (stateDir == null) return;
    try {
      Files.deleteIfExists(stateDir.resolve(instanceId + ".json"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot forget domain " + instanceId, e);
    }
  }

  @Override
  public String type() {
    return "simulated";
  }

  @Override
  public String version() {
    return "1.0";
  }

  @Override
  public Capacity capacity() {
    return capacity;
  }

  /**
   * The simulated disk never changes after boot: a snapshot is its base image (or, for a domain
   * booted without one, an empty 1 MiB raw disk).
   */
  @Override
  public java.io.InputStream snapshot(String instanceId) throws DriverException {
    String image;
    synchronized (this) {
      Domain d = domains.get(instanceId);
      if (d == null) throw new DriverException("Domain not found: no domain with matching uuid '" + instanceId + "'");
      image = d.spec.imagePath();
    }
    if (image == null) return new java.io.ByteArrayInputStream(new byte[1 << 20]);
    try {
      return Files.newInputStream(Path.of(image));
    } catch (java.io.IOException e) {
      throw new DriverException("Cannot read the disk of " + instanceId + ": " + e.getMessage());
    }
  }

  @Override
  public synchronized Usage usage() {
    int vcpus = 0;
    int memory = 0;
    int disk = 0;
    for (Domain d : domains.values()) {
      vcpus += d.spec.vcpus();
      memory += d.spec.memoryMb();
      disk += d.spec.rootGb();
    }
    return new Usage(vcpus, memory, disk, domains.size());
  }

  @Override
  public void spawn(DomainSpec spec) throws DriverException {
    synchronized (this) {
      if (domains.containsKey(spec.instanceId())) throw new DriverException("domain " + spec.instanceId() + " already exists");
      if (spec.imagePath() != null && !Files.isReadable(Path.of(spec.imagePath()))) {
        throw new DriverException("Cannot access storage file '" + spec.imagePath() + "': No such file or directory");
      }
      Usage used = usage();
      if (used.memoryMb() + spec.memoryMb() > capacity.memoryMb()) {
        throw new DriverException("not enough memory on this host for " + spec.memoryMb() + " MB");
      }
    }
    try {
      Thread.sleep(spawnDelay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DriverException("interrupted while spawning");
    }
    synchronized (this) {
      Domain d = new Domain(spec);
      boot(d);
      domains.put(spec.instanceId(), d);
      save(d);
    }
  }

  private void boot(Domain d) {
    d.console.append(SimulatedBootLog.of(d.spec, clock.instant()));
  }

  private Domain domain(String id) throws DriverException {
    Domain d = domains.get(id);
    if (d == null) throw new DriverException("no domain " + id + " on this host");
    return d;
  }

  @Override
  public synchronized void destroy(String instanceId) {
    domains.remove(instanceId);
    forget(instanceId);
  }

  @Override
  public synchronized Diagnostics diagnostics(String instanceId) throws DriverException {
    Domain d = domain(instanceId);
    return new Diagnostics(d.state, d.spec.vcpus(), d.spec.memoryMb(), d.spec.rootGb(), d.spec.nics());
  }

  @Override
  public synchronized void reboot(String instanceId, boolean hard) throws DriverException {
    Domain d = domain(instanceId);
    d.console.append(hard ? "[  reset] hard reboot\n" : "reboot: Restarting system\n");
    d.state = DomainState.RUNNING;
    boot(d);
    save(d);
  }

  @Override
  public synchronized void powerOff(String instanceId) throws DriverException {
    Domain d = domain(instanceId);
    d.console.append("reboot: Power down\n");
    d.state = DomainState.SHUTOFF;
    save(d);
  }

  @Override
  public synchronized void powerOn(String instanceId) throws DriverException {
    Domain d = domain(instanceId);
    d.state = DomainState.RUNNING;
    boot(d);
    save(d);
  }

  @Override
  public synchronized Optional<DomainState> state(String instanceId) {
    return Optional.ofNullable(domains.get(instanceId)).map(d -> d.state);
  }

  @Override
  public synchronized List<String> domains() {
    return new ArrayList<>(domains.keySet());
  }

  @Override
  public synchronized String consoleLog(String instanceId, int lines) throws DriverException {
    String all = domain(instanceId).console.toString();
    if (lines <= 0) return all;
    // as Nova tails a console log: the last n pieces of it split at newlines (a final newline ends the last line,
    // so its empty remainder is one of them)
    String[] split = all.split("\n", -1);
    int from = Math.max(0, split.length - lines);
    return String.join("\n", java.util.Arrays.copyOfRange(split, from, split.length));
  }
}
