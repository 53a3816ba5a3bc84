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

  /** A command as the API publishes it: a new id, correlated by the request id. */
  public Envelope command(SpecificRecord payload, String aggregateId, String projectId, Actor actor,
                          String requestId, String streamKey, Instant time) {
    String type = codec.typeOf(payload);
    return Envelope.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setType(type)
        .setAggregateId(aggregateId)
        .setProjectId(projectId)
        .setActor(actor)
        .setRequestId(requestId)
        .setCausationId(null)
        .setCorrelationId(requestId)
        .setTime(time)
        .setSchemaVersion(codec.versionOf(type))
        .setStreamKey(streamKey)
        .setSequence(0)
        .setPayload(ByteBuffer.wrap(codec.encode(payload)))
        .build();
  }

  /** The n-th record caused by {@code cause}: same actor, request, correlation and time. */
  public Envelope derived(Envelope cause, int n, SpecificRecord payload, String aggregateId, String projectId,
                          long sequence) {
    String type = codec.typeOf(payload);
    return Envelope.newBuilder()
        .setEventId(UUID.nameUUIDFromBytes((cause.getEventId() + "/" + n).getBytes(StandardCharsets.UTF_8)).toString())
        .setType(type)
        .setAggregateId(aggregateId)
        .setProjectId(projectId)
        .setActor(cause.getActor())
        .setRequestId(cause.getRequestId())
        .setCausationId(cause.getEventId())
        .setCorrelationId(cause.getCorrelationId())
        .setTime(cause.getTime())
        .setSchemaVersion(codec.versionOf(type))
        .setStreamKey(cause.getStreamKey())
        .setSequence(sequence)
        .setPayload(ByteBuffer.wrap(codec.encode(payload)))
        .build();
  }

  public SpecificRecord open(Envelope envelope) {
    return codec.decode(envelope.getType(), envelope.getPayload());
  }

  public static Actor system() {
    return Actor.newBuilder().setUserId(null).setUserName("system").setProjectId(null)
        .setRoles(java.util.List.of("system")).build();
  }
}
