package dev.skyledger.platform.network;

import java.math.BigInteger;
import java.util.Optional;

/** A subnet written as address/prefix, with the arithmetic subnets and allocation pools need. */
public record Cidr(Ip network, int prefix) {
  /**
   * The CIDR written in {@code text}; empty if it is not one. Host bits must be zero
   * ({@code 10.0.0.5/24} is refused, as Neutron refuses it).
   */
  public static Optional<Cidr> parse(String text) {
    if (text == null) return Optional.empty();
    int slash = text.indexOf('/');
    if (slash < 0) return Optional.empty();
    Optional<Ip> ip = Ip.parse(text.substring(0, slash));
    if (ip.isEmpty()) return Optional.empty();
    int prefix;
    try {
      prefix = Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    int bits = Ip.bits(ip.get().version());
    if (prefix < 0 || prefix > bits) return Optional.empty();
    Cidr cidr = new Cidr(ip.get(), prefix);
    if (!cidr.first().equals(ip.get())) return Optional.empty();
    return Optional.of(cidr);
  }

  /** The CIDR that contains {@code ip} with this prefix length (to say what a refused CIDR should be). */
  public static Cidr containing(Ip ip, int prefix) {
    BigInteger mask = hostMask(ip.version(), prefix).not();
    return new Cidr(new Ip(ip.version(), ip.value().and(mask).and(allOnes(ip.version()))), prefix);
  }

  public int version() {
    return network.version();
  }

  public Ip first() {
    return new Ip(version(), network.value().andNot(hostMask(version(), prefix)));
  }

  public Ip last() {
    return new Ip(version(), first().value().or(hostMask(version(), prefix)));
  }

  public BigInteger size() {
    return BigInteger.ONE.shiftLeft(Ip.bits(version()) - prefix);
  }

  public boolean contains(Ip ip) {
    return ip.version() == version() && ip.compareTo(first()) >= 0 && ip.compareTo(last()) <= 0;
  }

  public boolean overlaps(Cidr other) {
    return other.version() == version() && other.first().compareTo(last()) <= 0 && first().compareTo(other.last()) <= 0;
  }

  /** The first address clients are given as their gateway by default: the network address plus one. */
  public Ip defaultGateway() {
    return first().plus(1);
  }

  /**
   * The addresses that may be handed out at all: for IPv4 all but the network and broadcast
   * addresses (a /31 or /32 keeps both), for IPv6 all but the subnet-router anycast address.
   */
  public Ip firstUsable() {
    if (version() == 4 && prefix >= 31) return first();
    return first().plus(1);
  }

  public Ip lastUsable() {
    if (version() == 4 && prefix < 31) return last().plus(-1);
    return last();
  }

  @Override
  public String toString() {
    return first() + "/" + prefix;
  }

  private static BigInteger hostMask(int version, int prefix) {
    return BigInteger.ONE.shiftLeft(Ip.bits(version) - prefix).subtract(BigInteger.ONE);
  }

  private static BigInteger allOnes(int version) {
    return BigInteger.ONE.shiftLeft(Ip.bits(version)).subtract(BigInteger.ONE);
  }
}
