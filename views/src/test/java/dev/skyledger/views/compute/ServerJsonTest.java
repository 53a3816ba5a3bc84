package dev.skyledger.views.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skyledger.platform.compute.Microversion;
import dev.skyledger.platform.http.Json;
import dev.skyledger.views.network.NetworkCatalog;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A server's JSON as Nova v2.1 writes it, from the view rows and the names of its page. */
class ServerJsonTest {
  private static final Instant CREATED = Instant.parse("2026-11-22T04:30:00.123Z");
  private static final Instant LAUNCHED = Instant.parse("2026-11-22T04:30:07.654321Z");
  private static final ServerJson JSON = new ServerJson(Json.newMapper(), "http://cloud.example/compute/v2.1", null,
      Map::of);
  private static final ServerCatalog.Flavor TINY = new ServerCatalog.Flavor("1", "m1.tiny", 1, 512, 1, 0, 0);
  private static final String ID = "9168b536-cd40-4630-b43f-b259807c6e87";
  private static final ServerJson.Audience USER = new ServerJson.Audience(false, Microversion.V2_1);
  private static final ServerJson.Audience ADMIN = new ServerJson.Audience(true, Microversion.V2_1);

  private static ServerCatalog.Server server(String status, String vmState, String taskState, int power, String host,
                                             String imageId, ServerCatalog.Fault fault, Instant launched,
                                             List<ServerCatalog.Port> ports) {
    return new ServerCatalog.Server(ID, "proj-1", "user-1", "web-1", "web-1", status, vmState, taskState, power, TINY,
        imageId, "cirros", null, "nova", host, List.of("sg-default", "sg-web"), Map.of("role", "web"), null, "r-abcd1234", 0,
        null, null, null, "AUTO", ports.size(),
        fault, CREATED, CREATED.plusSeconds(7), launched, null, ports);
  }

  private static final List<ServerCatalog.Port> PORTS = List.of(
      new ServerCatalog.Port("port-a", "net-private", "fa:16:3e:00:00:01",
          List.of(new ServerCatalog.FixedIp("sub-4", "10.0.0.5"), new ServerCatalog.FixedIp("sub-6", "fd00::5"))),
      new ServerCatalog.Port("port-b", "net-gone", "fa:16:3e:00:00:02", List.of(new ServerCatalog.FixedIp("sub-x", "192.168.1.9"))));

  private static final ServerJson.Names NAMES = new ServerJson.Names(Map.of("net-private", "private"),
      Map.of("sg-default", "default", "sg-web", "default"),
      Map.of("port-a", List.of(new NetworkCatalog.FloatingIp("fip-1", "proj-1", "ext", "203.0.113.7", "fport", "port-a",
          "10.0.0.5", "router-1", "", 1, CREATED, CREATED))), Map.of(), Map.of());

  private static JsonNode active(boolean admin) {
    return JSON.detail(server("ACTIVE", "active", null, 1, "compute-1", "img-1", null, LAUNCHED, PORTS), NAMES, new ServerJson.Audience(admin, Microversion.V2_1));
  }

  @Test
  void anActiveServerHasNovasAttributesAndTimeFormats() {
    JsonNode s = active(false);
    assertEquals(ID, s.path("id").asText());
    assertEquals("ACTIVE", s.path("status").asText());
    assertEquals("proj-1", s.path("tenant_id").asText());
    assertEquals("2026-11-22T04:30:00Z", s.path("created").asText());
    assertEquals("2026-11-22T04:30:07Z", s.path("updated").asText());
    assertEquals("2026-11-22T04:30:07.654321", s.path("OS-SRV-USG:launched_at").asText());
    assertTrue(s.path("OS-SRV-USG:terminated_at").isNull());
    assertEquals("126bc01457b8f68777204ff4e11b8882bc7eea3cd7672184b49fd107", s.path("hostId").asText(),
        "sha224 of project id and host");
    assertEquals("http://cloud.example/compute/images/img-1", s.path("image").path("links").get(0).path("href").asText());
    assertEquals("bookmark", s.path("flavor").path("links").get(0).path("rel").asText());
    assertEquals("http://cloud.example/compute/flavors/1", s.path("flavor").path("links").get(0).path("href").asText());
    assertEquals("http://cloud.example/compute/v2.1/servers/" + ID, s.path("links").get(0).path("href").asText());
    assertEquals("http://cloud.example/compute/servers/" + ID, s.path("links").get(1).path("href").asText());
    assertEquals(0, s.path("progress").asInt());
    assertTrue(s.path("key_name").isNull());
    assertTrue(s.path("OS-EXT-STS:task_state").isNull());
    assertEquals(1, s.path("OS-EXT-STS:power_state").asInt());
    assertEquals("web", s.path("metadata").path("role").asText());
    assertEquals("", s.path("accessIPv4").asText());
    assertEquals("AUTO", s.path("OS-DCF:diskConfig").asText(), "as recorded");
    assertEquals(0, s.path("os-extended-volumes:volumes_attached").size());
    assertFalse(s.has("fault"));
  }

