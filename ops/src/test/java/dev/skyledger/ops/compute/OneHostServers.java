package dev.skyledger.ops.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.skyledger.ops.Cloud;
import dev.skyledger.ops.HttpClientForTests;
import dev.skyledger.ops.KeystoneAdmin;
import dev.skyledger.ops.TestClouds;
import dev.skyledger.platform.http.HttpSetup;
import dev.skyledger.platform.testkit.TestEnvironment;
import java.util.Map;

/**
 * The fixture the server action tests share: a cloud with one fast simulated host, two members in
 * projects of their own (alice acts, carol is the other tenant), and alice's image and network, so
 * a test boots an ACTIVE server in one call.
 */
final class OneHostServers implements AutoCloseable {
  final Cloud cloud;
  final HttpClientForTests http;
  final KeystoneAdmin admin;
  final KeystoneAdmin.Scoped alice;
  final KeystoneAdmin.Scoped carol;
  final String imageId;
  final String networkId;

  /** {@code prefix} names the users; {@code cidr} is alice's subnet. */
  OneHostServers(TestEnvironment env, String prefix, String cidr) {
    cloud = TestClouds.start(env, "secret");
    http = new HttpClientForTests(cloud.config().publicUrl());
    admin = new KeystoneAdmin(http, http.token("admin", "secret", "admin"));
    cloud.startSimulatedHosts(1, Map.of("SKY_HOST_HEARTBEAT_SECONDS", "1", "SKY_SIM_SPAWN_MS", "50"));
    alice = admin.userWithRole(prefix + "-alice", "member");
    carol = admin.userWithRole(prefix + "-carol", "member");
    imageId = image("cirros", 4096);
    networkId = http.send("POST", "/network/v2.0/networks", alice.token(), "{\"network\":{\"name\":\"private\"}}")
        .json().path("network").path("id").asText();
    assertEquals(201, http.send("POST", "/network/v2.0/subnets", alice.token(), "{\"subnet\":{\"network_id\":\"" + networkId
        + "\",\"cidr\":\"" + cidr + "\",\"ip_version\":4}}").status());
  }

  /** An active raw image of alice's, {@code bytes} long. */
  String image(String name, int bytes) {
    var image = http.send("POST", "/image/v2/images", alice.token(),
        "{\"name\":\"" + name + "\",\"disk_format\":\"raw\",\"container_format\":\"bare\"}");
    assertEquals(201, image.status(), image.raw().body());
    String id = image.json().path("id").asText();
    assertEquals(204, http.bytes("PUT", "/image/v2/images/" + id + "/file", alice.token(), new byte[bytes],
        Map.of("Content-Type", "application/octet-stream")).statusCode());
    return id;
  }

  /** Boots one of alice's servers and waits until it is ACTIVE. */
  String activeServer(String name) throws InterruptedException {
    var created = http.send("POST", "/compute/v2.1/servers", alice.token(), "{\"server\":{\"name\":\"" + name
        + "\",\"imageRef\":\"" + imageId + "\",\"flavorRef\":\"1\",\"networks\":[{\"uuid\":\"" + networkId + "\"}]}}");
    assertEquals(202, created.status(), created.raw().body());
    assertEquals(created.header(HttpSetup.REQUEST_ID_HEADER), created.header("x-compute-request-id"),
        "Nova's older name for the request id, which clients read");
    String id = created.json().path("server").path("id").asText();
    http.await(alice.token(), "/compute/v2.1/servers/" + id, s -> s.path("server").path("status").asText().equals("ACTIVE"));
    return id;
  }

  HttpClientForTests.Response act(String token, String id, String body) {
    return http.send("POST", "/compute/v2.1/servers/" + id + "/action", token, body);
  }

  @Override
  public void close() {
    cloud.close();
  }
}
