package dev.skyledger.platform.network;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 address as a number, parsed from and printed as its canonical text (RFC 5952). */
public record Ip(int version, BigInteger value) implements Comparable<Ip> {
  private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern V6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

  public Ip {
    if (value.signum() < 0 || value.bitLength() > bits(version)) throw new IllegalArgumentException("out of range");
  }

  /** The address written in {@code text}, or empty if it is not an IPv4 or IPv6 address (no name lookup). */
  public static Optional<Ip> parse(String text) {
    if (text == null) return Optional.empty();
    var m = V4.matcher(text);
    if (m.matches()) {
      long v = 0;
      for (int i = 1; i <= 4; i++) {
        int octet = Integer.parseInt(m.group(i));
        if (octet > 255 || (m.group(i).length() > 1 && m.group(i).startsWith("0"))) return Optional.empty();
        v = (v << 8) | octet;
      }
      return Optional.of(new Ip(4, BigInteger.valueOf(v)));
    }
    if (!text.contains(":") || !V6_CHARS.matcher(text).matches()) return Optional.empty();
    try {
      byte[] bytes = InetAddress.getByName(text).getAddress();
      if (bytes.length != 16) return Optional.empty();
      return Optional.of(new Ip(6, new BigInteger(1, bytes)));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  public static Ip of(String text) {
    return parse(text).orElseThrow(() -> new IllegalArgumentException("not an IP address: " + text));
  }

  public static int bits(int version) {
    return version == 4 ? 32 : 128;
  }

  public Ip plus(long n) {
    return new Ip(version, value.add(BigInteger.valueOf(n)));
  }

  @Override
  public int compareTo(Ip other) {
    return version != other.version ? Integer.compare(version, other.version) : value.compareTo(other.value);
  }

  /** A fixed-width hex form that sorts like the address (for ordered keys). */
  public String sortKey() {
    String hex = value.toString(16);
    return "0".repeat(bits(version) / 4 - hex.length()) + hex;
  }

  @Override
  public String toString() {
    if (version == 4) {
      long v = value.longValue();
      return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) groups[i] = value.shiftRight(16 * (7 - i)).intValue() & 0xffff;
    // the longest run (of two or more) of zero groups becomes "::", the first such run on a tie
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) j++;
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') out.append(':');
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }
}
