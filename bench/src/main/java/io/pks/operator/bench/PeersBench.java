package io.pks.operator.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pks.operator.bench.HaSystem.Window;
import io.pks.operator.sandbox.Writer;

/**
 * peers: ours against Patroni and pg_auto_failover, the same PostgreSQL 15 on the same machine,
 * the same writer (numbered rows committed one by one, reconnecting when its connection breaks;
 * through -rw for ours, through a multi-host URL with targetServerType=primary for the peers), at
 * an equal failover window of 5 s and at each system's defaults. For each system: a pair created
 * → streaming in sync; node loss (the primary's processes SIGKILLed) → first commit on the new
 * primary, the acknowledged commits lost, node back → old primary streaming in sync as the
 * standby; planned switchover write gap. "In sync" is what the primary's pg_stat_replication
 * says (sync, or quorum for pg_auto_failover's ANY 1), for every system alike. Then ours' medians
 * over the best peer's.
 */
final class PeersBench implements Scenario {
  static final String NAME = "peers";
  static final String OURS = "pks-operator";
  static final String CREATED = "pair created → streaming in sync";
  static final String FIRST_COMMIT = "node loss → first commit on the new primary";
  static final String LOST = "acknowledged commits lost";
  static final String REJOIN = "node back → old primary streaming in sync as the standby";
  static final String SWITCHOVER_GAP = "planned switchover write gap";
  static final String SWITCHOVER_LOST = "acknowledged commits lost in planned switchovers";
  /** Commits to wait for before a change and after it: the writer is writing, and writes again. */
  private static final int WRITES = 20;
  /** Commits come every few ms; a pause this long is the outage, not the writer's pace. */
  private static final Duration OUTAGE = Duration.ofSeconds(1);
  /** Longer than any failover at the peers' defaults (pg_auto_failover's is about a minute). */
  private static final Duration BOUND = Duration.ofMinutes(3);
  private static final int CREATIONS = 3;
  private static final Logger LOG = LoggerFactory.getLogger(PeersBench.class);

  private final List<HaSystem> systems;
  private final int runs;

  PeersBench(List<HaSystem> systems, int runs) {
    this.systems = systems;
    this.runs = runs;
  }

  /**
   * Ours in the sandbox, then the peers in {@code base} from {@code port} on, each run {@code runs}
   * times; only those {@code names} lists (comma-separated) unless it is empty.
   */
  static PeersBench of(BenchSandbox sandbox, Path base, int port, int runs, String names) {
    List<String> chosen = names.isBlank() ? List.of() : List.of(names.split(","));
    List<HaSystem> systems = List.of(new OperatorSystem(sandbox), new PatroniSystem(base, port),
        new AutoFailoverSystem(base, port + 100));
    List<String> known = systems.stream().map(HaSystem::name).toList();
    if (!known.containsAll(chosen)) {
      throw new IllegalArgumentException("bench.peers.systems: " + chosen + " is not among " + known);
    }
    return new PeersBench(systems.stream().filter(system -> chosen.isEmpty() || chosen.contains(system.name()))
        .toList(), runs);
  }

  @Override
  public void run(Results results) throws Exception {
    List<String> failures = new ArrayList<>();
    for (HaSystem system : systems) {
      try (system) {
        for (Window window : Window.values()) {
          if (system.runs(window)) {
            measure(system, window, results);
          }
        }
      } catch (Exception e) {
        failures.add(system.name() + ": " + e);
        Bench.progress("%s: %s could not measure: %s", NAME, system.name(), e);
      }
    }
    addRatios(results);
    Bench.require(failures.isEmpty(), "every system measured, not " + failures);
  }

  private void measure(HaSystem system, Window window, Results results) throws Exception {
    int creations = window == Window.FIVE_SECONDS ? CREATIONS : 1;
    for (int creation = 1; creation <= creations; creation++) {
      system.destroy();
      system.prepare(window);
      Instant created = Instant.now();
      system.create();
      awaitInSync(system, null);
      if (window == Window.FIVE_SECONDS) {
        add(results, system, CREATED, null, "s", Bench.seconds(created, Instant.now()));
      }
    }
    try (Writer writer = new Writer(system.primary(), "calls")) {
      Set<Long> lost = new HashSet<>();
      for (int run = 1; run <= runs; run++) {
        failover(system, window, writer, lost, results);
      }
      for (int run = 1; window == Window.FIVE_SECONDS && run <= runs; run++) {
        switchover(system, writer, lost, results);
      }
    }
    system.destroy();
  }

