package io.pks.operator.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The performance targets of issue 17, each read from the run's own metrics: a second table under
 * the run's, saying for each what was measured and whether it meets its bound (a scenario not run
 * measures nothing).
 */
final class Targets {
  /**
   * The example's failover bound on a lost node whose pod stays: isolationStopSeconds (5) plus the
   * operator's 5 s margin for the member's isolation check (BENCHMARKS.md, "failover").
   */
  static final double FAILOVER_BOUND_SECONDS = 10;

  /** What of a metric's samples a target bounds. */
  enum Statistic {
    MEDIAN("median", Metric::median),
    P95("p95", Metric::p95),
    P95_BEYOND_FAILOVER_BOUND("p95 − " + Report.number(FAILOVER_BOUND_SECONDS) + " s",
        metric -> metric.p95() - FAILOVER_BOUND_SECONDS);

    final String label;
    final ToDoubleFunction<Metric> measure;

    Statistic(String label, ToDoubleFunction<Metric> measure) {
      this.label = label;
      this.measure = measure;
    }
  }

  /** One target: the statistic of a metric, at most {@code bound}. */
  record Target(String figure, String scenario, String metric, Statistic statistic, double bound, String unit) {
    Optional<Double> measured(List<Metric> metrics) {
      return metrics.stream().filter(m -> m.scenario().equals(scenario) && m.name().equals(metric)).findFirst()
          .map(statistic.measure::applyAsDouble);
    }

    /** A line of {@link #TABLE}: figure, scenario, metric, statistic, bound and unit, separated by " | ". */
    static Target parse(String line) {
      String[] field = line.split(" \\| ");
      return new Target(field[0], field[1], field[2], Statistic.valueOf(field[3]), Double.parseDouble(field[4]),
          field[5]);
    }
  }

  /** The issue's table, one target a line; the metrics are named as their scenarios record them. */
  private static final String TABLE = """
      probe sessions per pair per minute (idle pair) | probe | sessions the operator opens per pair per minute \
      (idle pair, both members) | MEDIAN | 2 | sessions/min
      operator CPU while idle, 500 pairs | scale | 500 pairs: operator CPU while idle (CPU seconds per second) \
      | MEDIAN | 0.10 | cores
      operator resident memory, 500 pairs, chart's JVM settings | scale | 500 pairs: operator resident memory \
      (VmRSS) | MEDIAN | 300 | MiB
      1000 pairs converged (every object exists) | scale | 1000 pairs: create → every object of every pair \
      exists | MEDIAN | 60 | s
      bootstrap, operator / runbook by hand, empty | bootstrap | ratio operator / by hand (medians), empty \
      | MEDIAN | 1.2 | x
      bootstrap, operator / runbook by hand, pgbench -i -s 20 | bootstrap | ratio operator / by hand (medians), \
      pgbench -i -s 20 | MEDIAN | 1.2 | x
      switchover write gap | switchover | write-unavailability window (longest gap between acknowledged commits) \
      | P95 | 0.5 | s
      failover: node loss → first commit, beyond the bound | failover | node down → first commit acknowledged \
      on the new primary | P95_BEYOND_FAILOVER_BOUND | 0.3 | s
      """;

  static final List<Target> ISSUE_17 = TABLE.lines().map(Target::parse).toList();

  private Targets() {
  }

  /** The targets' table: figure, statistic, measured, bound, met. */
  static String markdown(List<Target> targets, List<Metric> metrics) {
    StringBuilder out = new StringBuilder("| target | statistic | measured | at most | unit | |\n");
    out.append("|---|---|---:|---:|---|---|\n");
    for (Target target : targets) {
      Optional<Double> measured = target.measured(metrics);
      out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |\n", target.figure(),
          target.statistic().label,
          measured.map(Report::number).orElse("–"), Report.number(target.bound()), target.unit(),
          measured.map(value -> value <= target.bound() ? "met" : "**not met**").orElse("not measured")));
    }
    return out.toString();
  }
}
