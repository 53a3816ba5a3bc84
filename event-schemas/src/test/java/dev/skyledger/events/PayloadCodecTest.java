package dev.skyledger.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.skyledger.events.identity.ProjectCreated;
import dev.skyledger.events.identity.RoleAssigned;
import dev.skyledger.events.identity.UserCreated;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** Payloads stay decodable forever: the current version round-trips, older released versions still decode. */
class PayloadCodecTest {
  private static final String PROJECT_CREATED = "dev.skyledger.events.identity.ProjectCreated";

  private final PayloadCodec codec = new PayloadCodec();

  @Test
  void givenProjectCreatedWrittenWithV1Schema_whenDecode_thenCurrentProjectCreatedWithEmptyTags() throws IOException {
    Schema v1 = historicSchema("schema-history/dev.skyledger.events.identity.ProjectCreated.v1.avsc");
    GenericRecord old = new GenericData.Record(v1);
    old.put("projectId", "p-1");
    old.put("domainId", "default");
    old.put("name", "legacy");
    old.put("description", "written before tags existed");
    old.put("enabled", true);
    byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old));

    SpecificRecord decoded = codec.decode(PROJECT_CREATED, bytes);

    assertEquals(new ProjectCreated("p-1", "default", "legacy", "written before tags existed", true, List.of(), null), decoded);
  }

  @Test
  void givenCreatePortWrittenBeforeViaService_whenDecode_thenAnOrdinaryPortRequest() throws IOException {
    Schema v1 = historicSchema("schema-history/dev.skyledger.events.network.CreatePort.v1.avsc");
    GenericRecord old = new GenericData.Record(v1);
    old.put("portId", "port-1");
    old.put("networkId", "net-1");
    old.put("projectId", "p-1");
    old.put("name", "legacy");
    old.put("description", "");
    old.put("securityGroups", List.of());
    old.put("deviceId", "");
    old.put("deviceOwner", "");
    old.put("hostId", "");
    old.put("adminStateUp", true);
    old.put("portSecurityEnabled", true);
    byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old));

    var decoded = (dev.skyledger.events.network.CreatePort) codec.decode("dev.skyledger.events.network.CreatePort", bytes);

    assertEquals("legacy", decoded.getName());
    assertEquals("", decoded.getViaService());
  }

  @Test
  void givenUpdatePortWrittenBeforeViaService_whenDecode_thenAClientsUpdate() throws IOException {
    Schema v1 = historicSchema("schema-history/dev.skyledger.events.network.UpdatePort.v1.avsc");
    GenericRecord old = new GenericData.Record(v1);
    old.put("portId", "port-1");
    old.put("networkId", "net-1");
    old.put("name", "renamed");
    byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old));

    var decoded = (dev.skyledger.events.network.UpdatePort) codec.decode("dev.skyledger.events.network.UpdatePort", bytes);

    assertEquals("renamed", decoded.getName());
    assertEquals("", decoded.getViaService());
  }

  @Test
  void givenInstanceRequestedWrittenBeforeReservations_whenDecode_thenNoReservationAndFirstOfItsRequest() throws IOException {
    Schema v1 = historicSchema("schema-history/dev.skyledger.events.compute.InstanceRequested.v1.avsc");
    Schema specSchema = v1.getField("server").schema();
    GenericRecord flavor = new org.apache.avro.generic.GenericRecordBuilder(specSchema.getField("flavor").schema())
        .set("flavorId", "1").set("name", "m1.tiny").set("vcpus", 1).set("ramMb", 512).set("diskGb", 1).build();
    GenericRecord spec = new org.apache.avro.generic.GenericRecordBuilder(specSchema)
        .set("instanceId", "server-1").set("projectId", "p").set("userId", "u").set("name", "old").set("hostname", "old")
        .set("flavor", flavor).build();
    GenericRecord old = new GenericData.Record(v1);
    old.put("server", spec);
    byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old));

    var decoded = (dev.skyledger.events.compute.InstanceRequested) codec.decode(
        "dev.skyledger.events.compute.InstanceRequested", bytes);

    assertEquals("old", decoded.getServer().getName());
    assertEquals(null, decoded.getServer().getReservationId());
    assertEquals(0, decoded.getServer().getLaunchIndex());
    assertEquals(4, codec.versionOf("dev.skyledger.events.compute.CreateServer"));
    assertEquals(null, decoded.getServer().getDiskConfig(), "no disk config recorded: shown as Nova's default");
  }

  @Test
  void givenInstanceUpdatedWrittenBeforeAccessAddresses_whenDecode_thenTheRenameAndNoAddresses() throws IOException {
    Schema v1 = historicSchema("schema-history/dev.skyledger.events.compute.InstanceUpdated.v1.avsc");
    GenericRecord old = new GenericData.Record(v1);
    old.put("instanceId", "server-1");
    old.put("projectId", "p");
    old.put("name", "renamed");
    byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old));

    var decoded = (dev.skyledger.events.compute.InstanceUpdated) codec.decode(
        "dev.skyledger.events.compute.InstanceUpdated", bytes);

    assertEquals("renamed", decoded.getName());
    assertEquals(null, decoded.getAccessIpv4());
    assertEquals(null, decoded.getAccessIpv6());
  }

  @Test
  void givenInstanceUpdatedWrittenBeforeDiskConfig_whenDecode_thenTheAddressesAndNoDiskConfig() throws IOException {
    Schema v2 = historicSchema("schema-history/dev.skyledger.events.compute.InstanceUpdated.v2.avsc");
    GenericRecord old = new GenericData.Record(v2);
    old.put("instanceId", "server-1");
    old.put("projectId", "p");
    old.put("accessIpv4", "192.0.2.1");
    byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(old));

    var decoded = (dev.skyledger.events.compute.InstanceUpdated) codec.decode(
        "dev.skyledger.events.compute.InstanceUpdated", bytes);

    assertEquals("192.0.2.1", decoded.getAccessIpv4());
    assertEquals(null, decoded.getDiskConfig());
  }

  @Test
  void givenHostRegisteredWrittenBeforeConsoles_whenDecode_thenAHostThatServesNoConsole() throws IOException {
    Schema v1 = historicSchema("schema-history/dev.skyledger.events.host.HostRegistered.v1.avsc");
    GenericRecord old = new org.apache.avro.generic.GenericRecordBuilder(v1).set("hostId", "compute-1")
        .set("hypervisorType", "simulated").set("hypervisorVersion", "1.0").set("availabilityZone", "nova")
        .set("hostIp", "127.0.0.1").set("vcpus", 8).set("memoryMb", 8192).set("localGb", 100)
        .set("cpuAllocationRatio", 16.0).set("ramAllocationRatio", 1.5).set("diskAllocationRatio", 1.0).build();
    byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old));

    var decoded = (dev.skyledger.events.host.HostRegistered) codec.decode("dev.skyledger.events.host.HostRegistered", bytes);

    assertEquals("compute-1", decoded.getHostId());
    assertEquals(null, decoded.getConsoleUrl());
  }

  @Test
  void givenSnapshotServerWrittenWhenTheApiMadeTheImage_whenDecode_thenNoImageToMake() throws IOException {
    Schema v1 = historicSchema("schema-history/dev.skyledger.events.compute.SnapshotServer.v1.avsc");
    GenericRecord old = new org.apache.avro.generic.GenericRecordBuilder(v1).set("instanceId", "vm-1").set("projectId", "p")
        .set("imageId", "img-1").build();
    byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old));

    var decoded = (dev.skyledger.events.compute.SnapshotServer) codec.decode("dev.skyledger.events.compute.SnapshotServer", bytes);

    assertEquals("img-1", decoded.getImageId());
    assertEquals(null, decoded.getImageName(), "the saga makes no image for it: the API made it then");
  }

  @Test
  void givenTheSchemaHistoryDirectory_whenListed_thenEveryReleaseIsInTheIndex() throws IOException {
    java.nio.file.Path dir = java.nio.file.Path.of("src/main/resources/schema-history");
    List<String> files;
    try (var listing = java.nio.file.Files.list(dir)) {
      files = listing.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".avsc")).sorted().toList();
    }
    List<String> indexed = java.nio.file.Files.readAllLines(dir.resolve("index.txt")).stream()
        .map(String::trim).filter(l -> !l.isEmpty()).sorted().toList();

    assertEquals(files, indexed, "a release missing from index.txt cannot be decoded");
  }

  @Test
  void givenCurrentProjectCreated_whenEncodeAndDecode_thenSameRecord() {
    ProjectCreated event = new ProjectCreated("p-2", "default", "web", "web servers", false, List.of("prod", "eu"), null);

    SpecificRecord decoded = codec.decode(codec.typeOf(event), codec.encode(event));

    assertEquals(event, decoded);
  }

  @Test
  void givenUserCreatedWithNullOptionals_whenEncodeAndDecode_thenSameRecord() {
    UserCreated event = new UserCreated("u-1", "default", "alice", null, null, null, true, null, null);

    SpecificRecord decoded = codec.decode(codec.typeOf(event), codec.encode(event));

    assertEquals(event, decoded);
  }

  @Test
  void givenProjectCreatedWithTwoOlderReleases_whenVersionOf_thenThree() {
    assertEquals(3, codec.versionOf(PROJECT_CREATED));
  }

  @Test
  void givenRoleAssignedWithOneOlderRelease_whenVersionOf_thenTwo() {
    assertEquals(2, codec.versionOf(new RoleAssigned("p", "u", "r", null, null, false, false).getSchema().getFullName()));
  }

  @Test
  void givenRoleAssignedWrittenBeforeGroupsAndDomains_whenDecoded_thenAUsersGrantOnAProject() throws IOException {
    Schema v1 = historicSchema("schema-history/dev.skyledger.events.identity.RoleAssigned.v1.avsc");
    GenericRecord old = new GenericData.Record(v1);
    old.put("projectId", "p-1");
    old.put("userId", "u-1");
    old.put("roleId", "r-1");

    byte[] bytes = toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old));

    RoleAssigned decoded = (RoleAssigned) codec.decode(RoleAssigned.getClassSchema().getFullName(), bytes);

    assertEquals(new RoleAssigned("p-1", "u-1", "r-1", null, null, false, false), decoded);
  }

  @Test
  void givenUnknownType_whenDecode_thenIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> codec.decode("dev.skyledger.events.identity.Nope", new byte[] {1}));
  }

  @Test
  void givenUnknownType_whenVersionOf_thenIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> codec.versionOf("dev.skyledger.events.identity.Nope"));
  }

  private static Schema historicSchema(String resource) throws IOException {
    try (InputStream in = PayloadCodecTest.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing " + resource);
      return new Schema.Parser().parse(in);
    }
  }

  private static byte[] toBytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
