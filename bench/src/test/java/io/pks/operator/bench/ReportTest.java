package io.pks.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The benchmark's statistics and its table, without running a benchmark. */
class ReportTest {
  private static final Machine MACHINE = new Machine(2, 24L << 30, "PostgreSQL 15.18", "OpenJDK 17", "Linux 6",
      "abc1234");
  private static final Instant STARTED = Instant.parse("2026-11-25T18:00:00Z");

  @Test
  void theMedianIsTheMiddleSampleOrTheMeanOfTheTwoMiddleOnes() {
    Metric odd = new Metric("failover", "first write", "s", List.of(5.4, 5.1, 6.0));
    Metric even = new Metric("failover", "first write", "s", List.of(4.0, 1.0, 3.0, 2.0));
    assertThat(odd.median()).isEqualTo(5.4);
    assertThat(odd.min()).isEqualTo(5.1);
    assertThat(odd.max()).isEqualTo(6.0);
    assertThat(even.median()).isEqualTo(2.5);
    assertThat(even.n()).isEqualTo(4);
  }

  @Test
  void theP95IsTheNearestRankSample() {
    List<Double> tenRuns = List.of(0.35, 0.31, 0.33, 1.25, 0.36, 0.34, 0.32, 0.38, 0.37, 0.30);
    assertThat(new Metric("switchover", "gap", "s", tenRuns).p95()).isEqualTo(1.25);
    assertThat(new Metric("switchover", "gap", "s", List.of(0.4)).p95()).isEqualTo(0.4);
    List<Double> twenty = java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> (double) i).toList();
    assertThat(new Metric("switchover", "gap", "s", twenty).p95()).isEqualTo(19.0);
  }

  @Test
  void theTargetsTableSaysWhatWasMeasuredAndWhetherItMeetsItsBound() {
    List<Targets.Target> targets = List.of(Targets.ISSUE_17.get(6), Targets.ISSUE_17.get(7), Targets.ISSUE_17.get(0));
    String table = Targets.markdown(targets, List.of(
        new Metric("switchover", "write-unavailability window (longest gap between acknowledged commits)", "s",
            List.of(0.31, 0.42, 0.47)),
        new Metric("failover", "node down → first commit acknowledged on the new primary", "s",
            List.of(10.6, 10.7, 10.8))));
    assertThat(table.lines()).containsExactly(
        "| target | statistic | measured | at most | unit | |",
        "|---|---|---:|---:|---|---|",
        "| switchover write gap | p95 | 0.47 | 0.50 | s | met |",
        "| failover: node loss → first commit, beyond the bound | p95 − 10 s | 0.80 | 0.30 | s | **not met** |",
        "| probe sessions per pair per minute (idle pair) | median | – | 2 | sessions/min | not measured |");
  }

  @Test
  void everyTargetOfTheIssueIsReadFromItsTable() {
    assertThat(Targets.ISSUE_17).hasSize(8).extracting(Targets.Target::scenario).containsOnly("probe", "scale",
        "bootstrap", "switchover", "failover");
    assertThat(Targets.ISSUE_17.get(0).metric())
        .isEqualTo("sessions the operator opens per pair per minute (idle pair, both members)");
    assertThat(Targets.ISSUE_17.get(1).bound()).isEqualTo(0.10);
  }

  @Test
  void resultsKeepTheSamplesOfEachMetricInTheOrderTheyCame() {
    Results results = new Results();
    results.add("failover", "first write", "s", 5.3);
    results.add("failover", "rows lost", "rows", 0);
    results.add("failover", "first write", "s", 5.1);
    assertThat(results.metrics()).extracting(Metric::name).containsExactly("first write", "rows lost");
    assertThat(results.metric("failover", "first write").samples()).containsExactly(5.3, 5.1);
    assertThatThrownBy(() -> results.add("failover", "first write", "ms", 1)).hasMessageContaining("unit");
    assertThatThrownBy(() -> results.metric("failover", "SIP")).hasMessageContaining("no sample");
  }

  @Test
  void theTableHasOneRowPerMetricUnderTheMachineLine() {
    String table = Report.markdown(MACHINE, STARTED, 12.5, List.of(
        new Metric("failover", "node down → first write", "s", List.of(5.31, 5.2, 6.04)),
        new Metric("scale", "500 pairs: idle writes | per minute", "writes/min", List.of(0.0))));
    assertThat(table.lines()).containsExactly(
        "Machine: 2 cores, 24.0 GiB memory, PostgreSQL 15.18, OpenJDK 17, Linux 6, commit abc1234."
            + " Run 2026-11-25T18:00:00Z, 12.5 min.",
        "",
        "| scenario | metric | n | median | min | max | unit |",
        "|---|---|---:|---:|---:|---:|---|",
        "| failover | node down → first write | 3 | 5.31 | 5.20 | 6.04 | s |",
        "| scale | 500 pairs: idle writes \\| per minute | 1 | 0 | 0 | 0 | writes/min |");
  }

  @Test
  void numbersKeepThreeSignificantDigitsOrSo() {
    assertThat(Report.number(0)).isEqualTo("0");
    assertThat(Report.number(120)).isEqualTo("120");
    assertThat(Report.number(5.314)).isEqualTo("5.31");
    assertThat(Report.number(0.0042)).isEqualTo("0.00");
    assertThat(Report.number(13.26)).isEqualTo("13.3");
    assertThat(Report.number(254.4)).isEqualTo("254");
    assertThat(Report.number(-1.5)).isEqualTo("-1.50");
  }

  @Test
  void theJsonHoldsEverySample(@TempDir Path folder) throws IOException {
    Path file = folder.resolve("bench.json");
    Report.writeJson(file, MACHINE, STARTED, 1.0, List.of("failover"), List.of(),
        List.of(new Metric("failover", "rows lost", "rows", List.of(0.0, 0.0, 0.0))));
    JsonNode json = new ObjectMapper().readTree(Files.readString(file));
    assertThat(json.at("/machine/cores").asInt()).isEqualTo(2);
    assertThat(json.at("/started").asText()).isEqualTo("2026-11-25T18:00:00Z");
    assertThat(json.at("/metrics/0/metric").asText()).isEqualTo("rows lost");
    assertThat(json.at("/metrics/0/n").asInt()).isEqualTo(3);
    assertThat(json.at("/metrics/0/samples")).hasSize(3);
  }
}
