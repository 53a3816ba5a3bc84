package dev.skyledger.platform.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class IpMathTest {
  @Test
  void ipv4AndIpv6ParseAndPrintCanonically() {
    assertEquals("10.0.0.1", Ip.of("10.0.0.1").toString());
    assertEquals("fd00::1", Ip.of("fd00:0:0:0:0:0:0:1").toString());
    assertEquals("2001:db8::1:0:0:1", Ip.of("2001:db8:0:0:1:0:0:1").toString());
    assertEquals("::", Ip.of("::").toString());
    assertEquals("fe80::1:2", Ip.of("FE80::1:2").toString());
    assertEquals("1:0:2:3:4:5:6:7", Ip.of("1:0:2:3:4:5:6:7").toString());
  }

  @Test
  void notAddressesAreRefusedWithoutANameLookup() {
    for (String bad : new String[] {"10.0.0", "10.0.0.256", "010.0.0.1", "localhost", "example.org", "1:2:3", "", "::g"}) {
      assertEquals(Optional.empty(), Ip.parse(bad), bad);
    }
  }

  @Test
  void cidrsWithHostBitsOrBadPrefixesAreRefused() {
    assertTrue(Cidr.parse("10.0.0.0/24").isPresent());
    assertFalse(Cidr.parse("10.0.0.5/24").isPresent());
    assertFalse(Cidr.parse("10.0.0.0/33").isPresent());
    assertFalse(Cidr.parse("10.0.0.0").isPresent());
    assertEquals("10.0.0.0/24", Cidr.containing(Ip.of("10.0.0.5"), 24).toString());
    assertTrue(Cidr.parse("fd00::/64").isPresent());
  }

  @Test
  void usableRangeAndOverlap() {
    Cidr c = Cidr.parse("192.168.1.0/24").orElseThrow();
    assertEquals("192.168.1.1", c.firstUsable().toString());
    assertEquals("192.168.1.254", c.lastUsable().toString());
    assertEquals("192.168.1.1", c.defaultGateway().toString());
    assertTrue(c.overlaps(Cidr.parse("192.168.0.0/16").orElseThrow()));
    assertFalse(c.overlaps(Cidr.parse("192.168.2.0/24").orElseThrow()));
    assertTrue(c.contains(Ip.of("192.168.1.77")));
    assertFalse(c.contains(Ip.of("192.168.2.1")));
  }

  @Test
  void macsAreValidatedAndGeneratedDeterministically() {
    assertEquals(Optional.of("fa:16:3e:aa:bb:cc"), Mac.parse("FA-16-3E-AA-BB-CC"));
    assertEquals(Optional.empty(), Mac.parse("01:00:5e:00:00:01"), "multicast");
    assertEquals(Optional.empty(), Mac.parse("fa:16:3e:aa:bb"));
    assertEquals(Mac.generated("port-1", 0), Mac.generated("port-1", 0));
    assertTrue(Mac.generated("port-1", 0).startsWith("fa:16:3e:"));
    assertEquals("fd00::f816:3eff:feaa:bbcc", Mac.eui64(Cidr.parse("fd00::/64").orElseThrow(), "fa:16:3e:aa:bb:cc").toString());
  }
}
