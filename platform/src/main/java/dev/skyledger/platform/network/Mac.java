package dev.skyledger.platform.network;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** MAC addresses: validation, the deterministic choice for a new port, and the IPv6 EUI-64 address. */
public final class Mac {
  /** The prefix OpenStack gives generated MACs. */
  public static final String PREFIX = "fa:16:3e";
  private static final Pattern FORMAT = Pattern.compile("[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\\1[0-9a-fA-F]{2}){4}");

  private Mac() {}

  /** The MAC in canonical form (lower case, colons), or empty if it is not a unicast MAC. */
  public static Optional<String> parse(String text) {
    if (text == null || !FORMAT.matcher(text).matches()) return Optional.empty();
    String mac = text.toLowerCase(Locale.ROOT).replace('-', ':');
    int first = Integer.parseInt(mac.substring(0, 2), 16);
    if ((first & 1) == 1 || mac.equals("00:00:00:00:00:00")) return Optional.empty();
    return Optional.of(mac);
  }

  /**
   * The {@code attempt}-th candidate MAC for a port: {@link #PREFIX} and three bytes of a hash of
   * the port id. Deterministic, so a decider replaying its log chooses the same MAC again.
   */
  public static String generated(String portId, int attempt) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest((portId + "/" + attempt).getBytes(StandardCharsets.UTF_8));
      HexFormat hex = HexFormat.of();
      return PREFIX + ":" + hex.toHexDigits(hash[0]) + ":" + hex.toHexDigits(hash[1]) + ":" + hex.toHexDigits(hash[2]);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The SLAAC address of a MAC in a /64: the prefix and the modified EUI-64 interface id. */
  public static Ip eui64(Cidr prefix64, String mac) {
    byte[] b = HexFormat.ofDelimiter(":").parseHex(mac);
    byte[] id = {(byte) (b[0] ^ 0x02), b[1], b[2], (byte) 0xff, (byte) 0xfe, b[3], b[4], b[5]};
    return new Ip(6, prefix64.first().value().or(new BigInteger(1, id)));
  }
}
