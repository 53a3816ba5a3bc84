package dev.skyledger.processors.network;

import static dev.skyledger.processors.DecisionAssertions.assertAccepted;
import static dev.skyledger.processors.DecisionAssertions.assertMessageContains;
import static dev.skyledger.processors.DecisionAssertions.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.skyledger.events.core.Actor;
import dev.skyledger.events.network.CreateSecurityGroup;
import dev.skyledger.events.network.CreateSecurityGroupRule;
import dev.skyledger.events.network.DeleteSecurityGroup;
import dev.skyledger.events.network.DeleteSecurityGroupRule;
import dev.skyledger.events.network.EnsureDefaultSecurityGroup;
import dev.skyledger.events.network.NetworkQuotaSet;
import dev.skyledger.events.network.SecurityGroup;
import dev.skyledger.events.network.SecurityGroupCreated;
import dev.skyledger.events.network.SecurityGroupDeleted;
import dev.skyledger.events.network.SecurityGroupRule;
import dev.skyledger.events.network.SecurityGroupRuleCreated;
import dev.skyledger.events.network.SecurityGroupRuleDeleted;
import dev.skyledger.events.network.SecurityGroupUpdated;
import dev.skyledger.events.network.UpdateSecurityGroup;
import dev.skyledger.platform.network.DefaultSecurityGroup;
import dev.skyledger.processors.core.Decision;
import dev.skyledger.processors.core.MapKeyValues;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Security groups and their rules as Neutron decides them: the per-project default group, quotas,
 * visibility across projects, and the validation and uniqueness of rules.
 */
class SecurityGroupDecisionsTest {
  private static final String DEMO_PROJECT = "p-demo";
  private static final String OTHER_PROJECT = "p-other";
  private static final String ADMIN_PROJECT = "p-admin";
  private static final String DEFAULT_SG = DefaultSecurityGroup.idOf(DEMO_PROJECT);
  private static final String SG = "sg-web";
  private static final String OTHER_SG = "sg-db";

  private static final Actor BOB_AS_MEMBER = actor("u-bob", "bob", DEMO_PROJECT, "member");
  private static final Actor CAROL_AS_OTHER_MEMBER = actor("u-carol", "carol", OTHER_PROJECT, "member");
  private static final Actor ALICE_AS_ADMIN = actor("u-alice", "alice", ADMIN_PROJECT, "admin");

  private final NetworkState state = new NetworkState(new MapKeyValues());

  // ---- the default group ------------------------------------------------------------------------

  @Test
  void givenNewProject_whenEnsureDefaultSecurityGroup_thenGroupDefaultWithFourRulesIsCreated() {
    List<String> ruleIds = DefaultSecurityGroup.ruleIdsOf(DEMO_PROJECT);

    Decision decision = NetworkDecider.decide(ensureDefault(), system(), state);

    assertAccepted(decision);
    assertEquals(DEFAULT_SG, decision.resourceId());
    assertEquals(1, decision.events().size());
    SecurityGroupCreated created = (SecurityGroupCreated) decision.events().get(0);
    assertEquals(new SecurityGroup(DEFAULT_SG, DEMO_PROJECT, "default", "Default security group", true), created.getGroup());
    assertEquals(List.of(
        new SecurityGroupRule(ruleIds.get(0), DEFAULT_SG, DEMO_PROJECT, "egress", "IPv4", null, null, null, null, null, ""),
        new SecurityGroupRule(ruleIds.get(1), DEFAULT_SG, DEMO_PROJECT, "egress", "IPv6", null, null, null, null, null, ""),
        new SecurityGroupRule(ruleIds.get(2), DEFAULT_SG, DEMO_PROJECT, "ingress", "IPv4", null, null, null, null, DEFAULT_SG, ""),
        new SecurityGroupRule(ruleIds.get(3), DEFAULT_SG, DEMO_PROJECT, "ingress", "IPv6", null, null, null, null, DEFAULT_SG, "")),
        created.getRules());
  }

