package dev.skyledger.projectors.compute;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.events.Topic;
import dev.skyledger.events.Topics;
import dev.skyledger.events.compute.ComputeQuotaSet;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.events.compute.FlavorAccessAdded;
import dev.skyledger.events.compute.FlavorAccessRemoved;
import dev.skyledger.events.compute.FlavorCreated;
import dev.skyledger.events.compute.FlavorDeleted;
import dev.skyledger.events.compute.FlavorUpdated;
import dev.skyledger.events.compute.Keypair;
import dev.skyledger.events.compute.KeypairCreated;
import dev.skyledger.events.compute.KeypairDeleted;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.projectors.core.Projection;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Projects compute events into the views Nova's read API serves. */
public final class ComputeProjection implements Projection {
  public static final String NAME = "compute";
  private final ObjectMapper json;

  public ComputeProjection(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Topic<String, Envelope>> topics() {
    return List.of(Topics.COMPUTE_EVENTS);
  }

  @Override
  public String migrations() {
    return "classpath:db/compute";
  }

  @Override
  public void apply(Connection c, ConsumerRecord<String, Envelope> record, SpecificRecord event) throws SQLException {
    Timestamp at = Timestamp.from(record.value().getTime());
    if (event instanceof FlavorCreated e) {
      Flavor f = e.getFlavor();
      Projection.execute(c, "INSERT INTO flavors (id, name, vcpus, ram_mb, disk_gb, ephemeral_gb, swap_mb, rxtx_factor, is_public,"
          + " description, extra_specs, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)",
          f.getFlavorId(), f.getName(), f.getVcpus(), f.getRamMb(), f.getDiskGb(), f.getEphemeralGb(), f.getSwapMb(),
          f.getRxtxFactor(), f.getIsPublic(), f.getDescription(), specs(f.getExtraSpecs()), at, at);
    } else if (event instanceof FlavorUpdated e) {
      Flavor f = e.getFlavor();
      Projection.execute(c, "UPDATE flavors SET description = ?, extra_specs = ?::jsonb, updated_at = ? WHERE id = ?",
          f.getDescription(), specs(f.getExtraSpecs()), at, f.getFlavorId());
    } else if (event instanceof FlavorDeleted e) {
      Projection.execute(c, "DELETE FROM flavor_access WHERE flavor_id = ?", e.getFlavorId());
      Projection.execute(c, "DELETE FROM flavors WHERE id = ?", e.getFlavorId());
    } else if (event instanceof FlavorAccessAdded e) {
      Projection.execute(c, "INSERT INTO flavor_access (flavor_id, project_id) VALUES (?, ?)", e.getFlavorId(), e.getProjectId());
    } else if (event instanceof FlavorAccessRemoved e) {
      Projection.execute(c, "DELETE FROM flavor_access WHERE flavor_id = ? AND project_id = ?", e.getFlavorId(), e.getProjectId());
    } else if (event instanceof KeypairCreated e) {
      Keypair k = e.getKeypair();
      Projection.execute(c, "INSERT INTO keypairs (user_id, name, public_key, fingerprint, type, created_at) VALUES (?, ?, ?, ?, ?, ?)",
          k.getUserId(), k.getName(), k.getPublicKey(), k.getFingerprint(), k.getType(), at);
    } else if (event instanceof KeypairDeleted e) {
      Projection.execute(c, "DELETE FROM keypairs WHERE user_id = ? AND name = ?", e.getKeypair().getUserId(), e.getKeypair().getName());
    } else if (event instanceof dev.skyledger.events.compute.ComputeServiceStatusChanged e) {
      Projection.execute(c, "INSERT INTO compute_services (host_id, enabled, disabled_reason, updated_at) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (host_id) DO UPDATE SET enabled = EXCLUDED.enabled, disabled_reason = EXCLUDED.disabled_reason,"
          + " updated_at = EXCLUDED.updated_at", e.getHostId(), e.getEnabled(), e.getDisabledReason(), at);
    } else if (event instanceof ComputeQuotaSet e) {
      Projection.execute(c, "DELETE FROM compute_quotas WHERE project_id = ?", e.getProjectId());
      for (var limit : e.getLimits().entrySet()) {
        Projection.execute(c, "INSERT INTO compute_quotas (project_id, resource, limit_value) VALUES (?, ?, ?)",
            e.getProjectId(), limit.getKey(), limit.getValue());
      }
    }
  }

  private String specs(Map<String, String> specs) {
    try {
      return json.writeValueAsString(specs);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
