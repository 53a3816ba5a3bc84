package dev.skyledger.processors.network;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.*;
import dev.skyledger.events.network.CreateNetwork;
import dev.skyledger.events.network.CreatePort;
import dev.skyledger.events.network.CreateSubnet;
import dev.skyledger.events.network.DeleteNetwork;
import dev.skyledger.events.network.DeletePort;
import dev.skyledger.events.network.DeleteSubnet;
import dev.skyledger.events.network.NetworkCreated;
import dev.skyledger.events.network.NetworkDeleted;
import dev.skyledger.events.network.NetworkUpdated;
import dev.skyledger.events.network.PortCreated;
import dev.skyledger.events.network.PortDeleted;
import dev.skyledger.events.network.PortUpdated;
import dev.skyledger.events.network.SubnetCreated;
import dev.skyledger.events.network.SubnetDeleted;
import dev.skyledger.events.network.SubnetUpdated;
import dev.skyledger.events.network.UpdateNetwork;
import dev.skyledger.events.network.UpdatePort;
import dev.skyledger.events.network.UpdateSubnet;
import dev.skyledger.processors.core.Decision;
import org.apache.avro.specific.SpecificRecord;

/**
 * The network service's decider: dispatches each command to the decisions of its aggregate
 * (networks, subnets and ports per network; security groups, routers, floating IPs and quotas per
 * project), and applies events to the state. Pure: {@code decide} reads the state, {@code evolve}
 * applies one event. Rejections carry Neutron's error type as their title. Every arrow points one
 * way: the decisions use {@link NetworkPolicy}, {@link NetworkRejections}, {@link SubnetAllocator}
 * and {@link NetworkQuotaDecisions}, never this class.
 */
final class NetworkDecider {
  private NetworkDecider() {}

  static Decision decide(SpecificRecord command, Actor actor, NetworkState s) {
    if (command instanceof CreateNetwork c) return NetworkDecisions.create(c, actor, s);
    if (command instanceof UpdateNetwork c) return NetworkDecisions.update(c, actor, s);
    if (command instanceof DeleteNetwork c) return NetworkDecisions.delete(c, actor, s);
    if (command instanceof CreateSubnet c) return SubnetDecisions.create(c, actor, s);
    if (command instanceof UpdateSubnet c) return SubnetDecisions.update(c, actor, s);
    if (command instanceof DeleteSubnet c) return SubnetDecisions.delete(c, actor, s);
    if (command instanceof CreatePort c) return PortDecisions.create(c, actor, s);
    if (command instanceof UpdatePort c) return PortDecisions.update(c, actor, s);
    if (command instanceof DeletePort c) return PortDecisions.delete(c, actor, s);
    if (command instanceof EnsureDefaultSecurityGroup c) return SecurityGroupDecisions.ensureDefault(c, actor, s);
    if (command instanceof CreateSecurityGroup c) return SecurityGroupDecisions.create(c, actor, s);
    if (command instanceof UpdateSecurityGroup c) return SecurityGroupDecisions.update(c, actor, s);
    if (command instanceof DeleteSecurityGroup c) return SecurityGroupDecisions.delete(c, actor, s);
    if (command instanceof CreateSecurityGroupRule c) return SecurityGroupDecisions.createRule(c, actor, s);
    if (command instanceof DeleteSecurityGroupRule c) return SecurityGroupDecisions.deleteRule(c, actor, s);
    if (command instanceof CreateRouter c) return RouterDecisions.create(c, actor, s);
    if (command instanceof UpdateRouter c) return RouterDecisions.update(c, actor, s);
    if (command instanceof DeleteRouter c) return RouterDecisions.delete(c, actor, s);
    if (command instanceof AddRouterInterface c) return RouterDecisions.addInterface(c, actor, s);
    if (command instanceof RemoveRouterInterface c) return RouterDecisions.removeInterface(c, actor, s);
    if (command instanceof SetNetworkQuota c) return NetworkQuotaDecisions.set(c, actor, s);
    if (command instanceof CreateFloatingIp c) return FloatingIpDecisions.create(c, actor, s);
    if (command instanceof UpdateFloatingIp c) return FloatingIpDecisions.update(c, actor, s);
    if (command instanceof DeleteFloatingIp c) return FloatingIpDecisions.delete(c, actor, s);
    return Decision.reject(400, "HTTPBadRequest", "Unknown network command " + command.getSchema().getName() + ".");
  }

  // ---- evolve -----------------------------------------------------------------------------------