  @Test
  void givenDefaultGroupEnsured_whenEnsuredAgain_thenAcceptedWithNoEvents() {
    accepted(ensureDefault(), system());

    Decision decision = NetworkDecider.decide(ensureDefault(), system(), state);

    assertAccepted(decision);
    assertEquals(DEFAULT_SG, decision.resourceId());
    assertEquals(List.of(), decision.events());
    assertEquals(1, state.groups(DEMO_PROJECT).size());
    assertEquals(4, state.rules(DEMO_PROJECT).size());
  }

  @Test
  void givenDefaultGroup_whenMemberDeletesIt_thenRejected409CannotRemoveDefault() {
    accepted(ensureDefault(), system());

    assertRejected(409, "SecurityGroupCannotRemoveDefault",
        NetworkDecider.decide(new DeleteSecurityGroup(DEFAULT_SG, DEMO_PROJECT), BOB_AS_MEMBER, state));
  }

  @Test
  void givenDefaultGroup_whenAdminDeletesIt_thenSecurityGroupDeletedAndItsRulesAreGone() {
    accepted(ensureDefault(), system());

    Decision decision = accepted(new DeleteSecurityGroup(DEFAULT_SG, DEMO_PROJECT), ALICE_AS_ADMIN);

    assertEquals(List.of(new SecurityGroupDeleted(DEFAULT_SG, DEMO_PROJECT)), decision.events());
    assertEquals(List.of(), state.groups(DEMO_PROJECT));
    assertEquals(List.of(), state.rules(DEMO_PROJECT));
  }

  // ---- groups -----------------------------------------------------------------------------------

