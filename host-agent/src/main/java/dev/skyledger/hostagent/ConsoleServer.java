package dev.skyledger.hostagent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.skyledger.hostagent.driver.HypervisorDriver;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the cloud reads a server's console log from the host that runs it, as Nova asks its compute
 * service: {@code GET /hosts/<host>/servers/<id>/console?lines=n} on the agents' process (all of
 * them when one process runs many, as the all-in-one's simulated hosts do). Each agent registers
 * its base URL ({@link #urlOf}), so the API reaches it wherever it runs. It listens on the hosts'
 * management address only.
 */
public final class ConsoleServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsoleServer.class);

  private final HttpServer server;
  private final ExecutorService threads;
  private final Map<String, HostAgent> agents = new ConcurrentHashMap<>();
  private final String address;

  private ConsoleServer(HttpServer server, ExecutorService threads, String address) {
    this.server = server;
    this.threads = threads;
    this.address = address;
  }

  /** Listens on {@code address:port} (port 0: any free one). */
  public static ConsoleServer start(String address, int port) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
      ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "host-console");
        t.setDaemon(true);
        return t;
      });
      server.setExecutor(threads);
      ConsoleServer console = new ConsoleServer(server, threads, address);
      server.createContext("/hosts/", console::handle);
      server.start();
      return console;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen for console requests on " + address + ":" + port, e);
    }
  }

  /** The base URL a host registers ({@code HostRegistered.consoleUrl}). */
  public String urlOf(String hostId) {
    return "http://" + address + ":" + server.getAddress().getPort() + "/hosts/" + hostId;
  }

  public void serve(HostAgent agent) {
    agents.put(agent.hostId(), agent);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String[] path = exchange.getRequestURI().getPath().split("/");
      // "", "hosts", host, "servers", id, "console"
      if (!"GET".equals(exchange.getRequestMethod()) || path.length != 6 || !path[3].equals("servers")
          || !(path[5].equals("console") || path[5].equals("diagnostics"))) {
        answer(exchange, 404, "not found");
        return;
      }
      HostAgent agent = agents.get(URLDecoder.decode(path[2], StandardCharsets.UTF_8));
      if (agent == null) {
        answer(exchange, 404, "no such host here");
        return;
      }
      String serverId = URLDecoder.decode(path[4], StandardCharsets.UTF_8);
      if (path[5].equals("diagnostics")) {
        diagnostics(exchange, agent, serverId);
        return;
      }
      int lines = lines(exchange.getRequestURI().getRawQuery());
      try {
        answer(exchange, 200, agent.driver().consoleLog(serverId, lines));
      } catch (Exception e) {
        log.debug("console of {} on {}: {}", serverId, agent.hostId(), e.getMessage());
        answer(exchange, 404, "no console for " + serverId + " on " + agent.hostId());
      }
    }
  }

  /**
   * A domain's diagnostics as JSON, in the words of Nova's libvirt driver before 2.48 where it has
   * them ({@code memory} in KiB, the NICs by tap device), with what only this host knows beside.
   */
  private static void diagnostics(HttpExchange exchange, HostAgent agent, String serverId) throws IOException {
    HypervisorDriver.Diagnostics d;
    try {
      d = agent.driver().diagnostics(serverId);
    } catch (HypervisorDriver.DriverException e) {
      answer(exchange, 404, "no diagnostics for " + serverId + " on " + agent.hostId() + ": " + e.getMessage());
      return;
    }
    StringBuilder json = new StringBuilder("{\"state\":\"").append(d.state().name().toLowerCase())
        .append("\",\"driver\":\"").append(agent.driver().type()).append("\",\"hypervisor_os\":\"")
        .append(agent.driver().type()).append("\",\"num_cpus\":").append(d.vcpus())
        .append(",\"memory\":").append((long) d.memoryMb() * 1024).append(",\"memory-actual\":")
        .append((long) d.memoryMb() * 1024).append(",\"vda_capacity_gb\":").append(d.rootGb())
        .append(",\"num_nics\":").append(d.nics().size());
    for (HypervisorDriver.Nic n : d.nics()) {
      json.append(",\"").append(n.device()).append("_mac\":\"").append(n.macAddress() == null ? "" : n.macAddress()).append("\"");
    }
    json.append('}');
    byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** {@code lines=n}: the last n lines; absent or not a positive number: all (0). */
  private static int lines(String query) {
    if (query == null) return 0;
    for (String pair : query.split("&")) {
      if (pair.startsWith("lines=")) {
        try {
          return Math.max(0, Integer.parseInt(pair.substring(6)));
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
