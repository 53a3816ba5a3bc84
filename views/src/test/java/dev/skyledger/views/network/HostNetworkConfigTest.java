package dev.skyledger.views.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rendered host configuration, checked as the text an agent applies. */
class HostNetworkConfigTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final String WEB = "sg-web-0000-0000";
  private static final String DEFAULT = "sg-default-000000";

  private static NetworkCatalog.Port port(String id, String net, String mac, String ip, boolean secured, List<String> groups,
                                          String host, String owner) {
    return new NetworkCatalog.Port(id, net, "p1", "", "", mac, "dev", owner, groups, host, true, secured, 1, T, T,
        List.of(new NetworkCatalog.FixedIp("sub-1", ip)));
  }

  private static NetworkCatalog.Rule rule(String id, String group, String direction, String protocol, Integer min, Integer max,
                                          String prefix, String remoteGroup) {
    return new NetworkCatalog.Rule(id, group, "p1", direction, "IPv4", protocol, min, max, prefix, remoteGroup, "", 1, T, T);
  }

  private static HostNetworkConfig.Rendered render() {
    NetworkCatalog.Port vm = port("aaaaaaaaaaaa-vm", "net-1", "fa:16:3e:00:00:01", "10.0.0.5", true, List.of(WEB, DEFAULT), "h1", "compute:nova");
    NetworkCatalog.Port open = port("bbbbbbbbbbbb-open", "net-1", "fa:16:3e:00:00:02", "10.0.0.6", false, List.of(), "h1", "compute:nova");
    NetworkCatalog.Port other = port("cccccccccccc-other", "net-1", "fa:16:3e:00:00:03", "10.0.0.7", true, List.of(DEFAULT), "h2", "compute:nova");
    NetworkCatalog.Port router = port("dddddddddddd-router", "net-1", "fa:16:3e:00:00:04", "10.0.0.1", false, List.of(), "", "network:router_interface");
    List<NetworkCatalog.Rule> rules = List.of(
        rule("r1", WEB, "ingress", "tcp", 22, 22, "0.0.0.0/0", null),
        rule("r2", WEB, "ingress", "tcp", 8000, 8080, "192.168.0.0/16", null),
        rule("r3", WEB, "ingress", "icmp", 8, 0, null, null),
        rule("r4", DEFAULT, "ingress", null, null, null, null, DEFAULT),
        rule("r5", DEFAULT, "egress", null, null, null, null, null));
    NetworkCatalog.Subnet subnet = new NetworkCatalog.Subnet("sub-1", "net-1", "p1", "", "", 4, "10.0.0.0/24", "10.0.0.1",
        List.of(new NetworkCatalog.Pool("10.0.0.2", "10.0.0.254")), true, List.of("8.8.8.8"), List.of(), null, null, 1, T, T);
    NetworkCatalog.FloatingIp fip = new NetworkCatalog.FloatingIp("fip-1", "p1", "ext", "203.0.113.10", "fport",
        vm.id(), "10.0.0.5", "r", "", 1, T, T);
    return HostNetworkConfig.render(new HostNetworkConfig.Inputs("h1", List.of(vm, open), rules,
        Map.of(DEFAULT, List.of("10.0.0.5", "10.0.0.7")), List.of(subnet), List.of(vm, open, other, router), List.of(fip)));
  }

  @Test
  void securityGroupRulesBecomeChainsPerPortWithAFallbackDrop() {
    String text = render().iptables();
    String in = "sky-iaaaaaaaaaa";
    assertTrue(text.contains("-A sky-fwd -m physdev --physdev-out tapaaaaaaaaaaa --physdev-is-bridged -j " + in + "\n"), text);
    assertTrue(text.contains("-A " + in + " -p tcp -m tcp --dport 22 -j RETURN\n"), text);
    assertTrue(text.contains("-A " + in + " -s 192.168.0.0/16 -p tcp -m tcp --dport 8000:8080 -j RETURN\n"), text);
    assertTrue(text.contains("-A " + in + " -p icmp -m icmp --icmp-type 8/0 -j RETURN\n"), text);
    assertTrue(text.contains("-A " + in + " -s 10.0.0.7/32 -j RETURN\n"), "remote group expands to its members' addresses");
    assertTrue(text.contains("-A " + in + " -j sky-sg-fallback\n"));
    assertTrue(text.contains("-A sky-sg-fallback -j DROP\n"));
    assertTrue(text.contains("-A sky-saaaaaaaaaa -s 10.0.0.5/32 -m mac --mac-source FA:16:3E:00:00:01 -j RETURN\n"), "anti-spoofing");
    assertTrue(text.contains("-A sky-saaaaaaaaaa -j DROP\n"));
    assertTrue(text.contains("-A sky-fwd -m physdev --physdev-out tapbbbbbbbbbbb --physdev-is-bridged -j ACCEPT\n"),
        "port security off: everything passes");
    assertFalse(text.contains("cccccccccc"), "a port on another host is not in this host's rules");
    assertTrue(text.startsWith("# skyledger iptables for host h1\n*filter\n"));
  }

  @Test
  void floatingIpsForwardToTheirPortsFixedAddress() {
    String text = render().iptables();
    assertTrue(text.contains("-A sky-PREROUTING -d 203.0.113.10/32 -j DNAT --to-destination 10.0.0.5\n"), text);
    assertTrue(text.contains("-A sky-float-snat -s 10.0.0.5/32 -j SNAT --to-source 203.0.113.10\n"), text);
  }

  @Test
  void dhcpHasEveryComputePortOfTheNetworksOnTheHost() {
    HostNetworkConfig.Rendered r = render();
    assertEquals("fa:16:3e:00:00:01,host-10-0-0-5.openstacklocal.,10.0.0.5\n"
        + "fa:16:3e:00:00:02,host-10-0-0-6.openstacklocal.,10.0.0.6\n"
        + "fa:16:3e:00:00:03,host-10-0-0-7.openstacklocal.,10.0.0.7\n", r.dhcpHosts().get("net-1"));
    assertEquals("tag:subnet-sub-1,option:router,10.0.0.1\ntag:subnet-sub-1,option:dns-server,8.8.8.8\n", r.dhcpOpts().get("net-1"));
  }

  /**
   * The text is what {@code iptables-restore} and {@code ip6tables-restore} accept: checked with
   * the real tools in a scratch network namespace (.ci/run installs Debian's iptables).
   */
  @Test
  void iptablesRestoreAcceptsTheRenderedRules() throws Exception {
    NetworkCatalog.Port v6 = new NetworkCatalog.Port("eeeeeeeeeeee-v6", "net-6", "p1", "", "", "fa:16:3e:00:00:09", "dev",
        "compute:nova", List.of(WEB), "h1", true, true, 1, T, T, List.of(new NetworkCatalog.FixedIp("sub-6", "fd00::5")));
    List<NetworkCatalog.Rule> rules = List.of(
        new NetworkCatalog.Rule("r6", WEB, "p1", "ingress", "IPv6", "ipv6-icmp", 128, null, null, null, "", 1, T, T),
        new NetworkCatalog.Rule("r7", WEB, "p1", "ingress", "IPv6", "tcp", 443, 443, "fd00::/8", null, "", 1, T, T),
        new NetworkCatalog.Rule("r8", WEB, "p1", "egress", "IPv6", "udp", null, null, null, null, "", 1, T, T));
    HostNetworkConfig.Rendered v6Rendered = HostNetworkConfig.render(new HostNetworkConfig.Inputs("h1", List.of(v6), rules,
        Map.of(), List.of(), List.of(v6), List.of()));
    String namespace = "skytest" + ProcessHandle.current().pid();
    run("ip", "netns", "add", namespace);
    try {
      assertEquals("", restore(namespace, "iptables-restore", render().iptables()));
      assertEquals("", restore(namespace, "ip6tables-restore", render().ip6tables()));
      assertEquals("", restore(namespace, "ip6tables-restore", v6Rendered.ip6tables()));
    } finally {
      run("ip", "netns", "del", namespace);
    }
  }

  private static String restore(String namespace, String tool, String rules) throws Exception {
    Process p = new ProcessBuilder("ip", "netns", "exec", namespace, tool, "--test").redirectErrorStream(true).start();
    p.getOutputStream().write(rules.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), tool + " refused the rendered rules: " + output + "\n" + rules);
    return output;
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + output
        + " (this test needs root and Debian's iptables package, as .ci/run installs)");
  }

  @Test
  void renderingIsDeterministic() {
    assertEquals(render(), render());
  }
}
