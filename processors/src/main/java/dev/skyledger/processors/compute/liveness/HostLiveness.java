package dev.skyledger.processors.compute.liveness;

import dev.skyledger.events.host.HostHeartbeat;
import dev.skyledger.events.host.HostLivenessChanged;
import dev.skyledger.events.host.HostRegistered;
import dev.skyledger.events.host.HostStopped;
import dev.skyledger.processors.core.KeyValues;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * Judges each host up or down from what its agent reports, and says so only when that changes: a
 * host is up from its registration or a heartbeat, and down when it stops or has been silent for
 * {@link #MISSED} heartbeat intervals. The scheduler then reads one event per change instead of
 * every heartbeat of every host. Pure: the clock is passed in; the hosts are kept in a key-value
 * store (and in memory, as there are few).
 */
final class HostLiveness {
  /** Heartbeats a host may miss before it is down (Nova: service_down_time 60 s with report_interval 10 s). */
  static final int MISSED = 3;

  /**
   * What is known of one host: its heartbeat interval, when it was last heard from, and the last
   * judgement. A value: each fact gives a new one.
   */
  record Host(String hostId, int intervalSeconds, long lastSeen, boolean up) {
    static Host heard(String hostId, int intervalSeconds, long at) {
      return new Host(hostId, intervalSeconds, at, true);
    }

    /** Down, as of {@code at} if that is later than it was last heard from. */
    Host down(long at) {
      return new Host(hostId, intervalSeconds, Math.max(lastSeen, at), false);
    }

    long silentFor(long now) {
      return now - lastSeen;
    }

    long window() {
      return MISSED * Math.max(1, intervalSeconds) * 1000L;
    }
  }

  /**
   * How recently (wall clock) a record must have been read for this processor to count as still
   * reading its way through the log, and how far past the newest append time it then judges.
   */
  static final long READING_MS = 5_000;

  private final KeyValues kv;
  private final long startedAt;
  private final Map<String, Host> hosts = new HashMap<>();
  /** The newest append time read, and when (wall clock) the last record was read. */
  private long newestAppended = Long.MIN_VALUE;
  private long lastReadAt = Long.MIN_VALUE;

  /**
   * @param startedAt when this processor started: no host is judged silent until a whole window has
   *     passed since then, so a restart that has not caught up with the heartbeats yet does not report
   *     every host down
   */
  HostLiveness(KeyValues kv, long startedAt) {
    this.kv = kv;
    this.startedAt = startedAt;
    for (var e : kv.prefix("h/")) hosts.put(e.getKey().substring(2), decode(e.getKey().substring(2), e.getValue()));
  }

  /** A fact from a host agent, appended to the log at {@code at}: the change it makes, if any. */
  Optional<HostLivenessChanged> on(SpecificRecord fact, long at) {
    if (fact instanceof HostRegistered e) return seen(e.getHostId(), e.getHeartbeatSeconds(), at, "registered");
    if (fact instanceof HostHeartbeat e) return seen(e.getHostId(), e.getIntervalSeconds(), at, "heartbeat");
    if (fact instanceof HostStopped e) {
      Host h = hosts.get(e.getHostId());
      if (h == null) return Optional.empty();
      Host now = h.down(at);
      put(now);
      return h.up() ? Optional.of(changed(now, "stopped")) : Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * That a record appended at {@code at} (any record of the hosts' topic, heartbeats above all) was
   * read at {@code wallNow}: how far this processor has read, so that it never judges a host silent
   * whose heartbeats are only waiting, unread, behind a backlog.
   */
  void read(long at, long wallNow) {
    newestAppended = Math.max(newestAppended, at);
    lastReadAt = wallNow;
  }

  /**
   * The time silence is judged at. While records are still being read (one was read in the last
   * {@link #READING_MS}), this processor may be behind the log, so it judges at most that far past
   * the newest append time it has read: a host is silent only next to hosts that were heard from.
   * When nothing more comes, it has caught up, and the wall clock is the judge.
   */
  long judgedAt(long wallNow) {
    boolean reading = lastReadAt != Long.MIN_VALUE && wallNow - lastReadAt < READING_MS;
    return reading ? Math.min(wallNow, newestAppended + READING_MS) : wallNow;
  }

  /** The hosts that are up but have been silent too long at {@code wallNow} (see {@link #judgedAt}): each is down from now on. */
  List<HostLivenessChanged> silent(long wallNow) {
    long now = judgedAt(wallNow);
    List<HostLivenessChanged> out = new ArrayList<>();
    for (Host h : List.copyOf(hosts.values())) {
      if (!h.up() || now - Math.max(h.lastSeen(), startedAt) <= h.window()) continue;
      Host down = h.down(h.lastSeen());
      put(down);
      out.add(changed(down, "no heartbeat for " + h.silentFor(now) / 1000 + " s (every " + h.intervalSeconds()
          + " s expected)"));
    }
    return out;
  }

  Optional<Host> host(String hostId) {
    return Optional.ofNullable(hosts.get(hostId));
  }

  private Optional<HostLivenessChanged> seen(String hostId, int intervalSeconds, long at, String reason) {
    Host h = hosts.get(hostId);
    if (h != null && at < h.lastSeen()) return Optional.empty();
    Host now = Host.heard(hostId, intervalSeconds, at);
    put(now);
    return h != null && h.up() ? Optional.empty() : Optional.of(changed(now, reason));
  }

  private void put(Host h) {
    hosts.put(h.hostId(), h);
    kv.put("h/" + h.hostId(), h.intervalSeconds() + "|" + h.lastSeen() + "|" + h.up());
  }

  private static Host decode(String hostId, String row) {
    String[] f = row.split("\\|");
    return new Host(hostId, Integer.parseInt(f[0]), Long.parseLong(f[1]), Boolean.parseBoolean(f[2]));
  }

  private static HostLivenessChanged changed(Host h, String reason) {
    return new HostLivenessChanged(h.hostId(), h.up(), Instant.ofEpochMilli(h.lastSeen()), reason);
  }
}
