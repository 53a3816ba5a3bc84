package dev.skyledger.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.commandapi.CommandApi;
import dev.skyledger.commandapi.compute.ComputeWriteRoutes;
import dev.skyledger.commandapi.identity.IdentityWriteRoutes;
import dev.skyledger.commandapi.image.ImageWriteRoutes;
import dev.skyledger.commandapi.network.NetworkWriteRoutes;
import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.Topics;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.SeedFlavors;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.events.identity.BootstrapIdentity;
import dev.skyledger.events.identity.UpdateUser;
import dev.skyledger.hostagent.HostAgent;
import dev.skyledger.hostagent.HostCommandLoop;
import dev.skyledger.hostagent.driver.HypervisorDriver;
import dev.skyledger.hostagent.driver.SimulatedDriver;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.PasswordHasher;
import dev.skyledger.platform.auth.RevocationFeed;
import dev.skyledger.platform.auth.RevocationList;
import dev.skyledger.platform.auth.TokenClaims;
import dev.skyledger.platform.auth.TokenCodec;
import dev.skyledger.platform.auth.TokenKeys;
import dev.skyledger.platform.command.CommandBus;
import dev.skyledger.platform.command.CommandSender;
import dev.skyledger.platform.command.ProjectionWaiter;
import dev.skyledger.platform.compute.Microversion;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import dev.skyledger.platform.http.HttpSetup;
import dev.skyledger.platform.http.Json;
import dev.skyledger.platform.identity.ServiceCatalog;
import dev.skyledger.platform.image.FileImageStore;
import dev.skyledger.platform.image.ImageStore;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import dev.skyledger.processors.compute.ComputeTopology;
import dev.skyledger.processors.compute.boot.BootSagaTopology;
import dev.skyledger.processors.compute.liveness.HostLivenessTopology;
import dev.skyledger.processors.identity.IdentityTopology;
import dev.skyledger.processors.image.ImageTopology;
import dev.skyledger.processors.network.DefaultSecurityGroupTopology;
import dev.skyledger.processors.network.NetworkTopology;
import dev.skyledger.projectors.core.ProjectionSchemas;
import dev.skyledger.projectors.core.ProjectorRunner;
import dev.skyledger.queryapi.QueryApi;
import dev.skyledger.queryapi.audit.AuditLog;
import dev.skyledger.queryapi.audit.AuditRoutes;
import dev.skyledger.queryapi.compute.ComputeReadRoutes;
import dev.skyledger.queryapi.compute.HostReadRoutes;
import dev.skyledger.queryapi.compute.InstanceActionRoutes;
import dev.skyledger.queryapi.compute.ServerReadRoutes;
import dev.skyledger.queryapi.compute.TenantUsageRoutes;
import dev.skyledger.queryapi.identity.IdentityReadRoutes;
import dev.skyledger.queryapi.image.ImageReadRoutes;
import dev.skyledger.queryapi.network.HostNetworkRoutes;
import dev.skyledger.queryapi.network.NetworkReadRoutes;
import dev.skyledger.views.audit.AuditProjection;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.compute.ComputeJson;
import dev.skyledger.views.compute.ComputeProjection;
import dev.skyledger.views.compute.ComputeUsage;
import dev.skyledger.views.compute.InstanceActionLog;
import dev.skyledger.views.compute.ServerCatalog;
import dev.skyledger.views.compute.ServerJson;
import dev.skyledger.views.core.Projection;
import dev.skyledger.views.hosts.HostDirectory;
import dev.skyledger.views.hosts.HostProjection;
import dev.skyledger.views.identity.IdentityDirectory;
import dev.skyledger.views.identity.IdentityJson;
import dev.skyledger.views.identity.IdentityProjection;
import dev.skyledger.views.image.ImageCatalog;
import dev.skyledger.views.image.ImageJson;
import dev.skyledger.views.image.ImageProjection;
import dev.skyledger.views.network.NetworkCatalog;
import dev.skyledger.views.network.NetworkJson;
import dev.skyledger.views.network.NetworkProjection;
import io.javalin.Javalin;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every processor, projector and API of Skyledger in one process, behind one HTTP port with the
 * OpenStack path prefixes. The broker and the database are given (see {@link Sky} for the
 * all-in-one that also starts them).
 */