  static void evolve(NetworkState s, SpecificRecord event) {
    if (event instanceof NetworkCreated e) {
      s.putNetwork(e.getNetwork());
    } else if (event instanceof NetworkUpdated e) {
      s.putNetwork(e.getNetwork());
    } else if (event instanceof NetworkDeleted e) {
      s.deleteNetwork(e.getNetworkId());
    } else if (event instanceof SubnetCreated e) {
      s.putSubnet(e.getSubnet());
    } else if (event instanceof SubnetUpdated e) {
      s.putSubnet(e.getSubnet());
    } else if (event instanceof SubnetDeleted e) {
      s.deleteSubnet(e.getNetworkId(), e.getSubnetId());
    } else if (event instanceof PortCreated e) {
      s.putPort(e.getPort());
    } else if (event instanceof PortUpdated e) {
      s.putPort(e.getPort());
    } else if (event instanceof PortDeleted e) {
      s.deletePort(e.getPort());
    } else if (event instanceof SecurityGroupCreated e) {
      s.putGroup(e.getGroup());
      e.getRules().forEach(s::putRule);
    } else if (event instanceof SecurityGroupUpdated e) {
      s.putGroup(e.getGroup());
    } else if (event instanceof SecurityGroupDeleted e) {
      s.deleteGroup(e.getProjectId(), e.getSecurityGroupId());
    } else if (event instanceof SecurityGroupRuleCreated e) {
      s.putRule(e.getRule());
    } else if (event instanceof SecurityGroupRuleDeleted e) {
      s.deleteRule(e.getRule());
    } else if (event instanceof RouterCreated e) {
      s.putRouter(e.getRouter());
    } else if (event instanceof RouterUpdated e) {
      s.putRouter(e.getRouter());
    } else if (event instanceof RouterDeleted e) {
      s.deleteRouter(e.getProjectId(), e.getRouterId());
    } else if (event instanceof RouterInterfaceAdded e) {
      s.addInterface(e);
    } else if (event instanceof RouterInterfaceRemoved e) {
      s.removeInterface(e.getRouterId(), e.getPortId());
    } else if (event instanceof NetworkQuotaSet e) {
      s.putQuota(e.getProjectId(), e.getLimits());
    } else if (event instanceof FloatingIpCreated e) {
      s.putFloatingIp(e.getFloatingIp());
    } else if (event instanceof FloatingIpUpdated e) {
      s.putFloatingIp(e.getFloatingIp());
    } else if (event instanceof FloatingIpDeleted e) {
      s.deleteFloatingIp(e.getFloatingIp());
    }
  }

  static String aggregateOf(SpecificRecord event) {
    if (event instanceof NetworkCreated e) return e.getNetwork().getNetworkId();
    if (event instanceof NetworkUpdated e) return e.getNetwork().getNetworkId();
    if (event instanceof NetworkDeleted e) return e.getNetworkId();
    if (event instanceof SubnetCreated e) return e.getSubnet().getSubnetId();
    if (event instanceof SubnetUpdated e) return e.getSubnet().getSubnetId();
    if (event instanceof SubnetDeleted e) return e.getSubnetId();
    if (event instanceof PortCreated e) return e.getPort().getPortId();
    if (event instanceof PortUpdated e) return e.getPort().getPortId();
    if (event instanceof PortDeleted e) return e.getPort().getPortId();
    if (event instanceof SecurityGroupCreated e) return e.getGroup().getSecurityGroupId();
    if (event instanceof SecurityGroupUpdated e) return e.getGroup().getSecurityGroupId();
    if (event instanceof SecurityGroupDeleted e) return e.getSecurityGroupId();
    if (event instanceof SecurityGroupRuleCreated e) return e.getRule().getRuleId();
    if (event instanceof SecurityGroupRuleDeleted e) return e.getRule().getRuleId();
    if (event instanceof RouterCreated e) return e.getRouter().getRouterId();
    if (event instanceof RouterUpdated e) return e.getRouter().getRouterId();
    if (event instanceof RouterDeleted e) return e.getRouterId();
    if (event instanceof RouterInterfaceAdded e) return e.getRouterId();
    if (event instanceof RouterInterfaceRemoved e) return e.getRouterId();
    if (event instanceof NetworkQuotaSet e) return e.getProjectId();
    if (event instanceof FloatingIpCreated e) return e.getFloatingIp().getFloatingIpId();
    if (event instanceof FloatingIpUpdated e) return e.getFloatingIp().getFloatingIpId();
    if (event instanceof FloatingIpDeleted e) return e.getFloatingIp().getFloatingIpId();
    throw new IllegalArgumentException("not a network event: " + event.getSchema().getFullName());
  }

  static String projectOf(SpecificRecord event) {
    if (event instanceof NetworkCreated e) return e.getNetwork().getProjectId();
    if (event instanceof NetworkUpdated e) return e.getNetwork().getProjectId();
    if (event instanceof NetworkDeleted e) return e.getProjectId();
    if (event instanceof SubnetCreated e) return e.getSubnet().getProjectId();
    if (event instanceof SubnetUpdated e) return e.getSubnet().getProjectId();
    if (event instanceof SubnetDeleted e) return e.getProjectId();
    if (event instanceof PortCreated e) return e.getPort().getProjectId();
    if (event instanceof PortUpdated e) return e.getPort().getProjectId();
    if (event instanceof PortDeleted e) return e.getPort().getProjectId();
    if (event instanceof SecurityGroupCreated e) return e.getGroup().getProjectId();
    if (event instanceof SecurityGroupUpdated e) return e.getGroup().getProjectId();
    if (event instanceof SecurityGroupDeleted e) return e.getProjectId();
    if (event instanceof SecurityGroupRuleCreated e) return e.getRule().getProjectId();
    if (event instanceof SecurityGroupRuleDeleted e) return e.getRule().getProjectId();
    if (event instanceof RouterCreated e) return e.getRouter().getProjectId();
    if (event instanceof RouterUpdated e) return e.getRouter().getProjectId();
    if (event instanceof RouterDeleted e) return e.getProjectId();
    if (event instanceof RouterInterfaceAdded e) return e.getProjectId();
    if (event instanceof RouterInterfaceRemoved e) return e.getProjectId();
    if (event instanceof NetworkQuotaSet e) return e.getProjectId();
    if (event instanceof FloatingIpCreated e) return e.getFloatingIp().getProjectId();
    if (event instanceof FloatingIpUpdated e) return e.getFloatingIp().getProjectId();
    if (event instanceof FloatingIpDeleted e) return e.getFloatingIp().getProjectId();
    return null;
  }
}
