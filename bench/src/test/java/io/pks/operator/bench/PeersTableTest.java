package io.pks.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pks.operator.bench.HaSystem.Window;

/** The peers' table: each metric names its system first, its window where one applies, then ours over the best peer. */
class PeersTableTest {
  private static final Machine MACHINE = new Machine(2, 24L << 30, "PostgreSQL 15.18", "OpenJDK 17", "Linux 6",
      "abc1234");

  private static Results measured() {
    Results results = new Results();
    add(results, "pks-operator", PeersBench.FIRST_COMMIT, Window.FIVE_SECONDS, 5.2, 5.4, 5.3);
    add(results, "patroni", PeersBench.FIRST_COMMIT, Window.FIVE_SECONDS, 5.0, 5.1, 5.05);
    add(results, "pg_auto_failover", PeersBench.FIRST_COMMIT, Window.FIVE_SECONDS, 36.0, 37.0, 36.5);
    add(results, "patroni", PeersBench.FIRST_COMMIT, Window.DEFAULTS, 25.0, 31.0, 28.0);
    add(results, "pg_auto_failover", PeersBench.FIRST_COMMIT, Window.DEFAULTS, 53.0);
    add(results, "pks-operator", PeersBench.LOST, Window.FIVE_SECONDS, 0.0);
    add(results, "patroni", PeersBench.LOST, Window.FIVE_SECONDS, 0.0);
    add(results, "pks-operator", PeersBench.SWITCHOVER_GAP, null, 0.4);
    add(results, "patroni", PeersBench.SWITCHOVER_GAP, null, 1.6);
    add(results, "pg_auto_failover", PeersBench.SWITCHOVER_GAP, null, 0.8);
    return results;
  }

  private static void add(Results results, String system, String measure, Window window, double... samples) {
    for (double sample : samples) {
      results.add(PeersBench.NAME, PeersBench.metric(system, measure, window), measure.contains("lost") ? "rows" : "s",
          sample);
    }
  }

  @Test
  void metricsNameTheSystemThenTheMeasureThenTheWindow() {
    assertThat(PeersBench.metric("patroni", PeersBench.FIRST_COMMIT, Window.FIVE_SECONDS))
        .isEqualTo("patroni: node loss → first commit on the new primary, 5 s window");
    assertThat(PeersBench.metric("pg_auto_failover", PeersBench.SWITCHOVER_GAP, null))
        .isEqualTo("pg_auto_failover: planned switchover write gap");
  }

  @Test
  void oursIsDividedByTheBestPeerAtEachWindowAndOursDefaultIsItsFiveSecondWindow() {
    Results results = measured();
    PeersBench.addRatios(results);
    assertThat(results.metric(PeersBench.NAME, "pks-operator: node loss → first commit on the new primary,"
        + " 5 s window, ratio to the best peer (patroni)").median()).isCloseTo(5.3 / 5.05, within());
    assertThat(results.metric(PeersBench.NAME, "pks-operator: node loss → first commit on the new primary,"
        + " defaults, ratio to the best peer (patroni)").median()).isCloseTo(5.3 / 28.0, within());
    assertThat(results.metric(PeersBench.NAME, "pks-operator: planned switchover write gap,"
        + " ratio to the best peer (pg_auto_failover)").median()).isCloseTo(0.5, within());
  }

  @Test
  void noRatioWithoutOursOrWithoutAPeerNorForCountsOfLostCommits() {
    Results results = measured();
    add(results, "patroni", PeersBench.REJOIN, Window.FIVE_SECONDS, 1.0);
    add(results, "pks-operator", PeersBench.CREATED, null, 6.0);
    PeersBench.addRatios(results);
    assertThat(results.metrics()).extracting(Metric::name).filteredOn(name -> name.contains("ratio"))
        .containsExactly(
            "pks-operator: node loss → first commit on the new primary, 5 s window, ratio to the best peer (patroni)",
            "pks-operator: node loss → first commit on the new primary, defaults, ratio to the best peer (patroni)",
            "pks-operator: planned switchover write gap, ratio to the best peer (pg_auto_failover)");
  }

  @Test
  void theTableHasTheBenchsColumnsWithScenarioPeers() {
    Results results = measured();
    PeersBench.addRatios(results);
    List<String> lines = Report.markdown(MACHINE, Instant.parse("2026-11-30T10:00:00Z"), 20.0, results.metrics())
        .lines().toList();
    assertThat(lines).contains("| scenario | metric | n | median | min | max | unit |",
        "| peers | patroni: node loss → first commit on the new primary, 5 s window | 3 | 5.05 | 5 | 5.10 | s |",
        "| peers | pg_auto_failover: node loss → first commit on the new primary, defaults | 1 | 53 | 53 | 53 | s |",
        "| peers | pks-operator: acknowledged commits lost, 5 s window | 1 | 0 | 0 | 0 | rows |",
        "| peers | pks-operator: node loss → first commit on the new primary, 5 s window, ratio to the best peer"
            + " (patroni) | 1 | 1.05 | 1.05 | 1.05 | x |");
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
