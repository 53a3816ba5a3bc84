package dev.skyledger.platform.kafka;

import dev.skyledger.events.PayloadCodec;
import dev.skyledger.events.core.Actor;
import dev.skyledger.events.core.Envelope;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/** Builds and opens envelopes. Ids of records derived from a cause are derived from its id, so a re-run decides the same ids. */
public final class Envelopes {
  private final PayloadCodec codec;

  public Envelopes(PayloadCodec codec) {
    this.codec = codec;
  }

  public PayloadCodec codec() {
    return codec;
  }

  /**
   * An envelope for this payload with its type, schema version and encoding set: every record is
   * built from here; the caller sets who, why and where.
   */
  public Envelope.Builder of(SpecificRecord payload) {
    String type = codec.typeOf(payload);
    return Envelope.newBuilder().setType(type).setSchemaVersion(codec.versionOf(type))
        .setPayload(ByteBuffer.wrap(codec.encode(payload)));
  }

  /** The id of the n-th record caused by {@code causeId}: the same on every re-run of the cause. */
  public static String derivedId(String causeId, String n) {
    return UUID.nameUUIDFromBytes((causeId + "/" + n).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** A command as the API publishes it: a new id, correlated by the request id. */
  public Envelope command(SpecificRecord payload, String aggregateId, String projectId, Actor actor,
                          String requestId, String streamKey, Instant time) {
    return of(payload).setEventId(UUID.randomUUID().toString()).setAggregateId(aggregateId).setProjectId(projectId)
        .setActor(actor).setRequestId(requestId).setCausationId(null).setCorrelationId(requestId).setTime(time)
        .setStreamKey(streamKey).setSequence(0).build();
  }

  /** The n-th record caused by {@code cause}: same actor, request, correlation and time. */
  public Envelope derived(Envelope cause, int n, SpecificRecord payload, String aggregateId, String projectId,
                          long sequence) {
    return of(payload).setEventId(derivedId(cause.getEventId(), String.valueOf(n))).setAggregateId(aggregateId)
        .setProjectId(projectId).setActor(cause.getActor()).setRequestId(cause.getRequestId())
        .setCausationId(cause.getEventId()).setCorrelationId(cause.getCorrelationId()).setTime(cause.getTime())
        .setStreamKey(cause.getStreamKey()).setSequence(sequence).build();
  }

  public SpecificRecord open(Envelope envelope) {
    return codec.decode(envelope.getType(), envelope.getPayload());
  }

  public static Actor system() {
    return Actor.newBuilder().setUserId(null).setUserName("system").setProjectId(null)
        .setRoles(java.util.List.of("system")).build();
  }
}
