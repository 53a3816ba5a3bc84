package dev.skyledger.platform.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Recognises disk image formats by their headers (and the VHD footer), and reads the virtual
 * size where the format records it. Pure: bytes in, verdict out.
 */
public final class ImageFormats {
  /** How many leading bytes inspection needs (the ISO 9660 signature sits at 32769). */
  public static final int HEAD_BYTES = 64 * 1024;
  /** How many trailing bytes inspection needs (a VHD footer). */
  public static final int TAIL_BYTES = 512;

  /** What the data is, as far as its header says (null: no known header, so raw). */
  public record Inspection(String detected, Long virtualSize) {}

  private ImageFormats() {}

  public static Inspection inspect(byte[] head, byte[] tail, long size) {
    if (startsWith(head, 0, new byte[] {'Q', 'F', 'I', (byte) 0xfb})) {
      return new Inspection("qcow2", head.length >= 32 ? ByteBuffer.wrap(head, 24, 8).getLong() : null);
    }
    if (startsWith(head, 0, ascii("KDMV"))) {
      Long capacity = head.length >= 20 ? ByteBuffer.wrap(head, 12, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() * 512 : null;
      return new Inspection("vmdk", capacity);
    }
    if (startsWith(head, 0, ascii("vhdxfile"))) return new Inspection("vhdx", null);
    if (startsWith(head, 64, new byte[] {0x7f, 0x10, (byte) 0xda, (byte) 0xbe})) return new Inspection("vdi", null);
    if (tail.length >= 512 && startsWith(tail, tail.length - 512, ascii("conectix"))) {
      return new Inspection("vhd", ByteBuffer.wrap(tail, tail.length - 512 + 48, 8).getLong());
    }
    if (startsWith(head, 0x8001, ascii("CD001"))) return new Inspection("iso", size);
    return new Inspection(null, size);
  }

  /**
   * Why data of this inspection cannot be an image of the declared disk format, or null when it
   * can. Formats without a header of their own (ami, aki, ari) accept anything.
   */
  public static String contradiction(String declared, Inspection found) {
    String detected = found.detected();
    switch (declared) {
      case "ami", "aki", "ari" -> {
        return null;
      }
      case "raw" -> {
        return detected == null ? null
            : "The data is a " + detected + " image, not raw: declare disk_format " + detected + ".";
      }
      default -> {
        return declared.equals(detected) ? null
            : "The data is not a " + declared + " image" + (detected == null ? "" : " (it is " + detected + ")") + ".";
      }
    }
  }

  private static boolean startsWith(byte[] data, int offset, byte[] prefix) {
    return data.length >= offset + prefix.length
        && Arrays.equals(data, offset, offset + prefix.length, prefix, 0, prefix.length);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
