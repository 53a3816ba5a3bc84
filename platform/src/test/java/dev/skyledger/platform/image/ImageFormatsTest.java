package dev.skyledger.platform.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageFormatsTest {
  private static byte[] qcow2Header(long virtualSize) {
    ByteBuffer b = ByteBuffer.allocate(512);
    b.put(new byte[] {'Q', 'F', 'I', (byte) 0xfb}).putInt(3).position(24);
    b.putLong(virtualSize);
    return b.array();
  }

  @Test
  void givenAQcow2Header_whenInspected_thenQcow2WithItsVirtualSize() {
    var found = ImageFormats.inspect(qcow2Header(1L << 30), new byte[0], 196_616);
    assertEquals("qcow2", found.detected());
    assertEquals(1L << 30, found.virtualSize());
    assertNull(ImageFormats.contradiction("qcow2", found));
  }

  @Test
  void givenPlainBytes_whenDeclaredQcow2_thenContradicted() {
    var found = ImageFormats.inspect("just some bytes".getBytes(StandardCharsets.US_ASCII), new byte[0], 15);
    assertNull(found.detected());
    assertEquals(15L, found.virtualSize());
    assertNotNull(ImageFormats.contradiction("qcow2", found));
    assertNull(ImageFormats.contradiction("raw", found));
  }

  @Test
  void givenAQcow2Header_whenDeclaredRaw_thenContradictedNamingTheRealFormat() {
    String why = ImageFormats.contradiction("raw", ImageFormats.inspect(qcow2Header(10), new byte[0], 512));
    assertNotNull(why);
    assertEquals(true, why.contains("qcow2"));
  }

  @Test
  void givenAVhdFooter_whenInspected_thenVhdWithItsCurrentSize() {
    ByteBuffer footer = ByteBuffer.allocate(512);
    footer.put("conectix".getBytes(StandardCharsets.US_ASCII)).position(48);
    footer.putLong(8L << 20);
    var found = ImageFormats.inspect(new byte[1024], footer.array(), 1024 + 512);
    assertEquals("vhd", found.detected());
    assertEquals(8L << 20, found.virtualSize());
  }

  @Test
  void givenAnIso9660Signature_whenInspected_thenIso() {
    byte[] head = new byte[40_000];
    System.arraycopy("CD001".getBytes(StandardCharsets.US_ASCII), 0, head, 0x8001, 5);
    var found = ImageFormats.inspect(head, new byte[0], head.length);
    assertEquals("iso", found.detected());
    assertNotNull(ImageFormats.contradiction("vmdk", found));
  }

  @Test
  void givenKernelAndRamdiskFormats_whenAnyData_thenAccepted() {
    var found = ImageFormats.inspect(qcow2Header(1), new byte[0], 512);
    assertNull(ImageFormats.contradiction("aki", found));
    assertNull(ImageFormats.contradiction("ari", found));
  }
}