  @Test
  void givenProject_whenMemberCreatesGroup_thenSecurityGroupCreated() {
    SecurityGroup group = group(SG, "web");

    Decision decision = NetworkDecider.decide(new CreateSecurityGroup(group, List.of()), BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(SG, decision.resourceId());
    assertEquals(List.of(new SecurityGroupCreated(group, List.of())), decision.events());
  }

  @Test
  void givenProject_whenMemberOfAnotherProjectCreatesGroupInIt_thenRejected403() {
    assertRejected(403, "PolicyNotAuthorized",
        NetworkDecider.decide(new CreateSecurityGroup(group(SG, "web"), List.of()), CAROL_AS_OTHER_MEMBER, state));
  }

  @Test
  void givenGroup_whenMemberOfAnotherProjectUpdatesOrDeletesIt_thenRejected404() {
    accepted(new CreateSecurityGroup(group(SG, "web"), List.of()), BOB_AS_MEMBER);

    assertRejected(404, "SecurityGroupNotFound", NetworkDecider.decide(
        new UpdateSecurityGroup(SG, DEMO_PROJECT, "mine", null), CAROL_AS_OTHER_MEMBER, state));
    assertRejected(404, "SecurityGroupNotFound", NetworkDecider.decide(
        new DeleteSecurityGroup(SG, DEMO_PROJECT), CAROL_AS_OTHER_MEMBER, state));
    assertRejected(404, "SecurityGroupNotFound", NetworkDecider.decide(
        new CreateSecurityGroupRule(tcpRule("r-1", 22, 22, null)), CAROL_AS_OTHER_MEMBER, state));
    assertEquals(1, state.groups(DEMO_PROJECT).size());
  }

  @Test
  void givenGroup_whenOwnerUpdatesIt_thenSecurityGroupUpdatedWithTheNewFields() {
    accepted(new CreateSecurityGroup(group(SG, "web"), List.of()), BOB_AS_MEMBER);

    Decision decision = accepted(new UpdateSecurityGroup(SG, DEMO_PROJECT, "www", "the web tier"), BOB_AS_MEMBER);

    assertEquals(List.of(new SecurityGroupUpdated(new SecurityGroup(SG, DEMO_PROJECT, "www", "the web tier", true))),
        decision.events());
  }

  @Test
  void givenProject_whenGroupNamedDefaultIsCreated_thenRejected409DefaultAlreadyExists() {
    assertRejected(409, "SecurityGroupDefaultAlreadyExists", NetworkDecider.decide(
        new CreateSecurityGroup(group(SG, "default"), List.of()), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroup_whenRenamedToDefault_thenRejected409DefaultAlreadyExists() {
    accepted(ensureDefault(), system());
    accepted(new CreateSecurityGroup(group(SG, "web"), List.of()), BOB_AS_MEMBER);

    assertRejected(409, "SecurityGroupDefaultAlreadyExists", NetworkDecider.decide(
        new UpdateSecurityGroup(SG, DEMO_PROJECT, "default", null), BOB_AS_MEMBER, state));
  }

  @Test
  void givenDefaultGroup_whenRenamed_thenRejected409CannotUpdateDefault() {
    accepted(ensureDefault(), system());

    assertRejected(409, "SecurityGroupCannotUpdateDefault", NetworkDecider.decide(
        new UpdateSecurityGroup(DEFAULT_SG, DEMO_PROJECT, "mine", null), BOB_AS_MEMBER, state));
  }

  @Test
  void givenTenGroupsIncludingTheDefault_whenAnotherIsCreated_thenRejected409OverQuota() {
    accepted(ensureDefault(), system());
    for (int i = 1; i < 10; i++) accepted(new CreateSecurityGroup(group("sg-" + i, "g" + i), List.of()), BOB_AS_MEMBER);
    assertEquals(10, state.groups(DEMO_PROJECT).size());

    Decision decision = NetworkDecider.decide(new CreateSecurityGroup(group("sg-11", "g11"), List.of()), BOB_AS_MEMBER, state);

    assertRejected(409, "OverQuota", decision);
    assertMessageContains("security_group", decision);
  }

  @Test
  void givenGroupQuotaSetToTwo_whenThirdGroupIsCreated_thenRejected409OverQuota() {
    given(new NetworkQuotaSet(DEMO_PROJECT, Map.of("security_group", 2)));
    accepted(new CreateSecurityGroup(group("sg-1", "one"), List.of()), BOB_AS_MEMBER);
    accepted(new CreateSecurityGroup(group("sg-2", "two"), List.of()), BOB_AS_MEMBER);

    assertRejected(409, "OverQuota", NetworkDecider.decide(
        new CreateSecurityGroup(group("sg-3", "three"), List.of()), BOB_AS_MEMBER, state));
  }

  @Test
  void givenRuleQuotaSetToFive_whenTheDefaultGroupsFourRulesAndTwoMoreAreCreated_thenTheSecondIsRejected409OverQuota() {
    given(new NetworkQuotaSet(DEMO_PROJECT, Map.of("security_group_rule", 5)));
    accepted(ensureDefault(), system());
    accepted(new CreateSecurityGroup(group(SG, "web"), List.of()), BOB_AS_MEMBER);
    accepted(new CreateSecurityGroupRule(tcpRule("r-1", 22, 22, null)), BOB_AS_MEMBER);

    Decision decision = NetworkDecider.decide(new CreateSecurityGroupRule(tcpRule("r-2", 80, 80, null)), BOB_AS_MEMBER, state);

    assertRejected(409, "OverQuota", decision);
    assertMessageContains("security_group_rule", decision);
  }

  @Test
  void givenRuleQuotaSetToOne_whenGroupCreatedWithTwoRules_thenRejected409OverQuota() {
    given(new NetworkQuotaSet(DEMO_PROJECT, Map.of("security_group_rule", 1)));
    SecurityGroupRule v4 = new SecurityGroupRule("r-1", SG, DEMO_PROJECT, "egress", "IPv4", null, null, null, null, null, "");
    SecurityGroupRule v6 = new SecurityGroupRule("r-2", SG, DEMO_PROJECT, "egress", "IPv6", null, null, null, null, null, "");

    assertRejected(409, "OverQuota", NetworkDecider.decide(
        new CreateSecurityGroup(group(SG, "web"), List.of(v4, v6)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroupReferredToByAnotherGroupsRule_whenDeleted_thenThatRuleGoesWithIt() {
    accepted(new CreateSecurityGroup(group(SG, "web"), List.of()), BOB_AS_MEMBER);
    accepted(new CreateSecurityGroup(group(OTHER_SG, "db"), List.of()), BOB_AS_MEMBER);
    accepted(new CreateSecurityGroupRule(rule("r-1", OTHER_SG, "ingress", "IPv4", "tcp", 5432, 5432, null, SG)), BOB_AS_MEMBER);
    SecurityGroupRule referring = state.rule(DEMO_PROJECT, "r-1").orElseThrow();

    Decision decision = accepted(new DeleteSecurityGroup(SG, DEMO_PROJECT), BOB_AS_MEMBER);

    assertEquals(List.of(new SecurityGroupRuleDeleted(referring), new SecurityGroupDeleted(SG, DEMO_PROJECT)),
        decision.events(), "as Neutron: a rule's remote group cascades");
    assertEquals(List.of(), state.rules(DEMO_PROJECT));
    assertTrue(state.group(DEMO_PROJECT, OTHER_SG).isPresent(), "the group that referred to it stays");
  }

  @Test
  void givenGroupWhoseOnlyReferenceIsItsOwnRule_whenDeleted_thenSecurityGroupDeleted() {
    accepted(new CreateSecurityGroup(group(SG, "web"), List.of()), BOB_AS_MEMBER);
    accepted(new CreateSecurityGroupRule(rule("r-1", SG, "ingress", "IPv4", null, null, null, null, SG)), BOB_AS_MEMBER);

    Decision decision = accepted(new DeleteSecurityGroup(SG, DEMO_PROJECT), BOB_AS_MEMBER);

    assertEquals(List.of(new SecurityGroupDeleted(SG, DEMO_PROJECT)), decision.events());
    assertEquals(List.of(), state.rules(DEMO_PROJECT));
  }

  // ---- rules ------------------------------------------------------------------------------------

  @Test
  void givenGroup_whenTcp22IngressRuleCreated_thenSecurityGroupRuleCreated() {
    givenGroup();
    SecurityGroupRule rule = tcpRule("r-1", 22, 22, "0.0.0.0/0");

    Decision decision = NetworkDecider.decide(new CreateSecurityGroupRule(rule), BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals("r-1", decision.resourceId());
    assertEquals(List.of(new SecurityGroupRuleCreated(rule)), decision.events());
  }

  @Test
  void givenRule_whenTheSameRuleIsCreatedAgain_thenRejected409RuleExists() {
    givenGroup();
    accepted(new CreateSecurityGroupRule(tcpRule("r-1", 22, 22, null)), BOB_AS_MEMBER);

    Decision decision = NetworkDecider.decide(new CreateSecurityGroupRule(tcpRule("r-2", 22, 22, null)), BOB_AS_MEMBER, state);

    assertRejected(409, "SecurityGroupRuleExists", decision);
    assertMessageContains("r-1", decision);
  }

  @Test
  void givenRuleWithAnyPrefix_whenTheSameRuleWithoutPrefixIsCreated_thenRejected409RuleExists() {
    givenGroup();
    accepted(new CreateSecurityGroupRule(tcpRule("r-1", 22, 22, "0.0.0.0/0")), BOB_AS_MEMBER);

    assertRejected(409, "SecurityGroupRuleExists",
        NetworkDecider.decide(new CreateSecurityGroupRule(tcpRule("r-2", 22, 22, null)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenRuleWithoutPrefix_whenTheSameRuleWithAnyPrefixIsCreated_thenRejected409RuleExists() {
    givenGroup();
    accepted(new CreateSecurityGroupRule(tcpRule("r-1", 22, 22, null)), BOB_AS_MEMBER);

    assertRejected(409, "SecurityGroupRuleExists",
        NetworkDecider.decide(new CreateSecurityGroupRule(tcpRule("r-2", 22, 22, "0.0.0.0/0")), BOB_AS_MEMBER, state));
  }

  @Test
  void givenRuleWithNamedProtocol_whenTheSameRuleWithTheProtocolNumberIsCreated_thenRejected409RuleExists() {
    givenGroup();
    accepted(new CreateSecurityGroupRule(tcpRule("r-1", 22, 22, null)), BOB_AS_MEMBER);

    assertRejected(409, "SecurityGroupRuleExists", NetworkDecider.decide(new CreateSecurityGroupRule(
        rule("r-2", SG, "ingress", "IPv4", "6", 22, 22, null, null)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenRuleForPort22_whenTheSameRuleForPort23IsCreated_thenAccepted() {
    givenGroup();
    accepted(new CreateSecurityGroupRule(tcpRule("r-1", 22, 22, null)), BOB_AS_MEMBER);

    assertAccepted(NetworkDecider.decide(new CreateSecurityGroupRule(tcpRule("r-2", 23, 23, null)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroup_whenPortRangeMinAboveMax_thenRejected400() {
    givenGroup();

    assertRejected(400, "SecurityGroupInvalidPortRange",
        NetworkDecider.decide(new CreateSecurityGroupRule(tcpRule("r-1", 100, 80, null)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroup_whenTcpPortIsZero_thenRejected400() {
    givenGroup();

    assertRejected(400, "SecurityGroupInvalidPortValue",
        NetworkDecider.decide(new CreateSecurityGroupRule(tcpRule("r-1", 0, 10, null)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroup_whenTcpPortIs70000_thenRejected400() {
    givenGroup();

    assertRejected(400, "SecurityGroupInvalidPortValue",
        NetworkDecider.decide(new CreateSecurityGroupRule(tcpRule("r-1", 22, 70000, null)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroup_whenPortsWithoutProtocol_thenRejected400ProtocolRequired() {
    givenGroup();

    assertRejected(400, "SecurityGroupProtocolRequiredWithPorts", NetworkDecider.decide(new CreateSecurityGroupRule(
        rule("r-1", SG, "ingress", "IPv4", null, 22, 22, null, null)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroup_whenUnknownProtocol_thenRejected400InvalidProtocol() {
    givenGroup();

    assertRejected(400, "SecurityGroupRuleInvalidProtocol", NetworkDecider.decide(new CreateSecurityGroupRule(
        rule("r-1", SG, "ingress", "IPv4", "carrier-pigeon", null, null, null, null)), BOB_AS_MEMBER, state));
    assertRejected(400, "SecurityGroupRuleInvalidProtocol", NetworkDecider.decide(new CreateSecurityGroupRule(
        rule("r-1", SG, "ingress", "IPv4", "256", null, null, null, null)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroup_whenNumericProtocol6WithPorts_thenAccepted() {
    givenGroup();

    Decision decision = NetworkDecider.decide(new CreateSecurityGroupRule(
        rule("r-1", SG, "ingress", "IPv4", "6", 22, 22, null, null)), BOB_AS_MEMBER, state);

    assertAccepted(decision);
    SecurityGroupRule created = ((SecurityGroupRuleCreated) decision.events().get(0)).getRule();
    assertEquals("6", created.getProtocol());
    assertEquals(22, created.getPortRangeMin());
    assertEquals(22, created.getPortRangeMax());
  }

  @Test
  void givenGroup_whenTcpRuleGivesOnlyTheMinimumPort_thenTheMaximumIsTheSamePort() {
    givenGroup();

    Decision decision = NetworkDecider.decide(new CreateSecurityGroupRule(tcpRule("r-1", 22, null, null)), BOB_AS_MEMBER, state);

    assertAccepted(decision);
    assertEquals(22, ((SecurityGroupRuleCreated) decision.events().get(0)).getRule().getPortRangeMax());
  }

  @Test
  void givenGroup_whenIcmpType300_thenRejected400() {
    givenGroup();

    assertRejected(400, "SecurityGroupInvalidIcmpValue", NetworkDecider.decide(new CreateSecurityGroupRule(
        rule("r-1", SG, "ingress", "IPv4", "icmp", 300, null, null, null)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroup_whenIcmpCodeWithoutType_thenRejected400() {
    givenGroup();

    assertRejected(400, "SecurityGroupMissingIcmpType", NetworkDecider.decide(new CreateSecurityGroupRule(
        rule("r-1", SG, "ingress", "IPv4", "icmp", null, 0, null, null)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroup_whenIcmpEchoRequest_thenAccepted() {
    givenGroup();

    assertAccepted(NetworkDecider.decide(new CreateSecurityGroupRule(
        rule("r-1", SG, "ingress", "IPv4", "icmp", 8, 0, null, null)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroup_whenIpv6PrefixWithEthertypeIpv4_thenRejected400ParameterConflict() {
    givenGroup();

    assertRejected(400, "SecurityGroupRuleParameterConflict", NetworkDecider.decide(new CreateSecurityGroupRule(
        rule("r-1", SG, "ingress", "IPv4", "tcp", 22, 22, "2001:db8::/32", null)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroup_whenBothRemotePrefixAndRemoteGroup_thenRejected400() {
    givenGroup();

    assertRejected(400, "SecurityGroupRemoteGroupAndRemoteIpPrefix", NetworkDecider.decide(new CreateSecurityGroupRule(
        rule("r-1", SG, "ingress", "IPv4", "tcp", 22, 22, "10.0.0.0/8", SG)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroup_whenRemoteGroupIsUnknown_thenRejected404() {
    givenGroup();

    Decision decision = NetworkDecider.decide(new CreateSecurityGroupRule(
        rule("r-1", SG, "ingress", "IPv4", "tcp", 22, 22, null, "sg-nope")), BOB_AS_MEMBER, state);

    assertRejected(404, "SecurityGroupNotFound", decision);
    assertMessageContains("sg-nope", decision);
  }

  @Test
  void givenGroup_whenRemoteGroupIsAnotherProjectsGroup_thenRejected404() {
    givenGroup();
    accepted(new CreateSecurityGroup(new SecurityGroup(OTHER_SG, OTHER_PROJECT, "theirs", "", true), List.of()),
        CAROL_AS_OTHER_MEMBER);

    assertRejected(404, "SecurityGroupNotFound", NetworkDecider.decide(new CreateSecurityGroupRule(
        rule("r-1", SG, "ingress", "IPv4", "tcp", 22, 22, null, OTHER_SG)), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroup_whenPrefixHasHostBits_thenTheRuleIsStoredWithTheNetworkAddress() {
    givenGroup();

    Decision decision = accepted(new CreateSecurityGroupRule(tcpRule("r-1", 22, 22, "10.1.2.3/8")), BOB_AS_MEMBER);

    assertEquals("10.0.0.0/8", ((SecurityGroupRuleCreated) decision.events().get(0)).getRule().getRemoteIpPrefix());
    assertEquals("10.0.0.0/8", state.rule(DEMO_PROJECT, "r-1").orElseThrow().getRemoteIpPrefix());
    // the same rule written with the network address is a duplicate
    assertRejected(409, "SecurityGroupRuleExists",
        NetworkDecider.decide(new CreateSecurityGroupRule(tcpRule("r-2", 22, 22, "10.0.0.0/8")), BOB_AS_MEMBER, state));
  }

  @Test
  void givenGroup_whenPrefixIsAnAddress_thenTheRuleIsStoredAsASlash32() {
    givenGroup();

    Decision decision = accepted(new CreateSecurityGroupRule(tcpRule("r-1", 22, 22, "192.0.2.7")), BOB_AS_MEMBER);

    assertEquals("192.0.2.7/32", ((SecurityGroupRuleCreated) decision.events().get(0)).getRule().getRemoteIpPrefix());
  }

  @Test
  void givenRule_whenDeleted_thenSecurityGroupRuleDeletedAndTheRuleIsGone() {
    givenGroup();
    Decision created = accepted(new CreateSecurityGroupRule(tcpRule("r-1", 22, 22, null)), BOB_AS_MEMBER);
    SecurityGroupRule rule = ((SecurityGroupRuleCreated) created.events().get(0)).getRule();

    Decision decision = accepted(new DeleteSecurityGroupRule("r-1", DEMO_PROJECT), BOB_AS_MEMBER);

    assertEquals(List.of(new SecurityGroupRuleDeleted(rule)), decision.events());
    assertEquals("r-1", decision.resourceId());
    assertTrue(state.rule(DEMO_PROJECT, "r-1").isEmpty());
    // the same rule can be created again
    assertAccepted(NetworkDecider.decide(new CreateSecurityGroupRule(tcpRule("r-2", 22, 22, null)), BOB_AS_MEMBER, state));
    assertRejected(404, "SecurityGroupRuleNotFound",
        NetworkDecider.decide(new DeleteSecurityGroupRule("r-1", DEMO_PROJECT), BOB_AS_MEMBER, state));
  }

  @Test
  void givenRule_whenMemberOfAnotherProjectDeletesIt_thenRejected404() {
    givenGroup();
    accepted(new CreateSecurityGroupRule(tcpRule("r-1", 22, 22, null)), BOB_AS_MEMBER);

    assertRejected(404, "SecurityGroupRuleNotFound",
        NetworkDecider.decide(new DeleteSecurityGroupRule("r-1", DEMO_PROJECT), CAROL_AS_OTHER_MEMBER, state));
  }

  // ---- helpers ----------------------------------------------------------------------------------

  private void givenGroup() {
    accepted(new CreateSecurityGroup(group(SG, "web"), List.of()), BOB_AS_MEMBER);
  }

  private static EnsureDefaultSecurityGroup ensureDefault() {
    return new EnsureDefaultSecurityGroup(DEMO_PROJECT, DEFAULT_SG, DefaultSecurityGroup.ruleIdsOf(DEMO_PROJECT));
  }

  private static SecurityGroup group(String id, String name) {
    return new SecurityGroup(id, DEMO_PROJECT, name, "", true);
  }

  private static SecurityGroupRule tcpRule(String id, Integer min, Integer max, String prefix) {
    return rule(id, SG, "ingress", "IPv4", "tcp", min, max, prefix, null);
  }

  private static SecurityGroupRule rule(String id, String group, String direction, String ethertype, String protocol,
                                        Integer min, Integer max, String prefix, String remoteGroup) {
    return new SecurityGroupRule(id, group, DEMO_PROJECT, direction, ethertype, protocol, min, max, prefix, remoteGroup, "");
  }

  private void given(SpecificRecord... events) {
    List.of(events).forEach(e -> NetworkDecider.evolve(state, e));
  }

  private Decision accepted(SpecificRecord command, Actor actor) {
    Decision decision = NetworkDecider.decide(command, actor, state);
    assertAccepted(decision);
    decision.events().forEach(e -> NetworkDecider.evolve(state, e));
    return decision;
  }

  private static Actor system() {
    return actor(null, "system", null, "system");
  }

  private static Actor actor(String userId, String userName, String projectId, String... roles) {
    return new Actor(userId, userName, projectId, List.of(roles));
  }
}