public final class Cloud implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Cloud.class);

  private final SkyConfig config;
  private final List<AutoCloseable> running = new ArrayList<>();
  private CloudHealth health;
  private final Map<String, KafkaStreams> processors = new java.util.LinkedHashMap<>();
  private final ObjectMapper json = Json.newMapper();
  private final Envelopes envelopes = new Envelopes(new PayloadCodec());
  private Database db;
  private final Map<String, HostAgent> hostAgents = new java.util.concurrent.ConcurrentHashMap<>();
  /** Seconds the boot saga gives the network, the host's spawn, and the host's destroy (SKY_BOOT_*_TIMEOUT_SECONDS). */
  private int[] bootTimeouts = {
      Integer.parseInt(System.getenv().getOrDefault("SKY_BOOT_NETWORK_TIMEOUT_SECONDS", "30")),
      Integer.parseInt(System.getenv().getOrDefault("SKY_BOOT_SPAWN_TIMEOUT_SECONDS", "120")),
      Integer.parseInt(System.getenv().getOrDefault("SKY_BOOT_DELETE_TIMEOUT_SECONDS", "30"))};
  private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<ProjectorRunner> projectorRunners = new ArrayList<>();
  private CommandBus bus;
  private ProjectionWaiter waiter;
  private Javalin http;

  public Cloud(SkyConfig config) {
    this.config = config;
  }

  public SkyConfig config() {
    return config;
  }

  /** How long an image may stay saving before its upload is judged dead (SKY_IMAGE_UPLOAD_TIMEOUT_SECONDS). */
  private Duration imageUploadTimeout = Duration.ofSeconds(
      Long.parseLong(System.getenv().getOrDefault("SKY_IMAGE_UPLOAD_TIMEOUT_SECONDS", "3600")));

  /** Sets the bound after which an upload left saving is ended (before {@link #start}). */
  public Cloud imageUploadTimeout(Duration bound) {
    this.imageUploadTimeout = bound;
    return this;
  }

  /** Sets the boot saga's step deadlines (before {@link #start}). */
  public Cloud bootTimeouts(int networkSeconds, int spawnSeconds, int deleteSeconds) {
    this.bootTimeouts = new int[] {networkSeconds, spawnSeconds, deleteSeconds};
    return this;
  }

  /** Starts everything; the HTTP gateway listens on {@code host:port} (port 0: any free port). */
  public Cloud start(String host, int port) {
    KafkaClients kafka = new KafkaClients(config);
    kafka.ensureTopics();
    db = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), 40, config.security().statementTimeout());
    running.add(db);
    List<Projection> projections = List.of(new IdentityProjection(), new ImageProjection(json), new NetworkProjection(json),
        new ComputeProjection(json), new HostProjection(), new AuditProjection(json));
    // the projectors write the views on connections of their own: a burst of readers (and of writes
    // waiting to read their own result) must never starve the writers they are waiting for
    Database viewWriters = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), projections.size() + 1);
    running.add(viewWriters);
    ProjectionSchemas schemas = new ProjectionSchemas(viewWriters);
    schemas.migrateRegistry();
    ProjectionRegistry registry = new ProjectionRegistry(db);

    for (Projection projection : projections) {
      ProjectorRunner runner = new ProjectorRunner(projection, viewWriters, kafka, envelopes, schemas);
      runner.start();
      running.add(0, runner);
      projectorRunners.add(runner);
    }

    startProcessor("identity", new IdentityTopology(config, envelopes).build(), kafka);
    startProcessor("image", new ImageTopology(config, envelopes).build(), kafka);
    // the deciders hand the boot saga what it acts on straight into its inbox (no copying hop)
    startProcessor("network", new NetworkTopology(config, envelopes, List.of(BootSagaTopology.inbox())).build(), kafka);
    startProcessor("compute", new ComputeTopology(config, envelopes, List.of(BootSagaTopology.inbox())).build(), kafka);
    startProcessor("compute-boot-saga", BootSagaTopology.withTimeouts(config, envelopes, Clock.systemUTC(),
        bootTimeouts[0], bootTimeouts[1], bootTimeouts[2]).build(), kafka);
    startProcessor("compute-host-liveness", new HostLivenessTopology(config, envelopes, Clock.systemUTC()).build(), kafka);
    startProcessor("network-default-security-groups", new DefaultSecurityGroupTopology(config, envelopes).build(), kafka);

    org.apache.kafka.clients.admin.Admin admin = kafka.admin();
    running.add(0, admin::close);
    // on the readers' pool: a scrape must never take a connection the projectors write with
    health = new CloudHealth(config, processors, projectorRunners, db, admin);
    health.bind(metrics);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);

    KeyPair keys = TokenKeys.loadOrCreate(config.keyDir());
    TokenCodec tokens = new TokenCodec(json, keys.getPublic(), keys.getPrivate());
    RevocationList revocations = new RevocationList();
    RevocationFeed feed = new RevocationFeed(kafka, envelopes, revocations, config.tokenLifetime());
    feed.start(config.security().revocationMaxBehind());
    running.add(0, feed);
    bus = new CommandBus(kafka, envelopes, Duration.ofSeconds(30));
    bus.start();
    running.add(0, bus);

    Clock clock = Clock.systemUTC();
    Authenticator authenticator = new Authenticator(tokens, revocations, clock);
    IdentityDirectory directory = new IdentityDirectory(db, registry);
    ServiceCatalog catalog = new ServiceCatalog(config.publicUrl(), config.region(), ServiceCatalog.deployed());
    IdentityJson render = new IdentityJson(json, catalog);
    PasswordHasher hasher = new PasswordHasher(config.passwordIterations());
    // as long as a decision may take: an accepted create must answer with what it made, never a 404
    // because its view was a few seconds behind under load
    waiter = new ProjectionWaiter(db, registry, Duration.ofSeconds(30)).start();
    running.add(0, waiter);

    CommandSender sender = new CommandSender(bus, waiter, envelopes, clock);
    ImageCatalog images = new ImageCatalog(db, registry, json);
    ImageJson imageJson = new ImageJson(json);
    ImageStore imageStore = new FileImageStore(config.imageDir());
    running.add(0, new ImageJanitor(images, imageStore, sender, clock, imageUploadTimeout).start());
    NetworkCatalog networks = new NetworkCatalog(db, registry, json);
    NetworkJson networkJson = new NetworkJson(json);
    HostDirectory hostDirectory = new HostDirectory(db, registry, clock);
    ComputeCatalog computeCatalog = new ComputeCatalog(db, registry, json);
    ComputeJson computeJson = new ComputeJson(json, catalog.url("/compute/v2.1"));
    ServerCatalog serverCatalog = new ServerCatalog(db, registry, json);
    ComputeUsage computeUsage = new ComputeUsage(db, registry, json);
    health.bindCompute(metrics, () -> {
      ServerCatalog.InFlight inFlight = serverCatalog.inFlight();
      List<HostDirectory.Host> hosts = hostDirectory.hosts();
      long up = hosts.stream().filter(HostDirectory.Host::up).count();
      return new CloudHealth.ComputeFigures(inFlight.building(), inFlight.deleting(), up, hosts.size() - up);
    });
    ServerReadRoutes serverReads = new ServerReadRoutes(authenticator, serverCatalog,
        new ServerJson(json, catalog.url("/compute/v2.1"), networks, hostDirectory::statuses), catalog);
    ComputeWriteRoutes.Servers servers = new ComputeWriteRoutes.Servers() {
      @Override
      public Optional<String> projectOf(String serverId) {
        return serverCatalog.projectOf(serverId);
      }

      @Override
      public Optional<String> hostOf(String serverId) {
        return serverCatalog.hostOf(serverId);
      }

      @Override
      public Optional<ObjectNode> show(TokenClaims caller, String serverId) {
        return serverReads.show(caller, serverId);
      }

      @Override
      public Optional<ObjectNode> updated(TokenClaims caller, String serverId, Microversion version) {
        return serverReads.updated(caller, serverId, version);
      }
    };
    ComputeWriteRoutes.Hosts computeHosts = new ComputeWriteRoutes.Hosts() {
      @Override
      public boolean exists(String hostId) {
        return hostDirectory.byName(hostId).isPresent();
      }

      @Override
      public boolean hasZone(String zone) {
        return hostDirectory.hasZone(zone);
      }

      @Override
      public Optional<String> consoleLog(String hostId, String serverId, Integer lines) {
        return Cloud.this.consoleLog(hostId, serverId, lines);
      }
    };
    IdentityWriteRoutes identityWrites = new IdentityWriteRoutes(sender, directory, render, tokens, authenticator, hasher,
        config.tokenLifetime(), config.security());
    running.add(0, identityWrites);
    CommandApi commandApi = new CommandApi(identityWrites,
        new ImageWriteRoutes(authenticator, sender, images, imageJson, imageStore, config.imageMaxBytes()),
        new NetworkWriteRoutes(authenticator, sender, networks, networkJson),
        new ComputeWriteRoutes(authenticator, sender, new ComputeWriteRoutes.Reads(computeCatalog, images, networks, servers,
            serverReads::showGroup, computeHosts), computeJson, catalog.url("/compute/v2.1"), catalog.url("/image")));
    QueryApi queryApi = new QueryApi(new IdentityReadRoutes(authenticator, directory, render),
        new ImageReadRoutes(authenticator, images, imageJson, catalog, imageStore),
        new NetworkReadRoutes(authenticator, networks, networkJson, catalog),
        new HostNetworkRoutes(authenticator, networks, json),
        new ComputeReadRoutes(authenticator, computeCatalog, computeJson, catalog,
            new HostReadRoutes(authenticator, hostDirectory, json), serverReads, computeUsage,
            new InstanceActionRoutes(authenticator, new InstanceActionLog(db, registry, json), json),
            new TenantUsageRoutes(authenticator, computeUsage, json, clock)),
        new AuditRoutes(authenticator, new AuditLog(db, registry), json));
    http = Javalin.create(cfg -> {
      HttpSetup.apply(cfg, json, List.of(ImageWriteRoutes.UPLOAD_PATH));
      commandApi.routes(cfg);
      queryApi.routes(cfg);
      requestMetrics(cfg);
      cfg.routes.get("/healthz", ctx -> ctx.contentType("application/json").result("{\"status\":\"live\"}"));
      cfg.routes.get("/readyz", ctx -> {
        var ready = health.ready(json);
        ctx.status(ready.getKey() ? 200 : 503).contentType("application/json").result(ready.getValue().toString());
      });
      cfg.routes.get("/metrics", ctx -> {
        health.refresh();
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
      });
      cfg.routes.get("/", ctx -> ctx.contentType("application/json").result(
          "{\"name\":\"Skyledger\",\"services\":{\"identity\":\"" + catalog.url("/identity/v3")
              + "\",\"image\":\"" + catalog.url("/image") + "\",\"network\":\"" + catalog.url("/network") + "\",\"compute\":\"" + catalog.url("/compute/v2.1") + "\"}}"));
    }).start(host, port);
    running.add(0, http::stop);
    try {
      feed.awaitCaughtUp(Duration.ofSeconds(30));
      awaitProcessorsRunning(Duration.ofSeconds(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return this;
  }

  /**
   * The cloud is up when its processors are: each Streams application has joined its group and
   * restored its state, so the first request after start meets a running saga and scheduler, not
   * one still starting (bounded; a processor that is late is named in the log, and catches up).
   */
  private void awaitProcessorsRunning(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      List<String> starting = processors.entrySet().stream()
          .filter(e -> e.getValue().state() != KafkaStreams.State.RUNNING).map(Map.Entry::getKey).toList();
      if (starting.isEmpty()) return;
      if (System.nanoTime() > deadline) {
        log.warn("processors not running yet after {}: {}", bound, starting);
        return;
      }
      Thread.sleep(50);
    }
  }

  /** Times every request by method, route (the template, not the ids) and status: {@code http_server_requests}. */
  private void requestMetrics(io.javalin.config.JavalinConfig cfg) {
    cfg.routes.before(ctx -> ctx.attribute("sky.started", System.nanoTime()));
    cfg.routes.after(ctx -> {
      Long started = ctx.attribute("sky.started");
      if (started == null) return;
      var endpoint = ctx.endpoints().lastHttpEndpoint();
      Timer.builder("http.server.requests")
          .tag("method", ctx.method().name())
          .tag("route", endpoint == null ? "unmatched" : endpoint.path)
          .tag("status", Integer.toString(ctx.statusCode()))
          .register(metrics).record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
    });
  }

  /** One decider topology as its own Streams application; it leaves its group on a clean stop. */
  private void startProcessor(String name, org.apache.kafka.streams.Topology topology, KafkaClients kafka) {
    KafkaStreams streams = new KafkaStreams(topology, kafka.streams(name));
    streams.setUncaughtExceptionHandler(e -> {
      log.error("{} processor failed; replacing its thread", name, e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    // its metrics (the processors' own, and the decider shell's command-failed sensors) on /metrics
    KafkaStreamsMetrics streamMetrics = new KafkaStreamsMetrics(streams, List.of(io.micrometer.core.instrument.Tag.of("processor", name)));
    streamMetrics.bindTo(metrics);
    running.add(0, streamMetrics);
    streams.start();
    processors.put(name, streams);
    // leaving the group on a clean stop means a restart does not wait for the old member's session to expire
    running.add(0, () -> streams.close(new KafkaStreams.CloseOptions().timeout(Duration.ofSeconds(10)).leaveGroup(true)));
  }

  public int port() {
    return http.port();
  }

  /**
   * Makes sure the built-in roles and the first admin user and project exist, and that the admin's
   * password is the one given (idempotent: a restart with the same password changes nothing).
   */
  /**
   * Waits until every processor runs and every projection is caught up (what {@code /readyz}
   * says), at most {@code bound}; returns the readiness document of the last check.
   */
  public Map.Entry<Boolean, com.fasterxml.jackson.databind.node.ObjectNode> awaitReady(Duration bound)
      throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      var ready = health.ready(json);
      if (ready.getKey() || System.nanoTime() >= deadline) return ready;
      Thread.sleep(200);
    }
  }

  public void bootstrap(String adminUser, String adminPassword, String adminProject) {
    PasswordHasher hasher = new PasswordHasher(config.passwordIterations());
    String hash = hasher.hash(adminPassword);
    var command = new BootstrapIdentity("default", id(), adminUser, hash, id(), adminProject, id(), id(), id());
    String requestId = "req-" + UUID.randomUUID();
    var accepted = bus.send(Topics.IDENTITY_COMMANDS, envelopes.command(command, adminUser, null, Envelopes.system(),
        requestId, "default", Instant.now()));
    awaitProjection(accepted);
    var admin = new IdentityDirectory(db, new ProjectionRegistry(db)).userByName("default", adminUser).orElseThrow();
    if (!hasher.matches(adminPassword, admin.passwordHash())) {
      log.info("setting the password of {} to the configured one", adminUser);
      var reset = new UpdateUser(admin.id(), null, hash, null, null, true, null);
      var done = bus.send(Topics.IDENTITY_COMMANDS, envelopes.command(reset, admin.id(), null, Envelopes.system(),
          requestId, "default", Instant.now()));
      awaitProjection(done);
    }
    // the classic flavors; those that exist (or were deleted and re-created by an admin under the name) stay as they are
    var seeded = bus.send(Topics.COMPUTE_COMMANDS, envelopes.command(new SeedFlavors(CLASSIC_FLAVORS), StreamKeys.FLAVORS, null,
        Envelopes.system(), requestId, StreamKeys.FLAVORS, Instant.now()));
    awaitProjection("compute", seeded);
  }

  /**
   * Starts {@code count} simulated compute hosts in this process ({@code compute-1} ...), sharing
   * one producer: each registers and sends heartbeats as a separate agent would. Their capacity
   * and heartbeat come from SKY_SIM_HOST_VCPUS (16), SKY_SIM_HOST_RAM_MB (32768), SKY_SIM_HOST_DISK_GB
   * (500), SKY_SIM_SPAWN_MS (500) and SKY_HOST_HEARTBEAT_SECONDS (10).
   */
  public List<HostAgent> startSimulatedHosts(int count) {
    return startSimulatedHosts(count, System.getenv());
  }

  public List<HostAgent> startSimulatedHosts(int count, Map<String, String> env) {
    if (count == 0) return List.of();
    var producer = new KafkaClients(config).producer("hosts");
    running.add(0, producer::close);
    HypervisorDriver.Capacity capacity = new HypervisorDriver.Capacity(
        Integer.parseInt(env.getOrDefault("SKY_SIM_HOST_VCPUS", "16")),
        Integer.parseInt(env.getOrDefault("SKY_SIM_HOST_RAM_MB", "32768")),
        Integer.parseInt(env.getOrDefault("SKY_SIM_HOST_DISK_GB", "500")));
    Duration spawn = Duration.ofMillis(Long.parseLong(env.getOrDefault("SKY_SIM_SPAWN_MS", "500")));
    Duration heartbeat = Duration.ofSeconds(Long.parseLong(env.getOrDefault("SKY_HOST_HEARTBEAT_SECONDS", "10")));
    // one timer thread sends the heartbeats of all the hosts of this process (a thousand hosts, one thread)
    var heartbeats = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "simulated-host-heartbeats");
      t.setDaemon(true);
      return t;
    });
    running.add(0, heartbeats::shutdownNow);
    // the hosts of this process share one cache beside the image store (var/hosts/image-cache), and read the store directly
    var images = new dev.skyledger.hostagent.image.ImageCache(config.imageDir().resolveSibling("hosts").resolve("image-cache"),
        new dev.skyledger.hostagent.image.StoreImageSource(new FileImageStore(config.imageDir())));
    var uploads = new dev.skyledger.hostagent.image.StoreImageUploads(new FileImageStore(config.imageDir()));
    List<HostAgent> agents = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      HostAgent agent = new HostAgent(new HostAgent.Settings("compute-" + i, "nova", "127.0.0.1", heartbeat, 16.0, 1.5, 1.0),
          new SimulatedDriver(capacity, spawn, Clock.systemUTC(),
              config.imageDir().resolveSibling("hosts").resolve("compute-" + i).resolve("domains")),
          images, uploads, producer, envelopes, config,
          Clock.systemUTC()).start(heartbeats);
      running.add(0, agent);
      agents.add(agent);
      hostAgents.put(agent.hostId(), agent);
    }
    HostCommandLoop commands = new HostCommandLoop(config, "host-agents-" + config.instanceId(), agents);
    running.add(0, commands);
    log.info("{} simulated compute host(s) registered", count);
    return agents;
  }

  /**
   * A server's console log from the agent of its host, when that agent runs in this process (a
   * remote agent will answer over HTTP; until then its console is unavailable here).
   */
  private Optional<String> consoleLog(String hostId, String serverId, Integer lines) {
    HostAgent agent = hostAgents.get(hostId);
    if (agent == null) return Optional.empty();
    try {
      return Optional.of(agent.driver().consoleLog(serverId, lines == null ? 0 : lines));
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** m1.tiny to m1.xlarge, with the ids 1 to 5 clients and scripts expect. */
  static final List<Flavor> CLASSIC_FLAVORS = List.of(
      classic("1", "m1.tiny", 1, 512, 1), classic("2", "m1.small", 1, 2048, 20), classic("3", "m1.medium", 2, 4096, 40),
      classic("4", "m1.large", 4, 8192, 80), classic("5", "m1.xlarge", 8, 16384, 160));

  private static Flavor classic(String id, String name, int vcpus, int ramMb, int diskGb) {
    return Flavor.newBuilder().setFlavorId(id).setName(name).setVcpus(vcpus).setRamMb(ramMb).setDiskGb(diskGb).build();
  }

  private void awaitProjection(CommandAccepted accepted) {
    awaitProjection("identity", accepted);
  }

  /** At start the projector may still be catching up on a long log: wait longer than a request would. */
  private void awaitProjection(String projection, CommandAccepted accepted) {
    for (int attempt = 0; attempt < 12; attempt++) {
      if (waiter.await(projection, accepted.getStreamKey(), accepted.getSequence())) return;
    }
    throw new IllegalStateException("the " + projection + " projection did not catch up within a minute");
  }

  private static String id() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  @Override
  public void close() {
    for (AutoCloseable c : running) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("error while stopping", e);
      }
    }
    running.clear();
  }
}
