package dev.skyledger.platform.auth;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.events.identity.ProjectDeleted;
import dev.skyledger.events.identity.ProjectUpdated;
import dev.skyledger.events.identity.RoleDeleted;
import dev.skyledger.events.identity.RoleUnassigned;
import dev.skyledger.events.identity.TokenRevoked;
import dev.skyledger.events.identity.UserDeleted;
import dev.skyledger.events.identity.UserPasswordChanged;
import dev.skyledger.events.identity.UserRemovedFromGroup;
import dev.skyledger.events.identity.UserUpdated;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import dev.skyledger.platform.runtime.BackgroundLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the identity events of the last token lifetime into this process's {@link RevocationList},
 * and keeps reading: a revoked token, a disabled or deleted user, a removed role assignment stop
 * working in every API process as soon as the event is committed.
 */
public final class RevocationFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RevocationFeed.class);

  private final KafkaClients kafka;
  private final Envelopes envelopes;
  private final RevocationList list;
  private final Duration lifetime;
  /** How often the feed asks where the log ends, to know how current its list is. */
  private static final Duration CHECK_EVERY = Duration.ofSeconds(1);
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private volatile KafkaConsumer<String, Envelope> consumer;
  private BackgroundLoop loop;

  public RevocationFeed(KafkaClients kafka, Envelopes envelopes, RevocationList list, Duration lifetime) {
    this.kafka = kafka;
    this.envelopes = envelopes;
    this.list = list;
    this.lifetime = lifetime;
  }

  /**
   * Starts reading; once caught up, tokens are accepted only while the list is at most
   * {@code maxBehind} behind the log (fail closed when the broker cannot be reached).
   */
  public void start(Duration maxBehind) {
    list.requireCurrentWithin(maxBehind);
    start();
  }

  public void start() {
    loop = BackgroundLoop.start("revocation-feed", this::run, this::wakeup, log);
  }

  /** Waits until the events that existed at start have been read. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static boolean reached(KafkaConsumer<String, Envelope> c, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) if (c.position(e.getKey()) < e.getValue()) return false;
    return true;
  }

  private void wakeup() {
    KafkaConsumer<String, Envelope> c = consumer;
    if (c != null) c.wakeup();
  }

  private void run(BackgroundLoop loop) {
    try (KafkaConsumer<String, Envelope> c = kafka.reader("revocations")) {
      consumer = c;
      String topic = kafka.config().topic(Topics.IDENTITY_EVENTS);
      List<TopicPartition> partitions = c.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(partitions);
      long since = Instant.now().minus(lifetime).minusSeconds(60).toEpochMilli();
      Map<TopicPartition, Long> query = new HashMap<>();
      partitions.forEach(p -> query.put(p, since));
      Map<TopicPartition, OffsetAndTimestamp> starts = c.offsetsForTimes(query);
      Map<TopicPartition, Long> ends = c.endOffsets(partitions);
      for (TopicPartition p : partitions) {
        OffsetAndTimestamp start = starts.get(p);
        c.seek(p, start == null ? ends.get(p) : start.offset());
      }
      long lastPrune = System.currentTimeMillis();
      // a checkpoint: the log's end at a moment; once read up to it, the list is current as of that moment
      Instant checkpointAt = Instant.now();
      Map<TopicPartition, Long> checkpoint = ends;
      while (loop.running()) {
        for (ConsumerRecord<String, Envelope> record : c.poll(Duration.ofMillis(100))) apply(record.value());
        if (checkpoint != null && reached(c, checkpoint)) {
          list.confirmCurrent(checkpointAt);
          caughtUp.countDown();
          checkpoint = null;
        }
        if (checkpoint == null && Duration.between(checkpointAt, Instant.now()).compareTo(CHECK_EVERY) >= 0) {
          checkpointAt = Instant.now();
          // a broker that cannot be reached throws here: the loop starts again, the list ages meanwhile
          checkpoint = c.endOffsets(partitions, Duration.ofSeconds(5));
        }
        if (System.currentTimeMillis() - lastPrune > 60_000) {
          list.prune(Instant.now(), lifetime);
          lastPrune = System.currentTimeMillis();
        }
      }
    }
  }

  void apply(Envelope envelope) {
    SpecificRecord event;
    try {
      event = envelopes.open(envelope);
    } catch (RuntimeException e) {
      return; // not a payload this process knows: not a revocation it can act on
    }
    Instant at = envelope.getTime();
    if (event instanceof TokenRevoked e) {
      list.revokeToken(e.getAuditId(), e.getExpiresAt());
    } else if (event instanceof UserDeleted e) {
      list.revokeUser(e.getUserId(), at);
    } else if (event instanceof UserPasswordChanged e) {
      list.revokeUser(e.getUserId(), at);
    } else if (event instanceof UserUpdated e && !e.getEnabled()) {
      list.revokeUser(e.getUserId(), at);
    } else if (event instanceof ProjectDeleted e) {
      list.revokeProject(e.getProjectId(), at);
    } else if (event instanceof ProjectUpdated e && !e.getEnabled()) {
      list.revokeProject(e.getProjectId(), at);
    } else if (event instanceof RoleUnassigned e && e.getUserId() != null) {
      // a user's role on a project: their tokens for it; on a domain or the system: all of theirs
      if (e.getProjectId() != null && !e.getInherited()) list.revokeUserOnProject(e.getUserId(), e.getProjectId(), at);
      else list.revokeUser(e.getUserId(), at);
    } else if (event instanceof UserRemovedFromGroup e) {
      list.revokeUser(e.getUserId(), at);
    } else if (event instanceof RoleDeleted e) {
      list.revokeRole(e.getRoleId(), at);
    }
  }

  @Override
  public void close() {
    if (loop != null) loop.close();
  }
}
