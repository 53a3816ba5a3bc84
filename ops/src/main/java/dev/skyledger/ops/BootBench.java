package dev.skyledger.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.events.EnvelopeSerde;
import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.StreamKeys;
import dev.skyledger.events.Topics;
import dev.skyledger.events.compute.InstanceActive;
import dev.skyledger.events.compute.InstanceNetworked;
import dev.skyledger.events.compute.InstanceRequested;
import dev.skyledger.events.compute.InstanceScheduled;
import dev.skyledger.events.compute.ServerSpec;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.network.FixedIp;
import dev.skyledger.events.network.Port;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import dev.skyledger.platform.http.Json;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./sky bench boot}: starts a fresh all-in-one cloud with H simulated hosts and has C
 * concurrent clients each create a server, wait for ACTIVE and delete it (waiting for 404), over
 * HTTP as a Nova client does, until N servers have been through. It reports boots per second,
 * p50/p95/p99 of create→202, create→ACTIVE and delete→404, and where a boot's time goes: every
 * topic stamps records with the broker's append time, so after the run the saga's records of each
 * server are read back and the delay of every hop (API → decider → saga → network → saga → host →
 * saga → view → client) is a difference of times on one clock.
 *
 * <p>Then the scale of the read side: S servers are <em>seeded</em> as events (InstanceRequested on
 * their project's stream, InstanceScheduled, InstanceNetworked, InstanceActive on their own, shaped
 * like those of a server booted above) straight onto compute.events, while the cloud is stopped (the
 * boot saga never sees them: it reads only its own inbox, where the compute decider writes the
 * requests it decides; they are views to list, not boots to carry out), into many projects, {@code --scale-own} of them into the caller's; once the projections have
 * caught up, GET /servers/detail is timed without a limit and with limit=100. Figures go to
 * target/bench-boot.json.
 */
final class BootBench {
  private static final String COMPUTE = "/compute/v2.1";
  /** Seeded servers outside the caller's project: this many per project. */
  private static final int SEEDED_PER_PROJECT = 100;
  private static final Duration ACTIVE_WITHIN = Duration.ofSeconds(180);
  private static final Duration GONE_WITHIN = Duration.ofSeconds(90);
  /** The boot saga's Streams application (its name in {@link Cloud}). */

  /** What a run does; the defaults are the issue's. */
  record Options(int clients, int hosts, int servers, int spawnMs, int pollMs, int heartbeatSeconds, int scaleServers,
                 int scaleOwn, int requests) {
    static Options parse(String[] args) {
      Map<String, Integer> v = new LinkedHashMap<>();
      v.put("clients", 50);
      v.put("hosts", 1000);
      v.put("servers", 2000);
      v.put("spawn-ms", 50);
      v.put("poll-ms", 100);
      v.put("heartbeat-seconds", 10);
      v.put("scale-servers", 100_000);
      v.put("scale-own", 1000);
      v.put("requests", 200);
      for (int i = 0; i < args.length; i++) {
        String name = args[i].startsWith("--") ? args[i].substring(2) : null;
        if (name == null || !v.containsKey(name) || i + 1 >= args.length) {
          throw new IllegalArgumentException("usage: ./sky bench boot [--" + String.join(" N] [--", v.keySet()) + " N]");
        }
        v.put(name, Integer.parseInt(args[++i].replace("_", "").replace(",", "")));
      }
      Options o = new Options(v.get("clients"), v.get("hosts"), v.get("servers"), v.get("spawn-ms"), v.get("poll-ms"),
          v.get("heartbeat-seconds"), v.get("scale-servers"), v.get("scale-own"), v.get("requests"));
      if (o.clients < 1 || o.hosts < 1 || o.servers < 1) throw new IllegalArgumentException("--clients, --hosts and --servers must be at least 1");
      if (o.scaleServers > 0 && (o.scaleOwn < 1 || o.scaleOwn > o.scaleServers || o.requests < 1)) {
        throw new IllegalArgumentException("--scale-own must be between 1 and --scale-servers, --requests at least 1");
      }
      return o;
    }
  }

  /** One server's trip as its client saw it: epoch milliseconds (the broker's clock) and durations. */
  record Trip(String id, long postAt, long acceptedAt, double createMs, String outcome, String fault, long activeSeenAt,
              double activeMs, long deleteAt, double deleteAcceptedMs, long goneSeenAt, double deleteMs) {
    boolean active() {
      return "ACTIVE".equals(outcome);
    }

    /** A trip that ended early: the API answered something else than expected (or not at all). */
    static Trip broken(String why) {
      return new Trip(null, 0, 0, -1, "REFUSED", why, 0, -1, 0, -1, 0, -1);
    }
  }

  /**
   * A point of a flow: a record of {@code type} appended to {@code topic}; on {@value #CLIENT}, what
   * the client did or saw; on {@value #VIEW}, the compute projection's commit of that event (its
   * read-your-writes notice on PostgreSQL).
   */
  record Point(String topic, String type, String label) {
    String key() {
      return topic + "|" + type;
    }
  }

  private final PrintStream out;
  private final ObjectMapper json = Json.newMapper();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final BenchHttp http = new BenchHttp(client);
  private final Envelopes envelopes = new Envelopes(new PayloadCodec());

  BootBench(PrintStream out) {
    this.out = out;
  }

