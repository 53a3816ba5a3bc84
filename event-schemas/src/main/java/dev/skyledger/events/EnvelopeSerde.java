package dev.skyledger.events;

import dev.skyledger.events.core.Envelope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serde of the envelope in Avro single-object encoding. */
public final class EnvelopeSerde implements Serde<Envelope>, Serializer<Envelope>, Deserializer<Envelope> {
  private final BinaryMessageEncoder<Envelope> encoder =
      new BinaryMessageEncoder<>(SpecificData.get(), Envelope.getClassSchema());
  private final BinaryMessageDecoder<Envelope> decoder =
      new BinaryMessageDecoder<>(SpecificData.get(), Envelope.getClassSchema());

  @Override
  public byte[] serialize(String topic, Envelope data) {
    if (data == null) return null;
    try {
      ByteBuffer buffer = encoder.encode(data);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Envelope deserialize(String topic, byte[] data) {
    if (data == null) return null;
    try {
      return decoder.decode(data);
    } catch (IOException e) {
      throw new UncheckedIOException("undecodable envelope on " + topic, e);
    }
  }

  @Override
  public void close() {}

  @Override
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {}

  @Override
  public Serializer<Envelope> serializer() {
    return this;
  }

  @Override
  public Deserializer<Envelope> deserializer() {
    return this;
  }
}
