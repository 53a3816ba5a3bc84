package dev.skyledger.processors.network;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.CreateSecurityGroup;
import dev.skyledger.events.network.CreateSecurityGroupRule;
import dev.skyledger.events.network.DeleteSecurityGroup;
import dev.skyledger.events.network.DeleteSecurityGroupRule;
import dev.skyledger.events.network.EnsureDefaultSecurityGroup;
import dev.skyledger.events.network.SecurityGroup;
import dev.skyledger.events.network.SecurityGroupCreated;
import dev.skyledger.events.network.SecurityGroupDeleted;
import dev.skyledger.events.network.SecurityGroupRule;
import dev.skyledger.events.network.SecurityGroupRuleCreated;
import dev.skyledger.events.network.SecurityGroupRuleDeleted;
import dev.skyledger.events.network.SecurityGroupUpdated;
import dev.skyledger.events.network.UpdateSecurityGroup;
import dev.skyledger.platform.network.Cidr;
import dev.skyledger.platform.network.Ip;
import dev.skyledger.processors.core.Decision;
import org.apache.avro.specific.SpecificRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Security groups and their rules, decided per project (commands keyed {@code project/<id>}), so a
 * project's quota on groups and rules and its rules' uniqueness are decided in order.
 */
final class SecurityGroupDecisions {
  /** Protocols by name, and the numbers Neutron also accepts. */
  static final Map<String, Integer> PROTOCOLS = Map.ofEntries(Map.entry("icmp", 1), Map.entry("igmp", 2),
      Map.entry("tcp", 6), Map.entry("egp", 8), Map.entry("udp", 17), Map.entry("ipv6-encap", 41), Map.entry("rsvp", 46),
      Map.entry("gre", 47), Map.entry("esp", 50), Map.entry("ah", 51), Map.entry("ipv6-icmp", 58), Map.entry("icmpv6", 58),
      Map.entry("ipv6-nonxt", 59), Map.entry("ipv6-opts", 60), Map.entry("ospf", 89), Map.entry("pgm", 113),
      Map.entry("vrrp", 112), Map.entry("sctp", 132), Map.entry("udplite", 136), Map.entry("dccp", 33));
  private static final Set<Integer> WITH_PORTS = Set.of(6, 17, 132, 136, 33);
  private static final Set<Integer> ICMP = Set.of(1, 58);

  private SecurityGroupDecisions() {}

  static Decision ensureDefault(EnsureDefaultSecurityGroup c, Actor actor, NetworkState s) {
    if (s.group(c.getProjectId(), c.getSecurityGroupId()).isPresent()) return Decision.accept(c.getSecurityGroupId());
    if (c.getRuleIds().size() != 4) return NetworkRejections.invalid("the default group needs four rule ids.");
    SecurityGroup group = new SecurityGroup(c.getSecurityGroupId(), c.getProjectId(), "default", "Default security group", true);
    List<String> ids = c.getRuleIds();
    String g = c.getSecurityGroupId();
    String p = c.getProjectId();
    List<SecurityGroupRule> rules = List.of(
        new SecurityGroupRule(ids.get(0), g, p, "egress", "IPv4", null, null, null, null, null, ""),
        new SecurityGroupRule(ids.get(1), g, p, "egress", "IPv6", null, null, null, null, null, ""),
        new SecurityGroupRule(ids.get(2), g, p, "ingress", "IPv4", null, null, null, null, g, ""),
        new SecurityGroupRule(ids.get(3), g, p, "ingress", "IPv6", null, null, null, null, g, ""));
    return Decision.accept(g, new SecurityGroupCreated(group, rules));
  }

  static Decision create(CreateSecurityGroup c, Actor actor, NetworkState s) {
    SecurityGroup g = c.getGroup();
    if (!NetworkPolicy.isAdmin(actor) && !NetworkPolicy.isMemberOf(actor, g.getProjectId())) {
      return NetworkPolicy.policy("create_security_group");
    }
    if (g.getName().equals("default")) {
      return Decision.reject(409, "SecurityGroupDefaultAlreadyExists", "Default security group already exists.");
    }
    Decision overQuota = NetworkQuotaDecisions.exceeded(s, g.getProjectId(), "security_group", s.groups(g.getProjectId()).size(), 1);
    if (overQuota == null) {
      overQuota = NetworkQuotaDecisions.exceeded(s, g.getProjectId(), "security_group_rule", s.rules(g.getProjectId()).size(),
          c.getRules().size());
    }
    if (overQuota != null) return overQuota;
    return Decision.accept(g.getSecurityGroupId(), new SecurityGroupCreated(g, c.getRules()));
  }

