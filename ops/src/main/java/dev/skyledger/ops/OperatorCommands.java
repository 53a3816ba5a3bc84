package dev.skyledger.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.Topic;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import dev.skyledger.platform.http.Json;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import dev.skyledger.projectors.core.ProjectionSchemas;
import dev.skyledger.projectors.core.Replayer;
import dev.skyledger.projectors.core.SetAside;
import dev.skyledger.projectors.core.SetAsideRetry;
import dev.skyledger.queryapi.audit.AuditLog;
import dev.skyledger.views.audit.AuditProjection;
import dev.skyledger.views.core.Projection;
import dev.skyledger.views.identity.IdentityProjection;
import dev.skyledger.views.image.ImageProjection;
import java.io.PrintStream;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** The operator commands that work against a running cloud: replay, audit, topics, status. */
final class OperatorCommands {
  private final SkyHome home;
  private final PrintStream out;
  private final ObjectMapper json = Json.newMapper();

  OperatorCommands(SkyHome home, PrintStream out) {
    this.home = home;
    this.out = out;
  }

  private SkyConfig config() {
    Properties where = home.readEnv();
    Map<String, String> settings = new HashMap<>(System.getenv());
    where.stringPropertyNames().forEach(k -> settings.put(k, where.getProperty(k)));
    settings.put("SKY_INSTANCE_ID", "sky-cli");
    return SkyConfig.fromEnvironment(settings);
  }

  private List<Projection> projections() {
    return List.of(new IdentityProjection(), new ImageProjection(json),
        new dev.skyledger.views.network.NetworkProjection(json),
        new dev.skyledger.views.compute.ComputeProjection(json),
        new dev.skyledger.views.hosts.HostProjection(), new AuditProjection(json));
  }

