package dev.skyledger.ops.resilience;

import static dev.skyledger.ops.KeystoneAdmin.json;
import static dev.skyledger.ops.KeystoneAdmin.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.testkit.SkyTestKit;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tenant never reaches another tenant's resource by naming its id: eve, a member of another
 * project who knows every id of alice's, cannot read, change, delete, attach to, boot from or page
 * through any of them; each attempt is refused as the OpenStack service refuses a resource it
 * cannot find, and nothing of alice's changes.
 */
@ExtendWith(SkyTestKit.class)
class TenantIsolationTest {
  static Cloud cloud;
  static HttpClientForTests http;
  static KeystoneAdmin admin;
  static KeystoneAdmin.Scoped alice;
  static KeystoneAdmin.Scoped eve;
  static final Map<String, String> ids = new java.util.HashMap<>();

  @BeforeAll
  static void start(TestEnvironment env) throws Exception {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    cloud.startSimulatedHosts(1, Map.of("SKY_HOST_HEARTBEAT_SECONDS", "1", "SKY_SIM_SPAWN_MS", "50"));
    alice = admin.userWithRole("iso-alice", "member");
    eve = admin.userWithRole("iso-eve", "member");

    // an external network for floating IPs
    String ext = created(admin.token(), "/network/v2.0/networks",
        obj("network", obj("name", "public", "router:external", true)), "network");
    created(admin.token(), "/network/v2.0/subnets", obj("subnet", obj("network_id", ext, "cidr", "203.0.113.0/24",
        "ip_version", 4)), "subnet");
    ids.put("external", ext);
    for (KeystoneAdmin.Scoped who : List.of(alice, eve)) {
      String p = who == alice ? "alice-" : "eve-";
      String net = created(who.token(), "/network/v2.0/networks", obj("network", obj("name", p + "net")), "network");
      ids.put(p + "net", net);
      ids.put(p + "subnet", created(who.token(), "/network/v2.0/subnets", obj("subnet", obj("network_id", net,
          "cidr", who == alice ? "10.1.0.0/24" : "10.2.0.0/24", "ip_version", 4)), "subnet"));
      ids.put(p + "port", created(who.token(), "/network/v2.0/ports", obj("port", obj("network_id", net)), "port"));
      ids.put(p + "router", created(who.token(), "/network/v2.0/routers", obj("router", obj("name", p + "router")),
          "router"));
      ids.put(p + "fip", created(who.token(), "/network/v2.0/floatingips",
          obj("floatingip", obj("floating_network_id", ext)), "floatingip"));
      ids.put(p + "sg", created(who.token(), "/network/v2.0/security-groups",
          obj("security_group", obj("name", p + "sg")), "security_group"));
      var group = http.send("POST", "/compute/v2.1/os-server-groups", who.token(),
          json(obj("server_group", obj("name", p + "group", "policies", List.of("anti-affinity")))));
      assertEquals(200, group.status(), group.raw().body());
      ids.put(p + "group", group.json().path("server_group").path("id").asText());
      var key = http.send("POST", "/compute/v2.1/os-keypairs", who.token(), json(obj("keypair", obj("name", p + "key"))));
      assertEquals(200, key.status(), key.raw().body());
    }
    // a private flavor only alice's project may use
    var flavor = http.send("POST", "/compute/v2.1/flavors", admin.token(), json(obj("flavor", obj("name", "alice-only",
        "ram", 256, "vcpus", 1, "disk", 1, "os-flavor-access:is_public", false))));
    assertEquals(200, flavor.status(), flavor.raw().body());
    ids.put("alice-flavor", flavor.json().path("flavor").path("id").asText());
    assertEquals(200, http.send("POST", "/compute/v2.1/flavors/" + ids.get("alice-flavor") + "/action", admin.token(),
        json(obj("addTenantAccess", obj("tenant", alice.projectId())))).status());
    for (KeystoneAdmin.Scoped who : List.of(alice, eve)) {
      String p = who == alice ? "alice-" : "eve-";
      var image = http.send("POST", "/image/v2/images", who.token(),
          json(obj("name", p + "private", "disk_format", "raw", "container_format", "bare", "visibility", "private")));
      assertEquals(201, image.status(), image.raw().body());
      ids.put(p + "image", image.json().path("id").asText());
      assertEquals(204, http.bytes("PUT", "/image/v2/images/" + ids.get(p + "image") + "/file", who.token(),
          new byte[4096], Map.of("Content-Type", "application/octet-stream")).statusCode());
    }
    // a private metadata definition namespace an administrator made for alice's project
    var namespace = http.send("POST", "/image/v2/metadefs/namespaces", admin.token(),
        json(obj("namespace", "tenant-a-ns", "visibility", "private", "owner", alice.projectId())));
    assertEquals(201, namespace.status(), namespace.raw().body());
    var server = http.send("POST", "/compute/v2.1/servers", alice.token(), json(obj("server", obj("name", "alice-vm",
        "imageRef", ids.get("alice-image"), "flavorRef", "1", "networks", List.of(obj("uuid", ids.get("alice-net")))))));
    assertEquals(202, server.status(), server.raw().body());
    ids.put("alice-server", server.json().path("server").path("id").asText());
    http.await(alice.token(), "/compute/v2.1/servers/" + ids.get("alice-server"),
        s -> s.path("server").path("status").asText().equals("ACTIVE"));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) cloud.close();
  }

  static String created(String token, String path, Object body, String member) {
    var r = http.send("POST", path, token, json(body));
    assertEquals(201, r.status(), path + ": " + r.raw().body());
    return r.json().path(member).path("id").asText();
  }

  /** One attempt of eve's, the statuses it may get, and (null: none) the status that says "not found". */
  record Attempt(String what, String method, String path, Object body, Set<Integer> allowed) {}

  static Attempt notFound(String what, String method, String path, Object body) {
    return new Attempt(what, method, path, body, Set.of(404));
  }

  /** Nova refuses a boot that names what the caller cannot see with a 400 (its "could not be found" errors). */
  static Attempt refused(String what, String method, String path, Object body) {
    return new Attempt(what, method, path, body, Set.of(400, 404));
  }

  static String id(String name) {
    return ids.get(name);
  }

  static Map<String, Object> boot(Map<String, Object> extra) {
    Map<String, Object> server = obj("name", "eve-vm", "imageRef", id("eve-image"), "flavorRef", "1",
        "networks", List.of(obj("uuid", id("eve-net"))));
    server.putAll(extra);
    return obj("server", server);
  }

  @Test
  void eveReachesNoneOfAlicesResourcesByTheirIds() {
    String n = "/network/v2.0";
    String c = "/compute/v2.1";
    List<Attempt> attempts = List.of(
        notFound("read alice's network", "GET", n + "/networks/" + id("alice-net"), null),
        notFound("read alice's subnet", "GET", n + "/subnets/" + id("alice-subnet"), null),
        notFound("read alice's port", "GET", n + "/ports/" + id("alice-port"), null),
        notFound("read alice's router", "GET", n + "/routers/" + id("alice-router"), null),
        notFound("read alice's floating IP", "GET", n + "/floatingips/" + id("alice-fip"), null),
        notFound("read alice's security group", "GET", n + "/security-groups/" + id("alice-sg"), null),
        notFound("rename alice's network", "PUT", n + "/networks/" + id("alice-net"), obj("network", obj("name", "x"))),
        notFound("delete alice's port", "DELETE", n + "/ports/" + id("alice-port"), null),
        notFound("delete alice's security group", "DELETE", n + "/security-groups/" + id("alice-sg"), null),
        notFound("a port on alice's network", "POST", n + "/ports", obj("port", obj("network_id", id("alice-net")))),
        notFound("ports in bulk, one on alice's network", "POST", n + "/ports", obj("ports",
            List.of(obj("network_id", id("eve-net")), obj("network_id", id("alice-net"))))),
        notFound("a subnet on alice's network", "POST", n + "/subnets", obj("subnet", obj("network_id", id("alice-net"),
            "cidr", "10.9.0.0/24", "ip_version", 4))),
        notFound("a port in alice's security group", "POST", n + "/ports", obj("port", obj("network_id", id("eve-net"),
            "security_groups", List.of(id("alice-sg"))))),
        notFound("a rule in alice's security group", "POST", n + "/security-group-rules", obj("security_group_rule",
            obj("security_group_id", id("alice-sg"), "direction", "ingress"))),
        notFound("a rule of eve's naming alice's group as remote", "POST", n + "/security-group-rules",
            obj("security_group_rule", obj("security_group_id", id("eve-sg"), "direction", "ingress",
                "remote_group_id", id("alice-sg")))),
        notFound("eve's floating IP to alice's port", "PUT", n + "/floatingips/" + id("eve-fip"),
            obj("floatingip", obj("port_id", id("alice-port")))),
        notFound("a floating IP for alice's port", "POST", n + "/floatingips",
            obj("floatingip", obj("floating_network_id", id("external"), "port_id", id("alice-port")))),
        notFound("alice's subnet on eve's router", "PUT", n + "/routers/" + id("eve-router") + "/add_router_interface",
            obj("subnet_id", id("alice-subnet"))),
        notFound("alice's port on eve's router", "PUT", n + "/routers/" + id("eve-router") + "/add_router_interface",
            obj("port_id", id("alice-port"))),
        notFound("eve's subnet on alice's router", "PUT", n + "/routers/" + id("alice-router") + "/add_router_interface",
            obj("subnet_id", id("eve-subnet"))),
        notFound("read alice's server", "GET", c + "/servers/" + id("alice-server"), null),
        notFound("reboot alice's server", "POST", c + "/servers/" + id("alice-server") + "/action",
            obj("reboot", obj("type", "HARD"))),
        notFound("snapshot alice's server", "POST", c + "/servers/" + id("alice-server") + "/action",
            obj("createImage", obj("name", "stolen"))),
        notFound("delete alice's server", "DELETE", c + "/servers/" + id("alice-server"), null),
        notFound("alice's server's actions", "GET", c + "/servers/" + id("alice-server") + "/os-instance-actions", null),
        notFound("alice's server's metadata", "POST", c + "/servers/" + id("alice-server") + "/metadata",
            obj("metadata", obj("k", "v"))),
        notFound("read alice's server group", "GET", c + "/os-server-groups/" + id("alice-group"), null),
        notFound("delete alice's server group", "DELETE", c + "/os-server-groups/" + id("alice-group"), null),
        notFound("read alice's image", "GET", "/image/v2/images/" + id("alice-image"), null),
        notFound("alice's image's data", "GET", "/image/v2/images/" + id("alice-image") + "/file", null),
        notFound("join alice's image", "POST", "/image/v2/images/" + id("alice-image") + "/members",
            obj("member", eve.projectId())),
        notFound("delete alice's image", "DELETE", "/image/v2/images/" + id("alice-image"), null),
        notFound("read alice's private metadef namespace", "GET", "/image/v2/metadefs/namespaces/tenant-a-ns", null),
        notFound("alice's metadef namespace's objects", "GET", "/image/v2/metadefs/namespaces/tenant-a-ns/objects", null),
        notFound("tag alice's metadef namespace", "POST", "/image/v2/metadefs/namespaces/tenant-a-ns/tags/x", null),
        notFound("delete alice's metadef namespace", "DELETE", "/image/v2/metadefs/namespaces/tenant-a-ns", null),
        refused("boot from alice's private image", "POST", c + "/servers", boot(Map.of("imageRef", id("alice-image")))),
        refused("boot on alice's network", "POST", c + "/servers", boot(Map.of("networks",
            List.of(obj("uuid", id("alice-net")))))),
        refused("boot with alice's port", "POST", c + "/servers", boot(Map.of("networks",
            List.of(obj("port", id("alice-port")))))),
        refused("boot into alice's security group", "POST", c + "/servers", boot(Map.of("security_groups",
            List.of(obj("name", id("alice-sg")))))),
        refused("boot with alice's key pair", "POST", c + "/servers", boot(Map.of("key_name", "alice-key"))),
        new Attempt("page servers from alice's", "GET", c + "/servers?marker=" + id("alice-server"), null,
            Set.of(400)),
        new Attempt("page flavors from alice's private one", "GET", c + "/flavors?marker=" + id("alice-flavor"), null,
            Set.of(400)),
        notFound("read alice's private flavor", "GET", c + "/flavors/" + id("alice-flavor"), null),
        refused("boot with alice's private flavor", "POST", c + "/servers", boot(Map.of("flavorRef", id("alice-flavor")))),
        new Attempt("page images from alice's", "GET", "/image/v2/images?marker=" + id("alice-image"), null,
            Set.of(400, 404)),
        new Attempt("page networks from alice's", "GET", n + "/networks?marker=" + id("alice-net"), null,
            Set.of(400, 404)),
        new Attempt("page ports from alice's", "GET", n + "/ports?marker=" + id("alice-port"), null, Set.of(400, 404)));
    List<String> wrong = new ArrayList<>();
    for (Attempt a : attempts) {
      var r = http.send(a.method(), a.path(), eve.token(), a.body() == null ? null : json(a.body()));
      String body = r.raw().body();
      boolean leaks = body.contains("alice-") || body.contains(alice.projectId());
      if (!a.allowed().contains(r.status()) || leaks) wrong.add(a.what() + ": " + r.status() + " " + body);
    }
    // the boot into alice's group goes through the scheduler hint
    var hinted = http.send("POST", c + "/servers", eve.token(), json(Map.of("server", boot(Map.of()).get("server"),
        "os:scheduler_hints", obj("group", id("alice-group")))));
    if (hinted.status() < 400) wrong.add("boot into alice's server group: " + hinted.status() + " " + hinted.raw().body());
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));

    // nothing of alice's changed
    JsonNode server = http.send("GET", c + "/servers/" + id("alice-server"), alice.token(), null).json().path("server");
    assertEquals("ACTIVE", server.path("status").asText());
    assertEquals(200, http.send("GET", n + "/ports/" + id("alice-port"), alice.token(), null).status());
    JsonNode fip = http.send("GET", n + "/floatingips/" + id("alice-fip"), alice.token(), null).json().path("floatingip");
    assertTrue(fip.path("port_id").isNull(), fip.toString());
    assertEquals(200, http.send("GET", "/image/v2/images/" + id("alice-image"), alice.token(), null).status());
    assertEquals(200, http.send("GET", "/image/v2/metadefs/namespaces/tenant-a-ns", alice.token(), null).status());
    JsonNode router = http.send("GET", n + "/ports?device_id=" + id("alice-router"), alice.token(), null).json();
    assertEquals(0, router.path("ports").size(), "no interface was added to alice's router: " + router);
  }
}
