package dev.skyledger.processors.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/** Avro records as state rows (their JSON form), so a decider's state reuses the event schemas' types. */
public final class AvroRows {
  private AvroRows() {}

  public static String write(SpecificRecord record) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      JsonEncoder encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), out);
      new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, encoder);
      encoder.flush();
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T extends SpecificRecord> T read(String row, Class<T> type) {
    Schema schema = SpecificData.get().getSchema(type);
    try {
      return new SpecificDatumReader<T>(schema).read(null, DecoderFactory.get().jsonDecoder(schema, row));
    } catch (IOException e) {
      throw new IllegalStateException("corrupt state row of " + type.getSimpleName() + ": " + row, e);
    }
  }
}
