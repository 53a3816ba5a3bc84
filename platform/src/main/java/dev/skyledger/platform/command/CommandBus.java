package dev.skyledger.platform.command;

import dev.skyledger.events.Topic;
import dev.skyledger.events.Topics;
import dev.skyledger.events.core.CommandAccepted;
import dev.skyledger.events.core.CommandRejected;
import dev.skyledger.events.core.Envelope;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.platform.kafka.Envelopes;
import dev.skyledger.platform.kafka.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import dev.skyledger.platform.runtime.BackgroundLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a command and waits for its decision on {@code command.replies} (matched by the
 * command's id, which the reply names as its cause). An accepted command returns where its events
 * are; a rejected one throws the OpenStack error the decider chose.
 */
public final class CommandBus implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CommandBus.class);

  private final KafkaClients kafka;
  private final Envelopes envelopes;
  private final Duration timeout;
  private final Map<String, CompletableFuture<Envelope>> pending = new ConcurrentHashMap<>();
  private KafkaProducer<String, Envelope> producer;
  private KafkaConsumer<String, Envelope> replies;
  private BackgroundLoop loop;

  public CommandBus(KafkaClients kafka, Envelopes envelopes, Duration timeout) {
    this.kafka = kafka;
    this.envelopes = envelopes;
    this.timeout = timeout;
  }

  /** Connects; replies published from now on are seen. */
  public void start() {
    // a broker that cannot be reached answers the caller 503 within this bound, not after minutes
    producer = kafka.producer("commands", Duration.ofSeconds(10));
    replies = kafka.reader("replies");
    String topic = kafka.config().topic(Topics.COMMAND_REPLIES);
    List<TopicPartition> partitions = replies.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
    replies.assign(partitions);
    replies.seekToEnd(partitions);
    partitions.forEach(replies::position);
    loop = BackgroundLoop.start("command-replies", this::listen, replies::wakeup, log);
  }

  private void listen(BackgroundLoop loop) {
    // supervised: a failure starts this again on the same consumer, at its position
    while (loop.running()) {
      for (ConsumerRecord<String, Envelope> record : replies.poll(Duration.ofMillis(200))) {
        String cause = record.value() == null ? null : record.value().getCausationId();
        CompletableFuture<Envelope> future = cause == null ? null : pending.remove(cause);
        if (future != null) future.complete(record.value());
      }
    }
  }

  /** Sends a command and returns its acceptance; a rejection becomes an {@link ApiException}. */
  public CommandAccepted send(Topic<String, Envelope> topic, Envelope command) {
    CompletableFuture<Envelope> future = new CompletableFuture<>();
    pending.put(command.getEventId(), future);
    try {
      producer.send(new ProducerRecord<>(kafka.config().topic(topic), command.getStreamKey(), command)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Envelope reply = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      SpecificRecord decision = envelopes.open(reply);
      if (decision instanceof CommandRejected rejected) {
        throw new ApiException(rejected.getStatus(), rejected.getTitle(), rejected.getMessage());
      }
      return (CommandAccepted) decision;
    } catch (TimeoutException e) {
      throw ApiException.timeout("The command was not decided within " + timeout.toSeconds()
          + " s; it may still take effect (request " + command.getRequestId() + ").");
    } catch (ExecutionException e) {
      throw ApiException.unavailable("The command could not be published: " + e.getCause().getMessage());
    } catch (org.apache.kafka.common.KafkaException e) {
      // the broker could not be reached within the producer's bound (its metadata, say)
      throw ApiException.unavailable("The command could not be published: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("Interrupted while waiting for the decision.");
    } finally {
      pending.remove(command.getEventId());
    }
  }

  @Override
  public void close() {
    if (loop != null) loop.close();
    if (replies != null) replies.close(Duration.ofSeconds(5));
    if (producer != null) producer.close(Duration.ofSeconds(5));
  }
}
