package dev.skyledger.hostagent;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.runtime.BackgroundLoop;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code host.commands} for the agents of this process and hands each command to its host's
 * lane: one thread per host, so a host's commands run in order and hosts run side by side. The
 * reading thread never waits for the work: a slow spawn or a long image fetch on one host holds back
 * neither another host's commands nor the consumer's polls (so it is never judged dead by its group).
 *
 * <p>An offset is committed once every command up to it is done, partition by partition, so a
 * crash makes the unfinished commands come again (the agents' handling is idempotent), never lost.
 * At most {@link #MAX_IN_FLIGHT} commands wait in the lanes; beyond that the reading pauses.
 */
public final class HostCommandLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostCommandLoop.class);
  static final int MAX_IN_FLIGHT = 1000;
  private static final long COMMIT_EVERY_MS = 200;

  private final Map<String, HostAgent> agents = new HashMap<>();
  private final Map<String, ExecutorService> lanes = new HashMap<>();
  private final KafkaConsumer<String, Envelope> consumer;
  private final BackgroundLoop loop;
  /** Per partition, the offsets handed out and whether each is done, in order. */
  private final Map<TopicPartition, ConcurrentSkipListMap<Long, Boolean>> progress = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  /** {@code group}: this process's consumer group (one per agent process: each reads every host's commands and keeps its own). */
  public HostCommandLoop(SkyConfig config, String group, List<HostAgent> local) {
    for (HostAgent a : local) {
      agents.put(a.hostId(), a);
      lanes.put(a.hostId(), Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "host-" + a.hostId());
        t.setDaemon(true);
        return t;
      }));
    }
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.topicPrefix() + group);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.instanceId() + "-" + group);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
    consumer = new KafkaConsumer<>(props, new StringDeserializer(), new dev.skyledger.events.EnvelopeSerde());
    consumer.subscribe(List.of(config.topic(Topics.HOST_COMMANDS)), new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        commitDone();
        // what is still running for them finishes (idempotently); their next owner starts at the commit
        partitions.forEach(progress::remove);
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        // nothing: positions come from the committed offsets
      }
    });
    loop = BackgroundLoop.start("host-commands", this::run, consumer::wakeup, log);
  }

  private void run(BackgroundLoop l) {
    long lastCommit = System.currentTimeMillis();
    boolean paused = false;
    while (l.running()) {
      for (ConsumerRecord<String, Envelope> r : consumer.poll(Duration.ofMillis(100))) dispatch(r);
      if (!paused && inFlight.get() >= MAX_IN_FLIGHT) {
        consumer.pause(consumer.assignment());
        paused = true;
      } else if (paused && inFlight.get() < MAX_IN_FLIGHT / 2) {
        consumer.resume(consumer.paused());
        paused = false;
      }
      if (System.currentTimeMillis() - lastCommit >= COMMIT_EVERY_MS) {
        commitDone();
        lastCommit = System.currentTimeMillis();
      }
    }
    commitDone();
  }

  private void dispatch(ConsumerRecord<String, Envelope> r) {
    TopicPartition partition = new TopicPartition(r.topic(), r.partition());
    ConcurrentSkipListMap<Long, Boolean> offsets = progress.computeIfAbsent(partition, p -> new ConcurrentSkipListMap<>());
    HostAgent agent = agents.get(r.key());
    if (agent == null || r.value() == null) {
      offsets.put(r.offset(), true); // another process's host: nothing to do here
      return;
    }
    offsets.put(r.offset(), false);
    inFlight.incrementAndGet();
    lanes.get(r.key()).execute(() -> {
      try {
        agent.handle(r.value());
      } catch (RuntimeException e) {
        log.error("host {} failed on command {}", r.key(), r.value().getEventId(), e);
      } finally {
        offsets.replace(r.offset(), true);
        inFlight.decrementAndGet();
      }
    });
  }

  /** Commits, per partition, the offset after the last command that is done with every one before it. */
  private void commitDone() {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    for (var e : progress.entrySet()) {
      ConcurrentSkipListMap<Long, Boolean> offsets = e.getValue();
      long next = -1;
      for (var first = offsets.firstEntry(); first != null && first.getValue(); first = offsets.firstEntry()) {
        next = first.getKey() + 1;
        offsets.remove(first.getKey());
      }
      if (next >= 0) commit.put(e.getKey(), new OffsetAndMetadata(next));
    }
    if (commit.isEmpty()) return;
    try {
      consumer.commitSync(commit);
    } catch (KafkaException e) {
      // those commands come again after a restart or a rebalance; they are idempotent
      log.warn("host commands: could not commit {}: {}", commit, e.getMessage());
    }
  }

  /** How many commands are handed out and not done yet (for tests and metrics). */
  int inFlight() {
    return inFlight.get();
  }

  @Override
  public void close() {
    loop.close();
    consumer.close(Duration.ofSeconds(5));
    lanes.values().forEach(ExecutorService::shutdownNow);
  }
}
