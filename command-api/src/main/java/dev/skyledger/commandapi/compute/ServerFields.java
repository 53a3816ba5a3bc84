package dev.skyledger.commandapi.compute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.skyledger.events.compute.Flavor;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.views.compute.ComputeCatalog;
import dev.skyledger.views.image.ImageCatalog;
import java.util.Base64;
import java.util.Set;

/** The fields of a server create request that are checked on their own, as Nova checks them: pure functions. */
final class ServerFields {
  /** Nova's limit on user_data: 65535 bytes of base64 text. */
  static final int MAX_USER_DATA = 65535;
  /** The members of a create's {@code server} object (2.1 to 2.16). */
  static final Set<String> SERVER_FIELDS = Set.of("name", "imageRef", "flavorRef", "networks", "key_name",
      "user_data", "security_groups", "availability_zone", "min_count", "max_count", "metadata", "accessIPv4",
      "accessIPv6", "adminPass", "config_drive", "OS-DCF:diskConfig", "return_reservation_id", "personality");
  /** Nova's alphabet for generated passwords: letters and digits that cannot be mistaken for one another. */
  private static final String PASSWORD_SYMBOLS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  private ServerFields() {}

  /**
   * The server's admin password as Nova answers it: the one sent, or 12 random characters. As with
   * Nova's libvirt driver (which injects no password by default) it is not set in the guest by the
   * cloud; it is not kept either, so it is in the create answer only.
   */
  static String adminPass(JsonNode v) {
    if (v != null && !v.isNull()) {
      if (!v.isTextual()) throw NovaBody.invalid("adminPass", v, "it is not a string");
      return v.asText();
    }
    java.security.SecureRandom random = new java.security.SecureRandom();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 12; i++) out.append(PASSWORD_SYMBOLS.charAt(random.nextInt(PASSWORD_SYMBOLS.length())));
    return out.toString();
  }

  /** {@code OS-DCF:diskConfig}: absent (null), or AUTO or MANUAL as Nova's schema has it. */
  static String diskConfig(JsonNode v) {
    if (v == null) return null;
    if (!v.isTextual() || !(v.asText().equals("AUTO") || v.asText().equals("MANUAL"))) {
      throw NovaBody.invalid("OS-DCF:diskConfig", v, v + " is not one of ['AUTO', 'MANUAL']");
    }
    return v.asText();
  }

  /**
   * A new server's {@code OS-DCF:diskConfig}, as Nova decides it: the one asked for, else AUTO when
   * the image's {@code auto_disk_config} property says true, else MANUAL; AUTO from an image whose
   * property says {@code disabled} is a 400.
   */
  static String diskConfig(JsonNode v, ImageCatalog.Image image) {
    String asked = diskConfig(v);
    String property = image.properties().getOrDefault("auto_disk_config", "");
    if ("AUTO".equals(asked) && property.equalsIgnoreCase("disabled")) {
      throw ApiException.badRequest("Requested image " + image.id() + " has automatic disk resize disabled.");
    }
    if (asked != null) return asked;
    return property.equalsIgnoreCase("true") ? "AUTO" : "MANUAL";
  }

  /**
   * {@code accessIPv4} or {@code accessIPv6}: absent (null), or an address of that version, as
   * Nova's schema checks it, kept in its canonical form as Nova keeps it ({@code ::babe:dc0c:1602}).
   */
  static String accessIp(JsonNode v, int version) {
    if (v == null || v.isNull()) return null;
    String field = "accessIPv" + version;
    boolean valid = v.isTextual() && Ip.parse(v.asText()).map(ip -> ip.version() == version).orElse(false);
    if (!valid) throw NovaBody.invalid(field, v, v + " is not a 'ipv" + version + "'");
    return Ip.of(v.asText()).toString();
  }

  /** A reservation id as Nova makes them: {@code r-} and 8 random lowercase letters and digits. */
  static String reservationId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    java.security.SecureRandom random = new java.security.SecureRandom();
    StringBuilder id = new StringBuilder("r-");
    for (int i = 0; i < 8; i++) id.append(alphabet.charAt(random.nextInt(alphabet.length())));
    return id.toString();
  }

  /** A hostname from a server name, as Nova sanitizes it: letters, digits and hyphens, at most 63 characters. */
  static String hostname(String name) {
    String h = name.toLowerCase().replaceAll("[ _.]", "-").replaceAll("[^a-z0-9-]", "").replaceAll("^-+|-+$", "");
    if (h.length() > 63) h = h.substring(0, 63).replaceAll("-+$", "");
    return h.isEmpty() ? "server" : h;
  }

  static int count(ObjectNode s, String field) {
    JsonNode v = s.get(field);
    if (v == null || v.isNull()) return 1;
    int n;
    if (v.isIntegralNumber()) n = v.asInt();
    else if (v.isTextual() && v.asText().matches("\\d{1,6}")) n = Integer.parseInt(v.asText());
    else throw NovaBody.invalid(field, v, v + " is not of type 'integer', 'string'");
    if (n < 1) throw NovaBody.invalid(field, v, n + " is less than the minimum of 1");
    return n;
  }

  static String ref(JsonNode v, String field) {
    if (v == null || v.isNull() || !v.isTextual() || v.asText().isBlank()) {
      throw NovaBody.invalid(field, v, "'" + field + "' is a required property");
    }
    String ref = v.asText();
    // a reference may be a URL ending in the id, as in Nova
    int slash = ref.lastIndexOf('/');
    return slash >= 0 ? ref.substring(slash + 1) : ref;
  }

  /** As Nova: the flavor's RAM and root disk must hold the image (min_ram, min_disk, and its size). */
  static void checkFits(ComputeCatalog.Flavor flavor, ImageCatalog.Image image) {
    if (image.minRam() > flavor.ramMb()) {
      throw ApiException.badRequest("Flavor's memory is too small for requested image. Flavor memory is "
          + flavor.ramMb() + " MB, the image needs at least " + image.minRam() + " MB (min_ram).");
    }
    if (flavor.diskGb() == 0) return; // a zero-disk flavor takes the image's size
    if (image.minDisk() > flavor.diskGb()) {
      throw ApiException.badRequest("Flavor's disk is too small for requested image. Flavor disk is "
          + flavor.diskGb() + " GB, the image needs at least " + image.minDisk() + " GB (min_disk).");
    }
    long imageBytes = image.virtualSize() != null ? image.virtualSize() : image.size() == null ? 0 : image.size();
    long flavorBytes = (long) flavor.diskGb() << 30;
    if (imageBytes > flavorBytes) {
      throw ApiException.badRequest("Flavor's disk is too small for requested image. Flavor disk is " + flavorBytes
          + " bytes, image is " + imageBytes + " bytes.");
    }
  }

  static String userData(JsonNode v) {
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw NovaBody.invalid("user_data", v, "it is not a string");
    String text = v.asText();
    if (text.length() > MAX_USER_DATA) {
      throw ApiException.badRequest("User data too large. User data must be no larger than " + MAX_USER_DATA
          + " bytes once base64 encoded. Your data is " + text.length() + " bytes");
    }
    try {
      Base64.getMimeDecoder().decode(text);
      if (!text.replaceAll("\\s", "").matches("[A-Za-z0-9+/]*={0,2}") || text.replaceAll("\\s", "").length() % 4 != 0) {
        throw new IllegalArgumentException("not base64");
      }
    } catch (IllegalArgumentException e) {
      throw NovaBody.invalid("user_data", v.isTextual() && text.length() > 40 ? json(text.substring(0, 40) + "...") : v,
          "User data needs to be valid base 64.");
    }
    return text;
  }

  private static JsonNode json(String s) {
    return TextNode.valueOf(s);
  }

  /** The flavor as it is now, kept with the server (a later change of the flavor does not resize it). */
  static Flavor snapshot(ComputeCatalog.Flavor flavor) {
    return Flavor.newBuilder().setFlavorId(flavor.id()).setName(flavor.name()).setVcpus(flavor.vcpus())
        .setRamMb(flavor.ramMb()).setDiskGb(flavor.diskGb()).setEphemeralGb(flavor.ephemeralGb())
        .setSwapMb(flavor.swapMb()).setRxtxFactor(flavor.rxtxFactor()).setIsPublic(flavor.isPublic())
        .setDescription(flavor.description()).setExtraSpecs(flavor.extraSpecs()).build();
  }
}