  int replay(String[] args) {
    if (args.length != 1) throw new IllegalArgumentException("usage: ./sky replay <identity|image|network|compute|hosts|audit>");
    Projection projection = projections().stream().filter(p -> p.name().equals(args[0])).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown projection " + args[0] + " (identity, image, network, compute, hosts, audit)"));
    SkyConfig config = config();
    try (Database db = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), 4)) {
      out.println("rebuilding " + projection.name() + " from offset 0 into a fresh schema (the live one keeps serving) ...");
      Replayer.Result result = new Replayer(db, new KafkaClients(config), new Envelopes(new PayloadCodec()),
          new ProjectionSchemas(db)).rebuild(projection);
      out.printf("replayed %d events into %s in %d ms; %s now serves from it (previous: %s, kept for comparison)%n",
          result.events(), result.schema(), result.took().toMillis(), projection.name(), result.previousSchema());
    }
    return 0;
  }

  /** {@code set-aside [<projection>]} lists what projections set aside; {@code set-aside retry <projection>} re-applies it. */
  int setAside(String[] args) {
    boolean retry = args.length > 0 && args[0].equals("retry");
    if (retry && args.length != 2) throw new IllegalArgumentException("usage: ./sky set-aside retry <projection>");
    String only = retry ? args[1] : args.length > 0 ? args[0] : null;
    List<Projection> chosen = projections().stream().filter(p -> only == null || p.name().equals(only)).toList();
    if (chosen.isEmpty()) throw new IllegalArgumentException("unknown projection " + only);
    SkyConfig config = config();
    try (Database db = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), 2)) {
      ProjectionSchemas schemas = new ProjectionSchemas(db);
      if (retry) {
        SetAsideRetry.Result result = new SetAsideRetry(db, new KafkaClients(config), new Envelopes(new PayloadCodec()),
            schemas).retry(chosen.get(0));
        out.printf("%s: %d re-applied, %d still set aside%n", only, result.applied(), result.remaining());
        return result.remaining() == 0 ? 0 : 1;
      }
      int total = 0;
      for (Projection projection : chosen) {
        var active = schemas.active(projection.name());
        if (active.isEmpty()) continue;
        for (SetAside.Entry e : db.read(c -> SetAside.list(c, active.get().schema()))) {
          total++;
          out.printf("%s %s/%d@%d %s of %s (stream %s#%d) request %s at %s%s%n  %s%n", projection.name(), e.topic(),
              e.partition(), e.offset(), e.type().substring(e.type().lastIndexOf('.') + 1), e.aggregateId(), e.streamKey(),
              e.sequence(), e.requestId(), e.at(),
              e.behind() ? " (waits behind an earlier one)" : "", e.error());
        }
      }
      out.println(total + " event(s) set aside");
    }
    return 0;
  }

  int audit(String[] args) {
    String requestId = null;
    String resource = null;
    String user = null;
    Instant since = null;
    Instant until = null;
    int limit = 100;
    boolean asJson = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--json")) {
        asJson = true;
        continue;
      }
      if (i + 1 >= args.length) throw new IllegalArgumentException("missing value for " + arg);
      String value = args[++i];
      switch (arg) {
        case "--request-id" -> requestId = value;
        case "--resource" -> resource = value;
        case "--user" -> user = value;
        case "--since" -> since = Instant.parse(value);
        case "--until" -> until = Instant.parse(value);
        case "--limit" -> limit = Integer.parseInt(value);
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    SkyConfig config = config();
    try (Database db = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), 2)) {
      List<AuditLog.Entry> entries = new AuditLog(db, new ProjectionRegistry(db))
          .find(new AuditLog.Query(requestId, resource, user, since, until, limit));
      if (asJson) {
        out.println(AuditLog.render(json, entries).toPrettyString());
        return 0;
      }
      out.printf("%-24s %-16s %-20s %-34s %s%n", "TIME", "WHO", "WHAT", "RESOURCE", "REQUEST");
      for (AuditLog.Entry e : entries) {
        String who = e.userName() != null ? e.userName() : String.valueOf(e.userId());
        out.printf("%-24s %-16s %-20s %-34s %s%n", e.time(), who, e.type().substring(e.type().lastIndexOf('.') + 1),
            e.aggregateId(), e.requestId());
      }
      out.println(entries.size() + " event(s)");
    }
    return 0;
  }

  int topics() throws Exception {
    SkyConfig config = config();
    try (Admin admin = new KafkaClients(config).admin()) {
      out.printf("%-32s %-10s %-10s %s%n", "TOPIC", "KIND", "PARTITIONS", "RECORDS");
      for (Topic<String, Envelope> topic : Topics.ALL) {
        String name = config.topic(topic);
        var description = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        description.partitions().forEach(p -> query.put(new TopicPartition(name, p.partition()), OffsetSpec.latest()));
        long records = admin.listOffsets(query).all().get().values().stream().mapToLong(r -> r.offset()).sum();
        out.printf("%-32s %-10s %-10d %d%n", name, topic.kind(), description.partitions().size(), records);
      }
    }
    return 0;
  }

  int status() throws Exception {
    SkyConfig config = config();
    try (Database db = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), 2);
         Admin admin = new KafkaClients(config).admin()) {
      ProjectionSchemas schemas = new ProjectionSchemas(db);
      // offsets, not events: each exactly-once commit also takes an offset for its marker
      out.printf("%-12s %-14s %-16s %-16s %s%n", "PROJECTION", "SCHEMA", "NEXT OFFSET", "LOG END OFFSET", "SET ASIDE");
      for (Projection projection : projections()) {
        var active = schemas.active(projection.name());
        if (active.isEmpty()) {
          out.printf("%-12s %-14s%n", projection.name(), "(not built)");
          continue;
        }
        Map<TopicPartition, Long> applied = schemas.appliedOffsets(active.get().schema());
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        for (var topic : projection.topics()) {
          String name = config.topic(topic);
          admin.describeTopics(List.of(name)).allTopicNames().get().get(name).partitions()
              .forEach(p -> query.put(new TopicPartition(name, p.partition()), OffsetSpec.latest()));
        }
        long end = admin.listOffsets(query).all().get().values().stream().mapToLong(r -> r.offset()).sum();
        long next = applied.values().stream().mapToLong(Long::longValue).sum();
        long setAside = db.read(c -> SetAside.count(c, active.get().schema()));
        out.printf("%-12s %-14s %-16d %-16d %d%n", projection.name(), active.get().schema(), next, end, setAside);
      }
    }
    return 0;
  }
}
