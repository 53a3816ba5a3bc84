package dev.skyledger.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.commandapi.CommandApi;
import dev.skyledger.commandapi.compute.ComputeWriteRoutes;
import dev.skyledger.commandapi.compute.HostConsoles;
import dev.skyledger.commandapi.identity.IdentityWriteRoutes;
import dev.skyledger.commandapi.image.ImageWriteRoutes;
import dev.skyledger.commandapi.image.MetadefWriteRoutes;
import dev.skyledger.commandapi.network.NetworkWriteRoutes;
import dev.skyledger.events.PayloadCodec;
import dev.skyledger.hostagent.HostAgent;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.auth.PasswordHasher;
import dev.skyledger.platform.auth.RevocationFeed;
import dev.skyledger.platform.auth.RevocationList;
import dev.skyledger.platform.auth.SecretBox;
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
import dev.skyledger.queryapi.compute.AggregateReadRoutes;
import dev.skyledger.queryapi.compute.MigrationRoutes;
import dev.skyledger.queryapi.compute.UsageAuditLogRoutes;
import dev.skyledger.queryapi.compute.ComputeReadRoutes;
import dev.skyledger.queryapi.compute.HostReadRoutes;
import dev.skyledger.queryapi.compute.InstanceActionRoutes;
import dev.skyledger.queryapi.compute.ServerReadRoutes;
import dev.skyledger.queryapi.compute.TenantUsageRoutes;
import dev.skyledger.queryapi.identity.IdentityReadRoutes;
import dev.skyledger.queryapi.image.ImageReadRoutes;
import dev.skyledger.queryapi.image.ImageSchemaRoutes;
import dev.skyledger.queryapi.image.MetadefReadRoutes;
import dev.skyledger.queryapi.network.HostNetworkRoutes;
import dev.skyledger.queryapi.network.NetworkAgentRoutes;
import dev.skyledger.queryapi.network.NetworkReadRoutes;
import dev.skyledger.views.audit.AuditProjection;
import dev.skyledger.views.compute.AggregateCatalog;
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
import dev.skyledger.views.image.MetadefCatalog;
import dev.skyledger.views.image.MetadefJson;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  /** Starts everything; the HTTP gateway listens on {@code host:port} (port 0: any free port). */
  public Cloud start(String host, int port) {
    KafkaClients kafka = new KafkaClients(config);
    kafka.ensureTopics();
    db = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), 40, config.security().statementTimeout());
    running.add(db);
    startProjectors(kafka);
    ProjectionRegistry registry = new ProjectionRegistry(db);
    startProcessors(kafka);

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
    MetadefCatalog metadefs = new MetadefCatalog(db, registry);
    MetadefJson metadefJson = new MetadefJson(json);
    ImageStore imageStore = new FileImageStore(config.imageDir());
    running.add(0, new ImageJanitor(images, imageStore, sender, clock, config.compute().imageUploadTimeout()).start());
    NetworkCatalog networks = new NetworkCatalog(db, registry, json);
    NetworkJson networkJson = new NetworkJson(json);
    HostDirectory hostDirectory = new HostDirectory(db, registry, clock);
    ComputeCatalog computeCatalog = new ComputeCatalog(db, registry, json);
    ComputeJson computeJson = new ComputeJson(json, catalog.url("/compute/v2.1"));
    ServerCatalog serverCatalog = new ServerCatalog(db, registry, json);
    ComputeUsage computeUsage = new ComputeUsage(db, registry, json);
    AggregateCatalog aggregates = new AggregateCatalog(db, registry, json);
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
    HostConsoles consoles = new HostConsoles();
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
        return hostDirectory.byName(hostId).flatMap(h -> consoles.read(h.consoleUrl(), serverId, lines));
      }

      @Override
      public Optional<String> diagnostics(String hostId, String serverId) {
        return hostDirectory.byName(hostId).flatMap(h -> consoles.diagnostics(h.consoleUrl(), serverId));
      }
    };
    SecretBox secrets = SecretBox.loadOrCreate(config.keyDir());
    IdentityWriteRoutes identityWrites = new IdentityWriteRoutes(sender, directory, render, tokens, authenticator, hasher,
        config.tokenLifetime(), config.security(), secrets);
    running.add(0, identityWrites);
    CommandApi commandApi = new CommandApi(identityWrites,
        new ImageWriteRoutes(authenticator, sender, images, imageJson, imageStore, config.imageMaxBytes(),
            new MetadefWriteRoutes(authenticator, sender, metadefs, metadefJson)),
        new NetworkWriteRoutes(authenticator, sender, networks, networkJson),
        new ComputeWriteRoutes(authenticator, sender, new ComputeWriteRoutes.Reads(computeCatalog, images, networks, servers,
            serverReads::showGroup, computeHosts, aggregates), computeJson, new ComputeWriteRoutes.Endpoints(catalog.url("/compute/v2.1"),
            catalog.url("/image"), catalog.url("/network"))));
    QueryApi queryApi = new QueryApi(new IdentityReadRoutes(authenticator, directory, render, secrets),
        new ImageReadRoutes(authenticator, images, imageJson, catalog, imageStore, new ImageSchemaRoutes(authenticator),
            new MetadefReadRoutes(authenticator, metadefs, metadefJson)),
        new NetworkReadRoutes(authenticator, networks, networkJson, catalog,
            new NetworkAgentRoutes(authenticator, hostDirectory, json)),
        new HostNetworkRoutes(authenticator, networks, json),
        new ComputeReadRoutes(authenticator, computeCatalog, networks, computeJson, catalog,
            new HostReadRoutes(authenticator, hostDirectory, json, hostId -> serverCatalog.list(new ServerCatalog.Query(null,
                null, List.of(), null, null, hostId, null, null, null, false, List.of(), null, 1000), false).stream()
                .map(s -> new HostReadRoutes.ServersOnHost.Server(s.id(), s.name())).toList()), serverReads, computeUsage,
            new InstanceActionRoutes(authenticator, new InstanceActionLog(db, registry, json), json),
            new TenantUsageRoutes(authenticator, computeUsage, json, clock),
            new ComputeReadRoutes.Admin(new AggregateReadRoutes(authenticator, aggregates, json),
                new UsageAuditLogRoutes(authenticator, hostDirectory, computeUsage, json, clock),
                new MigrationRoutes(authenticator, json))),
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
  /** Every view's projector, writing on connections of its own. */
  private void startProjectors(KafkaClients kafka) {
    List<Projection> projections = List.of(new IdentityProjection(), new ImageProjection(json), new NetworkProjection(json),
        new ComputeProjection(json), new HostProjection(), new AuditProjection(json));
    // the projectors write the views on connections of their own: a burst of readers (and of writes
    // waiting to read their own result) must never starve the writers they are waiting for
    Database viewWriters = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), projections.size() + 1);
    running.add(viewWriters);
    ProjectionSchemas schemas = new ProjectionSchemas(viewWriters);
    schemas.migrateRegistry();
    for (Projection projection : projections) {
      ProjectorRunner runner = new ProjectorRunner(projection, viewWriters, kafka, envelopes, schemas);
      runner.start();
      running.add(0, runner);
      projectorRunners.add(runner);
    }
  }

  /** Every decider, reactor and process manager, each a Kafka Streams application of its own. */
  private void startProcessors(KafkaClients kafka) {
    startProcessor("identity", new IdentityTopology(config, envelopes).build(), kafka);
    startProcessor("image", new ImageTopology(config, envelopes).build(), kafka);
    // the deciders hand the boot saga what it acts on straight into its inbox (no copying hop)
    startProcessor("network", new NetworkTopology(config, envelopes, List.of(BootSagaTopology.inbox())).build(), kafka);
    startProcessor("compute", new ComputeTopology(config, envelopes, List.of(BootSagaTopology.inbox())).build(), kafka);
    startProcessor("compute-boot-saga", new BootSagaTopology(config, envelopes, Clock.systemUTC()).build(), kafka);
    startProcessor("compute-host-liveness", new HostLivenessTopology(config, envelopes, Clock.systemUTC()).build(), kafka);
    startProcessor("network-default-security-groups", new DefaultSecurityGroupTopology(config, envelopes).build(), kafka);
  }

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

  /**
   * Makes sure the built-in roles, the first admin user and project, the deployment's services in the
   * catalog and the classic flavors exist,
   * and that the admin's password is the one given ({@link CloudBootstrap}; idempotent: a restart
   * with the same password changes nothing).
   */
  public void bootstrap(String adminUser, String adminPassword, String adminProject) {
    new CloudBootstrap(bus, envelopes, waiter, new IdentityDirectory(db, new ProjectionRegistry(db)),
        new PasswordHasher(config.passwordIterations()),
        new ServiceCatalog(config.publicUrl(), config.region(), ServiceCatalog.deployed()))
        .run(adminUser, adminPassword, adminProject);
  }

  /**
   * Starts {@code count} simulated compute hosts in this process ({@code compute-1} ...), each
   * registering and sending heartbeats as a separate agent would ({@link SimulatedHosts}; their
   * capacity and heartbeat from the SKY_SIM_* variables).
   */
  public List<HostAgent> startSimulatedHosts(int count) {
    return startSimulatedHosts(count, System.getenv());
  }

  public List<HostAgent> startSimulatedHosts(int count, Map<String, String> env) {
    if (count == 0) return List.of();
    SimulatedHosts hosts = SimulatedHosts.start(config, envelopes, count, SimulatedHosts.Settings.fromEnvironment(env));
    running.add(0, hosts);
    return hosts.agents();
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
