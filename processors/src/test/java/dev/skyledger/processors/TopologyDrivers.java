package dev.skyledger.processors;

import dev.skyledger.platform.config.SkyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/** What the topology tests share: a configuration that reaches no broker or database, and the driver's settings. */
public final class TopologyDrivers {
  private TopologyDrivers() {}

  /** Topics prefixed {@code t.}; the broker, database and directories are never reached. */
  public static SkyConfig config() {
    return new SkyConfig("unused:9092", "t.", 1, "jdbc:unused", "sky", "", Path.of("unused"),
        "http://localhost:8780", "RegionOne", Duration.ofHours(1), 1_000, Path.of("unused"), "test", Path.of("unused"),
        1L, 100, 1L << 40, SkyConfig.Security.defaults(), SkyConfig.Compute.defaults());
  }

  /** A driver running the topology exactly-once, as production does, with its state under {@code stateDir}. */
  public static TopologyTestDriver start(Topology topology, String application, Path stateDir) {
    return new TopologyTestDriver(topology, properties(application, stateDir));
  }

  /** The same, its wall clock starting at {@code wallClock} (for punctuations). */
  public static TopologyTestDriver start(Topology topology, String application, Path stateDir, Instant wallClock) {
    return new TopologyTestDriver(topology, properties(application, stateDir), wallClock);
  }

  private static Properties properties(String application, Path stateDir) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, application);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    return props;
  }
}