  int run(String[] args) throws Exception {
    Options o = Options.parse(args);
    Path dir = Path.of("target/bench-var-boot").toAbsolutePath();
    out.println("starting a fresh cloud in " + dir + " ...");
    try (BenchCloud bench = new BenchCloud(dir)) {
      SkyConfig config = bench.config();
      String url = bench.url();
      String adminToken = token(url, BenchCloud.adminAuth());
      String runId = Long.toString(System.currentTimeMillis(), 36);
      Member member = member(url, adminToken, "bench-boot-" + runId);
      // no limits on the member's project: the run is about speed, not quotas
      expect(send("PUT", url + COMPUTE + "/os-quota-sets/" + member.projectId, adminToken,
          "{\"quota_set\":{\"instances\":-1,\"cores\":-1,\"ram\":-1}}"), 200);
      expect(send("PUT", url + "/network/v2.0/quotas/" + member.projectId, adminToken, "{\"quota\":{\"port\":-1}}"), 200);
      String imageId = image(url, member.token);
      String networkId = network(url, member.token);

      int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
      long hostsStart = System.nanoTime();
      bench.cloud().startSimulatedHosts(o.hosts, Map.of("SKY_SIM_SPAWN_MS", String.valueOf(o.spawnMs),
          "SKY_HOST_HEARTBEAT_SECONDS", String.valueOf(o.heartbeatSeconds)));
      double hostsSeconds = (System.nanoTime() - hostsStart) / 1e9;
      int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
      out.printf("%d simulated hosts registered in %.1f s (threads in this JVM: %d before, %d after); spawn takes %d ms,"
          + " heartbeat every %d s; %d cores%n", o.hosts, hostsSeconds, threadsBefore, threadsAfter, o.spawnMs,
          o.heartbeatSeconds, Runtime.getRuntime().availableProcessors());

      String body = "{\"server\":{\"name\":\"%s\",\"imageRef\":\"" + imageId + "\",\"flavorRef\":\"1\",\"networks\":[{\"uuid\":\""
          + networkId + "\"}]}}";
      int warmUp = Math.min(o.clients, 20);
      out.printf("warm-up: %d servers (not counted) ...%n", warmUp);
      boots(url, member.token, body, "warm-" + runId, warmUp, Math.min(o.clients, warmUp), o.pollMs);

      out.printf("%d clients: create → ACTIVE → delete → 404, %d servers, m1.tiny, one port each, polling every %d ms ...%n",
          o.clients, o.servers, o.pollMs);
      List<Trip> trips;
      double seconds;
      ViewNotices view = new ViewNotices(config);
      try {
        long phaseStart = System.nanoTime();
        trips = boots(url, member.token, body, "bench-" + runId, o.servers, o.clients, o.pollMs);
        seconds = (System.nanoTime() - phaseStart) / 1e9;
      } finally {
        view.close();
      }

      ObjectNode report = json.createObjectNode();
      report.put("benchmark", "boot");
      report.put("cores", Runtime.getRuntime().availableProcessors());
      ObjectNode params = report.putObject("parameters");
      params.put("clients", o.clients);
      params.put("hosts", o.hosts);
      params.put("servers", o.servers);
      params.put("flavor", "m1.tiny");
      params.put("sim_spawn_ms", o.spawnMs);
      params.put("poll_ms", o.pollMs);
      params.put("host_heartbeat_seconds", o.heartbeatSeconds);
      params.put("hosts_start_seconds", round(hostsSeconds));
      params.put("jvm_threads_before_hosts", threadsBefore);
      params.put("jvm_threads_after_hosts", threadsAfter);
      report.set("boot", bootFigures(trips, seconds));

      Flows flows = readFlows(config, trips, view);
      List<Double> pollDelay = new ArrayList<>();
      for (Trip t : trips) {
        Long appended = flows.points().getOrDefault(t.id(), Map.of()).get("compute.events|InstanceActive");
        if (t.active() && appended != null) pollDelay.add((double) (t.activeSeenAt() - appended));
      }
      report.set("poll_delay_ms", stats(pollDelay));
      line("InstanceActive appended → client saw ACTIVE (poll delay)", report.get("poll_delay_ms"));
      report.set("accept_hops", hops("create → 202", flows, ACCEPT, trips, t -> t.acceptedAt() > 0));
      report.set("create_hops", hops("create → ACTIVE", flows, CREATE, trips, Trip::active));
      report.set("delete_hops", hops("delete → 404", flows, DELETE, trips, t -> t.goneSeenAt() > 0));

      Path file = Path.of("target/bench-boot.json");
      write(file, report);
      if (o.scaleServers > 0) {
        report.set("scale", scale(bench, o, adminToken, member, flows.templates));
        write(file, report);
      }
      out.println("wrote " + file.toAbsolutePath());
    }
    return 0;
  }

