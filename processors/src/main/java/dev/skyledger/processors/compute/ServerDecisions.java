package dev.skyledger.processors.compute;

import dev.skyledger.events.compute.CreateServer;
import dev.skyledger.events.compute.CreateServerGroup;
import dev.skyledger.events.compute.DeleteServerGroup;
import dev.skyledger.events.compute.ServerGroupCreated;
import dev.skyledger.events.compute.ServerGroupDeleted;
import dev.skyledger.events.compute.DeleteServer;
import dev.skyledger.events.compute.DeleteServerMetadataItem;
import dev.skyledger.events.compute.InstanceDeleteRequested;
import dev.skyledger.events.compute.InstanceRequested;
import dev.skyledger.events.compute.InstanceUpdated;
import dev.skyledger.events.compute.QuotaReleased;
import dev.skyledger.events.compute.QuotaReserved;
import dev.skyledger.events.compute.ReleaseServerQuota;
import dev.skyledger.events.compute.ServerMetadataChanged;
import dev.skyledger.events.compute.ServerSpec;
import dev.skyledger.events.compute.SetServerMetadata;
import dev.skyledger.events.compute.UpdateServer;
import dev.skyledger.events.core.Actor;
import dev.skyledger.platform.compute.ComputeQuotas;
import dev.skyledger.platform.quota.Limits;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.processors.core.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * The project's side of a server, decided on the project's stream: the quota (instances, cores,
 * RAM) is reserved when a server is requested and given back when it is deleted or its boot fails,
 * in order, so concurrent requests can never exceed it. Deletion, renaming and metadata are decided
 * here too; the boot itself is carried by the boot saga.
 */
final class ServerDecisions {
  private ServerDecisions() {}

  static Decision create(CreateServer c, Actor actor, ComputeState s) {
    if (c.getServers().isEmpty()) return ComputeDecider.badRequest("No server to create.");
    String project = c.getServers().get(0).getProjectId();
    if (!canUse(actor, project)) return ComputeDecider.forbidden("os_compute_api:servers:create");
    for (ServerSpec spec : c.getServers()) {
      if (s.server(spec.getInstanceId()).isPresent()) {
        return ComputeDecider.conflict("Server " + spec.getInstanceId() + " already exists.");
      }
      if (!spec.getProjectId().equals(project)) return ComputeDecider.badRequest("All servers of one request belong to one project.");
    }
    Decision tooMany = metadataOverQuota(s, project, c.getServers().get(0).getMetadata().size());
    if (tooMany != null) return tooMany;
    Map<String, Integer> limits = ComputeQuotas.effective(s.quota(project));
    ComputeState.Usage used = s.usage(project);
    var flavor = c.getServers().get(0).getFlavor();
    int wanted = c.getServers().size();
    String groupId = c.getServers().get(0).getServerGroupId();
    if (groupId != null) {
      var group = s.group(groupId).filter(g -> g.getProjectId().equals(project));
      if (group.isEmpty()) return ComputeDecider.badRequest("Invalid server group: " + groupId + " could not be found.");
      int members = limits.get("server_group_members");
      if (Limits.exceeded(members, s.memberCount(groupId), Math.max(1, c.getMinCount()))) {
        return Decision.reject(403, "forbidden", "Quota exceeded, too many servers in group");
      }
      if (members >= 0) wanted = Math.min(wanted, members - s.memberCount(groupId));
    }
    int fits = wanted;
    while (fits > 0 && overQuota(limits, used, fits, flavor.getVcpus(), flavor.getRamMb()) != null) fits--;
    if (fits < Math.max(1, c.getMinCount())) {
      int count = Math.max(1, c.getMinCount());
      String resource = overQuota(limits, used, count, flavor.getVcpus(), flavor.getRamMb());
      int requested = switch (resource) {
        case "cores" -> count * flavor.getVcpus();
        case "ram" -> count * flavor.getRamMb();
        default -> count;
      };
      int usedOf = switch (resource) {
        case "cores" -> used.cores();
        case "ram" -> used.ramMb();
        default -> used.instances();
      };
      return Decision.reject(403, "forbidden", "Quota exceeded for " + resource + ": Requested " + requested
          + ", but already used " + usedOf + " of " + limits.get(resource) + " " + resource);
    }
    List<SpecificRecord> events = new ArrayList<>();
    for (ServerSpec spec : c.getServers().subList(0, Math.min(fits, c.getServers().size()))) {
      events.add(new InstanceRequested(spec));
      events.add(new QuotaReserved(spec.getInstanceId(), project, 1, flavor.getVcpus(), flavor.getRamMb()));
    }
    return Decision.accept(c.getServers().get(0).getInstanceId(), events);
  }

