package dev.skyledger.platform.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka broker (KRaft, broker and controller combined) running in this JVM,
 * with its log under a directory that survives restarts. Configured for transactions and
 * exactly-once Streams on one node.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final int controllerPort;
  private KafkaRaftServer server;

  public EmbeddedKafka(Path dir, int port, int controllerPort) {
    this.dir = dir;
    this.port = port;
    this.controllerPort = controllerPort;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public EmbeddedKafka start() {
    try {
      Files.createDirectories(dir);
      Path logs = dir.resolve("logs");
      Properties props = properties(logs);
      Path propsFile = dir.resolve("server.properties");
      try (var out = Files.newOutputStream(propsFile)) {
        props.store(out, "written by Skyledger; the broker of this directory");
      }
      if (!Files.exists(logs.resolve("meta.properties"))) {
        Path idFile = dir.resolve("cluster.id");
        if (!Files.exists(idFile)) Files.writeString(idFile, Uuid.randomUuid().toString());
        String clusterId = Files.readString(idFile).strip();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int rc = StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", propsFile.toString(),
            "--ignore-formatted"}, new PrintStream(output, true, StandardCharsets.UTF_8));
        if (rc != 0) throw new IllegalStateException("cannot format Kafka storage: " + output);
      }
      server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
      server.startup();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Kafka in " + dir, e);
    }
  }

  private Properties properties(Path logs) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("log.dirs", logs.toAbsolutePath().toString());
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    return p;
  }

  @Override
  public void close() {
    KafkaRaftServer running = server;
    server = null;
    if (running == null) return;
    // bounded: a broker whose controlled shutdown cannot complete must not keep the process alive
    Thread stopper = new Thread(() -> {
      running.shutdown();
      running.awaitShutdown();
    }, "kafka-shutdown");
    stopper.setDaemon(true);
    stopper.start();
    try {
      stopper.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
