package dev.skyledger.views.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/** Renders images the way Glance v2 does: one flat object, custom properties beside the core ones. */
public final class ImageJson {
  /** Properties a client may not set: Glance's core attributes and the ones only the service writes. */
  public static final Set<String> RESERVED = Set.of("id", "status", "owner", "size", "virtual_size", "checksum",
      "os_hash_algo", "os_hash_value", "created_at", "updated_at", "file", "self", "schema", "location", "locations",
      "direct_url", "deleted", "deleted_at", "stores", "os_hidden");

  private final ObjectMapper json;

  public ImageJson(ObjectMapper json) {
    this.json = json;
  }

  public ObjectMapper mapper() {
    return json;
  }

  public ObjectNode member(ImageCatalog.Member m) {
    ObjectNode node = json.createObjectNode();
    node.put("image_id", m.imageId());
    node.put("member_id", m.memberId());
    node.put("status", m.status());
    node.put("created_at", m.createdAt().truncatedTo(ChronoUnit.SECONDS).toString());
    node.put("updated_at", m.updatedAt().truncatedTo(ChronoUnit.SECONDS).toString());
    node.put("schema", "/v2/schemas/member");
    return node;
  }

  public ObjectNode image(ImageCatalog.Image i) {
    ObjectNode node = json.createObjectNode();
    i.properties().forEach(node::put);
    node.put("id", i.id());
    node.put("name", i.name());
    node.put("status", i.status());
    node.put("visibility", i.visibility());
    node.put("protected", i.isProtected());
    node.put("os_hidden", false);
    node.put("owner", i.owner());
    node.put("disk_format", i.diskFormat());
    node.put("container_format", i.containerFormat());
    node.put("min_disk", i.minDisk());
    node.put("min_ram", i.minRam());
    node.put("size", i.size());
    node.put("virtual_size", i.virtualSize());
    node.put("checksum", i.checksum());
    node.put("os_hash_algo", i.osHashAlgo());
    node.put("os_hash_value", i.osHashValue());
    ArrayNode tags = node.putArray("tags");
    i.tags().forEach(tags::add);
    node.put("created_at", i.createdAt().truncatedTo(ChronoUnit.SECONDS).toString());
    node.put("updated_at", i.updatedAt().truncatedTo(ChronoUnit.SECONDS).toString());
    node.put("self", "/v2/images/" + i.id());
    node.put("file", "/v2/images/" + i.id() + "/file");
    node.put("schema", "/v2/schemas/image");
    return node;
  }
}