  private static void failover(HaSystem system, Window window, Writer writer, Set<Long> lost, Results results)
      throws Exception {
    String primary = system.primaryNode();
    String standby = system.otherNode(primary);
    Bench.require(writer.awaitMore(WRITES, BOUND), "commits before the node loss");
    awaitEligible(system);
    Instant down = Instant.now();
    // In the log next to the operator's own lines, to tell where the failover's time goes.
    LOG.info("{}: node {} lost", system.name(), primary);
    system.loseNode(primary);
    Bench.require(writer.awaitMore(WRITES, BOUND), "commits on the new primary");
    Instant firstCommit = writer.firstAcknowledgedAfterOutage(down, OUTAGE);
    Bench.require(firstCommit != null, "an outage of the writer after the node loss");
    LOG.info("{}: first commit on {} at {}", system.name(), standby, firstCommit);
    add(results, system, FIRST_COMMIT, window, "s", Bench.seconds(down, firstCommit));
    add(results, system, LOST, window, "rows", newlyLost(system, writer, lost));
    Instant back = Instant.now();
    system.bringBack(primary);
    awaitInSync(system, standby);
    add(results, system, REJOIN, window, "s", Bench.seconds(back, Instant.now()));
  }

  private static void switchover(HaSystem system, Writer writer, Set<Long> lost, Results results) throws Exception {
    String primary = system.primaryNode();
    String target = system.otherNode(primary);
    Bench.require(writer.awaitMore(WRITES, BOUND), "commits before the switchover");
    awaitEligible(system);
    Instant requested = Instant.now();
    system.switchover(primary, target);
    awaitInSync(system, target);
    Bench.require(writer.awaitMore(WRITES, BOUND), "commits on the new primary");
    add(results, system, SWITCHOVER_GAP, null, "s", writer.longestGap(requested, Instant.now()).toNanos() / 1e9);
    add(results, system, SWITCHOVER_LOST, null, "rows", newlyLost(system, writer, lost));
  }

  private static int newlyLost(HaSystem system, Writer writer, Set<Long> lost) throws SQLException {
    return (int) writer.missingOn(system.primary()).stream().filter(lost::add).count();
  }

  /** Until {@code primary} (any node when null) is the primary and reports a standby streaming in sync. */
  private static void awaitInSync(HaSystem system, String primary) {
    await(system.name() + " streaming in sync from " + (primary == null ? "a primary" : primary)).atMost(BOUND)
        .pollInterval(Duration.ofMillis(50)).ignoreExceptions()
        .until(() -> (primary == null || primary.equals(system.primaryNode())) && streamingInSync(system));
  }

  /** Untimed: until the system itself counts its standby as synchronous (see HaSystem#standbyEligible). */
  private static void awaitEligible(HaSystem system) {
    await(system.name() + " counting its standby as synchronous").atMost(BOUND).pollInterval(Duration.ofMillis(50))
        .ignoreExceptions().until(system::standbyEligible);
  }

  private static boolean streamingInSync(HaSystem system) throws SQLException {
    try (Connection connection = system.primary().open(); Statement statement = connection.createStatement();
        ResultSet standbys = statement.executeQuery("SELECT count(*) FROM pg_stat_replication"
            + " WHERE state = 'streaming' AND sync_state IN ('sync', 'quorum')")) {
      standbys.next();
      return standbys.getInt(1) > 0;
    }
  }

  private static void add(Results results, HaSystem system, String measure, Window window, String unit,
      double sample) {
    String metric = metric(system.name(), measure, window);
    results.add(NAME, metric, unit, sample);
    Bench.progress("%s: %s: %s", NAME, metric, Report.number(sample));
  }

  /** The system first, then the measure, then the window where it applies. */
  static String metric(String system, String measure, Window window) {
    return system + ": " + measure + (window == null ? "" : ", " + window.label);
  }

  /**
   * Ours' median over the best (lowest) peer median of each timed measure, at each window; ours'
   * defaults are its 5 s window. Nothing where ours or every peer is missing.
   */
  static void addRatios(Results results) {
    for (Window window : Window.values()) {
      ratio(results, FIRST_COMMIT, window);
      ratio(results, REJOIN, window);
    }
    ratio(results, SWITCHOVER_GAP, null);
    ratio(results, CREATED, null);
  }

  private static void ratio(Results results, String measure, Window window) {
    Optional<Metric> ours = find(results, metric(OURS, measure, window == null ? null : Window.FIVE_SECONDS));
    Optional<Metric> best = results.metrics().stream()
        .filter(metric -> metric.scenario().equals(NAME) && !metric.name().startsWith(OURS + ":")
            && metric.name().endsWith(": " + measure + (window == null ? "" : ", " + window.label)))
        .min(Comparator.comparingDouble(Metric::median));
    if (ours.isPresent() && best.isPresent() && best.get().median() > 0) {
      String peer = best.get().name().substring(0, best.get().name().indexOf(':'));
      results.add(NAME, metric(OURS, measure, window) + ", ratio to the best peer (" + peer + ")", "x",
          ours.get().median() / best.get().median());
    }
  }

  private static Optional<Metric> find(Results results, String name) {
    return results.metrics().stream().filter(metric -> metric.scenario().equals(NAME) && metric.name().equals(name))
        .findFirst();
  }
}