  /** The first of instances, cores, RAM that {@code count} more servers of this size would exceed, or null. */
  private static String overQuota(Map<String, Integer> limits, ComputeState.Usage used, int count, int vcpus, int ramMb) {
    if (Limits.exceeded(limits.get("instances"), used.instances(), count)) return "instances";
    if (Limits.exceeded(limits.get("cores"), used.cores(), count * vcpus)) return "cores";
    if (Limits.exceeded(limits.get("ram"), used.ramMb(), count * ramMb)) return "ram";
    return null;
  }

  static Decision delete(DeleteServer c, Actor actor, ComputeState s) {
    Optional<ComputeState.Server> found = visible(c.getInstanceId(), c.getProjectId(), actor, s);
    if (found.isEmpty()) return notFound(c.getInstanceId());
    ComputeState.Server server = found.get();
    if (server.deleting()) return Decision.accept(server.id());
    List<SpecificRecord> events = new ArrayList<>();
    events.add(new InstanceDeleteRequested(server.id(), server.projectId()));
    if (server.reserved()) {
      events.add(new QuotaReleased(server.id(), server.projectId(), 1, server.vcpus(), server.ramMb(), "deleted"));
    }
    return Decision.accept(server.id(), events);
  }

  /** From the boot saga, after a failed boot: the server stays (in ERROR) but no longer counts. */
  static Decision releaseQuota(ReleaseServerQuota c, Actor actor, ComputeState s) {
    if (!ComputeDecider.isAdmin(actor)) return ComputeDecider.forbidden("compute:release-quota");
    Optional<ComputeState.Server> server = s.server(c.getInstanceId());
    if (server.isEmpty() || !server.get().reserved()) return Decision.accept(c.getInstanceId());
    ComputeState.Server v = server.get();
    return Decision.accept(v.id(), new QuotaReleased(v.id(), v.projectId(), 1, v.vcpus(), v.ramMb(), c.getReason()));
  }

  static Decision update(UpdateServer c, Actor actor, ComputeState s) {
    Optional<ComputeState.Server> found = live(c.getInstanceId(), c.getProjectId(), actor, s);
    if (found.isEmpty()) return notFound(c.getInstanceId());
    boolean renamed = c.getName() != null && !c.getName().equals(found.get().name());
    if (!renamed && c.getAccessIpv4() == null && c.getAccessIpv6() == null && c.getDiskConfig() == null) {
      return Decision.accept(c.getInstanceId());
    }
    if (c.getDiskConfig() != null && !c.getDiskConfig().equals("AUTO") && !c.getDiskConfig().equals("MANUAL")) {
      return Decision.badRequest("OS-DCF:diskConfig must be AUTO or MANUAL.");
    }
    if (!accessIp(c.getAccessIpv4(), 4) || !accessIp(c.getAccessIpv6(), 6)) {
      return Decision.badRequest("accessIPv4 must be an IPv4 address and accessIPv6 an IPv6 address.");
    }
    return Decision.accept(c.getInstanceId(), new InstanceUpdated(c.getInstanceId(), found.get().projectId(),
        renamed ? c.getName() : null, c.getAccessIpv4(), c.getAccessIpv6(), c.getDiskConfig()));
  }

