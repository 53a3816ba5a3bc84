package dev.skyledger.commandapi.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skyledger.platform.http.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImagePatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static ApiException refused(String body, String type) {
    return assertThrows(ApiException.class, () -> ImagePatch.parse(json(body), type));
  }

  @Test
  void anRfc6902PatchNamesItsOperationWithOp() {
    List<ImagePatch.Op> ops = ImagePatch.parse(json("[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"x\"},"
        + "{\"op\":\"remove\",\"path\":\"/os_distro\"}]"), ImagePatch.V21);

    assertEquals("replace", ops.get(0).kind());
    assertEquals(List.of("name"), ops.get(0).path());
    assertEquals("x", ops.get(0).value().asText());
    assertEquals("remove", ops.get(1).kind());
    assertNull(ops.get(1).value());
  }

  @Test
  void theOlderDraftGlanceAcceptsNamesTheOperationByTheMember() {
    List<ImagePatch.Op> ops = ImagePatch.parse(json("[{\"replace\":\"/protected\",\"value\":true}]"),
        ImagePatch.V20 + "; charset=UTF-8");

    assertEquals("replace", ops.get(0).kind());
    assertEquals(List.of("protected"), ops.get(0).path());
    assertTrue(ops.get(0).value().asBoolean());
  }

  @Test
  void aPointerIsUnescapedIntoItsTokens() {
    assertEquals(List.of("a/b~c"), ImagePatch.decode("/a~1b~0c"));
    assertEquals(List.of("tags", "x"), ImagePatch.decode("/tags/x"));
  }

  @Test
  void malformedPatchesAre400sInGlancesWords() {
    assertTrue(refused("[{\"path\":\"/name\",\"value\":1}]", ImagePatch.V21).getMessage().contains("Unable to find `op`"));
    assertTrue(refused("[{\"op\":\"move\",\"path\":\"/name\"}]", ImagePatch.V21).getMessage().contains("Invalid operation: `move`"));
    assertTrue(refused("[{\"add\":\"/a\",\"remove\":\"/b\"}]", ImagePatch.V20).getMessage().contains("only one member"));
    assertTrue(refused("[{\"op\":\"add\",\"path\":\"/name\"}]", ImagePatch.V21).getMessage().contains("requires a member named \"value\""));
    assertTrue(refused("[{\"op\":\"add\",\"path\":\"name\",\"value\":1}]", ImagePatch.V21).getMessage().contains("does not start with"));
    assertTrue(refused("[{\"op\":\"add\",\"path\":\"/a//b\",\"value\":1}]", ImagePatch.V21).getMessage().contains("adjacent"));
    assertTrue(refused("[{\"op\":\"add\",\"path\":\"/\",\"value\":1}]", ImagePatch.V21).getMessage().contains("valid token"));
    assertTrue(refused("[{\"op\":\"add\",\"path\":\"/a~2\",\"value\":1}]", ImagePatch.V21).getMessage().contains("~"));
    assertTrue(refused("{\"op\":\"add\"}", ImagePatch.V21).getMessage().contains("JSON array"));
    assertEquals(400, refused("[1]", ImagePatch.V21).status());
  }
}
