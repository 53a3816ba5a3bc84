package dev.skyledger.ops.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The image catalogue (Glance v2 metadata) over HTTP: lifecycle, visibility between projects, bad input. */
@ExtendWith(SkyTestKit.class)
class ImageApiTest {
  private static final String PATCH = "application/openstack-images-v2.1-json-patch";
  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped bob;
  static KeystoneAdmin.Scoped reader;

  @BeforeAll
  static void start(TestEnvironment env) {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    alice = admin.userWithRole("img-alice", "member");
    bob = admin.userWithRole("img-bob", "member");
    reader = admin.userWithRole("img-reader", "reader");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  private static JsonNode create(String token, String body) {
    var r = http.send("POST", "/image/v2/images", token, body);
    assertEquals(201, r.status(), r.raw().body());
    return r.json();
  }

  @Test
  void versionDiscoveryAtTheEndpointRoot() {
    var r = http.send("GET", "/image", null, null);
    assertEquals(300, r.status());
    assertEquals("CURRENT", r.json().path("versions").get(0).path("status").asText());
    assertTrue(r.json().path("versions").get(0).path("links").get(0).path("href").asText().endsWith("/image/v2/"));
  }

  @Test
  void createShowPatchTagAndDelete() {
    JsonNode image = create(alice.token(), "{\"name\":\"cirros\",\"disk_format\":\"qcow2\",\"container_format\":\"bare\","
        + "\"visibility\":\"private\",\"min_ram\":64,\"tags\":[\"small\"],\"os_distro\":\"cirros\"}");
    String id = image.path("id").asText();
    assertEquals("queued", image.path("status").asText());
    assertEquals(alice.projectId(), image.path("owner").asText());
    assertEquals("cirros", image.path("os_distro").asText());
    assertEquals(64, image.path("min_ram").asInt());

    var shown = http.send("GET", "/image/v2/images/" + id, alice.token(), null);
    assertEquals(200, shown.status());
    assertEquals("cirros", shown.json().path("name").asText());

    var patched = http.send("PATCH", "/image/v2/images/" + id, alice.token(),
        "[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"cirros-0.6\"},{\"op\":\"add\",\"path\":\"/hw_disk_bus\","
            + "\"value\":\"virtio\"},{\"op\":\"remove\",\"path\":\"/os_distro\"},{\"op\":\"add\",\"path\":\"/tags/-\",\"value\":\"test\"}]",
        PATCH);
    assertEquals(200, patched.status(), patched.raw().body());
    assertEquals("cirros-0.6", patched.json().path("name").asText());
    assertEquals("virtio", patched.json().path("hw_disk_bus").asText());
    assertFalse(patched.json().has("os_distro"));
    Set<String> tags = new HashSet<>();
    patched.json().path("tags").forEach(t -> tags.add(t.asText()));
    assertEquals(Set.of("small", "test"), tags);

    assertEquals(204, http.send("PUT", "/image/v2/images/" + id + "/tags/extra", alice.token(), null).status());
    assertEquals(204, http.send("DELETE", "/image/v2/images/" + id + "/tags/small", alice.token(), null).status());
    tags.clear();
    http.send("GET", "/image/v2/images/" + id, alice.token(), null).json().path("tags").forEach(t -> tags.add(t.asText()));
    assertEquals(Set.of("test", "extra"), tags);

    assertEquals(204, http.send("DELETE", "/image/v2/images/" + id, alice.token(), null).status());
    assertEquals(404, http.send("GET", "/image/v2/images/" + id, alice.token(), null).status());
  }

  @Test
  void aPrivateImageIsInvisibleToAnotherProjectAndAPublicOneIsNot() {
    String hidden = create(alice.token(), "{\"name\":\"alice-private\",\"visibility\":\"private\"}").path("id").asText();
    String shared = create(admin.token(), "{\"name\":\"everyone\",\"visibility\":\"public\"}").path("id").asText();
    assertEquals(404, http.send("GET", "/image/v2/images/" + hidden, bob.token(), null).status());
    assertEquals(404, http.send("DELETE", "/image/v2/images/" + hidden, bob.token(), null).status());
    assertEquals(404, http.send("PATCH", "/image/v2/images/" + hidden, bob.token(), "[]", PATCH).status());
    Set<String> bobSees = new HashSet<>();
    http.send("GET", "/image/v2/images", bob.token(), null).json().path("images").forEach(i -> bobSees.add(i.path("id").asText()));
    assertFalse(bobSees.contains(hidden));
    assertTrue(bobSees.contains(shared));
    assertEquals(200, http.send("GET", "/image/v2/images/" + shared, bob.token(), null).status());
    assertEquals(403, http.send("DELETE", "/image/v2/images/" + shared, bob.token(), null).status());
  }

  private static Set<String> listed(String token, String query) {
    Set<String> ids = new HashSet<>();
    http.send("GET", "/image/v2/images" + query, token, null).json().path("images").forEach(i -> ids.add(i.path("id").asText()));
    return ids;
  }

  @Test
  void aSharedImageReachesAMemberProjectOnceItAccepts() {
    String id = create(alice.token(), "{\"name\":\"to-share\"}").path("id").asText();
    assertEquals("shared", http.send("GET", "/image/v2/images/" + id, alice.token(), null).json().path("visibility").asText());
    assertEquals(404, http.send("GET", "/image/v2/images/" + id, bob.token(), null).status());

    var added = http.send("POST", "/image/v2/images/" + id + "/members", alice.token(), "{\"member\":\"" + bob.projectId() + "\"}");
    assertEquals(200, added.status(), added.raw().body());
    assertEquals("pending", added.json().path("status").asText());
    assertEquals(409, http.send("POST", "/image/v2/images/" + id + "/members", alice.token(),
        "{\"member\":\"" + bob.projectId() + "\"}").status());

    assertEquals(200, http.send("GET", "/image/v2/images/" + id, bob.token(), null).status());
    assertFalse(listed(bob.token(), "").contains(id), "pending images are not listed by default");
    assertTrue(listed(bob.token(), "?member_status=pending").contains(id));
    assertEquals(403, http.send("PUT", "/image/v2/images/" + id + "/members/" + bob.projectId(), alice.token(),
        "{\"status\":\"accepted\"}").status(), "only the member decides");
    var accepted = http.send("PUT", "/image/v2/images/" + id + "/members/" + bob.projectId(), bob.token(),
        "{\"status\":\"accepted\"}");
    assertEquals(200, accepted.status(), accepted.raw().body());
    assertEquals("accepted", accepted.json().path("status").asText());
    assertTrue(listed(bob.token(), "").contains(id));
    assertEquals(1, http.send("GET", "/image/v2/images/" + id + "/members", alice.token(), null).json().path("members").size());
    assertEquals(403, http.send("DELETE", "/image/v2/images/" + id, bob.token(), null).status(), "a member may not delete");

    assertEquals(204, http.send("DELETE", "/image/v2/images/" + id + "/members/" + bob.projectId(), alice.token(), null).status());
    assertEquals(404, http.send("GET", "/image/v2/images/" + id, bob.token(), null).status());

    String privateImage = create(alice.token(), "{\"name\":\"not-shareable\",\"visibility\":\"private\"}").path("id").asText();
    assertEquals(403, http.send("POST", "/image/v2/images/" + privateImage + "/members", alice.token(),
        "{\"member\":\"" + bob.projectId() + "\"}").status());
  }

  @Test
  void onlyAnAdministratorMayPublishAnImage() {
    var r = http.send("POST", "/image/v2/images", alice.token(), "{\"name\":\"nope\",\"visibility\":\"public\"}");
    assertEquals(403, r.status(), r.raw().body());
    String id = create(alice.token(), "{\"name\":\"later-public\"}").path("id").asText();
    var patch = http.send("PATCH", "/image/v2/images/" + id, alice.token(),
        "[{\"op\":\"replace\",\"path\":\"/visibility\",\"value\":\"public\"}]", PATCH);
    assertEquals(403, patch.status());
    assertEquals(403, http.send("POST", "/image/v2/images", reader.token(), "{\"name\":\"by-reader\"}").status());
    var byName = http.send("GET", "/image/v2/images?name=nope", admin.token(), null);
    assertEquals(0, byName.json().path("images").size(), "nothing half-written");
  }

  @Test
  void listFiltersAndPagesWithNextLinks() {
    for (int i = 0; i < 5; i++) create(bob.token(), "{\"name\":\"page-" + i + "\",\"disk_format\":\"raw\",\"container_format\":\"bare\",\"tags\":[\"paged\"]}");
    Set<String> names = new HashSet<>();
    String next = "/v2/images?tag=paged&limit=2&sort_key=name&sort_dir=asc";
    int pages = 0;
    while (next != null && pages < 10) {
      var r = http.send("GET", "/image" + next, bob.token(), null);
      assertEquals(200, r.status(), r.raw().body());
      r.json().path("images").forEach(i -> names.add(i.path("name").asText()));
      next = r.json().has("next") ? r.json().path("next").asText() : null;
      pages++;
    }
    assertEquals(Set.of("page-0", "page-1", "page-2", "page-3", "page-4"), names);
    assertTrue(pages >= 3);
    var byFormat = http.send("GET", "/image/v2/images?disk_format=raw&name=page-3", bob.token(), null);
    assertEquals(1, byFormat.json().path("images").size());
  }

  private static final Map<String, String> OCTETS = Map.of("Content-Type", "application/octet-stream");

  @Test
  void listFiltersBySizeAndSortsWithEitherSyntax() {
    for (int size : new int[] {1000, 2000, 3000}) {
      String id = create(bob.token(), "{\"name\":\"sized-" + size + "\",\"disk_format\":\"raw\","
          + "\"container_format\":\"bare\",\"tags\":[\"sized\"]}").path("id").asText();
      assertEquals(204, http.bytes("PUT", "/image/v2/images/" + id + "/file", bob.token(), new byte[size], OCTETS)
          .statusCode());
    }
    var between = http.send("GET", "/image/v2/images?tag=sized&size_min=1500&size_max=2500", bob.token(), null);
    assertEquals(List.of("sized-2000"), names(between.json()));
    assertEquals(List.of("sized-3000"), names(http.send("GET", "/image/v2/images?tag=sized&size=3000", bob.token(),
        null).json()));
    assertEquals(List.of("sized-3000", "sized-2000", "sized-1000"), names(http.send("GET",
        "/image/v2/images?tag=sized&sort=size:desc", bob.token(), null).json()));
    assertEquals(List.of("sized-1000", "sized-2000", "sized-3000"), names(http.send("GET",
        "/image/v2/images?tag=sized&sort=size:asc,name", bob.token(), null).json()));
    assertEquals(400, http.send("GET", "/image/v2/images?sort=size:desc&sort_key=name", bob.token(), null).status());
    assertEquals(400, http.send("GET", "/image/v2/images?size_min=big", bob.token(), null).status());
  }

  private static List<String> names(com.fasterxml.jackson.databind.JsonNode body) {
    List<String> names = new java.util.ArrayList<>();
    body.path("images").forEach(i -> names.add(i.path("name").asText()));
    return names;
  }

  private static String status(String token, String id) {
    return http.send("GET", "/image/v2/images/" + id, token, null).json().path("status").asText();
  }

  @Test
  void uploadedDataComesBackWholeAndInRangesWithItsChecksums() throws Exception {
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(7).nextBytes(data);
    String id = create(alice.token(), "{\"name\":\"data\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}")
        .path("id").asText();
    assertEquals(204, http.bytes("GET", "/image/v2/images/" + id + "/file", alice.token(), null, Map.of()).statusCode(),
        "a queued image has no data");
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + id + "/file", alice.token(), data, OCTETS).statusCode());