  private static void write(Path file, ObjectNode report) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, report.toPrettyString() + "\n");
  }

  // ---- setup --------------------------------------------------------------------------------------

  private record Member(String projectId, String userId, String userName, String password, String token) {}

  private String token(String url, String auth) throws Exception {
    HttpResponse<String> r = send("POST", url + "/identity/v3/auth/tokens", null, auth);
    expect(r, 201);
    return r.headers().firstValue("X-Subject-Token").orElseThrow();
  }

  private static String passwordAuth(String user, String password, String project) {
    return "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"" + user
        + "\",\"domain\":{\"name\":\"Default\"},\"password\":\"" + password + "\"}}},\"scope\":{\"project\":"
        + "{\"name\":\"" + project + "\",\"domain\":{\"name\":\"Default\"}}}}}";
  }

  /** A new project and a user with the member role on it, and the user's token for it. */
  private Member member(String url, String adminToken, String name) throws Exception {
    String projectId = createProject(url, adminToken, name);
    String password = "bench-" + UUID.randomUUID();
    HttpResponse<String> user = send("POST", url + "/identity/v3/users", adminToken,
        "{\"user\":{\"name\":\"" + name + "-user\",\"password\":\"" + password + "\",\"enabled\":true}}");
    expect(user, 201);
    String userId = json.readTree(user.body()).path("user").path("id").asText();
    grantMember(url, adminToken, projectId, userId);
    return new Member(projectId, userId, name + "-user", password, token(url, passwordAuth(name + "-user", password, name)));
  }

  private String createProject(String url, String adminToken, String name) throws Exception {
    HttpResponse<String> project = send("POST", url + "/identity/v3/projects", adminToken, "{\"project\":{\"name\":\"" + name + "\"}}");
    expect(project, 201);
    return json.readTree(project.body()).path("project").path("id").asText();
  }

  private void grantMember(String url, String adminToken, String projectId, String userId) throws Exception {
    HttpResponse<String> roles = send("GET", url + "/identity/v3/roles?name=member", adminToken, null);
    expect(roles, 200);
    String roleId = json.readTree(roles.body()).path("roles").get(0).path("id").asText();
    expect(send("PUT", url + "/identity/v3/projects/" + projectId + "/users/" + userId + "/roles/" + roleId, adminToken, null), 204);
  }

  /** A small raw image (4 KiB), uploaded by the member. */
  private String image(String url, String token) throws Exception {
    HttpResponse<String> created = send("POST", url + "/image/v2/images", token,
        "{\"name\":\"bench-image\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}");
    expect(created, 201);
    String id = json.readTree(created.body()).path("id").asText();
    byte[] data = new byte[4096];
    new java.util.Random(1).nextBytes(data);
    HttpResponse<String> put = client.send(HttpRequest.newBuilder(URI.create(url + "/image/v2/images/" + id + "/file"))
        .header("X-Auth-Token", token).header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofString());
    expect(put, 204);
    return id;
  }

  /** A network with a /16 subnet: room for every server's port. */
  private String network(String url, String token) throws Exception {
    HttpResponse<String> net = send("POST", url + "/network/v2.0/networks", token, "{\"network\":{\"name\":\"bench-net\"}}");
    expect(net, 201);
    String id = json.readTree(net.body()).path("network").path("id").asText();
    expect(send("POST", url + "/network/v2.0/subnets", token, "{\"subnet\":{\"network_id\":\"" + id
        + "\",\"cidr\":\"10.0.0.0/16\",\"ip_version\":4,\"name\":\"bench-subnet\"}}"), 201);
    return id;
  }

  // ---- the boot loop ------------------------------------------------------------------------------

  /** {@code count} servers through create → ACTIVE → delete → 404, {@code clients} at a time. */
  private List<Trip> boots(String url, String token, String body, String prefix, int count, int clients, int pollMs)
      throws Exception {
    List<Trip> trips = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> workers = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int w = 0; w < clients; w++) {
        workers.add(pool.submit(() -> {
          int i;
          while ((i = next.getAndIncrement()) < count) {
            try {
              trips.add(trip(url, token, String.format(body, prefix + "-" + i), pollMs));
            } catch (IllegalStateException | IOException e) {
              // an answer the client did not expect: a failure of this server, the run goes on
              String why = String.valueOf(e.getMessage());
              trips.add(Trip.broken(why.length() > 300 ? why.substring(0, 300) : why));
            }
            int n = done.incrementAndGet();
            if (count >= 200 && n % (count / 10) == 0) {
              out.printf("  %d of %d servers done (%.0f s)%n", n, count, (System.nanoTime() - start) / 1e9);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : workers) f.get();
    } finally {
      pool.shutdownNow();
    }
    return new ArrayList<>(trips);
  }

  private Trip trip(String url, String token, String body, int pollMs) throws Exception {
    String servers = url + COMPUTE + "/servers";
    long postAt = System.currentTimeMillis();
    long t0 = System.nanoTime();
    HttpResponse<String> created = send("POST", servers, token, body);
    double createMs = (System.nanoTime() - t0) / 1e6;
    long acceptedAt = System.currentTimeMillis();
    expect(created, 202);
    String id = json.readTree(created.body()).path("server").path("id").asText();
    String outcome = "TIMEOUT";
    String fault = null;
    long activeSeenAt = 0;
    double activeMs = -1;
    long deadline = t0 + ACTIVE_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> got = send("GET", servers + "/" + id, token, null);
      expect(got, 200);
      JsonNode server = json.readTree(got.body()).path("server");
      String status = server.path("status").asText();
      if (status.equals("ACTIVE") || status.equals("ERROR")) {
        activeSeenAt = System.currentTimeMillis();
        activeMs = (System.nanoTime() - t0) / 1e6;
        outcome = status;
        if (status.equals("ERROR")) fault = server.path("fault").path("message").asText();
        break;
      }
      Thread.sleep(pollMs);
    }
    if (outcome.equals("TIMEOUT")) fault = "not ACTIVE within " + ACTIVE_WITHIN.toSeconds() + " s";

    long deleteAt = System.currentTimeMillis();
    long d0 = System.nanoTime();
    expect(send("DELETE", servers + "/" + id, token, null), 204);
    double acceptedMs = (System.nanoTime() - d0) / 1e6;
    long goneSeenAt = 0;
    double deleteMs = -1;
    deadline = d0 + GONE_WITHIN.toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> got = send("GET", servers + "/" + id, token, null);
      if (got.statusCode() == 404) {
        goneSeenAt = System.currentTimeMillis();
        deleteMs = (System.nanoTime() - d0) / 1e6;
        break;
      }
      expect(got, 200);
      Thread.sleep(pollMs);
    }
    return new Trip(id, postAt, acceptedAt, createMs, outcome, fault, activeSeenAt, activeMs, deleteAt, acceptedMs, goneSeenAt, deleteMs);
  }

  private ObjectNode bootFigures(List<Trip> trips, double seconds) {
    List<Trip> ok = trips.stream().filter(Trip::active).toList();
    Map<String, Integer> failures = new LinkedHashMap<>();
    for (Trip t : trips) if (!t.active()) failures.merge(t.outcome() + ": " + t.fault(), 1, Integer::sum);
    List<Double> gone = trips.stream().filter(t -> t.deleteMs() >= 0).map(Trip::deleteMs).toList();
    ObjectNode node = json.createObjectNode();
    node.put("servers", trips.size());
    node.put("active", ok.size());
    node.put("failed", trips.size() - ok.size());
    node.put("seconds", round(seconds));
    node.put("boots_per_second", round(ok.size() / seconds));
    // the clients start together and fall out of step: the second half of the run is the steadier one
    long first = trips.stream().filter(t -> t.postAt() > 0).mapToLong(Trip::postAt).min().orElse(0);
    long last = ok.stream().mapToLong(Trip::activeSeenAt).max().orElse(first);
    long middle = first + (last - first) / 2;
    long secondHalf = ok.stream().filter(t -> t.activeSeenAt() > middle).count();
    double steady = last > middle ? secondHalf * 1000.0 / (last - middle) : 0;
    node.put("boots_per_second_second_half", round(steady));
    node.set("create_to_202_ms", stats(trips.stream().filter(t -> t.acceptedAt() > 0).map(Trip::createMs).toList()));
    node.set("create_to_active_ms", stats(ok.stream().map(Trip::activeMs).toList()));
    node.set("delete_to_204_ms", stats(trips.stream().filter(t -> t.deleteAt() > 0).map(Trip::deleteAcceptedMs).toList()));
    node.set("delete_to_404_ms", stats(gone));
    node.put("not_gone_within_" + GONE_WITHIN.toSeconds() + "_s", trips.size() - gone.size());
    ObjectNode f = node.putObject("failures");
    failures.forEach(f::put);

    out.printf("%d servers in %.1f s: %.2f boots per second (%.2f in the second half; each client: create, wait ACTIVE, delete,"
        + " wait 404); %d ACTIVE, %d failed%n", trips.size(), seconds, ok.size() / seconds, steady, ok.size(), trips.size() - ok.size());
    failures.forEach((why, n) -> out.printf("  failed %d×: %s%n", n, why));
    line("create → 202", node.get("create_to_202_ms"));
    line("create → ACTIVE seen", node.get("create_to_active_ms"));
    line("delete → 204", node.get("delete_to_204_ms"));
    line("delete → 404 seen", node.get("delete_to_404_ms"));
    return node;
  }

  // ---- where the time goes ------------------------------------------------------------------------

  private static final String CLIENT = "client";
  private static final String VIEW = "view";

  /** The create flow of one server, point by point. */
  private static final List<Point> CREATE = List.of(
      new Point(CLIENT, "POST", "client POST sent"),
      new Point("compute.commands", "CreateServer", "API: validate, look up → CreateServer on compute.commands"),
      new Point("compute.events", "InstanceRequested", "compute decider → InstanceRequested, quota reserved (+ inbox)"),
      new Point("network.commands", "CreatePort", "saga: schedule → InstanceScheduled + CreatePort"),
      new Point("network.events", "PortCreated", "network decider → PortCreated (+ saga inbox)"),
      new Point("host.commands", "SpawnInstance", "saga → InstanceNetworked + SpawnInstance"),
      new Point("host.events", "ImageCached", "host agent: command read, image cache → ImageCached"),
      new Point("host.events", "InstanceSpawned", "host agent: simulated spawn → InstanceSpawned"),
      new Point("compute.saga", "InstanceSpawned", "saga feeder → copied to compute.saga"),
      new Point("compute.events", "InstanceActive", "saga → InstanceActive"),
      new Point(VIEW, "InstanceActive", "compute projection commits it"),
      new Point(CLIENT, "ACTIVE", "client's next poll → saw ACTIVE"));

  /** Create until the API answers: the first points of the create flow, then the view the API waits for (read-your-writes). */
  private static final List<Point> ACCEPT = java.util.stream.Stream.concat(CREATE.subList(0, 3).stream(),
      java.util.stream.Stream.of(
          new Point(VIEW, "InstanceRequested", "compute projection commits it (the API waits for this)"),
          new Point(CLIENT, "202", "API answers → client got 202"))).toList();

  /** The delete flow of one server. */
  private static final List<Point> DELETE = List.of(
      new Point(CLIENT, "DELETE", "client DELETE sent"),
      new Point("compute.commands", "DeleteServer", "API → DeleteServer on compute.commands"),
      new Point("compute.events", "InstanceDeleteRequested", "compute decider → InstanceDeleteRequested (+ saga inbox)"),
      new Point("host.commands", "DestroyInstance", "saga → DestroyInstance (and DeletePort)"),
      new Point("host.events", "InstanceDestroyed", "host agent → InstanceDestroyed"),
      new Point("compute.saga", "InstanceDestroyed", "saga feeder → copied to compute.saga"),
      new Point("compute.events", "InstanceDeleted", "saga → InstanceDeleted"),
      new Point(VIEW, "InstanceDeleted", "compute projection commits it"),
      new Point(CLIENT, "GONE", "client's next poll → saw 404"));

  /** Types whose envelope names the server as its aggregate but not in its correlation id (the API's requests). */
  private static final Set<String> BY_AGGREGATE = Set.of("CreateServer", "DeleteServer", "InstanceRequested",
      "InstanceDeleteRequested");

  /** What was read back from the topics: each server's points, and envelopes of a booted server to seed from. */
  private record Flows(Map<String, Map<String, Long>> points, Map<String, Envelope> templates, long records,
                       boolean appendTime) {}

  /** Reads every topic of the flows from the start and keeps, per server of {@code trips}, when each point was appended. */
  private Flows readFlows(SkyConfig config, List<Trip> trips, ViewNotices view) {
    Set<String> ids = new HashSet<>();
    trips.forEach(t -> {
      if (t.id() != null) ids.add(t.id());
    });
    Map<String, Set<String>> wanted = new HashMap<>();
    Set<String> viewed = new HashSet<>();
    for (List<Point> flow : List.of(ACCEPT, CREATE, DELETE)) {
      for (Point p : flow) {
        if (p.topic().equals(VIEW)) viewed.add(p.type());
        else if (!p.topic().equals(CLIENT)) wanted.computeIfAbsent(p.topic(), k -> new HashSet<>()).add(p.type());
      }
    }
    wanted.get("compute.events").addAll(List.of("InstanceScheduled", "InstanceNetworked"));
    Map<String, String> names = new HashMap<>();
    for (var t : Topics.ALL) names.put(config.topic(t), t.name());

    Map<String, Map<String, Long>> points = new HashMap<>();
    Map<String, Map<String, Envelope>> booted = new HashMap<>();
    long count = 0;
    boolean appendTime = true;
    long start = System.nanoTime();
    KafkaClients kafka = new KafkaClients(config);
    try (KafkaConsumer<String, Envelope> c = kafka.reader("bench-boot-flows")) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : wanted.keySet()) {
        String name = config.topic(Topics.ALL.stream().filter(t -> t.name().equals(topic)).findFirst().orElseThrow());
        c.partitionsFor(name).forEach(p -> partitions.add(new TopicPartition(name, p.partition())));
      }
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = c.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> c.position(p) < ends.get(p))) {
        for (ConsumerRecord<String, Envelope> r : c.poll(Duration.ofMillis(200))) {
          count++;
          Envelope e = r.value();
          if (e == null) continue;
          String topic = names.get(r.topic());
          String type = e.getType().substring(e.getType().lastIndexOf('.') + 1);
          if (!wanted.get(topic).contains(type)) continue;
          String correlation = e.getCorrelationId();
          String id = StreamKeys.instanceIdOf(correlation) != null ? StreamKeys.instanceIdOf(correlation)
              : BY_AGGREGATE.contains(type) ? e.getAggregateId() : null;
          if (id == null || !ids.contains(id)) continue;
          if (r.timestampType() != TimestampType.LOG_APPEND_TIME) appendTime = false;
          Map<String, Long> at = points.computeIfAbsent(id, k -> new HashMap<>());
          at.putIfAbsent(topic + "|" + type, r.timestamp());
          if (topic.equals("compute.events")) {
            booted.computeIfAbsent(id, k -> new HashMap<>()).putIfAbsent(type, e);
            if (viewed.contains(type)) {
              long committed = view.committed(e.getStreamKey(), e.getSequence());
              if (committed > 0) at.putIfAbsent(VIEW + "|" + type, committed);
            }
          }
        }
      }
    }
    Map<String, Envelope> templates = booted.values().stream()
        .filter(m -> m.keySet().containsAll(List.of("InstanceRequested", "InstanceScheduled", "InstanceNetworked", "InstanceActive")))
        .findFirst().orElse(Map.of());
    out.printf("read %d records back from %d topics in %.1f s%s%n", count, wanted.size(), (System.nanoTime() - start) / 1e9,
        appendTime ? " (timestamps: broker append time)" : "; WARNING: some topics use CreateTime, hop times mix producers' clocks");
    return new Flows(points, templates, count, appendTime);
  }

  /** The p50/p95/p99 of each hop of {@code flow} over the servers, and the share of each in the mean total. */
  private ObjectNode hops(String title, Flows flows, List<Point> flow, List<Trip> trips, java.util.function.Predicate<Trip> counted) {
    List<List<Double>> deltas = new ArrayList<>();
    for (int i = 1; i < flow.size(); i++) deltas.add(new ArrayList<>());
    int complete = 0;
    for (Trip t : trips) {
      if (!counted.test(t)) continue;
      Map<String, Long> at = new HashMap<>(flows.points().getOrDefault(t.id(), Map.of()));
      at.put(CLIENT + "|POST", t.postAt());
      at.put(CLIENT + "|202", t.acceptedAt());
      at.put(CLIENT + "|ACTIVE", t.activeSeenAt());
      at.put(CLIENT + "|DELETE", t.deleteAt());
      at.put(CLIENT + "|GONE", t.goneSeenAt());
      List<Long> times = new ArrayList<>();
      for (Point p : flow) times.add(at.get(p.key()));
      if (times.contains(null)) continue;
      complete++;
      for (int i = 1; i < times.size(); i++) deltas.get(i - 1).add((double) (times.get(i) - times.get(i - 1)));
    }
    ObjectNode node = json.createObjectNode();
    node.put("servers_with_every_point", complete);
    ArrayNode rows = node.putArray("hops");
    if (complete == 0) {
      out.println(title + ": no server has every point of the flow");
      return node;
    }
    double total = 0;
    List<Double> means = new ArrayList<>();
    for (List<Double> d : deltas) {
      double mean = d.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      means.add(mean);
      total += mean;
    }
    out.printf("where the time of %s goes (%d servers; broker append times, ms):%n", title, complete);
    out.printf("  %-62s %7s %7s %7s %7s %6s%n", "hop", "p50", "p95", "p99", "mean", "share");
    int top = 0;
    for (int i = 0; i < deltas.size(); i++) {
      List<Double> sorted = new ArrayList<>(deltas.get(i));
      Collections.sort(sorted);
      double share = total > 0 ? means.get(i) / total : 0;
      if (means.get(i) > means.get(top)) top = i;
      ObjectNode row = rows.addObject();
      row.put("from", flow.get(i).topic() + " " + flow.get(i).type());
      row.put("to", flow.get(i + 1).topic() + " " + flow.get(i + 1).type());
      row.put("what", flow.get(i + 1).label());
      row.put("p50_ms", BenchHttp.percentile(sorted, 50));
      row.put("p95_ms", BenchHttp.percentile(sorted, 95));
      row.put("p99_ms", BenchHttp.percentile(sorted, 99));
      row.put("mean_ms", round(means.get(i)));
      row.put("share_of_mean", round(share));
      out.printf("  %-62s %7.0f %7.0f %7.0f %7.1f %5.0f%%%n", flow.get(i + 1).label(), BenchHttp.percentile(sorted, 50),
          BenchHttp.percentile(sorted, 95), BenchHttp.percentile(sorted, 99), means.get(i), share * 100);
    }
    out.printf("  %-62s %7s %7s %7s %7.1f%n", "total (mean)", "", "", "", total);
    out.printf("  the largest hop: %s (%.0f%% of the mean)%n", flow.get(top + 1).label(), means.get(top) / total * 100);
    node.put("mean_total_ms", round(total));
    node.put("largest_hop", flow.get(top + 1).label());
    return node;
  }

  /**
   * When the compute projection committed each position of the streams of servers and projects: it
   * announces every commit on PostgreSQL (the notices the API's read-your-writes waits on); this
   * listens to them during the run.
   */
  private static final class ViewNotices implements AutoCloseable {
    private final Map<String, List<long[]>> committed = new ConcurrentHashMap<>();
    private final java.sql.Connection connection;
    private final Thread thread;
    private volatile boolean running = true;

    ViewNotices(SkyConfig config) throws Exception {
      String schema;
      try (Database db = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), 1)) {
        schema = new ProjectionRegistry(db).schemaOf("compute");
      }
      connection = java.sql.DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), config.dbPassword());
      try (java.sql.Statement s = connection.createStatement()) {
        s.execute("LISTEN " + dev.skyledger.platform.command.ProjectionWaiter.CHANNEL);
      }
      org.postgresql.PGConnection pg = connection.unwrap(org.postgresql.PGConnection.class);
      thread = new Thread(() -> {
        try {
          while (running) {
            org.postgresql.PGNotification[] notices = pg.getNotifications(200);
            if (notices == null) continue;
            long now = System.currentTimeMillis();
            for (org.postgresql.PGNotification n : notices) {
              String[] parts = n.getParameter().split("\\|", 3);
              if (parts.length == 3 && parts[0].equals(schema)) {
                committed.computeIfAbsent(parts[1], k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(new long[] {Long.parseLong(parts[2]), now});
              }
            }
          }
        } catch (java.sql.SQLException e) {
          if (running) throw new IllegalStateException("lost the projection notices", e);
        }
      }, "bench-view-notices");
      thread.setDaemon(true);
      thread.start();
    }

    /** When the projection first committed {@code stream} up to {@code sequence} (0: not seen). */
    long committed(String stream, long sequence) {
      List<long[]> seen = committed.getOrDefault(stream, List.of());
      synchronized (seen) {
        for (long[] n : seen) if (n[0] >= sequence) return n[1];
      }
      return 0;
    }

    @Override
    public void close() throws Exception {
      running = false;
      thread.join(2000);
      connection.close();
    }
  }

  // ---- the scale of the read side -----------------------------------------------------------------

  private ObjectNode scale(BenchCloud bench, Options o, String adminToken, Member member, Map<String, Envelope> templates)
      throws Exception {
    if (templates.isEmpty()) throw new IllegalStateException("no booted server's events to seed from");
    String url = bench.url();
    SkyConfig config = bench.config();
    String projectName = "bench-scale-" + Long.toString(System.currentTimeMillis(), 36);
    String scaleProject = createProject(url, adminToken, projectName);
    grantMember(url, adminToken, scaleProject, member.userId());
    String token = token(url, passwordAuth(member.userName(), member.password(), projectName));

    out.printf("seeding %,d servers as events (not booted: InstanceRequested, InstanceScheduled, InstanceNetworked,"
        + " InstanceActive each), %,d of them in the caller's project, the others %d per project, with the cloud stopped ...%n",
        o.scaleServers, o.scaleOwn, SEEDED_PER_PROJECT);
    Map<TopicPartition, Long> lastSeeded = new HashMap<>();
    double[] seedSeconds = new double[1];
    long restartStart = System.nanoTime();
    bench.restartCloud(() -> {
      long t = System.nanoTime();
      lastSeeded.putAll(seed(config, o, templates, scaleProject, member.userId(), o.hosts));
      seedSeconds[0] = (System.nanoTime() - t) / 1e9;
    });
    double restartSeconds = (System.nanoTime() - restartStart) / 1e9 - seedSeconds[0];
    long events = 4L * o.scaleServers;
    out.printf("  %,d events produced in %.1f s (%,.0f/s); the cloud stopped and started again in %.1f s%n",
        events, seedSeconds[0], events / seedSeconds[0], restartSeconds);

    long catchUp = System.nanoTime();
    Map<String, Double> caughtUp = awaitProjections(config, lastSeeded, List.of("compute", "audit"), catchUp);
    int live;
    try (Database db = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), 2)) {
      String schema = new ProjectionRegistry(db).schemaOf("compute");
      live = db.read(c -> {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM \"" + schema + "\".servers WHERE deleted_at IS NULL"
            + " AND created_at IS NOT NULL"); ResultSet r = s.executeQuery()) {
          r.next();
          return r.getInt(1);
        }
      });
    }
    out.printf("  servers in the compute view: %,d live%n", live);

    String detail = url + COMPUTE + "/servers/detail";
    HttpResponse<String> all = send("GET", detail, token, null);
    expect(all, 200);
    JsonNode listed = json.readTree(all.body()).path("servers");
    int expectedPage = Math.min(o.scaleOwn, 1000);
    if (listed.size() != expectedPage || !listed.get(0).path("status").asText().equals("ACTIVE")) {
      throw new IllegalStateException("expected " + expectedPage + " ACTIVE servers in the caller's list, got " + listed.size());
    }
    ObjectNode node = json.createObjectNode();
    node.put("seeded_as_events_not_booted", true);
    node.put("servers_in_cloud", live);
    node.put("servers_in_callers_project", o.scaleOwn);
    node.put("servers_per_other_project", SEEDED_PER_PROJECT);
    node.put("events_seeded", events);
    node.put("seed_seconds", round(seedSeconds[0]));
    ObjectNode catching = node.putObject("projection_catch_up_seconds");
    caughtUp.forEach((k, v) -> catching.put(k, round(v)));
    node.put("response_bytes_no_limit", all.body().length());
    out.printf("GET /servers/detail as a member of a project with %,d servers, %,d servers in the cloud, %d requests each,"
        + " one client:%n", o.scaleOwn, live, o.requests);
    node.set("detail_no_limit", timed("no limit (" + listed.size() + " servers, " + all.body().length() / 1024 + " KiB)",
        detail, token, o.requests, listed.size()));
    node.set("detail_limit_100", timed("limit=100", detail + "?limit=100", token, o.requests, Math.min(100, o.scaleOwn)));
    return node;
  }

  /**
   * Produces the seeded servers' events onto compute.events (keys and envelopes as the compute decider
   * and the saga write them) and returns, per partition, the offset after the last one.
   */
  private Map<TopicPartition, Long> seed(SkyConfig config, Options o, Map<String, Envelope> templates, String ownProject,
                                         String ownUser, int hosts) throws Exception {
    Envelope requestedEnv = templates.get("InstanceRequested");
    InstanceRequested requested = (InstanceRequested) envelopes.open(requestedEnv);
    Envelope scheduledEnv = templates.get("InstanceScheduled");
    Envelope networkedEnv = templates.get("InstanceNetworked");
    InstanceNetworked networked = (InstanceNetworked) envelopes.open(networkedEnv);
    Envelope activeEnv = templates.get("InstanceActive");
    String topic = config.topic(Topics.COMPUTE_EVENTS);

    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, config.instanceId() + "-bench-seed");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    Map<TopicPartition, Long> last = new ConcurrentHashMap<>();
    AtomicReference<Exception> failed = new AtomicReference<>();
    long base = System.currentTimeMillis() - o.scaleServers;
    Map<String, Long> sequences = new HashMap<>();
    try (KafkaProducer<String, Envelope> producer = new KafkaProducer<>(props, new StringSerializer(), new EnvelopeSerde())) {
      String otherProject = null;
      String otherUser = null;
      for (int i = 0; i < o.scaleServers; i++) {
        boolean own = i < o.scaleOwn;
        if (!own && (i - o.scaleOwn) % SEEDED_PER_PROJECT == 0) {
          otherProject = UUID.randomUUID().toString().replace("-", "");
          otherUser = UUID.randomUUID().toString().replace("-", "");
        }
        String project = own ? ownProject : otherProject;
        String user = own ? ownUser : otherUser;
        String id = UUID.randomUUID().toString();
        String name = "seeded-" + i;
        String host = "compute-" + (1 + i % hosts);
        String requestId = "req-" + UUID.randomUUID();
        Instant time = Instant.ofEpochMilli(base + i);
        Actor actor = Actor.newBuilder(requestedEnv.getActor()).setUserId(user).setProjectId(project).build();
        String projectStream = StreamKeys.project(project);
        String ownStream = StreamKeys.instance(id);
        long sequence = sequences.merge(projectStream, 1L, Long::sum);

        ServerSpec spec = ServerSpec.newBuilder(requested.getServer()).setInstanceId(id).setProjectId(project).setUserId(user)
            .setName(name).setHostname(name).setRequestedAt(time.toEpochMilli()).build();
        Envelope first = Envelope.newBuilder(requestedEnv).setEventId(UUID.randomUUID().toString()).setAggregateId(id)
            .setProjectId(project).setActor(actor).setRequestId(requestId).setCausationId(UUID.randomUUID().toString())
            .setCorrelationId(requestId).setTime(time).setStreamKey(projectStream).setSequence(sequence)
            .setPayload(encode(new InstanceRequested(spec))).build();
        Port port = Port.newBuilder(networked.getPort()).setPortId(UUID.randomUUID().toString()).setProjectId(project)
            .setMacAddress(String.format("fa:16:3e:%02x:%02x:%02x", (i >> 16) & 255, (i >> 8) & 255, i & 255))
            .setFixedIps(List.of(FixedIp.newBuilder(networked.getPort().getFixedIps().get(0))
                .setIpAddress("10." + (100 + ((i >> 16) & 127)) + "." + ((i >> 8) & 255) + "." + (i & 255)).build()))
            .setDeviceId(id).setHostId(host).build();
        List<Envelope> own3 = List.of(
            sagaFact(scheduledEnv, first, actor, ownStream, 1, new InstanceScheduled(id, project, host, "nova")),
            sagaFact(networkedEnv, first, actor, ownStream, 2, new InstanceNetworked(id, project, port)),
            sagaFact(activeEnv, first, actor, ownStream, 3, new InstanceActive(id, project, host)));
        send(producer, topic, projectStream, first, last, failed);
        for (Envelope e : own3) send(producer, topic, ownStream, e, last, failed);
        if (failed.get() != null) throw failed.get();
      }
      producer.flush();
    }
    if (failed.get() != null) throw failed.get();
    return last;
  }

  /** A fact of the saga about a server, as {@code template} but of this server, on its own stream. */
  private Envelope sagaFact(Envelope template, Envelope requested, Actor actor, String stream, long sequence,
                            org.apache.avro.specific.SpecificRecord payload) {
    return Envelope.newBuilder(template).setEventId(UUID.randomUUID().toString()).setAggregateId(StreamKeys.instanceIdOf(stream))
        .setProjectId(requested.getProjectId()).setActor(actor).setRequestId(requested.getRequestId())
        .setCausationId(requested.getEventId()).setCorrelationId(stream).setTime(requested.getTime()).setStreamKey(stream)
        .setSequence(sequence).setPayload(encode(payload)).build();
  }

  private ByteBuffer encode(org.apache.avro.specific.SpecificRecord payload) {
    return ByteBuffer.wrap(envelopes.codec().encode(payload));
  }

  private static void send(KafkaProducer<String, Envelope> producer, String topic, String key, Envelope e,
                           Map<TopicPartition, Long> last, AtomicReference<Exception> failed) {
    producer.send(new ProducerRecord<>(topic, key, e), (m, ex) -> {
      if (ex != null) {
        failed.compareAndSet(null, ex);
        return;
      }
      last.merge(new TopicPartition(m.topic(), m.partition()), m.offset() + 1, Math::max);
    });
  }

  /** Waits until each projection has applied compute.events up to {@code ends}; returns the seconds each took. */
  private Map<String, Double> awaitProjections(SkyConfig config, Map<TopicPartition, Long> ends, List<String> projections,
                                               long since) throws Exception {
    Map<String, Double> took = new LinkedHashMap<>();
    long total = ends.values().stream().mapToLong(Long::longValue).sum();
    try (Database db = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), 2)) {
      ProjectionRegistry registry = new ProjectionRegistry(db);
      long lastReport = System.nanoTime();
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      while (took.size() < projections.size()) {
        for (String projection : projections) {
          if (took.containsKey(projection)) continue;
          Map<Integer, Long> applied = new HashMap<>();
          String schema = registry.schemaOf(projection);
          db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT partition, next_offset FROM \"" + schema
                + "\".projector_offsets WHERE topic = ?")) {
              s.setString(1, config.topic(Topics.COMPUTE_EVENTS));
              try (ResultSet r = s.executeQuery()) {
                while (r.next()) applied.put(r.getInt(1), r.getLong(2));
              }
            }
            return null;
          });
          boolean done = ends.entrySet().stream().allMatch(e -> applied.getOrDefault(e.getKey().partition(), 0L) >= e.getValue());
          if (done) {
            double seconds = (System.nanoTime() - since) / 1e9;
            took.put(projection, seconds);
            out.printf("  the %s projection caught up in %.1f s (%,.0f records of compute.events per second)%n", projection,
                seconds, total / seconds);
          } else if (System.nanoTime() - lastReport > 15e9) {
            lastReport = System.nanoTime();
            long at = applied.values().stream().mapToLong(Long::longValue).sum();
            out.printf("  ... %s projection at %,d of %,d records (%.0f s)%n", projection, at, total, (System.nanoTime() - since) / 1e9);
          }
        }
        if (System.nanoTime() > deadline) throw new IllegalStateException("the projections did not catch up within 30 minutes");
        Thread.sleep(200);
      }
    }
    return took;
  }

  /** {@code count} GETs of {@code url}, one at a time after a warm-up, each expected to list {@code servers}. */
  private ObjectNode timed(String name, String url, String token, int count, int servers) throws Exception {
    for (int i = 0; i < Math.min(20, count); i++) expect(send("GET", url, token, null), 200);
    List<Double> latencies = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long t = System.nanoTime();
      HttpResponse<String> r = send("GET", url, token, null);
      latencies.add((System.nanoTime() - t) / 1e6);
      expect(r, 200);
      if (i == 0 && json.readTree(r.body()).path("servers").size() != servers) {
        throw new IllegalStateException(name + ": expected " + servers + " servers");
      }
    }
    ObjectNode node = stats(latencies);
    line(name, node);
    return node;
  }

  // ---- figures ------------------------------------------------------------------------------------

  private ObjectNode stats(List<Double> values) {
    ObjectNode node = json.createObjectNode();
    node.put("count", values.size());
    if (values.isEmpty()) return node;
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    node.put("p50_ms", round(BenchHttp.percentile(sorted, 50)));
    node.put("p95_ms", round(BenchHttp.percentile(sorted, 95)));
    node.put("p99_ms", round(BenchHttp.percentile(sorted, 99)));
    node.put("max_ms", round(sorted.get(sorted.size() - 1)));
    return node;
  }

  private void line(String name, JsonNode s) {
    if (s.path("count").asInt() == 0) {
      out.printf("  %-52s no values%n", name);
      return;
    }
    out.printf("  %-52s p50 %8.1f ms  p95 %8.1f ms  p99 %8.1f ms  max %8.1f ms  (%d)%n", name, s.path("p50_ms").asDouble(),
        s.path("p95_ms").asDouble(), s.path("p99_ms").asDouble(), s.path("max_ms").asDouble(), s.path("count").asInt());
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private HttpResponse<String> send(String method, String url, String token, String body) throws IOException, InterruptedException {
    return http.send(method, url, token, body);
  }

  private static void expect(HttpResponse<String> response, int status) {
    BenchHttp.expect(response, status);
  }
}
