package dev.skyledger.ops.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Glance's metadata definition catalogue and JSON schemas over HTTP: lifecycle, who may change it, who sees what, bad input. */
@ExtendWith(SkyTestKit.class)
class MetadefApiTest {
  private static final String NS = "/image/v2/metadefs/namespaces";
  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;

  @BeforeAll
  static void start(TestEnvironment env) {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    alice = admin.userWithRole("md-alice", "member");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  private static Set<String> names(JsonNode list, String field) {
    Set<String> out = new HashSet<>();
    list.forEach(n -> out.add(n.path(field).asText()));
    return out;
  }

  @Test
  void aNamespaceWithItsObjectsPropertiesTagsAndResourceTypesFromCreateToDelete() {
    var types = http.send("GET", "/image/v2/metadefs/resource_types", alice.token(), null);
    assertEquals(200, types.status());
    assertTrue(names(types.json().path("resource_types"), "name").contains("OS::Glance::Image"));

    var created = http.send("POST", NS, admin.token(), "{\"namespace\":\"md-life\",\"display_name\":\"Life\","
        + "\"visibility\":\"public\",\"protected\":true,\"resource_type_associations\":[{\"name\":\"OS::Glance::Image\"}]}");
    assertEquals(201, created.status(), created.raw().body());
    assertEquals("md-life", created.json().path("namespace").asText());
    assertEquals("OS::Glance::Image", created.json().path("resource_type_associations").get(0).path("name").asText());
    assertEquals(409, http.send("POST", NS, admin.token(), "{\"namespace\":\"md-life\"}").status());
    assertTrue(names(http.send("GET", NS, alice.token(), null).json().path("namespaces"), "namespace").contains("md-life"));
    assertTrue(names(http.send("GET", NS + "?resource_types=OS::Glance::Image", alice.token(), null).json().path("namespaces"),
        "namespace").contains("md-life"));
    assertFalse(names(http.send("GET", NS + "?resource_types=OS::Nova::Flavor", alice.token(), null).json().path("namespaces"),
        "namespace").contains("md-life"));

    var object = http.send("POST", NS + "/md-life/objects", admin.token(),
        "{\"name\":\"cpu\",\"description\":\"CPU\",\"properties\":{\"cores\":{\"title\":\"Cores\",\"type\":\"integer\"}}}");
    assertEquals(201, object.status(), object.raw().body());
    assertEquals("integer", object.json().path("properties").path("cores").path("type").asText());
    var renamed = http.send("PUT", NS + "/md-life/objects/cpu", admin.token(), "{\"name\":\"processor\"}");
    assertEquals(200, renamed.status(), renamed.raw().body());
    assertEquals(404, http.send("GET", NS + "/md-life/objects/cpu", alice.token(), null).status());
    assertEquals("processor", http.send("GET", NS + "/md-life/objects/processor", alice.token(), null).json().path("name").asText());

    var property = http.send("POST", NS + "/md-life/properties", admin.token(),
        "{\"name\":\"hypervisor\",\"title\":\"Hypervisor\",\"type\":\"string\",\"enum\":[\"kvm\",\"qemu\"]}");
    assertEquals(201, property.status(), property.raw().body());
    assertEquals("Hypervisor", property.json().path("title").asText());
    assertEquals(400, http.send("POST", NS + "/md-life/properties", admin.token(), "{\"name\":\"no-type\",\"title\":\"T\"}").status());
    var properties = http.send("GET", NS + "/md-life/properties", alice.token(), null).json().path("properties");
    assertEquals("kvm", properties.path("hypervisor").path("enum").get(0).asText());

    var tags = http.send("POST", NS + "/md-life/tags", admin.token(), "{\"tags\":[{\"name\":\"a\"},{\"name\":\"b\"}]}");
    assertEquals(201, tags.status(), tags.raw().body());
    assertEquals(201, http.send("POST", NS + "/md-life/tags/c", admin.token(), null).status());
    assertEquals(409, http.send("POST", NS + "/md-life/tags/C", admin.token(), null).status());
    assertEquals(Set.of("a", "b", "c"), names(http.send("GET", NS + "/md-life/tags", alice.token(), null).json().path("tags"), "name"));
    var replaced = http.send("POST", NS + "/md-life/tags", admin.token(), "{\"tags\":[{\"name\":\"z\"}]}");
    assertEquals(201, replaced.status());
    assertEquals(Set.of("z"), names(http.send("GET", NS + "/md-life/tags", alice.token(), null).json().path("tags"), "name"));
    assertEquals(201, http.send("POST", NS + "/md-life/tags", admin.token(), "{\"tags\":[{\"name\":\"y\"}]}", "application/json",
        Map.of("X-Openstack-Append", "True")).status());
    assertEquals(Set.of("y", "z"), names(http.send("GET", NS + "/md-life/tags", alice.token(), null).json().path("tags"), "name"));

    JsonNode shown = http.send("GET", NS + "/md-life", alice.token(), null).json();
    assertEquals("processor", shown.path("objects").get(0).path("name").asText());
    assertEquals("Hypervisor", shown.path("properties").path("hypervisor").path("title").asText());

    assertEquals(403, http.send("DELETE", NS + "/md-life", admin.token(), null).status(), "protected");
    var unprotected = http.send("PUT", NS + "/md-life", admin.token(),
        "{\"namespace\":\"md-life-2\",\"visibility\":\"private\",\"protected\":false}");
    assertEquals(200, unprotected.status(), unprotected.raw().body());
    assertEquals("private", unprotected.json().path("visibility").asText());
    assertEquals(404, http.send("GET", NS + "/md-life", admin.token(), null).status());
    assertEquals(404, http.send("GET", NS + "/md-life-2", alice.token(), null).status(), "another project's private namespace");
    assertEquals("processor", http.send("GET", NS + "/md-life-2/objects/processor", admin.token(), null).json().path("name").asText());
    assertEquals(204, http.send("DELETE", NS + "/md-life-2", admin.token(), null).status());
    assertEquals(404, http.send("GET", NS + "/md-life-2", admin.token(), null).status());
  }

  @Test
  void onlyAnAdministratorChangesTheCatalogueAndAPrivateNamespaceIsInvisibleToOtherProjects() {
    var refused = http.send("POST", NS, alice.token(), "{\"namespace\":\"md-alices\"}");
    assertEquals(403, refused.status());
    assertEquals(201, http.send("POST", NS, admin.token(), "{\"namespace\":\"md-hidden\",\"visibility\":\"private\"}").status());
    assertEquals(404, http.send("GET", NS + "/md-hidden", alice.token(), null).status());
    assertEquals(404, http.send("POST", NS + "/md-hidden/tags/x", alice.token(), null).status());
    assertEquals(404, http.send("DELETE", NS + "/md-hidden", alice.token(), null).status());
    assertFalse(names(http.send("GET", NS, alice.token(), null).json().path("namespaces"), "namespace").contains("md-hidden"));
    assertEquals(201, http.send("POST", NS, admin.token(), "{\"namespace\":\"md-open\",\"visibility\":\"public\"}").status());
    assertEquals(403, http.send("POST", NS + "/md-open/tags/x", alice.token(), null).status());
    assertEquals(403, http.send("DELETE", NS + "/md-open", alice.token(), null).status());
  }

  @Test
  void resourceTypeAssociationsAreStateOfTheirNamespace() {
    assertEquals(201, http.send("POST", NS, admin.token(), "{\"namespace\":\"md-rt\",\"visibility\":\"public\"}").status());
    var associated = http.send("POST", NS + "/md-rt/resource_types", admin.token(), "{\"name\":\"OS::Nova::Flavor\",\"prefix\":\"hw:\"}");
    assertEquals(201, associated.status(), associated.raw().body());
    assertEquals("hw:", associated.json().path("prefix").asText());
    assertEquals(409, http.send("POST", NS + "/md-rt/resource_types", admin.token(), "{\"name\":\"OS::Nova::Flavor\"}").status());
    assertEquals(Set.of("OS::Nova::Flavor"), names(http.send("GET", NS + "/md-rt/resource_types", alice.token(), null)
        .json().path("resource_type_associations"), "name"));
    assertEquals(204, http.send("DELETE", NS + "/md-rt/resource_types/OS::Nova::Flavor", admin.token(), null).status());
    assertEquals(0, http.send("GET", NS + "/md-rt/resource_types", alice.token(), null).json().path("resource_type_associations").size());
    assertEquals(404, http.send("DELETE", NS + "/md-rt/resource_types/OS::Nova::Flavor", admin.token(), null).status());
  }

  @Test
  void namespacesComeInPagesWithNextLinks() {
    for (int i = 0; i < 3; i++) {
      assertEquals(201, http.send("POST", NS, admin.token(), "{\"namespace\":\"md-page-" + i + "\",\"visibility\":\"public\","
          + "\"resource_type_associations\":[{\"name\":\"OS::Paging::Test\"}]}").status());
    }
    Set<String> seen = new HashSet<>();
    String next = NS + "?resource_types=OS::Paging::Test&limit=2&sort_key=namespace&sort_dir=asc";
    int pages = 0;
    while (next != null) {
      JsonNode page = http.send("GET", next, alice.token(), null).json();
      page.path("namespaces").forEach(n -> assertTrue(seen.add(n.path("namespace").asText()), "each once"));
      next = page.has("next") ? "/image" + page.path("next").asText() : null;
      pages++;
    }
    assertEquals(Set.of("md-page-0", "md-page-1", "md-page-2"), seen);
    assertEquals(2, pages);
    assertTrue(names(http.send("GET", "/image/v2/metadefs/resource_types", alice.token(), null).json()
        .path("resource_types"), "name").contains("OS::Paging::Test"), "a resource type an association named");
    assertEquals(400, http.send("GET", NS + "?sort_key=colour", alice.token(), null).status());
    assertEquals(404, http.send("GET", NS + "?marker=md-nowhere", alice.token(), null).status());
  }

  @Test
  void badInputIsA400AndNothingIsWritten() {
    assertEquals(400, http.send("POST", NS, admin.token(), "{\"display_name\":\"no name\"}").status());
    assertEquals(400, http.send("POST", NS, admin.token(), "{\"namespace\":\"md-bad\",\"visibility\":\"shared\"}").status());
    assertEquals(400, http.send("POST", NS, admin.token(), "{\"namespace\":\"" + "n".repeat(81) + "\"}").status());
    assertEquals(400, http.send("POST", NS, admin.token(), "{\"namespace\":\"md-bad\",\"protected\":\"yes\"}").status());
    assertEquals(404, http.send("GET", NS + "/md-bad", admin.token(), null).status());
    assertEquals(404, http.send("POST", NS + "/md-missing/objects", admin.token(), "{\"name\":\"o\"}").status());
  }

  @Test
  void glancesSchemasAreServed() {
    Map<String, String> expected = Map.ofEntries(Map.entry("member", "member"), Map.entry("members", "members"),
        Map.entry("image", "image"), Map.entry("images", "images"),
        Map.entry("metadefs/namespace", "namespace"), Map.entry("metadefs/namespaces", "namespaces"),
        Map.entry("metadefs/object", "object"), Map.entry("metadefs/objects", "objects"),
        Map.entry("metadefs/property", "property"), Map.entry("metadefs/properties", "properties"),
        Map.entry("metadefs/resource_type", "resource_type_association"),
        Map.entry("metadefs/resource_types", "resource_type_associations"),
        Map.entry("metadefs/tag", "tag"), Map.entry("metadefs/tags", "tags"));
    expected.forEach((path, name) -> {
      var r = http.send("GET", "/image/v2/schemas/" + path, alice.token(), null);
      assertEquals(200, r.status(), path);
      assertEquals(name, r.json().path("name").asText(), path);
    });
    assertEquals(404, http.send("GET", "/image/v2/schemas/metadefs/nothing", alice.token(), null).status());
    assertEquals(401, http.send("GET", "/image/v2/schemas/image", null, null).status());
  }
}