    JsonNode image = http.send("GET", "/image/v2/images/" + id, alice.token(), null).json();
    String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    assertEquals("active", image.path("status").asText());
    assertEquals(data.length, image.path("size").asLong());
    assertEquals(data.length, image.path("virtual_size").asLong());
    assertEquals(md5, image.path("checksum").asText());
    assertEquals("sha512", image.path("os_hash_algo").asText());
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(data)), image.path("os_hash_value").asText());

    var whole = http.bytes("GET", "/image/v2/images/" + id + "/file", alice.token(), null, Map.of());
    assertEquals(200, whole.statusCode());
    assertArrayEquals(data, whole.body());
    assertEquals(md5, whole.headers().firstValue("Content-MD5").orElse(null));

    var part = http.bytes("GET", "/image/v2/images/" + id + "/file", alice.token(), null, Map.of("Range", "bytes=100-199"));
    assertEquals(206, part.statusCode());
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 100, 200), part.body());
    assertEquals("bytes 100-199/" + data.length, part.headers().firstValue("Content-Range").orElse(null));
    var last = http.bytes("GET", "/image/v2/images/" + id + "/file", alice.token(), null, Map.of("Range", "bytes=-5"));
    assertArrayEquals(java.util.Arrays.copyOfRange(data, data.length - 5, data.length), last.body());
    assertEquals(416, http.bytes("GET", "/image/v2/images/" + id + "/file", alice.token(), null,
        Map.of("Range", "bytes=" + data.length + "-")).statusCode());

    assertEquals(409, http.bytes("PUT", "/image/v2/images/" + id + "/file", alice.token(), data, OCTETS).statusCode(),
        "data goes only to a queued image");

    assertEquals(204, http.send("POST", "/image/v2/images/" + id + "/actions/deactivate", alice.token(), null).status());
    assertEquals("deactivated", status(alice.token(), id));
    assertEquals(403, http.bytes("GET", "/image/v2/images/" + id + "/file", alice.token(), null, Map.of()).statusCode(),
        "a deactivated image's data is not served to tenants");
    assertEquals(200, http.bytes("GET", "/image/v2/images/" + id + "/file", admin.token(), null, Map.of()).statusCode());
    assertEquals(204, http.send("POST", "/image/v2/images/" + id + "/actions/reactivate", alice.token(), null).status());
    assertEquals(200, http.bytes("GET", "/image/v2/images/" + id + "/file", alice.token(), null, Map.of()).statusCode());
    assertEquals(404, http.bytes("GET", "/image/v2/images/" + id + "/file", bob.token(), null, Map.of()).statusCode());

    assertEquals(204, http.send("DELETE", "/image/v2/images/" + id, alice.token(), null).status());
    assertEquals(404, http.bytes("GET", "/image/v2/images/" + id + "/file", alice.token(), null, Map.of()).statusCode());
    try (var files = java.nio.file.Files.list(cloud.config().imageDir())) {
      assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith(id)), "the data is deleted with the image");
    }
  }

  @Test
  void aRefusedUploadLeavesTheImageQueuedAndNoData() throws Exception {
    String qcow2 = create(alice.token(), "{\"name\":\"liar\",\"disk_format\":\"qcow2\",\"container_format\":\"bare\"}")
        .path("id").asText();
    var wrong = http.bytes("PUT", "/image/v2/images/" + qcow2 + "/file", alice.token(), "plain text".getBytes(), OCTETS);
    assertEquals(400, wrong.statusCode());
    assertTrue(new String(wrong.body()).contains("not a qcow2 image"), new String(wrong.body()));
    assertEquals("queued", status(alice.token(), qcow2));
    assertEquals(400, http.bytes("PUT", "/image/v2/images/" + qcow2 + "/file", alice.token(), new byte[0], OCTETS).statusCode());
    assertEquals("queued", status(alice.token(), qcow2));

    String noFormat = create(alice.token(), "{\"name\":\"formless\"}").path("id").asText();
    var formless = http.bytes("PUT", "/image/v2/images/" + noFormat + "/file", alice.token(), "x".getBytes(), OCTETS);
    assertEquals(400, formless.statusCode());
    assertTrue(new String(formless.body()).contains("disk_format"));
    try (var files = java.nio.file.Files.list(cloud.config().imageDir())) {
      assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith(qcow2)), "no data kept");
    }
    assertEquals(404, http.bytes("PUT", "/image/v2/images/" + qcow2 + "/file", bob.token(), "x".getBytes(), OCTETS).statusCode());
  }

  @Test
  void anInterruptedUploadPutsTheImageBackToQueuedAndKeepsNoData() throws Exception {
    String id = create(alice.token(), "{\"name\":\"cut-off\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}")
        .path("id").asText();
    java.net.URI uri = java.net.URI.create(cloud.config().publicUrl());
    try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
      var out = socket.getOutputStream();
      out.write(("PUT /image/v2/images/" + id + "/file HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nX-Auth-Token: "
          + alice.token() + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 10000000\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(new byte[200_000]);
      out.flush();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!status(alice.token(), id).equals("saving") && System.nanoTime() < deadline) Thread.sleep(20);
      assertEquals("saving", status(alice.token(), id), "the upload was under way when the client went away");
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!status(alice.token(), id).equals("queued") && System.nanoTime() < deadline) Thread.sleep(50);
    assertEquals("queued", status(alice.token(), id));
    try (var files = java.nio.file.Files.list(cloud.config().imageDir())) {
      assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith(id)), "no partial file is left");
    }
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + id + "/file", alice.token(), new byte[1000], OCTETS).statusCode(),
        "the image takes data again");
  }

  @Test
  void anAdministratorGivesAnImageToAnotherProjectOnCreateOrByPatchAndOthersMayNot() {
    var refused = http.send("POST", "/image/v2/images", alice.token(), "{\"name\":\"theirs\",\"owner\":\"" + bob.projectId() + "\"}");
    assertEquals(403, refused.status());
    assertTrue(refused.json().path("error").path("message").asText().contains("not permitted to create images owned by"));

    JsonNode forBob = create(admin.token(), "{\"name\":\"for-bob\",\"visibility\":\"private\",\"owner\":\"" + bob.projectId() + "\"}");
    String id = forBob.path("id").asText();
    assertEquals(bob.projectId(), forBob.path("owner").asText());
    assertEquals(200, http.send("GET", "/image/v2/images/" + id, bob.token(), null).status());

    var byBob = http.send("PATCH", "/image/v2/images/" + id, bob.token(),
        "[{\"op\":\"replace\",\"path\":\"/owner\",\"value\":\"" + alice.projectId() + "\"}]", PATCH);
    assertEquals(403, byBob.status());
    assertEquals("Owner can't be updated by non admin.", byBob.json().path("error").path("message").asText());

    var given = http.send("PATCH", "/image/v2/images/" + id, admin.token(),
        "[{\"op\":\"replace\",\"path\":\"/owner\",\"value\":\"" + alice.projectId() + "\"}]", PATCH);
    assertEquals(200, given.status(), given.raw().body());
    assertEquals(alice.projectId(), given.json().path("owner").asText());
    assertEquals(404, http.send("GET", "/image/v2/images/" + id, bob.token(), null).status(), "no longer bob's");
    var renamed = http.send("PATCH", "/image/v2/images/" + id, alice.token(),
        "[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"alices-now\"}]", PATCH);
    assertEquals(200, renamed.status(), "the new owner changes it (decided on the stream it was created on)");
    assertEquals(204, http.send("DELETE", "/image/v2/images/" + id, alice.token(), null).status());
  }

  @Test
  void theOlderPatchMediaTypeNamesTheOperationByItsMember() {
    String id = create(alice.token(), "{\"name\":\"draft4\"}").path("id").asText();
    var patched = http.send("PATCH", "/image/v2/images/" + id, alice.token(),
        "[{\"replace\":\"/name\",\"value\":\"renamed\"},{\"add\":\"/os_distro\",\"value\":\"cirros\"}]",
        "application/openstack-images-v2.0-json-patch");
    assertEquals(200, patched.status(), patched.raw().body());
    assertEquals("renamed", patched.json().path("name").asText());
    assertEquals("cirros", patched.json().path("os_distro").asText());
    assertEquals(400, http.send("PATCH", "/image/v2/images/" + id, alice.token(), "[{\"op\":\"replace\",\"path\":\"/name\"}]",
        "application/openstack-images-v2.0-json-patch").status());
    assertEquals(204, http.send("DELETE", "/image/v2/images/" + id, alice.token(), null).status());
  }

  @Test
  void anEmptyImageIdIsNotFound() {
    assertEquals(404, http.send("GET", "/image/v2/images/", alice.token(), null).status());
    assertEquals(404, http.send("DELETE", "/image/v2/images/", alice.token(), null).status());
    assertEquals(200, http.send("GET", "/image/v2/images", alice.token(), null).status());
  }

  @Test
  void badInputIsRefusedWithAClearMessage() {
    var format = http.send("POST", "/image/v2/images", alice.token(), "{\"name\":\"x\",\"disk_format\":\"floppy\"}");
    assertEquals(400, format.status());
    assertTrue(format.raw().body().contains("floppy"), format.raw().body());
    assertEquals(403, http.send("POST", "/image/v2/images", alice.token(), "{\"name\":\"x\",\"status\":\"active\"}").status());
    assertEquals(400, http.send("POST", "/image/v2/images", alice.token(), "{\"name\":\"x\",\"min_ram\":\"lots\"}").status());
    assertEquals(400, http.send("POST", "/image/v2/images", alice.token(), "[1,2]").status());
    String id = create(alice.token(), "{\"name\":\"patch-me\",\"protected\":true}").path("id").asText();
    assertEquals(415, http.send("PATCH", "/image/v2/images/" + id, alice.token(), "[]").status());
    assertEquals(400, http.send("PATCH", "/image/v2/images/" + id, alice.token(), "{\"op\":\"add\"}", PATCH).status());
    assertEquals(403, http.send("PATCH", "/image/v2/images/" + id, alice.token(),
        "[{\"op\":\"replace\",\"path\":\"/owner\",\"value\":\"someone\"}]", PATCH).status());
    assertEquals(403, http.send("DELETE", "/image/v2/images/" + id, alice.token(), null).status());
    assertEquals(200, http.send("GET", "/image/v2/images/" + id, alice.token(), null).status());
    assertEquals(400, http.send("GET", "/image/v2/images?sort_key=colour", alice.token(), null).status());
    assertEquals(401, http.send("GET", "/image/v2/images", null, null).status());
  }
}