  /** An access address: absent, empty (none), or an address of its version. */
  static boolean accessIp(String value, int version) {
    return value == null || value.isEmpty() || Ip.parse(value).map(ip -> ip.version() == version).orElse(false);
  }

  static Decision setMetadata(SetServerMetadata c, Actor actor, ComputeState s) {
    Optional<ComputeState.Server> found = live(c.getInstanceId(), c.getProjectId(), actor, s);
    if (found.isEmpty()) return notFound(c.getInstanceId());
    Map<String, String> next = new TreeMap<>(c.getReplace() ? Map.of() : s.metadata(c.getInstanceId()));
    next.putAll(c.getMetadata());
    Decision tooMany = metadataOverQuota(s, found.get().projectId(), next.size());
    if (tooMany != null) return tooMany;
    return Decision.accept(c.getInstanceId(), new ServerMetadataChanged(c.getInstanceId(), found.get().projectId(), next));
  }

  static Decision deleteMetadataItem(DeleteServerMetadataItem c, Actor actor, ComputeState s) {
    Optional<ComputeState.Server> found = live(c.getInstanceId(), c.getProjectId(), actor, s);
    if (found.isEmpty()) return notFound(c.getInstanceId());
    Map<String, String> next = new TreeMap<>(s.metadata(c.getInstanceId()));
    if (next.remove(c.getKey()) == null) return Decision.reject(404, "itemNotFound", "Metadata item was not found");
    return Decision.accept(c.getInstanceId(), new ServerMetadataChanged(c.getInstanceId(), found.get().projectId(), next));
  }

  // ---- server groups ----------------------------------------------------------------------------

  static Decision createGroup(CreateServerGroup c, Actor actor, ComputeState s) {
    var g = c.getGroup();
    if (!canUse(actor, g.getProjectId())) return ComputeDecider.forbidden("os_compute_api:os-server-groups:create");
    if (s.group(g.getGroupId()).isPresent()) return ComputeDecider.conflict("Server group " + g.getGroupId() + " already exists.");
    int limit = ComputeQuotas.effective(s.quota(g.getProjectId())).get("server_groups");
    if (Limits.exceeded(limit, s.groupCount(g.getProjectId()), 1)) {
      return Decision.reject(403, "forbidden", "Quota exceeded, too many server groups.");
    }
    return Decision.accept(g.getGroupId(), new ServerGroupCreated(g));
  }

  static Decision deleteGroup(DeleteServerGroup c, Actor actor, ComputeState s) {
    var g = s.group(c.getGroupId()).filter(x -> x.getProjectId().equals(c.getProjectId())).filter(x -> canUse(actor, x.getProjectId()));
    if (g.isEmpty()) return ComputeDecider.notFound("Instance group " + c.getGroupId() + " could not be found.");
    return Decision.accept(c.getGroupId(), new ServerGroupDeleted(c.getGroupId(), c.getProjectId()));
  }

  static void evolve(ComputeState s, SpecificRecord event) {
    if (event instanceof ServerGroupCreated e) {
      s.putGroup(e.getGroup());
    } else if (event instanceof ServerGroupDeleted e) {
      s.deleteGroup(e.getGroupId(), e.getProjectId());
    } else if (event instanceof InstanceRequested e) {
      ServerSpec spec = e.getServer();
      if (spec.getServerGroupId() != null) s.addMember(spec.getServerGroupId(), spec.getInstanceId());
      s.putServer(new ComputeState.Server(spec.getInstanceId(), spec.getProjectId(), spec.getName(),
          spec.getFlavor().getVcpus(), spec.getFlavor().getRamMb(), false, false));
      s.replaceMetadata(spec.getInstanceId(), spec.getMetadata());
    } else if (event instanceof QuotaReserved e) {
      s.server(e.getInstanceId()).ifPresent(v -> s.putServer(withReserved(v, true)));
      s.putUsage(e.getProjectId(), s.usage(e.getProjectId()).plus(e.getInstances(), e.getCores(), e.getRamMb()));
    } else if (event instanceof QuotaReleased e) {
      s.server(e.getInstanceId()).ifPresent(v -> s.putServer(withReserved(v, false)));
      s.putUsage(e.getProjectId(), s.usage(e.getProjectId()).plus(-e.getInstances(), -e.getCores(), -e.getRamMb()));
    } else if (event instanceof InstanceDeleteRequested e) {
      s.server(e.getInstanceId()).ifPresent(v -> s.putServer(new ComputeState.Server(v.id(), v.projectId(), v.name(),
          v.vcpus(), v.ramMb(), v.reserved(), true)));
      s.replaceMetadata(e.getInstanceId(), Map.of());
      s.removeMember(e.getInstanceId());
    } else if (event instanceof InstanceUpdated e && e.getName() != null) {
      s.server(e.getInstanceId()).ifPresent(v -> s.putServer(new ComputeState.Server(v.id(), v.projectId(), e.getName(),
          v.vcpus(), v.ramMb(), v.reserved(), v.deleting())));
    } else if (event instanceof ServerMetadataChanged e) {
      s.replaceMetadata(e.getInstanceId(), e.getMetadata());
    }
  }

