package dev.skyledger.platform.kafka;

import dev.skyledger.events.EnvelopeSerde;
import dev.skyledger.events.Topic;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.config.SkyConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/** Makes Kafka clients configured the way every Skyledger process uses them. */
public final class KafkaClients {
  private final SkyConfig config;

  public KafkaClients(SkyConfig config) {
    this.config = config;
  }

  public SkyConfig config() {
    return config;
  }

  /** An idempotent producer for commands: acks=all, no lingering (latency matters on the command path). */
  public KafkaProducer<String, Envelope> producer(String clientId) {
    return producer(clientId, null);
  }

  /**
   * As above, giving up on a record after {@code bound} (null: Kafka's defaults, minutes): for a
   * caller that is waiting, a broker that cannot be reached is a quick answer, not a long hang.
   */
  public KafkaProducer<String, Envelope> producer(String clientId, java.time.Duration bound) {
    Map<String, Object> props = new HashMap<>();
    if (bound != null) {
      int ms = (int) bound.toMillis();
      props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
      props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, ms / 2));
      props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ms);
    }
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    props.put(ProducerConfig.CLIENT_ID_CONFIG, config.instanceId() + "-" + clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return new KafkaProducer<>(props, new StringSerializer(), new EnvelopeSerde());
  }

  /** A consumer without a group, for readers that assign partitions and keep their own positions. */
  public KafkaConsumer<String, Envelope> reader(String clientId) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.instanceId() + "-" + clientId);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
    return new KafkaConsumer<>(props, new StringDeserializer(), new EnvelopeSerde());
  }

  /**
   * Streams settings tuned for latency under exactly-once (see ENVIRONMENT.md: commit and poll
   * intervals, not the broker, decide the latency of a hop). Each commit is a transaction on the
   * broker, and under load those transactions are what the broker spends its time on: with 50
   * clients booting against 1000 hosts on 2 cores (polling every second), committing every 25 ms
   * instead of every 10 ms took boots from 9.4 to 12.9 a second and create → ACTIVE p50 from 2.7 to
   * 2.3 s, while one idle boot stayed at 0.3 s (50 ms: 15.4 a second, but 0.38 s idle). A produce
   * that reaches a partition while the previous transaction's markers are still being written is
   * refused with CONCURRENT_TRANSACTIONS and retried: after 10 ms, backing off to at most 100 ms,
   * not the client's 100 ms to 1 s, which under load stalled whole tasks for seconds.
   */
  public Properties streams(String applicationId) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.topicPrefix() + applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 25);
    props.put(StreamsConfig.POLL_MS_CONFIG, 10);
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
    props.put(StreamsConfig.CLIENT_ID_CONFIG, config.instanceId() + "-" + applicationId);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10);
    props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG), 100);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 500);
    // static membership: a process restarted after a crash takes its partitions back at once instead
    // of waiting for the dead member's session to expire (instance ids are unique per process)
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), config.instanceId() + "-" + applicationId);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 15_000);
    return props;
  }

  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap()));
  }

  /**
   * Creates every catalogue topic that is missing; event topics keep their records forever. Every
   * topic stamps its records with the broker's append time ({@code LogAppendTime}), so the time of
   * each step of a flow across topics is read on one clock (how {@code ./sky bench boot} finds
   * where a boot's time goes). Nothing reads a record's timestamp as the producer's: events carry
   * their own time in the envelope, and the processors punctuate on the wall clock.
   */
  public void ensureTopics() {
    try (Admin admin = admin()) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (Topic<String, Envelope> topic : Topics.ALL) {
        String name = config.topic(topic);
        if (existing.contains(name)) continue;
        Map<String, String> settings = new HashMap<>();
        settings.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
        if (topic.kind() != Topic.Kind.REPLIES) {
          settings.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
          settings.put(TopicConfig.RETENTION_BYTES_CONFIG, "-1");
        } else {
          settings.put(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(24L * 3600 * 1000));
        }
        missing.add(new NewTopic(name, topic.partitions(config.partitions()), (short) -1).configs(settings));
      }
      if (missing.isEmpty()) return;
      try {
        admin.createTopics(missing).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) throw new IllegalStateException("cannot create topics", e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list topics at " + config.kafkaBootstrap(), e.getCause());
    }
  }
}
