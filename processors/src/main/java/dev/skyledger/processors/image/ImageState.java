package dev.skyledger.processors.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.processors.core.KeyValues;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The image decider's state: the images of the projects of this partition, as JSON rows. */
final class ImageState {
  /**
   * One image. {@code stream}: the project whose stream it is decided on and whose quota it counts
   * in, its owner when it was created (null in rows written before an owner could change: the owner).
   */
  record Image(String id, String owner, String name, String diskFormat, String containerFormat, String visibility,
               boolean isProtected, int minDisk, int minRam, List<String> tags, Map<String, String> properties,
               String status, String stream) {
    Image withStatus(String next) {
      return new Image(id, owner, name, diskFormat, containerFormat, visibility, isProtected, minDisk, minRam, tags,
          properties, next, stream);
    }

    String quotaProject() {
      return stream == null ? owner : stream;
    }
  }

  private final KeyValues kv;
  private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  ImageState(KeyValues kv) {
    this.kv = kv;
  }

  /** The metadata definition catalogue, kept in the same store under keys of its own. */
  MetadefState metadefs() {
    return new MetadefState(kv);
  }

  /** How many images a project has. */
  int imageCount(String projectId) {
    return kv.get("qc/" + projectId).map(Integer::parseInt).orElse(0);
  }

  /** How many bytes of image data a project stores. */
  long storedBytes(String projectId) {
    return kv.get("qb/" + projectId).map(Long::parseLong).orElse(0L);
  }

  void addUsage(String projectId, int images, long bytes) {
    kv.put("qc/" + projectId, Integer.toString(imageCount(projectId) + images));
    kv.put("qb/" + projectId, Long.toString(storedBytes(projectId) + bytes));
  }

  long size(String imageId) {
    return kv.get("sz/" + imageId).map(Long::parseLong).orElse(0L);
  }

  void setSize(String imageId, long size) {
    kv.put("sz/" + imageId, Long.toString(size));
  }

  /** A project's membership of a shared image: pending, accepted or rejected. */
  Optional<String> member(String imageId, String projectId) {
    return kv.get("m/" + imageId + "/" + projectId);
  }

  void putMember(String imageId, String projectId, String status) {
    kv.put("m/" + imageId + "/" + projectId, status);
  }

  void removeMember(String imageId, String projectId) {
    kv.delete("m/" + imageId + "/" + projectId);
  }

  void removeMembers(String imageId) {
    kv.prefix("m/" + imageId + "/").forEach(e -> kv.delete(e.getKey()));
  }

  Optional<Image> image(String id) {
    return kv.get("i/" + id).map(value -> {
      try {
        return json.readValue(value, Image.class);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("corrupt image row " + id, e);
      }
    });
  }

  void put(Image image) {
    try {
      kv.put("i/" + image.id(), json.writeValueAsString(image));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  void delete(String id) {
    kv.delete("i/" + id);
    kv.delete("sz/" + id);
  }
}