  @Test
  void addressesAreGroupedByNetworkNameFixedThenFloatingWithTheirVersionAndMac() {
    JsonNode addresses = active(false).path("addresses");
    JsonNode priv = addresses.path("private");
    assertEquals(3, priv.size(), addresses.toString());
    assertEquals("10.0.0.5", priv.get(0).path("addr").asText());
    assertEquals(4, priv.get(0).path("version").asInt());
    assertEquals("fixed", priv.get(0).path("OS-EXT-IPS:type").asText());
    assertEquals("fa:16:3e:00:00:01", priv.get(0).path("OS-EXT-IPS-MAC:mac_addr").asText());
    assertEquals(6, priv.get(1).path("version").asInt());
    assertEquals("203.0.113.7", priv.get(2).path("addr").asText());
    assertEquals("floating", priv.get(2).path("OS-EXT-IPS:type").asText());
    assertEquals("192.168.1.9", addresses.path("net-gone").get(0).path("addr").asText(),
        "a network without a name in the views is shown by its id");
  }

  @Test
  void securityGroupsAreTheNamesOfThePortsGroupsOnceEachAndAbsentWithoutPorts() {
    JsonNode groups = active(false).path("security_groups");
    assertEquals(1, groups.size(), "two groups both named default show once, as Nova");
    assertEquals("default", groups.get(0).path("name").asText());
    JsonNode building = JSON.detail(server("BUILD", "building", "scheduling", 0, null, "img-1", null, null, List.of()),
        ServerJson.Names.NONE, USER);
    assertFalse(building.has("security_groups"));
    assertEquals("", building.path("hostId").asText());
    assertEquals(0, building.path("addresses").size());
    assertTrue(building.path("OS-SRV-USG:launched_at").isNull());
  }

  @Test
  void adminsAlsoSeeTheHostAndInstanceName() {
    assertFalse(active(false).has("OS-EXT-SRV-ATTR:host"));
    JsonNode s = active(true);
    assertEquals("compute-1", s.path("OS-EXT-SRV-ATTR:host").asText());
    assertEquals("compute-1", s.path("OS-EXT-SRV-ATTR:hypervisor_hostname").asText());
    assertEquals("instance-9168b536", s.path("OS-EXT-SRV-ATTR:instance_name").asText());
    assertTrue(ServerJson.instanceName("not-a-uuid").matches("instance-[0-9a-f]{8}"));
  }

  @Test
  void anErrorServerShowsItsFaultWithTheDetailsOnlyForAdminsAndNoProgress() {
    ServerCatalog.Fault fault = new ServerCatalog.Fault(500, "No valid host was found.", "Traceback ...",
        Instant.parse("2026-11-22T04:31:00Z"));
    ServerCatalog.Server failed = server("ERROR", "error", null, 0, null, null, fault, null, List.of());
    JsonNode user = JSON.detail(failed, ServerJson.Names.NONE, USER);
    assertEquals(500, user.path("fault").path("code").asInt());
    assertEquals("No valid host was found.", user.path("fault").path("message").asText());
    assertEquals("2026-11-22T04:31:00Z", user.path("fault").path("created").asText());
    assertFalse(user.path("fault").has("details"));
    assertFalse(user.has("progress"));
    assertEquals("", user.path("image").asText(), "no image: an empty string, as for a volume-backed server");
    assertEquals("Traceback ...", JSON.detail(failed, ServerJson.Names.NONE, ADMIN).path("fault").path("details").asText());
  }

