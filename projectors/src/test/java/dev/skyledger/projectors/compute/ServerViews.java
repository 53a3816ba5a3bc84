package dev.skyledger.projectors.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.network.Network;
import dev.skyledger.events.network.NetworkCreated;
import dev.skyledger.events.network.SecurityGroup;
import dev.skyledger.events.network.SecurityGroupCreated;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.db.Database;
import dev.skyledger.platform.db.ProjectionRegistry;
import dev.skyledger.platform.http.Json;
import dev.skyledger.platform.testkit.TestEnvironment;
import dev.skyledger.projectors.core.ProjectionSchemas;
import dev.skyledger.projectors.core.ProjectionWriter;
import dev.skyledger.views.compute.ComputeProjection;
import dev.skyledger.views.compute.ServerCatalog;
import dev.skyledger.views.compute.ServerJson;
import dev.skyledger.views.network.NetworkCatalog;
import dev.skyledger.views.network.NetworkProjection;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The server views of a test's database, written by the real projection and read by the real
 * catalog: a network named "private" and a group named "default" are in the network views.
 */
final class ServerViews implements AutoCloseable {
  static final ObjectMapper JSON = Json.newMapper();

  final Database db;
  final ProjectionSchemas schemas;
  final ComputeProjection projection = new ComputeProjection(JSON);
  final ServerCatalog catalog;
  final ServerJson render;

  ServerViews(TestEnvironment env) {
    SkyConfig config = env.config();
    db = new Database(config.jdbcUrl(), config.dbUser(), config.dbPassword(), 4);
    schemas = new ProjectionSchemas(db);
    schemas.migrateRegistry();
    ProjectionRegistry registry = new ProjectionRegistry(db);
    NetworkProjection network = new NetworkProjection(JSON);
    var net = schemas.activeOrCreate(network);
    Instant t = ServerEvents.START;
    new ProjectionWriter(network, db, ServerEvents.ENVELOPES, net.schema()).apply(List.of(
        record(0, new NetworkCreated(Network.newBuilder().setNetworkId("net-private").setProjectId("proj-1")
            .setName("private").build()), t),
        record(1, new SecurityGroupCreated(SecurityGroup.newBuilder().setSecurityGroupId("sg-default")
            .setProjectId("proj-1").setName("default").build(), List.of()), t)));
    schemas.activeOrCreate(projection);
    catalog = new ServerCatalog(db, registry, JSON);
    render = new ServerJson(JSON, "http://cloud.example/compute/v2.1", new NetworkCatalog(db, registry, JSON),
        java.util.Map::of);
  }

  private static ConsumerRecord<String, Envelope> record(long offset, org.apache.avro.specific.SpecificRecord event, Instant t) {
    return new ConsumerRecord<>("network.events", 0, offset, "net",
        ServerEvents.ENVELOPES.command(event, "net", "proj-1", dev.skyledger.platform.kafka.Envelopes.system(), "req", "net", t));
  }

  /** Applies what the live compute schema has not applied yet. */
  void apply(List<ConsumerRecord<String, Envelope>> records) {
    String live = schemas.active(ComputeProjection.NAME).orElseThrow().schema();
    new ProjectionWriter(projection, db, ServerEvents.ENVELOPES, live).apply(records);
  }

  @Override
  public void close() {
    db.close();
  }
}
