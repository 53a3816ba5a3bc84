package dev.skyledger.ops;

import dev.skyledger.platform.config.SkyConfig;
import dev.skyledger.platform.embedded.EmbeddedDatabase;
import dev.skyledger.platform.embedded.EmbeddedKafka;
import java.io.IOException;
import java.time.Duration;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./sky up}: a real Kafka broker (unless one is configured), PostgreSQL (a configured URL,
 * or an embedded server), every processor, projector and API, one HTTP port; bootstraps the admin
 * user and project, writes an openrc, and runs until Ctrl-C or {@code ./sky down}.
 */
final class UpCommand {
  private final SkyHome home;
  private final Map<String, String> env;
  private final PrintStream out;

  UpCommand(SkyHome home, Map<String, String> env, PrintStream out) {
    this.home = home;
    this.env = env;
    this.out = out;
  }

  int run(String[] args) throws IOException {
    int hosts = Integer.parseInt(env.getOrDefault("SKY_HOSTS", "1"));
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--hosts") && i + 1 < args.length) {
        hosts = Integer.parseInt(args[++i]);
      } else {
        throw new IllegalArgumentException("usage: ./sky up [--hosts N]");
      }
    }
    if (hosts < 0) throw new IllegalArgumentException("--hosts must be 0 or more");
    if (home.running()) {
      throw new IllegalStateException("a cloud is already running from " + home.dir() + " (./sky down stops it)");
    }
    Files.createDirectories(home.dir());
    long started = System.nanoTime();
    String host = env.getOrDefault("SKY_HOST", "127.0.0.1");
    int port = Integer.parseInt(env.getOrDefault("SKY_PORT", "8780"));
    String publicUrl = env.getOrDefault("SKY_PUBLIC_URL", "http://" + host + ":" + port);

    EmbeddedKafka kafka = null;
    String bootstrap = env.get("SKY_KAFKA_BOOTSTRAP");
    if (bootstrap == null || bootstrap.isBlank()) {
      int kafkaPort = Integer.parseInt(env.getOrDefault("SKY_KAFKA_PORT", "9092"));
      out.println("starting Kafka (KRaft, in-process) on 127.0.0.1:" + kafkaPort + ", log in " + home.kafka());
      kafka = new EmbeddedKafka(home.kafka(), kafkaPort, kafkaPort + 1).start();
      bootstrap = kafka.bootstrapServers();
    }
    EmbeddedDatabase postgres = null;
    String url = env.get("SKY_DATABASE_URL");
    String user = env.getOrDefault("SKY_DATABASE_USER", "postgres");
    String password = env.getOrDefault("SKY_DATABASE_PASSWORD", "");
    if (url == null || url.isBlank()) {
      int pgPort = Integer.parseInt(env.getOrDefault("SKY_PG_PORT", "5433"));
      out.println("starting PostgreSQL on 127.0.0.1:" + pgPort + ", data in " + home.postgres());
      postgres = new EmbeddedDatabase(home.postgres(), pgPort, false).start();
      url = postgres.database("skyledger");
      user = "postgres";
      password = "";
    }
    Map<String, String> settings = new HashMap<>(env);
    settings.put("SKY_KAFKA_BOOTSTRAP", bootstrap);
    settings.put("SKY_DATABASE_URL", url);
    settings.put("SKY_DATABASE_USER", user);
    settings.put("SKY_DATABASE_PASSWORD", password);
    settings.put("SKY_PUBLIC_URL", publicUrl);
    settings.putIfAbsent("SKY_KEY_DIR", home.keys().toString());
    settings.putIfAbsent("SKY_STATE_DIR", home.streams().toString());
    settings.putIfAbsent("SKY_IMAGE_DIR", home.dir().resolve("images").toString());
    SkyConfig config = SkyConfig.fromEnvironment(settings);

    Cloud cloud = new Cloud(config);
    String adminPassword = home.adminPassword(env.get("SKY_ADMIN_PASSWORD"));
    try {
      cloud.start(host, port);
      cloud.bootstrap("admin", adminPassword, "admin");
      cloud.startSimulatedHosts(hosts);
      // what /readyz says, as a load balancer would ask it: every processor running, every view caught up
      var ready = cloud.awaitReady(Duration.ofSeconds(120));
      if (!ready.getKey()) out.println("warning: not every part is ready yet: " + ready.getValue());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cloud.close();
      throw new IllegalStateException("interrupted while starting", e);
    } catch (RuntimeException e) {
      cloud.close();
      if (postgres != null) postgres.close();
      if (kafka != null) kafka.close();
      throw new IllegalStateException("Skyledger failed to start: " + e.getMessage(), e);
    }

    Properties where = new Properties();
    where.setProperty("SKY_KAFKA_BOOTSTRAP", bootstrap);
    where.setProperty("SKY_DATABASE_URL", url);
    where.setProperty("SKY_DATABASE_USER", user);
    where.setProperty("SKY_DATABASE_PASSWORD", password);
    where.setProperty("SKY_TOPIC_PREFIX", config.topicPrefix());
    where.setProperty("SKY_PUBLIC_URL", publicUrl);
    home.writeEnv(where);
    writeOpenrc(publicUrl, adminPassword);
    Files.writeString(home.pidFile(), ProcessHandle.current().pid() + "\n");

    CountDownLatch stopped = new CountDownLatch(1);
    EmbeddedKafka broker = kafka;
    EmbeddedDatabase database = postgres;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      out.println("stopping Skyledger ...");
      cloud.close();
      if (database != null) database.close();
      if (broker != null) broker.close();
      try {
        Files.deleteIfExists(home.pidFile());
      } catch (IOException ignored) {
        // nothing to clean then
      }
      out.println("stopped.");
      stopped.countDown();
    }, "sky-shutdown"));

    out.printf("""

        Skyledger is up (%.1f s): %s
          identity (Keystone v3): %s/identity/v3
          image (Glance v2):      %s/image
          network (Neutron v2.0): %s/network
          compute (Nova v2.1):    %s/compute/v2.1 with %d simulated host(s)
          admin user: admin / project admin, password in %s

        Use it with the OpenStack CLI:
          source %s
          openstack token issue
          openstack project create demo
          openstack user create --password secret alice
          openstack role add --project demo --user alice member
          openstack role assignment list --names
          openstack image create --disk-format raw --container-format bare --file disk.raw my-disk
          openstack network create private
          openstack subnet create --network private --subnet-range 10.0.0.0/24 private-subnet
          openstack flavor list; openstack keypair create mykey > mykey.pem; openstack quota show
          openstack compute service list; openstack hypervisor list

        Operator commands: ./sky audit --user admin, ./sky replay identity, ./sky status, ./sky down
        Ctrl-C stops it; ./sky up again keeps every user, project, role, image and network.
        """, (System.nanoTime() - started) / 1e9, publicUrl, publicUrl, publicUrl, publicUrl, publicUrl, hosts, home.dir().resolve("admin-password"),
        home.openrc());
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private void writeOpenrc(String publicUrl, String adminPassword) {
    String rc = """
        # Skyledger admin credentials for the OpenStack CLI: source this file.
        export OS_AUTH_URL=%s/identity/v3
        export OS_IDENTITY_API_VERSION=3
        export OS_USERNAME=admin
        export OS_PASSWORD='%s'
        export OS_PROJECT_NAME=admin
        export OS_USER_DOMAIN_NAME=Default
        export OS_PROJECT_DOMAIN_NAME=Default
        export OS_REGION_NAME=RegionOne
        export OS_INTERFACE=public
        """.formatted(publicUrl, adminPassword.replace("'", "'\\''"));
    try {
      Files.writeString(home.openrc(), rc);
      SkyHome.restrict(home.openrc());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