  @Test
  void theListFormIsIdNameAndLinks() {
    JsonNode brief = JSON.brief(server("ACTIVE", "active", null, 1, "compute-1", "img-1", null, LAUNCHED, PORTS));
    assertEquals(List.of("id", "name", "links"), iterable(brief));
  }

  private static List<String> iterable(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  // ---- microversions ----------------------------------------------------------------------------

  private static JsonNode at(int minor, boolean admin, String host, Map<String, String> statuses) {
    ServerJson render = new ServerJson(Json.newMapper(), "http://cloud.example/compute/v2.1", null, () -> statuses);
    return render.details(List.of(server("ACTIVE", "active", null, 1, host, "img-1", null, LAUNCHED, List.of())),
        new ServerJson.Audience(admin, new Microversion(minor))).get(0);
  }

  @Test
  void at21NoLaterAttributeIsShownEvenToAnAdmin() {
    JsonNode s = at(1, true, "compute-1", Map.of("compute-1", "UP"));
    assertFalse(s.has("OS-EXT-SRV-ATTR:reservation_id"));
    assertFalse(s.has("OS-EXT-SRV-ATTR:user_data"));
    assertFalse(s.has("locked"));
    assertFalse(s.has("host_status"));
    assertTrue(s.has("OS-EXT-SRV-ATTR:host"));
  }

  @Test
  void at23AdminsSeeTheExtendedAttributesAndOthersDoNot() {
    JsonNode admin = at(3, true, "compute-1", Map.of());
    assertEquals("r-abcd1234", admin.path("OS-EXT-SRV-ATTR:reservation_id").asText());
    assertEquals(0, admin.path("OS-EXT-SRV-ATTR:launch_index").asInt());
    assertEquals("web-1", admin.path("OS-EXT-SRV-ATTR:hostname").asText());
    assertEquals("/dev/vda", admin.path("OS-EXT-SRV-ATTR:root_device_name").asText());
    assertEquals("", admin.path("OS-EXT-SRV-ATTR:kernel_id").asText());
    assertTrue(admin.has("OS-EXT-SRV-ATTR:user_data") && admin.path("OS-EXT-SRV-ATTR:user_data").isNull());
    assertFalse(admin.has("locked"), "locked is 2.9's");
    JsonNode user = at(3, false, "compute-1", Map.of());
    assertFalse(user.has("OS-EXT-SRV-ATTR:reservation_id"));
    assertFalse(user.has("OS-EXT-SRV-ATTR:host"));
  }

  @Test
  void at29EveryoneSeesLockedAndAt216AdminsSeeTheHostStatus() {
    assertFalse(at(9, false, "compute-1", Map.of()).path("locked").asBoolean(true));
    assertFalse(at(15, true, "compute-1", Map.of("compute-1", "UP")).has("host_status"));
    assertEquals("UP", at(16, true, "compute-1", Map.of("compute-1", "UP")).path("host_status").asText());
    assertEquals("MAINTENANCE", at(16, true, "compute-1", Map.of("compute-1", "MAINTENANCE")).path("host_status").asText());
    assertEquals("", at(16, true, null, Map.of("compute-1", "UP")).path("host_status").asText(), "not yet scheduled");
    assertEquals("", at(16, true, "gone", Map.of("compute-1", "UP")).path("host_status").asText(), "a host no longer known");
    assertFalse(at(16, false, "compute-1", Map.of("compute-1", "UP")).has("host_status"), "admins only");
  }

  @Test
  void anUpdatesAnswerIsTheServerWithoutExtensionsAndPlainAddresses() {
    ServerCatalog.Server s = server("ACTIVE", "active", null, 1, "compute-1", "img-1", null, LAUNCHED, List.of());
    JsonNode updated = JSON.updated(s, new ServerJson.Audience(true, new Microversion(9)));
    assertEquals("web-1", updated.path("name").asText());
    assertFalse(updated.has("OS-EXT-STS:vm_state"));
    assertFalse(updated.has("OS-EXT-SRV-ATTR:host"));
    assertFalse(updated.has("key_name"));
    assertFalse(updated.has("OS-SRV-USG:launched_at"));
    assertFalse(updated.has("security_groups"));
    assertTrue(updated.has("locked"));
    assertFalse(JSON.updated(s, ADMIN).has("locked"));
  }
}
