package dev.skyledger.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes payloads with Avro single-object encoding and decodes them by their type name, also
 * when they were written with an older released version of their schema (kept in
 * {@code schema-history/}).
 */
public final class PayloadCodec {
  private record Entry(Schema schema, int version, BinaryMessageEncoder<SpecificRecord> encoder,
                       BinaryMessageDecoder<SpecificRecord> decoder) {}

  private final Map<String, Entry> byName = new HashMap<>();

  public PayloadCodec() {
    this(Payloads.ALL);
  }

  public PayloadCodec(List<Class<? extends SpecificRecord>> types) {
    Map<String, List<Schema>> history = loadHistory();
    for (Class<? extends SpecificRecord> type : types) {
      Schema schema = SpecificData.get().getSchema(type);
      List<Schema> old = history.getOrDefault(schema.getFullName(), List.of());
      BinaryMessageDecoder<SpecificRecord> decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema);
      old.forEach(decoder::addSchema);
      byName.put(schema.getFullName(),
          new Entry(schema, old.size() + 1, new BinaryMessageEncoder<>(SpecificData.get(), schema), decoder));
    }
  }

  /** The full name that goes into the envelope's type. */
  public String typeOf(SpecificRecord payload) {
    return payload.getSchema().getFullName();
  }

  /** The current version of a payload type's schema (1 + the number of older released versions). */
  public int versionOf(String type) {
    return entry(type).version();
  }

  public byte[] encode(SpecificRecord payload) {
    try {
      ByteBuffer buffer = entry(typeOf(payload)).encoder().encode(payload);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public SpecificRecord decode(String type, ByteBuffer bytes) {
    try {
      return entry(type).decoder().decode(bytes.duplicate());
    } catch (IOException e) {
      throw new UncheckedIOException("undecodable payload of type " + type, e);
    }
  }

  public SpecificRecord decode(String type, byte[] bytes) {
    return decode(type, ByteBuffer.wrap(bytes));
  }

  private Entry entry(String type) {
    Entry entry = byName.get(type);
    if (entry == null) throw new IllegalArgumentException("unknown payload type " + type);
    return entry;
  }

  private static Map<String, List<Schema>> loadHistory() {
    Map<String, List<Schema>> history = new HashMap<>();
    for (String file : readLines("schema-history/index.txt")) {
      try (InputStream in = resource("schema-history/" + file)) {
        Schema schema = new Schema.Parser().parse(in);
        history.computeIfAbsent(schema.getFullName(), k -> new java.util.ArrayList<>()).add(schema);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return history;
  }

  private static List<String> readLines(String name) {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(resource(name), StandardCharsets.UTF_8))) {
      return reader.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = PayloadCodec.class.getClassLoader().getResourceAsStream(name);
    if (in == null) throw new IllegalStateException("missing resource " + name);
    return in;
  }
}
