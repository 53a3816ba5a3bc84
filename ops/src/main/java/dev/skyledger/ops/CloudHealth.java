package dev.skyledger.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.db.Database;
import dev.skyledger.projectors.core.ProjectionSchemas;
import dev.skyledger.projectors.core.ProjectorRunner;
import dev.skyledger.projectors.core.SetAside;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What load balancers, {@code ./sky up} and operators ask of a running cloud: is it live, is every
 * part running and caught up ({@code /readyz}), and how far behind is each projection and what has
 * it set aside (also as gauges on {@code /metrics}).
 */
final class CloudHealth {
  /** A projection further behind its log than this many offsets is not caught up. */
  static final long CAUGHT_UP_OFFSETS = 10_000;

  /** One projection: its loop running, how far behind the log, how many events set aside. */
  record ProjectionState(String name, boolean running, long lag, long setAside) {}

  private final SkyConfig config;
  private final Map<String, KafkaStreams> processors;
  private final List<ProjectorRunner> projectors;
  private final Database db;
  private final ProjectionSchemas schemas;
  private final Admin admin;
  private volatile Map<String, ProjectionState> last = Map.of();

  /** The compute side an operator watches: the saga's open boots and deletions, hosts up and down (-1: unknown). */
  record ComputeFigures(long building, long deleting, long hostsUp, long hostsDown) {
    static final ComputeFigures UNKNOWN = new ComputeFigures(-1, -1, -1, -1);
  }

  private java.util.function.Supplier<ComputeFigures> computeSource = () -> ComputeFigures.UNKNOWN;
  private volatile ComputeFigures compute = ComputeFigures.UNKNOWN;

  /** Gauges of the compute side, read from {@code source} at each {@link #refresh()}. */
  void bindCompute(MeterRegistry registry, java.util.function.Supplier<ComputeFigures> source) {
    this.computeSource = source;
    Gauge.builder("sky.saga.open.boots", () -> compute.building())
        .description("servers still building (the boot saga's open work)").register(registry);
    Gauge.builder("sky.saga.open.deletions", () -> compute.deleting())
        .description("servers being deleted").register(registry);
    Gauge.builder("sky.hosts", () -> compute.hostsUp()).tag("state", "up")
        .description("compute hosts by liveness").register(registry);
    Gauge.builder("sky.hosts", () -> compute.hostsDown()).tag("state", "down")
        .description("compute hosts by liveness").register(registry);
  }

  CloudHealth(SkyConfig config, Map<String, KafkaStreams> processors, List<ProjectorRunner> projectors, Database db,
              Admin admin) {
    this.config = config;
    this.processors = processors;
    this.projectors = projectors;
    this.db = db;
    this.schemas = new ProjectionSchemas(db);
    this.admin = admin;
  }

  /** Gauges of each projection's lag, set-aside events and whether it runs, as of the last {@link #refresh()}. */
  void bind(MeterRegistry registry) {
    for (ProjectorRunner runner : projectors) {
      String name = runner.projection().name();
      Gauge.builder("sky.projection.lag", () -> last(name).lag()).tag("projection", name)
          .description("offsets of its topics not applied yet (-1: unknown)").register(registry);
      Gauge.builder("sky.projection.set.aside", () -> last(name).setAside()).tag("projection", name)
          .description("events it could not apply, set aside (./sky set-aside)").register(registry);
      Gauge.builder("sky.projection.running", () -> runner.alive() ? 1 : 0).tag("projection", name)
          .description("1 while its loop runs").register(registry);
    }
    for (String name : processors.keySet()) {
      Gauge.builder("sky.processor.running", () -> processors.get(name).state() == KafkaStreams.State.RUNNING ? 1 : 0)
          .tag("processor", name).description("1 while the Kafka Streams application is RUNNING").register(registry);
    }
  }

  private ProjectionState last(String name) {
    return last.getOrDefault(name, new ProjectionState(name, false, -1, 0));
  }

  /** Reads every projection's figures again (before a scrape); a failure keeps the last known ones. */
  void refresh() {
    try {
      Map<String, ProjectionState> now = new HashMap<>();
      projections().forEach(p -> now.put(p.name(), p));
      last = now;
      compute = computeSource.get();
    } catch (RuntimeException e) {
      // a scrape while the database or broker is away shows the last known figures
    }
  }

  List<ProjectionState> projections() {
    return projectors.stream().map(this::state).toList();
  }

  private ProjectionState state(ProjectorRunner runner) {
    String name = runner.projection().name();
    var active = schemas.active(name);
    if (active.isEmpty()) return new ProjectionState(name, runner.alive(), -1, 0);
    String schema = active.get().schema();
    Map<TopicPartition, Long> applied = schemas.appliedOffsets(schema);
    long setAside = db.read(c -> SetAside.count(c, schema));
    long lag = 0;
    try {
      Map<TopicPartition, OffsetSpec> query = new HashMap<>();
      for (var topic : runner.projection().topics()) {
        String t = config.topic(topic);
        for (int p = 0; p < topic.partitions(config.partitions()); p++) query.put(new TopicPartition(t, p), OffsetSpec.latest());
      }
      var ends = admin.listOffsets(query).all().get(5, TimeUnit.SECONDS);
      Map<TopicPartition, Long> read = runner.positions();
      for (var e : ends.entrySet()) {
        long done = Math.max(applied.getOrDefault(e.getKey(), 0L), read.getOrDefault(e.getKey(), 0L));
        lag += Math.max(0, e.getValue().offset() - done);
      }
    } catch (Exception e) {
      lag = -1;
    }
    return new ProjectionState(name, runner.alive(), lag, setAside);
  }

  /** The readiness document and whether every part is running and caught up. */
  Map.Entry<Boolean, ObjectNode> ready(ObjectMapper json) {
    ObjectNode root = json.createObjectNode();
    boolean ready = true;
    ObjectNode procs = root.putObject("processors");
    for (var e : new LinkedHashMap<>(processors).entrySet()) {
      KafkaStreams.State state = e.getValue().state();
      procs.put(e.getKey(), state.name());
      ready &= state == KafkaStreams.State.RUNNING;
    }
    ObjectNode views = root.putObject("projections");
    try {
      for (ProjectionState p : projections()) {
        views.putObject(p.name()).put("running", p.running()).put("lag", p.lag()).put("set_aside", p.setAside());
        ready &= p.running() && p.lag() >= 0 && p.lag() <= CAUGHT_UP_OFFSETS;
      }
    } catch (RuntimeException e) {
      root.put("error", "the views cannot be read: " + e.getMessage());
      ready = false;
    }
    root.put("status", ready ? "ready" : "not ready");
    return Map.entry(ready, root);
  }
}
