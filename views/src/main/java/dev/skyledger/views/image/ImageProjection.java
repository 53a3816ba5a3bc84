package dev.skyledger.views.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.events.Topic;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.image.ImageActivated;
import dev.skyledger.events.image.ImageCreated;
import dev.skyledger.events.image.ImageDeactivated;
import dev.skyledger.events.image.ImageDeleted;
import dev.skyledger.events.image.ImageMemberAdded;
import dev.skyledger.events.image.ImageMemberRemoved;
import dev.skyledger.events.image.ImageMemberStatusChanged;
import dev.skyledger.events.image.ImageReactivated;
import dev.skyledger.events.image.ImageUpdated;
import dev.skyledger.events.image.ImageUploadAborted;
import dev.skyledger.events.image.ImageUploadStarted;
import dev.skyledger.views.core.Projection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Projects image events into the image catalogue. */
public final class ImageProjection implements Projection {
  public static final String NAME = "image";

  private final ObjectMapper json;

  public ImageProjection(ObjectMapper json) {
    this.json = json;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Topic<String, Envelope>> topics() {
    return List.of(Topics.IMAGE_EVENTS);
  }

  @Override
  public String migrations() {
    return "classpath:db/image";
  }

  @Override
  public void apply(Connection c, ConsumerRecord<String, Envelope> record, SpecificRecord event) throws SQLException {
    Timestamp at = Timestamp.from(record.value().getTime());
    if (MetadefRows.apply(c, event, at)) return;
    if (event instanceof ImageCreated e) {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO images (id, owner, name, status, visibility, protected, "
          + "disk_format, container_format, min_disk, min_ram, tags, properties, created_at, updated_at, stream_key) "
          + "VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)")) {
        s.setString(1, e.getImageId());
        s.setString(2, e.getOwnerProjectId());
        s.setString(3, e.getName());
        s.setString(4, e.getVisibility());
        s.setBoolean(5, e.getProtected$());
        s.setString(6, e.getDiskFormat());
        s.setString(7, e.getContainerFormat());
        s.setInt(8, e.getMinDisk());
        s.setInt(9, e.getMinRam());
        s.setArray(10, c.createArrayOf("text", e.getTags().toArray()));
        s.setString(11, properties(e.getProperties()));
        s.setTimestamp(12, at);
        s.setTimestamp(13, at);
        s.setString(14, record.value().getStreamKey().isEmpty() ? e.getOwnerProjectId() : record.value().getStreamKey());
        s.executeUpdate();
      }
    } else if (event instanceof ImageUpdated e) {
      try (PreparedStatement s = c.prepareStatement("UPDATE images SET name = ?, visibility = ?, protected = ?, "
          + "disk_format = ?, container_format = ?, min_disk = ?, min_ram = ?, tags = ?, properties = ?::jsonb, "
          + "updated_at = ?, owner = coalesce(?, owner) WHERE id = ?")) {
        s.setString(1, e.getName());
        s.setString(2, e.getVisibility());
        s.setBoolean(3, e.getProtected$());
        s.setString(4, e.getDiskFormat());
        s.setString(5, e.getContainerFormat());
        s.setInt(6, e.getMinDisk());
        s.setInt(7, e.getMinRam());
        s.setArray(8, c.createArrayOf("text", e.getTags().toArray()));
        s.setString(9, properties(e.getProperties()));
        s.setTimestamp(10, at);
        s.setString(11, e.getOwnerProjectId());
        s.setString(12, e.getImageId());
        s.executeUpdate();
      }
    } else if (event instanceof ImageUploadStarted e) {
      status(c, e.getImageId(), "saving", at);
    } else if (event instanceof ImageUploadAborted e) {
      status(c, e.getImageId(), "queued", at);
    } else if (event instanceof ImageDeactivated e) {
      status(c, e.getImageId(), "deactivated", at);
    } else if (event instanceof ImageReactivated e) {
      status(c, e.getImageId(), "active", at);
    } else if (event instanceof ImageActivated e) {
      try (PreparedStatement s = c.prepareStatement("UPDATE images SET status = 'active', size = ?, virtual_size = ?, "
          + "checksum = ?, os_hash_algo = ?, os_hash_value = ?, location = ?, updated_at = ? WHERE id = ?")) {
        s.setLong(1, e.getSize());
        s.setObject(2, e.getVirtualSize());
        s.setString(3, e.getChecksum());
        s.setString(4, e.getHashAlgo());
        s.setString(5, e.getHashValue());
        s.setString(6, e.getLocation());
        s.setTimestamp(7, at);
        s.setString(8, e.getImageId());
        s.executeUpdate();
      }
    } else if (event instanceof ImageMemberAdded e) {
      Projection.execute(c, "INSERT INTO image_members (image_id, member, status, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?)",
          e.getImageId(), e.getMemberProjectId(), at, at);
    } else if (event instanceof ImageMemberStatusChanged e) {
      Projection.execute(c, "UPDATE image_members SET status = ?, updated_at = ? WHERE image_id = ? AND member = ?",
          e.getStatus(), at, e.getImageId(), e.getMemberProjectId());
    } else if (event instanceof ImageMemberRemoved e) {
      Projection.execute(c, "DELETE FROM image_members WHERE image_id = ? AND member = ?", e.getImageId(), e.getMemberProjectId());
    } else if (event instanceof ImageDeleted e) {
      Projection.execute(c, "DELETE FROM image_members WHERE image_id = ?", e.getImageId());
      try (PreparedStatement s = c.prepareStatement("DELETE FROM images WHERE id = ?")) {
        s.setString(1, e.getImageId());
        s.executeUpdate();
      }
    }
  }

  private static void status(Connection c, String id, String status, Timestamp at) throws SQLException {
    Projection.execute(c, "UPDATE images SET status = ?, updated_at = ? WHERE id = ?", status, at, id);
  }

  private String properties(Map<String, String> properties) {
    try {
      return json.writeValueAsString(properties);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