  private static Optional<SecurityGroup> visible(Actor actor, NetworkState s, String projectId, String groupId) {
    return s.group(projectId, groupId).filter(g -> NetworkPolicy.isAdmin(actor) || g.getProjectId().equals(actor.getProjectId()));
  }

  private static Decision notFound(String id) {
    return Decision.reject(404, "SecurityGroupNotFound", "Security group " + id + " does not exist");
  }

  static Decision update(UpdateSecurityGroup c, Actor actor, NetworkState s) {
    Optional<SecurityGroup> found = visible(actor, s, c.getProjectId(), c.getSecurityGroupId());
    if (found.isEmpty()) return notFound(c.getSecurityGroupId());
    SecurityGroup g = found.get();
    if (!NetworkPolicy.isAdmin(actor) && !NetworkPolicy.isMemberOf(actor, g.getProjectId())) {
      return NetworkPolicy.policy("update_security_group");
    }
    if (g.getName().equals("default") && c.getName() != null && !c.getName().equals("default")) {
      return Decision.reject(409, "SecurityGroupCannotUpdateDefault", "Updating default security group not allowed.");
    }
    if (!g.getName().equals("default") && "default".equals(c.getName())) {
      return Decision.reject(409, "SecurityGroupDefaultAlreadyExists", "Default security group already exists.");
    }
    SecurityGroup updated = SecurityGroup.newBuilder(g)
        .setName(c.getName() != null ? c.getName() : g.getName())
        .setDescription(c.getDescription() != null ? c.getDescription() : g.getDescription()).build();
    return Decision.accept(g.getSecurityGroupId(), new SecurityGroupUpdated(updated));
  }

  static Decision delete(DeleteSecurityGroup c, Actor actor, NetworkState s) {
    Optional<SecurityGroup> found = visible(actor, s, c.getProjectId(), c.getSecurityGroupId());
    if (found.isEmpty()) return notFound(c.getSecurityGroupId());
    SecurityGroup g = found.get();
    if (!NetworkPolicy.isAdmin(actor) && !NetworkPolicy.isMemberOf(actor, g.getProjectId())) {
      return NetworkPolicy.policy("delete_security_group");
    }
    if (g.getName().equals("default") && !NetworkPolicy.isAdmin(actor)) {
      return Decision.reject(409, "SecurityGroupCannotRemoveDefault", "Removing default security group not allowed.");
    }
    // as Neutron (the rules' remote group cascades): other groups' rules that name this one as their source go with it
    List<SpecificRecord> events = new ArrayList<>();
    for (SecurityGroupRule r : s.rules(g.getProjectId())) {
      if (g.getSecurityGroupId().equals(r.getRemoteGroupId()) && !r.getSecurityGroupId().equals(g.getSecurityGroupId())) {
        events.add(new SecurityGroupRuleDeleted(r));
      }
    }
    events.add(new SecurityGroupDeleted(g.getSecurityGroupId(), g.getProjectId()));
    return Decision.accept(g.getSecurityGroupId(), events);
  }

  static Decision createRule(CreateSecurityGroupRule c, Actor actor, NetworkState s) {
    SecurityGroupRule r = c.getRule();
    Optional<SecurityGroup> group = visible(actor, s, r.getProjectId(), r.getSecurityGroupId());
    if (group.isEmpty()) return notFound(r.getSecurityGroupId());
    if (!NetworkPolicy.isAdmin(actor) && !NetworkPolicy.isMemberOf(actor, group.get().getProjectId())) {
      return NetworkPolicy.policy("create_security_group_rule");
    }
    Optional<Decision> problem = validate(r);
    if (problem.isPresent()) return problem.get();
    SecurityGroupRule normal = normalise(r);
    if (normal.getRemoteGroupId() != null && s.group(r.getProjectId(), normal.getRemoteGroupId()).isEmpty()) {
      return notFound(normal.getRemoteGroupId());
    }
    for (SecurityGroupRule other : s.rules(r.getProjectId())) {
      if (sameRule(other, normal)) {
        return Decision.reject(409, "SecurityGroupRuleExists", "Security group rule already exists. Rule id is "
            + other.getRuleId() + ".");
      }
    }
    Decision overQuota = NetworkQuotaDecisions.exceeded(s, r.getProjectId(), "security_group_rule", s.rules(r.getProjectId()).size(), 1);
    if (overQuota != null) return overQuota;
    return Decision.accept(normal.getRuleId(), new SecurityGroupRuleCreated(normal));
  }

