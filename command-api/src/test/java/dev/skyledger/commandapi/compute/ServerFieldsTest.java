package dev.skyledger.commandapi.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.image.ImageCatalog;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server request rules that need no view: hostnames, user data, and whether a flavor holds an image. */
class ServerFieldsTest {
  @Test
  void hostnamesAreSanitizedAsNovaDoes() {
    assertEquals("my-web-server-1", ServerFields.hostname("My Web_Server.1"));
    assertEquals("server", ServerFields.hostname("***"));
    assertEquals(63, ServerFields.hostname("a".repeat(100)).length());
  }

  @Test
  void userDataMustBeBase64AndAtMost65535Bytes() {
    String ok = Base64.getEncoder().encodeToString("#cloud-config\n".getBytes());
    assertEquals(ok, ServerFields.userData(TextNode.valueOf(ok)));
    assertNull(ServerFields.userData(null));
    ApiException bad = assertThrows(ApiException.class, () -> ServerFields.userData(TextNode.valueOf("not base64!!")));
    assertEquals(400, bad.status());
    assertTrue(bad.getMessage().contains("User data needs to be valid base 64."), bad.getMessage());
    ApiException large = assertThrows(ApiException.class, () -> ServerFields.userData(TextNode.valueOf("A".repeat(65536))));
    assertTrue(large.getMessage().startsWith("User data too large."), large.getMessage());
  }

  static ComputeCatalog.Flavor flavor(int ramMb, int diskGb) {
    return new ComputeCatalog.Flavor("f", "f", 1, ramMb, diskGb, 0, 0, 1.0, true, null, Map.of());
  }

  static ImageCatalog.Image image(int minDisk, int minRam, long size) {
    return new ImageCatalog.Image("i", "p", "img", "active", "private", false, "raw", "bare", minDisk, minRam, List.of(),
        Map.of(), size, null, "md5", "sha512", "h", null, null, "loc");
  }

  @Test
  void aFlavorMustHoldTheImagesMinimumsAndSize() {
    ServerFields.checkFits(flavor(512, 1), image(1, 512, 1 << 20));
    assertTrue(assertThrows(ApiException.class, () -> ServerFields.checkFits(flavor(512, 1), image(2, 0, 0)))
        .getMessage().contains("min_disk"));
    assertTrue(assertThrows(ApiException.class, () -> ServerFields.checkFits(flavor(512, 1), image(0, 1024, 0)))
        .getMessage().contains("min_ram"));
    assertTrue(assertThrows(ApiException.class, () -> ServerFields.checkFits(flavor(512, 1), image(0, 0, 2L << 30)))
        .getMessage().startsWith("Flavor's disk is too small for requested image."));
    ServerFields.checkFits(flavor(512, 0), image(5, 0, 2L << 30));
  }
}
