package dev.skyledger.ops.compute;

import static dev.skyledger.ops.KeystoneAdmin.json;
import static dev.skyledger.ops.KeystoneAdmin.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Flavors, key pairs and quota sets over HTTP, as Nova v2.1 answers them. */
@ExtendWith(SkyTestKit.class)
class ComputeApiTest {
  private static final String V21 = "/compute/v2.1";
  private static final ObjectMapper JSON = new ObjectMapper();

  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped bob;

  @BeforeAll
  static void start(TestEnvironment env) {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    alice = admin.userWithRole("nova-alice", "member");
    bob = admin.userWithRole("nova-bob", "member");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  private static HttpClientForTests.Response get(String path, String token) {
    return http.send("GET", V21 + path, token, null);
  }

  private static HttpClientForTests.Response send(String method, String path, String token, String body) {
    return http.send(method, V21 + path, token, body);
  }

  private static void assertFault(int status, String fault, HttpClientForTests.Response r) {
    assertEquals(status, r.status(), r.raw().body());
    assertNotNull(r.json(), "no JSON body: " + r.raw().body());
    assertEquals(status, r.json().path(fault).path("code").asInt(), r.raw().body());
    assertFalse(r.json().path(fault).path("message").asText().isEmpty(), r.raw().body());
  }

  // ---- versions ---------------------------------------------------------------------------------

  @Test
  void versionDocumentsNameMicroversions21To216AndALaterOneIsNotAcceptable() {
    var root = http.send("GET", "/compute", null, null);
    assertEquals(200, root.status(), root.raw().body());
    assertEquals("v2.0", root.json().path("versions").path(0).path("id").asText(), "as Nova lists them: v2.0 first");
    assertEquals("SUPPORTED", root.json().path("versions").path(0).path("status").asText());
    JsonNode v = root.json().path("versions").path(1);
    assertEquals("v2.1", v.path("id").asText());
    assertEquals("2.16", v.path("version").asText());
    assertEquals("2.1", v.path("min_version").asText());
    assertEquals("CURRENT", v.path("status").asText());

    var one = http.send("GET", V21, null, null);
    assertEquals(200, one.status(), one.raw().body());
    assertEquals("2.16", one.json().path("version").path("version").asText());
    assertEquals("2.1", one.json().path("version").path("min_version").asText());

    HttpResponse<byte[]> tooNew = http.bytes("GET", V21 + "/flavors", alice.token(), null,
        Map.of("OpenStack-API-Version", "compute 2.99"));
    assertEquals(406, tooNew.statusCode(), new String(tooNew.body(), StandardCharsets.UTF_8));

    HttpResponse<byte[]> current = http.bytes("GET", V21 + "/flavors", alice.token(), null,
        Map.of("OpenStack-API-Version", "compute 2.1"));
    assertEquals(200, current.statusCode());
    assertEquals("compute 2.1", current.headers().firstValue("OpenStack-API-Version").orElse(null));
  }

  // ---- flavors ----------------------------------------------------------------------------------

  @Test
  void theFiveClassicFlavorsAreThereWithTheirSizes() {
    Map<String, int[]> classic = Map.of("m1.tiny", new int[] {1, 512, 1}, "m1.small", new int[] {1, 2048, 20},
        "m1.medium", new int[] {2, 4096, 40}, "m1.large", new int[] {4, 8192, 80}, "m1.xlarge", new int[] {8, 16384, 160});
    Map<String, String> ids = Map.of("m1.tiny", "1", "m1.small", "2", "m1.medium", "3", "m1.large", "4", "m1.xlarge", "5");

    var brief = get("/flavors", bob.token());
    assertEquals(200, brief.status(), brief.raw().body());
    List<String> names = names(brief.json().path("flavors"));
    assertTrue(names.containsAll(classic.keySet()), names.toString());
    assertTrue(brief.json().path("flavors").path(0).path("links").size() > 0);

    var detail = get("/flavors/detail", bob.token());
    assertEquals(200, detail.status(), detail.raw().body());
    int found = 0;
    for (JsonNode f : detail.json().path("flavors")) {
      int[] size = classic.get(f.path("name").asText());
      if (size == null) continue;
      found++;
      assertEquals(ids.get(f.path("name").asText()), f.path("id").asText(), f.toString());
      assertEquals(size[0], f.path("vcpus").asInt(), f.toString());
      assertEquals(size[1], f.path("ram").asInt(), f.toString());
      assertEquals(size[2], f.path("disk").asInt(), f.toString());
      assertTrue(f.path("os-flavor-access:is_public").asBoolean(), f.toString());
    }
    assertEquals(5, found);

    var small = get("/flavors/2", bob.token());
    assertEquals(200, small.status());
    assertEquals("m1.small", small.json().path("flavor").path("name").asText());
    assertFault(404, "itemNotFound", get("/flavors/no-such-flavor", bob.token()));
  }

  @Test
  void flavorsFilterByMinRamAndPageWithLimitAndMarker() {
    var big = get("/flavors?minRam=4096", bob.token());
    assertEquals(200, big.status(), big.raw().body());
    List<String> names = names(big.json().path("flavors"));
    assertTrue(names.containsAll(List.of("m1.medium", "m1.large", "m1.xlarge")), names.toString());
    assertFalse(names.contains("m1.tiny") || names.contains("m1.small"), names.toString());

    var page1 = get("/flavors?limit=2", bob.token());
    assertEquals(200, page1.status(), page1.raw().body());
    assertEquals(List.of("1", "2"), ids(page1.json().path("flavors")));
    String next = page1.json().path("flavors_links").path(0).path("href").asText();
    assertTrue(next.contains("marker=2"), page1.raw().body());

    var page2 = get("/flavors/detail?limit=2&marker=2", bob.token());
    assertEquals(200, page2.status(), page2.raw().body());
    assertEquals(List.of("3", "4"), ids(page2.json().path("flavors")));

    var page3 = get("/flavors?marker=4", bob.token());
    assertEquals("5", page3.json().path("flavors").path(0).path("id").asText(), page3.raw().body());
    assertFalse(ids(page3.json().path("flavors")).contains("4"));

    assertFault(400, "badRequest", get("/flavors?marker=no-such-flavor", bob.token()));
    assertFault(400, "badRequest", get("/flavors?limit=-1", bob.token()));
  }

  @Test
  void aPrivateFlavorIsSeenOnlyByProjectsGivenAccess() {
    var created = send("POST", "/flavors", admin.token(), json(obj("flavor", obj("name", "api-gold", "id", "zz-gold",
        "ram", 1024, "vcpus", 2, "disk", 10, "os-flavor-access:is_public", false))));
    assertEquals(200, created.status(), created.raw().body());
    JsonNode gold = created.json().path("flavor");
    assertEquals("zz-gold", gold.path("id").asText());
    assertFalse(gold.path("os-flavor-access:is_public").asBoolean(true));
    assertEquals(1024, gold.path("ram").asInt());

    assertFault(404, "itemNotFound", get("/flavors/zz-gold", alice.token()));
    assertFalse(ids(get("/flavors/detail", alice.token()).json().path("flavors")).contains("zz-gold"));
    assertFault(409, "conflict", send("POST", "/flavors", admin.token(), json(obj("flavor", obj("name", "api-gold",
        "ram", 512, "vcpus", 1, "disk", 1, "os-flavor-access:is_public", false)))));

    // as Nova: an integer id is kept as a string, and "False" (a string) is false
    var silver = send("POST", "/flavors", admin.token(), json(obj("flavor", obj("name", "api-silver", "id", 424242,
        "ram", 512, "vcpus", 1, "disk", 1, "os-flavor-access:is_public", "False"))));
    assertEquals(200, silver.status(), silver.raw().body());
    assertEquals("424242", silver.json().path("flavor").path("id").asText());
    assertFalse(silver.json().path("flavor").path("os-flavor-access:is_public").asBoolean(true));
    assertTrue(ids(get("/flavors/detail?is_public=f", admin.token()).json().path("flavors")).contains("424242"));
    assertFalse(ids(get("/flavors/detail?is_public=on", admin.token()).json().path("flavors")).contains("424242"));
    assertFault(400, "badRequest", get("/flavors/detail?is_public=maybe", admin.token()));

    var added = send("POST", "/flavors/zz-gold/action", admin.token(), json(obj("addTenantAccess", obj("tenant", alice.projectId()))));
    assertEquals(200, added.status(), added.raw().body());
    assertEquals(alice.projectId(), added.json().path("flavor_access").path(0).path("tenant_id").asText(), added.raw().body());
    assertFault(409, "conflict", send("POST", "/flavors/zz-gold/action", admin.token(),
        json(obj("addTenantAccess", obj("tenant", alice.projectId())))));

    var seen = get("/flavors/zz-gold", alice.token());
    assertEquals(200, seen.status(), seen.raw().body());
    assertEquals("api-gold", seen.json().path("flavor").path("name").asText());
    // Nova lists the private flavors a project was given with the public ones
    assertTrue(ids(get("/flavors", alice.token()).json().path("flavors")).contains("zz-gold"));
    assertFault(404, "itemNotFound", get("/flavors/zz-gold", bob.token()));
    assertFalse(ids(get("/flavors", bob.token()).json().path("flavors")).contains("zz-gold"));

    var removed = send("POST", "/flavors/zz-gold/action", admin.token(), json(obj("removeTenantAccess", obj("tenant", alice.projectId()))));
    assertEquals(200, removed.status(), removed.raw().body());
    assertFault(404, "itemNotFound", get("/flavors/zz-gold", alice.token()));

    assertEquals(202, send("DELETE", "/flavors/zz-gold", admin.token(), null).status());
    assertFault(404, "itemNotFound", get("/flavors/zz-gold", admin.token()));
    assertFault(404, "itemNotFound", send("DELETE", "/flavors/zz-gold", admin.token(), null));
  }

  @Test
  void aMemberCannotManageFlavors() {
    String body = json(obj("flavor", obj("name", "api-mine", "id", "zz-mine", "ram", 256, "vcpus", 1, "disk", 1)));
    assertFault(403, "forbidden", send("POST", "/flavors", alice.token(), body));
    assertFault(404, "itemNotFound", get("/flavors/zz-mine", admin.token()));
    assertFault(403, "forbidden", send("DELETE", "/flavors/1", alice.token(), null));
    assertFault(403, "forbidden", send("POST", "/flavors/1/os-extra_specs", alice.token(), json(obj("extra_specs", obj("a", "b")))));
    assertEquals(200, get("/flavors/1", alice.token()).status());
  }

  @Test
  void flavorSizesAreValidated() {
    String[] bad = {
        json(obj("flavor", obj("name", "api-bad", "ram", 512, "vcpus", 0, "disk", 1))),
        json(obj("flavor", obj("name", "api-bad", "ram", 0, "vcpus", 1, "disk", 1))),
        json(obj("flavor", obj("name", "api-bad", "ram", 512, "vcpus", 1, "disk", -1))),
        json(obj("flavor", obj("name", "api-bad", "ram", 512, "vcpus", 1))),
        json(obj("flavor", obj("name", "api-bad", "ram", "lots", "vcpus", 1, "disk", 1))),
        json(obj("flavor", obj("ram", 512, "vcpus", 1, "disk", 1))),
        json(obj("flavour", obj("name", "api-bad", "ram", 512, "vcpus", 1, "disk", 1))),
        "{\"flavor\":",
    };
    for (String b : bad) assertFault(400, "badRequest", send("POST", "/flavors", admin.token(), b));
    var all = get("/flavors/detail?is_public=none", admin.token());
    assertFalse(names(all.json().path("flavors")).contains("api-bad"), all.raw().body());
  }

  @Test
  void extraSpecsAreSetReadAndDeleted() {
    var created = send("POST", "/flavors", admin.token(), json(obj("flavor", obj("name", "api-specs", "id", "zz-specs",
        "ram", 512, "vcpus", 1, "disk", 1, "os-flavor-access:is_public", false))));
    assertEquals(200, created.status(), created.raw().body());

    var set = send("POST", "/flavors/zz-specs/os-extra_specs", admin.token(),
        json(obj("extra_specs", obj("hw:cpu_policy", "dedicated", "quota:disk_read_iops_sec", "500"))));
    assertEquals(200, set.status(), set.raw().body());
    var more = send("POST", "/flavors/zz-specs/os-extra_specs", admin.token(), json(obj("extra_specs", obj("hw:numa_nodes", "1"))));
    assertEquals(200, more.status(), more.raw().body());

    var all = get("/flavors/zz-specs/os-extra_specs", admin.token());
    assertEquals(200, all.status(), all.raw().body());
    assertEquals(JSON.valueToTree(Map.of("hw:cpu_policy", "dedicated", "quota:disk_read_iops_sec", "500", "hw:numa_nodes", "1")),
        all.json().path("extra_specs"));
    var one = get("/flavors/zz-specs/os-extra_specs/hw:cpu_policy", admin.token());
    assertEquals(200, one.status(), one.raw().body());
    assertEquals("dedicated", one.json().path("hw:cpu_policy").asText());

    var put = send("PUT", "/flavors/zz-specs/os-extra_specs/hw:numa_nodes", admin.token(), json(obj("hw:numa_nodes", "2")));
    assertEquals(200, put.status(), put.raw().body());
    assertEquals("2", get("/flavors/zz-specs/os-extra_specs/hw:numa_nodes", admin.token()).json().path("hw:numa_nodes").asText());
    assertFault(400, "badRequest", send("PUT", "/flavors/zz-specs/os-extra_specs/hw:numa_nodes", admin.token(),
        json(obj("other", "2"))));

    assertEquals(200, send("DELETE", "/flavors/zz-specs/os-extra_specs/hw:cpu_policy", admin.token(), null).status());
    assertFault(404, "itemNotFound", get("/flavors/zz-specs/os-extra_specs/hw:cpu_policy", admin.token()));
    assertFault(404, "itemNotFound", send("DELETE", "/flavors/zz-specs/os-extra_specs/hw:cpu_policy", admin.token(), null));
    assertEquals(2, get("/flavors/zz-specs/os-extra_specs", admin.token()).json().path("extra_specs").size());
    assertFault(404, "itemNotFound", send("POST", "/flavors/no-such/os-extra_specs", admin.token(),
        json(obj("extra_specs", obj("a", "b")))));
  }

  // ---- key pairs --------------------------------------------------------------------------------

  @Test
  void aGeneratedKeypairGivesThePrivateKeyOnce() throws Exception {
    var created = send("POST", "/os-keypairs", alice.token(), json(obj("keypair", obj("name", "gen-1"))));
    assertEquals(200, created.status(), created.raw().body());
    JsonNode k = created.json().path("keypair");
    String pem = k.path("private_key").asText();
    assertTrue(pem.startsWith("-----BEGIN") && pem.contains("PRIVATE KEY-----"), pem);
    String publicKey = k.path("public_key").asText();
    assertTrue(publicKey.startsWith("ssh-rsa "), publicKey);
    assertEquals(md5Fingerprint(publicKey), k.path("fingerprint").asText());
    assertEquals(alice.userId(), k.path("user_id").asText());

    // the public key is the private key's: same modulus and exponent
    RSAPrivateCrtKey priv = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
        Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""))));
    ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(publicKey.split(" ")[1]));
    assertEquals("ssh-rsa", new String(sshString(blob), StandardCharsets.US_ASCII));
    assertEquals(priv.getPublicExponent(), new BigInteger(sshString(blob)));
    assertEquals(priv.getModulus(), new BigInteger(sshString(blob)));

    var shown = get("/os-keypairs/gen-1", alice.token());
    assertEquals(200, shown.status(), shown.raw().body());
    assertFalse(shown.raw().body().contains("private_key"), shown.raw().body());
    assertEquals(publicKey, shown.json().path("keypair").path("public_key").asText());
    assertEquals(k.path("fingerprint").asText(), shown.json().path("keypair").path("fingerprint").asText());
    assertEquals(alice.userId(), shown.json().path("keypair").path("user_id").asText());

    var list = get("/os-keypairs", alice.token());
    assertFalse(list.raw().body().contains("private_key"), list.raw().body());
    assertTrue(list.raw().body().contains("gen-1"), list.raw().body());

    assertEquals(202, send("DELETE", "/os-keypairs/gen-1", alice.token(), null).status());
    assertFault(404, "itemNotFound", get("/os-keypairs/gen-1", alice.token()));
    assertFault(404, "itemNotFound", send("DELETE", "/os-keypairs/gen-1", alice.token(), null));
  }

  @Test
  void anImportedKeyKeepsItsFingerprintAndNamesAreUniquePerUser() throws Exception {
    String line = ed25519Line(32, "alice@laptop");
    var created = send("POST", "/os-keypairs", alice.token(), json(obj("keypair", obj("name", "imported", "public_key", line))));
    assertEquals(200, created.status(), created.raw().body());
    JsonNode k = created.json().path("keypair");
    assertFalse(k.has("private_key"), k.toString());
    assertEquals(line, k.path("public_key").asText());
    assertEquals(md5Fingerprint(line), k.path("fingerprint").asText());
    assertEquals(47, k.path("fingerprint").asText().length());

    var dup = send("POST", "/os-keypairs", alice.token(), json(obj("keypair", obj("name", "imported", "public_key", line))));
    assertFault(409, "conflict", dup);

    // another user may use the same name, and neither sees the other's
    var bobs = send("POST", "/os-keypairs", bob.token(), json(obj("keypair", obj("name", "imported", "public_key", ed25519Line(7, "bob")))));
    assertEquals(200, bobs.status(), bobs.raw().body());
    var bobOwn = send("POST", "/os-keypairs", bob.token(), json(obj("keypair", obj("name", "bob-only", "public_key", ed25519Line(9, "bob")))));
    assertEquals(200, bobOwn.status(), bobOwn.raw().body());
    assertFault(404, "itemNotFound", get("/os-keypairs/bob-only", alice.token()));
    assertFalse(get("/os-keypairs", alice.token()).raw().body().contains("bob-only"));
    assertEquals(md5Fingerprint(line), get("/os-keypairs/imported", alice.token()).json().path("keypair").path("fingerprint").asText());
    assertFalse(get("/os-keypairs?user_id=" + bob.userId(), alice.token()).raw().body().contains("bob-only"),
        "before 2.10 user_id is not read");
    assertFault(403, "forbidden", http.compute("2.10", "GET", V21 + "/os-keypairs?user_id=" + bob.userId(), alice.token(), null));
    assertFault(404, "itemNotFound", send("DELETE", "/os-keypairs/bob-only", alice.token(), null));
    assertFault(400, "badRequest", send("POST", "/os-keypairs", alice.token(),
        json(obj("keypair", obj("name", "for-bob", "public_key", line, "user_id", bob.userId())))));
    assertFault(403, "forbidden", http.compute("2.10", "POST", V21 + "/os-keypairs", alice.token(),
        json(obj("keypair", obj("name", "for-bob", "public_key", line, "user_id", bob.userId())))));
    assertEquals(200, get("/os-keypairs/bob-only", bob.token()).status());
  }

  @Test
  void invalidPublicKeysAndBadBodiesAreRejectedAndNothingIsWritten() {
    KeystoneAdmin.Scoped dave = admin.userWithRole("nova-dave", "member");
    String valid = ed25519Line(3, "dave");
    String[] badKeys = {
        "not a key",
        "ssh-rsa !!!notbase64!!!",
        "ssh-ed25519",
        "ssh-ed25519 " + Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.US_ASCII)),
        // a valid ed25519 blob under another type's name
        "ssh-rsa " + valid.split(" ")[1],
    };
    for (String key : badKeys) {
      assertFault(400, "badRequest", send("POST", "/os-keypairs", dave.token(), json(obj("keypair", obj("name", "bad", "public_key", key)))));
    }
    String[] badBodies = {
        "{\"keypair\":",
        "not json",
        json(obj("name", "k")),
        json(obj("keypair", "k")),
        json(obj("keypair", obj("public_key", valid))),
        json(obj("keypair", obj("name", "a/b", "public_key", valid))),
        json(obj("keypair", obj("name", "x".repeat(256), "public_key", valid))),
        json(obj("keypair", obj("name", "", "public_key", valid))),
        json(obj("keypair", obj("name", " lead", "public_key", valid))),
        json(obj("keypair", obj("name", 12, "public_key", valid))),
        json(obj("keypair", obj("name", "k", "public_key", valid, "bogus", 1))),
        json(obj("keypair", obj("name", "k", "public_key", 5))),
    };
    for (String body : badBodies) {
      assertFault(400, "badRequest", send("POST", "/os-keypairs", dave.token(), body));
    }
    var list = get("/os-keypairs", dave.token());
    assertEquals(200, list.status());
    assertEquals(0, list.json().path("keypairs").size(), list.raw().body());

    var longest = send("POST", "/os-keypairs", dave.token(), json(obj("keypair", obj("name", "x".repeat(255), "public_key", valid))));
    assertEquals(200, longest.status(), longest.raw().body());
    assertEquals(1, get("/os-keypairs", dave.token()).json().path("keypairs").size());
  }

  // ---- quotas -----------------------------------------------------------------------------------

  @Test
  void theKeyPairsQuotaIsEnforcedAndShownInUse() {
    KeystoneAdmin.Scoped carol = admin.userWithRole("nova-carol", "member");

    var defaults = get("/os-quota-sets/" + carol.projectId() + "/defaults", carol.token());
    assertEquals(200, defaults.status(), defaults.raw().body());
    assertEquals(100, defaults.json().path("quota_set").path("key_pairs").asInt());

    assertFault(403, "forbidden", send("PUT", "/os-quota-sets/" + carol.projectId(), carol.token(),
        json(obj("quota_set", obj("key_pairs", 1000)))));
    assertFault(403, "forbidden", get("/os-quota-sets/" + alice.projectId(), carol.token()));
    assertFault(403, "forbidden", get("/os-quota-sets/" + alice.projectId() + "/detail", carol.token()));

    var set = send("PUT", "/os-quota-sets/" + carol.projectId(), admin.token(), json(obj("quota_set", obj("key_pairs", 1))));
    assertEquals(200, set.status(), set.raw().body());
    assertEquals(1, set.json().path("quota_set").path("key_pairs").asInt(), set.raw().body());
    assertFault(400, "badRequest", send("PUT", "/os-quota-sets/" + carol.projectId(), admin.token(),
        json(obj("quota_set", obj("bogus", 1)))));
    assertFault(400, "badRequest", send("PUT", "/os-quota-sets/" + carol.projectId(), admin.token(),
        json(obj("quota_set", obj("key_pairs", -2)))));

    var shown = get("/os-quota-sets/" + carol.projectId(), carol.token());
    assertEquals(200, shown.status(), shown.raw().body());
    assertEquals(1, shown.json().path("quota_set").path("key_pairs").asInt());
    assertEquals(carol.projectId(), shown.json().path("quota_set").path("id").asText());
    assertEquals(10, shown.json().path("quota_set").path("instances").asInt());

    var first = send("POST", "/os-keypairs", carol.token(), json(obj("keypair", obj("name", "one", "public_key", ed25519Line(11, "c")))));
    assertEquals(200, first.status(), first.raw().body());
    assertFault(403, "forbidden", send("POST", "/os-keypairs", carol.token(), json(obj("keypair", obj("name", "two")))));
    assertEquals(1, get("/os-keypairs", carol.token()).json().path("keypairs").size());

    var detail = get("/os-quota-sets/" + carol.projectId() + "/detail", carol.token());
    assertEquals(200, detail.status(), detail.raw().body());
    assertEquals(1, detail.json().path("quota_set").path("key_pairs").path("in_use").asInt(), detail.raw().body());
    assertEquals(1, detail.json().path("quota_set").path("key_pairs").path("limit").asInt(), detail.raw().body());

    // back to the defaults: the second key pair fits
    assertEquals(202, send("DELETE", "/os-quota-sets/" + carol.projectId(), admin.token(), null).status());
    assertEquals(100, get("/os-quota-sets/" + carol.projectId(), carol.token()).json().path("quota_set").path("key_pairs").asInt());
    var second = send("POST", "/os-keypairs", carol.token(), json(obj("keypair", obj("name", "two", "public_key", ed25519Line(12, "c")))));
    assertEquals(200, second.status(), second.raw().body());
  }

  @Test
  void badQuotaBodiesAreRejectedWithNovasBody() {
    assertFault(400, "badRequest", send("PUT", "/os-quota-sets/" + bob.projectId(), admin.token(), "{\"quota_set\":"));
    assertFault(400, "badRequest", send("PUT", "/os-quota-sets/" + bob.projectId(), admin.token(), json(obj("key_pairs", 3))));
    assertFault(400, "badRequest", send("PUT", "/os-quota-sets/" + bob.projectId(), admin.token(),
        json(obj("quota_set", obj("key_pairs", "many")))));
    assertEquals(100, get("/os-quota-sets/" + bob.projectId(), bob.token()).json().path("quota_set").path("key_pairs").asInt());
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private static List<String> names(JsonNode flavors) {
    List<String> out = new ArrayList<>();
    flavors.forEach(f -> out.add(f.path("name").asText()));
    return out;
  }

  private static List<String> ids(JsonNode flavors) {
    List<String> out = new ArrayList<>();
    flavors.forEach(f -> out.add(f.path("id").asText()));
    return out;
  }

  /** An OpenSSH ed25519 public key line with a made-up (well-formed) 32-byte key. */
  private static String ed25519Line(int seed, String comment) {
    try {
      ByteArrayOutputStream blob = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(blob);
      byte[] type = "ssh-ed25519".getBytes(StandardCharsets.US_ASCII);
      out.writeInt(type.length);
      out.write(type);
      byte[] key = new byte[32];
      for (int i = 0; i < key.length; i++) key[i] = (byte) (seed * 31 + i);
      out.writeInt(key.length);
      out.write(key);
      return "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob.toByteArray()) + " " + comment;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** MD5 of the base64-decoded key blob as colon-separated lowercase hex, as Nova shows it. */
  private static String md5Fingerprint(String line) throws Exception {
    byte[] digest = MessageDigest.getInstance("MD5").digest(Base64.getDecoder().decode(line.split(" ")[1]));
    StringJoiner out = new StringJoiner(":");
    for (byte b : digest) out.add(HexFormat.of().toHexDigits(b));
    return out.toString();
  }

  private static byte[] sshString(ByteBuffer b) {
    byte[] out = new byte[b.getInt()];
    b.get(out);
    return out;
  }
}