  static Decision deleteRule(DeleteSecurityGroupRule c, Actor actor, NetworkState s) {
    Optional<SecurityGroupRule> found = s.rule(c.getProjectId(), c.getRuleId())
        .filter(r -> NetworkPolicy.isAdmin(actor) || r.getProjectId().equals(actor.getProjectId()));
    if (found.isEmpty()) {
      return Decision.reject(404, "SecurityGroupRuleNotFound", "Security group rule " + c.getRuleId() + " does not exist");
    }
    if (!NetworkPolicy.isAdmin(actor) && !NetworkPolicy.isMemberOf(actor, found.get().getProjectId())) {
      return NetworkPolicy.policy("delete_security_group_rule");
    }
    return Decision.accept(c.getRuleId(), new SecurityGroupRuleDeleted(found.get()));
  }

  /** The protocol's number, or null for any. */
  static Integer protocolNumber(String protocol) {
    if (protocol == null || protocol.equals("any")) return null;
    Integer named = PROTOCOLS.get(protocol.toLowerCase(java.util.Locale.ROOT));
    if (named != null) return named;
    try {
      int n = Integer.parseInt(protocol);
      return n >= 0 && n <= 255 ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Optional<Decision> validate(SecurityGroupRule r) {
    if (!Set.of("ingress", "egress").contains(r.getDirection())) {
      return Optional.of(NetworkRejections.invalid("direction '" + r.getDirection() + "' is not in [ingress, egress]."));
    }
    if (!Set.of("IPv4", "IPv6").contains(r.getEthertype())) {
      return Optional.of(NetworkRejections.invalid("ethertype '" + r.getEthertype() + "' is not in [IPv4, IPv6]."));
    }
    Integer proto = protocolNumber(r.getProtocol());
    if (proto != null && proto < 0) {
      return Optional.of(Decision.reject(400, "SecurityGroupRuleInvalidProtocol", "Security group rule protocol "
          + r.getProtocol() + " not supported. Only protocol values " + new java.util.TreeSet<>(PROTOCOLS.keySet())
          + " and integer representations [0 to 255] are supported."));
    }
    Integer min = r.getPortRangeMin();
    Integer max = r.getPortRangeMax();
    if ((min != null || max != null) && proto == null) {
      return Optional.of(Decision.reject(400, "SecurityGroupProtocolRequiredWithPorts",
          "Must also specify protocol if port range is given."));
    }
    if (proto != null && WITH_PORTS.contains(proto)) {
      if (min != null && (min < 1 || min > 65535)) return Optional.of(invalidPort(min));
      if (max != null && (max < 1 || max > 65535)) return Optional.of(invalidPort(max));
      if (min != null && max != null && min > max) {
        return Optional.of(Decision.reject(400, "SecurityGroupInvalidPortRange",
            "For TCP/UDP protocols, port_range_min must be <= port_range_max"));
      }
      if (min == null && max != null) {
        // Neutron's words for a missing minimum too (clients match on them)
        return Optional.of(Decision.reject(400, "SecurityGroupInvalidPortRange",
            "For TCP/UDP protocols, port_range_min must be <= port_range_max"));
      }
    } else if (proto != null && ICMP.contains(proto)) {
      if (min != null && (min < 0 || min > 255)) {
        return Optional.of(Decision.reject(400, "SecurityGroupInvalidIcmpValue", "Invalid value for ICMP type "
            + min + ": it must be 0 to 255."));
      }
      if (max != null && (max < 0 || max > 255)) {
        return Optional.of(Decision.reject(400, "SecurityGroupInvalidIcmpValue", "Invalid value for ICMP code "
            + max + ": it must be 0 to 255."));
      }
      if (min == null && max != null) {
        return Optional.of(Decision.reject(400, "SecurityGroupMissingIcmpType", "ICMP code (port-range-max) " + max
            + " is provided but ICMP type (port-range-min) is missing."));
      }
    } else if (min != null || max != null) {
      return Optional.of(Decision.reject(400, "SecurityGroupInvalidPortRange", "Port ranges are only allowed for TCP, UDP,"
          + " SCTP, DCCP and UDP-Lite; ICMP takes a type and code."));
    }
    if (proto != null && r.getEthertype().equals("IPv4") && proto == 58) {
      return Optional.of(Decision.reject(400, "SecurityGroupEthertypeConflictWithProtocol",
          "Ethertype IPv4 is not supported with protocol " + r.getProtocol() + "."));
    }
    if (r.getRemoteIpPrefix() != null && r.getRemoteGroupId() != null) {
      return Optional.of(Decision.reject(400, "SecurityGroupRemoteGroupAndRemoteIpPrefix",
          "Only remote_ip_prefix or remote_group_id may be provided."));
    }
    if (r.getRemoteIpPrefix() != null) {
      Optional<Cidr> prefix = prefix(r.getRemoteIpPrefix());
      if (prefix.isEmpty()) {
        return Optional.of(NetworkRejections.invalid("'" + r.getRemoteIpPrefix() + "' is not a valid IP prefix."));
      }
      String family = prefix.get().version() == 4 ? "IPv4" : "IPv6";
      if (!family.equals(r.getEthertype())) {
        return Optional.of(Decision.reject(400, "SecurityGroupRuleParameterConflict", "Conflicting value ethertype "
            + r.getEthertype() + " for CIDR " + r.getRemoteIpPrefix()));
      }
    }
    return Optional.empty();
  }

  private static Decision invalidPort(int port) {
    return Decision.reject(400, "SecurityGroupInvalidPortValue", "Invalid value for port " + port + ".");
  }

  /** A prefix as a rule may give it: an address (a /32 or /128), or a CIDR whose host bits are dropped. */
  static Optional<Cidr> prefix(String text) {
    int slash = text.indexOf('/');
    if (slash < 0) return Ip.parse(text).map(ip -> new Cidr(ip, Ip.bits(ip.version())));
    Optional<Ip> ip = Ip.parse(text.substring(0, slash));
    if (ip.isEmpty()) return Optional.empty();
    try {
      int bits = Integer.parseInt(text.substring(slash + 1));
      if (bits < 0 || bits > Ip.bits(ip.get().version())) return Optional.empty();
      return Optional.of(Cidr.containing(ip.get(), bits));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static SecurityGroupRule normalise(SecurityGroupRule r) {
    String prefix = r.getRemoteIpPrefix() == null ? null : prefix(r.getRemoteIpPrefix()).orElseThrow().toString();
    String protocol = r.getProtocol() == null || r.getProtocol().equals("any") ? null : r.getProtocol().toLowerCase(java.util.Locale.ROOT);
    Integer proto = protocolNumber(protocol);
    Integer max = r.getPortRangeMax();
    if (proto != null && WITH_PORTS.contains(proto) && r.getPortRangeMin() != null && max == null) max = r.getPortRangeMin();
    return SecurityGroupRule.newBuilder(r).setProtocol(protocol).setPortRangeMax(max).setRemoteIpPrefix(prefix).build();
  }

  private static boolean sameRule(SecurityGroupRule a, SecurityGroupRule b) {
    return a.getSecurityGroupId().equals(b.getSecurityGroupId()) && a.getDirection().equals(b.getDirection())
        && a.getEthertype().equals(b.getEthertype()) && Objects.equals(protocolNumber(a.getProtocol()), protocolNumber(b.getProtocol()))
        && Objects.equals(a.getPortRangeMin(), b.getPortRangeMin()) && Objects.equals(a.getPortRangeMax(), b.getPortRangeMax())
        && Objects.equals(anyIsNull(a.getRemoteIpPrefix()), anyIsNull(b.getRemoteIpPrefix()))
        && Objects.equals(a.getRemoteGroupId(), b.getRemoteGroupId());
  }

  /** 0.0.0.0/0 and ::/0 mean any address, as no prefix does. */
  private static String anyIsNull(String prefix) {
    return prefix == null || prefix.equals("0.0.0.0/0") || prefix.equals("::/0") ? null : prefix;
  }
}
