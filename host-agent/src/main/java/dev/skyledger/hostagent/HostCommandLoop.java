package dev.skyledger.hostagent;

import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.runtime.BackgroundLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code host.commands} for the agents of this process and hands each command to its host's
 * agent. Each host works through its commands in order on its own thread, hosts in parallel; the
 * offsets are committed once every command of a batch is done, so a crash makes commands come again
 * (the agents' handling is idempotent), never lost.
 */
public final class HostCommandLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostCommandLoop.class);

  private final Map<String, HostAgent> agents = new HashMap<>();
  private final Map<String, ExecutorService> lanes = new HashMap<>();
  private final KafkaConsumer<String, Envelope> consumer;
  private final BackgroundLoop loop;

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
    consumer.subscribe(List.of(config.topic(Topics.HOST_COMMANDS)));
    loop = BackgroundLoop.start("host-commands", l -> {
      while (l.running()) {
        ConsumerRecords<String, Envelope> records = consumer.poll(Duration.ofMillis(100));
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (ConsumerRecord<String, Envelope> r : records) {
          HostAgent agent = agents.get(r.key());
          if (agent == null || r.value() == null) continue;
          pending.add(CompletableFuture.runAsync(() -> {
            try {
              agent.handle(r.value());
            } catch (RuntimeException e) {
              log.error("host {} failed on command {}", r.key(), r.value().getEventId(), e);
            }
          }, lanes.get(r.key())));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        if (!records.isEmpty()) consumer.commitSync();
      }
    }, consumer::wakeup, log);
  }

  @Override
  public void close() {
    loop.close();
    consumer.close(Duration.ofSeconds(5));
    lanes.values().forEach(ExecutorService::shutdownNow);
  }
}