  static String aggregateOf(SpecificRecord event) {
    if (event instanceof ServerGroupCreated e) return e.getGroup().getGroupId();
    if (event instanceof ServerGroupDeleted e) return e.getGroupId();
    if (event instanceof InstanceRequested e) return e.getServer().getInstanceId();
    if (event instanceof QuotaReserved e) return e.getInstanceId();
    if (event instanceof QuotaReleased e) return e.getInstanceId();
    if (event instanceof InstanceDeleteRequested e) return e.getInstanceId();
    if (event instanceof InstanceUpdated e) return e.getInstanceId();
    if (event instanceof ServerMetadataChanged e) return e.getInstanceId();
    return null;
  }

  static String projectOf(SpecificRecord event) {
    if (event instanceof ServerGroupCreated e) return e.getGroup().getProjectId();
    if (event instanceof ServerGroupDeleted e) return e.getProjectId();
    if (event instanceof InstanceRequested e) return e.getServer().getProjectId();
    if (event instanceof QuotaReserved e) return e.getProjectId();
    if (event instanceof QuotaReleased e) return e.getProjectId();
    if (event instanceof InstanceDeleteRequested e) return e.getProjectId();
    if (event instanceof InstanceUpdated e) return e.getProjectId();
    if (event instanceof ServerMetadataChanged e) return e.getProjectId();
    return null;
  }

  private static ComputeState.Server withReserved(ComputeState.Server v, boolean reserved) {
    return new ComputeState.Server(v.id(), v.projectId(), v.name(), v.vcpus(), v.ramMb(), reserved, v.deleting());
  }

  private static boolean canUse(Actor actor, String projectId) {
    return ComputeDecider.isAdmin(actor) || (projectId.equals(actor.getProjectId()) && actor.getRoles().contains("member"));
  }

  /** The server if the caller may act on it and it is not being deleted. */
  private static Optional<ComputeState.Server> live(String id, String projectId, Actor actor, ComputeState s) {
    return visible(id, projectId, actor, s).filter(v -> !v.deleting());
  }

  /** Nova's refusal of more metadata items than the project's metadata_items quota, or null. */
  private static Decision metadataOverQuota(ComputeState s, String projectId, int items) {
    int limit = ComputeQuotas.effective(s.quota(projectId)).get("metadata_items");
    if (!Limits.exceeded(limit, 0, items)) return null;
    return Decision.reject(403, "forbidden", "Quota exceeded for metadata_items: Requested " + items
        + ", but already used 0 of " + limit + " metadata_items");
  }

  /** The server if the caller may act on it: its project's member, or an admin. */
  private static Optional<ComputeState.Server> visible(String id, String projectId, Actor actor, ComputeState s) {
    return s.server(id).filter(v -> v.projectId().equals(projectId)).filter(v -> canUse(actor, v.projectId()));
  }

  private static Decision notFound(String id) {
    return ComputeDecider.notFound("Instance " + id + " could not be found.");
  }
}
