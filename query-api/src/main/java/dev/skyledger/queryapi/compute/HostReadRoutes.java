package dev.skyledger.queryapi.compute;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skyledger.platform.auth.Authenticator;
import dev.skyledger.platform.compute.Microversions;
import dev.skyledger.platform.http.ApiException;
import dev.skyledger.views.hosts.HostDirectory;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code os-services} (each compute host's agent, up or down by its heartbeats) and
 * {@code os-hypervisors} (capacity and usage as the agents report them), for admins.
 */
public final class HostReadRoutes {
  private static final String V21 = "/compute/v2.1";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  private final Authenticator auth;
  private final HostDirectory hosts;
  private final ObjectMapper json;
  private final ServersOnHost servers;

  /** The servers a host runs (not deleted), for {@code os-hypervisors/{pattern}/servers}. */
  public interface ServersOnHost {
    record Server(String id, String name) {}

    List<Server> on(String hostId);
  }

  public HostReadRoutes(Authenticator auth, HostDirectory hosts, ObjectMapper json, ServersOnHost servers) {
    this.auth = auth;
    this.hosts = hosts;
    this.json = json;
    this.servers = servers;
  }

  public void routes(JavalinConfig config) {
    var r = config.routes;
    r.get(V21 + "/os-services", this::services);
    r.get(V21 + "/os-hypervisors", ctx -> hypervisors(ctx, false));
    r.get(V21 + "/os-hypervisors/detail", ctx -> hypervisors(ctx, true));
    r.get(V21 + "/os-hypervisors/statistics", this::statistics);
    r.get(V21 + "/os-hypervisors/{id}", this::hypervisor);
    r.get(V21 + "/os-hypervisors/{id}/uptime", this::uptime);
    r.get(V21 + "/os-hypervisors/{pattern}/search", ctx -> search(ctx, false));
    r.get(V21 + "/os-hypervisors/{pattern}/servers", ctx -> search(ctx, true));
    r.get(V21 + "/os-hosts", this::hosts);
    r.get(V21 + "/os-hosts/{host}", this::host);
    for (String action : List.of("startup", "shutdown", "reboot")) {
      r.get(V21 + "/os-hosts/{host}/" + action, this::powerAction);
    }
    r.get(V21 + "/os-availability-zone", ctx -> zones(ctx, false));
    r.get(V21 + "/os-availability-zone/detail", ctx -> zones(ctx, true));
  }

  /**
   * {@code GET /os-availability-zone[/detail]}: the zones of the enabled compute hosts, each
   * available while one of its hosts is up (as Nova: a zone whose hosts are all disabled is not
   * listed); the detail, for admins, names each zone's hosts and their compute service.
   */
  private void zones(Context ctx, boolean detail) {
    Microversions.negotiate(ctx);
    if (detail) auth.admin(ctx);
    else auth.caller(ctx);
    java.util.Map<String, List<HostDirectory.Host>> byZone = new java.util.TreeMap<>();
    for (HostDirectory.Host h : hosts.hosts()) {
      if (h.enabled()) byZone.computeIfAbsent(h.zone(), z -> new java.util.ArrayList<>()).add(h);
    }
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("availabilityZoneInfo");
    byZone.forEach((zone, members) -> {
      ObjectNode z = list.addObject().put("zoneName", zone);
      boolean up = members.stream().anyMatch(h -> h.up() && !h.forcedDown());
      z.putObject("zoneState").put("available", up);
      if (!detail) {
        z.putNull("hosts");
        return;
      }
      ObjectNode hostsNode = z.putObject("hosts");
      for (HostDirectory.Host h : members) {
        ObjectNode service = hostsNode.putObject(h.hostId()).putObject("nova-compute")
            .put("available", h.up() && !h.forcedDown()).put("active", h.enabled());
        if (h.lastSeen() == null) service.putNull("updated_at");
        else service.put("updated_at", TIME.format(h.lastSeen().truncatedTo(ChronoUnit.MICROS)));
      }
    });
    ctx.contentType("application/json").result(root.toString());
  }

  private void admin(Context ctx) {
    Microversions.negotiate(ctx);
    auth.admin(ctx);
  }

  /** {@code GET /os-services}: a forced-down host is down, and from 2.11 says so ({@code forced_down}). */
  private void services(Context ctx) {
    admin(ctx);
    boolean withForcedDown = Microversions.negotiate(ctx).atLeast(11);
    String host = ctx.queryParam("host");
    String binary = ctx.queryParam("binary");
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("services");
    if (binary != null && !binary.equals("nova-compute")) {
      ctx.contentType("application/json").result(root.toString());
      return;
    }
    for (HostDirectory.Host h : hosts.hosts()) {
      if (host != null && !host.equals(h.hostId())) continue;
      ObjectNode s = list.addObject();
      s.put("id", h.id()).put("binary", "nova-compute").put("host", h.hostId()).put("zone", h.zone())
          .put("status", h.enabled() ? "enabled" : "disabled").put("state", h.up() ? "up" : "down")
          .put("updated_at", TIME.format(h.lastSeen().truncatedTo(ChronoUnit.MICROS)));
      if (h.disabledReason() == null) s.putNull("disabled_reason"); else s.put("disabled_reason", h.disabledReason());
      if (withForcedDown) s.put("forced_down", h.forcedDown());
    }
    ctx.contentType("application/json").result(root.toString());
  }

  /**
   * {@code GET /os-hypervisors/{id}/uptime} (before 2.88): how long the host's agent has been
   * running, in the shape of {@code uptime}'s first fields; a host that is down has none (Nova asks
   * the host, which cannot answer then).
   */
  private void uptime(Context ctx) {
    admin(ctx);
    HostDirectory.Host h = hostById(ctx.pathParam("id"));
    if (!h.up()) throw new ApiException(400, "badRequest", "Compute service of " + h.hostId() + " is unavailable at this time.");
    java.time.Instant now = java.time.Instant.now();
    long minutes = java.time.Duration.between(h.registeredAt(), now).toMinutes();
    String since = minutes >= 24 * 60 ? (minutes / (24 * 60)) + " days, " : "";
    String uptime = " " + java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(now)
        + " up " + since + String.format("%d:%02d", (minutes % (24 * 60)) / 60, minutes % 60);
    ObjectNode root = json.createObjectNode();
    root.set("hypervisor", hypervisorJson(h, false).put("uptime", uptime));
    ctx.contentType("application/json").result(root.toString());
  }

  /** {@code GET /os-hosts[?zone=]} (before 2.43): the compute hosts, each with its service and zone; a blank zone is any. */
  private void hosts(Context ctx) {
    admin(ctx);
    String zone = ctx.queryParam("zone");
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("hosts");
    for (HostDirectory.Host h : hosts.hosts()) {
      if (zone != null && !zone.isEmpty() && !zone.equals(h.zone())) continue;
      list.addObject().put("host_name", h.hostId()).put("service", "compute").put("zone", h.zone());
    }
    ctx.contentType("application/json").result(root.toString());
  }

  /** {@code GET /os-hosts/{host}}: its capacity ({@code (total)}) and what its servers use ({@code (used_now)}, {@code (used_max)}). */
  private void host(Context ctx) {
    admin(ctx);
    HostDirectory.Host h = hostNamed(ctx.pathParam("host"));
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("host");
    resource(list, h.hostId(), "(total)", h.vcpus(), h.memoryMb(), h.localGb());
    resource(list, h.hostId(), "(used_now)", h.vcpusUsed(), h.memoryMbUsed(), h.localGbUsed());
    resource(list, h.hostId(), "(used_max)", h.vcpusUsed(), h.memoryMbUsed(), h.localGbUsed());
    ctx.contentType("application/json").result(root.toString());
  }

  private static void resource(ArrayNode list, String host, String project, int cpu, int memoryMb, int diskGb) {
    list.addObject().putObject("resource").put("host", host).put("project", project).put("cpu", cpu)
        .put("memory_mb", memoryMb).put("disk_gb", diskGb);
  }

  /** {@code GET /os-hosts/{host}/startup|shutdown|reboot}: as Nova's libvirt driver, not something a host here does (501). */
  private void powerAction(Context ctx) {
    admin(ctx);
    hostNamed(ctx.pathParam("host"));
    throw new ApiException(501, "notImplemented", "Virt driver does not implement host power management.");
  }

  private HostDirectory.Host hostNamed(String name) {
    return hosts.byName(name).orElseThrow(() -> new ApiException(404, "itemNotFound", "Compute host " + name
        + " could not be found."));
  }

  /** {@code GET /os-hypervisors/{pattern}/search|servers} (before 2.53): the hosts whose name contains it, with their servers. */
  private void search(Context ctx, boolean withServers) {
    admin(ctx);
    String pattern = ctx.pathParam("pattern");
    List<HostDirectory.Host> found = hosts.hosts().stream().filter(h -> h.hostId().contains(pattern)).toList();
    if (found.isEmpty()) throw new ApiException(404, "itemNotFound", "No hypervisor matching '" + pattern + "' could be found.");
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("hypervisors");
    for (HostDirectory.Host h : found) {
      ObjectNode o = hypervisorJson(h, false);
      if (withServers) {
        List<ServersOnHost.Server> on = servers.on(h.hostId());
        if (!on.isEmpty()) {
          ArrayNode s = o.putArray("servers");
          on.forEach(v -> s.addObject().put("uuid", v.id()).put("name", v.name()));
        }
      }
      list.add(o);
    }
    ctx.contentType("application/json").result(root.toString());
  }

  private HostDirectory.Host hostById(String id) {
    return hosts.hosts().stream().filter(h -> String.valueOf(h.id()).equals(id)).findFirst()
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Hypervisor with ID '" + id + "' could not be found."));
  }

  private ObjectNode hypervisorJson(HostDirectory.Host h, boolean detail) {
    ObjectNode o = json.createObjectNode();
    o.put("id", h.id()).put("hypervisor_hostname", h.hostId()).put("state", h.up() ? "up" : "down")
        .put("status", h.enabled() ? "enabled" : "disabled");
    if (!detail) return o;
    o.put("hypervisor_type", h.hypervisorType()).put("hypervisor_version", version(h.hypervisorVersion()))
        .put("host_ip", h.hostIp()).put("vcpus", h.vcpus()).put("memory_mb", h.memoryMb()).put("local_gb", h.localGb())
        .put("vcpus_used", h.vcpusUsed()).put("memory_mb_used", h.memoryMbUsed()).put("local_gb_used", h.localGbUsed())
        .put("free_ram_mb", h.memoryMb() - h.memoryMbUsed()).put("free_disk_gb", h.localGb() - h.localGbUsed())
        .put("disk_available_least", h.localGb() - h.localGbUsed()).put("running_vms", h.runningVms())
        .put("current_workload", 0).put("cpu_info", "{}");
    ObjectNode service = o.putObject("service").put("host", h.hostId()).put("id", h.id());
    if (h.disabledReason() == null) service.putNull("disabled_reason"); else service.put("disabled_reason", h.disabledReason());
    return o;
  }

  /** Nova shows the hypervisor version as an integer: 1.2.3 is 1002003. */
  private static long version(String text) {
    long out = 0;
    String[] parts = text.split("\\.");
    for (int i = 0; i < 3; i++) {
      long part = 0;
      if (i < parts.length) {
        try {
          part = Long.parseLong(parts[i].replaceAll("\\D.*", ""));
        } catch (NumberFormatException ignored) {
          part = 0;
        }
      }
      out = out * 1000 + part;
    }
    return out;
  }

  private void hypervisors(Context ctx, boolean detail) {
    admin(ctx);
    String pattern = ctx.queryParam("hypervisor_hostname_pattern");
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("hypervisors");
    for (HostDirectory.Host h : hosts.hosts()) {
      if (pattern == null || h.hostId().contains(pattern)) list.add(hypervisorJson(h, detail));
    }
    ctx.contentType("application/json").result(root.toString());
  }

  private void hypervisor(Context ctx) {
    admin(ctx);
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new ApiException(404, "itemNotFound", "Hypervisor with ID " + ctx.pathParam("id") + " could not be found.");
    }
    HostDirectory.Host h = hosts.byId(id)
        .orElseThrow(() -> new ApiException(404, "itemNotFound", "Hypervisor with ID " + id + " could not be found."));
    ObjectNode root = json.createObjectNode();
    root.set("hypervisor", hypervisorJson(h, true));
    ctx.contentType("application/json").result(root.toString());
  }

  private void statistics(Context ctx) {
    admin(ctx);
    List<HostDirectory.Host> all = hosts.hosts();
    ObjectNode root = json.createObjectNode();
    ObjectNode s = root.putObject("hypervisor_statistics");
    s.put("count", all.size())
        .put("vcpus", all.stream().mapToLong(HostDirectory.Host::vcpus).sum())
        .put("vcpus_used", all.stream().mapToLong(HostDirectory.Host::vcpusUsed).sum())
        .put("memory_mb", all.stream().mapToLong(HostDirectory.Host::memoryMb).sum())
        .put("memory_mb_used", all.stream().mapToLong(HostDirectory.Host::memoryMbUsed).sum())
        .put("free_ram_mb", all.stream().mapToLong(h -> h.memoryMb() - h.memoryMbUsed()).sum())
        .put("local_gb", all.stream().mapToLong(HostDirectory.Host::localGb).sum())
        .put("local_gb_used", all.stream().mapToLong(HostDirectory.Host::localGbUsed).sum())
        .put("free_disk_gb", all.stream().mapToLong(h -> h.localGb() - h.localGbUsed()).sum())
        .put("disk_available_least", all.stream().mapToLong(h -> h.localGb() - h.localGbUsed()).sum())
        .put("running_vms", all.stream().mapToLong(HostDirectory.Host::runningVms).sum())
        .put("current_workload", 0);
    ctx.contentType("application/json").result(root.toString());
  }
}
