package io.pks.operator.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.pks.operator.nemesis.History;
import io.pks.operator.nemesis.HistoryChecker;
import io.pks.operator.nemesis.Nemesis;
import io.pks.operator.sandbox.Sandbox;
import io.pks.operator.sandbox.SandboxPair;

/**
 * nemesis: the randomized fault run of {@code NemesisE2E}, long (-Dbench.nemesis.minutes, 20 by
 * default) and with a new seed each time unless -Dbench.nemesis.seed gives one. It needs the
 * sandbox's network mode (root), so it runs in a sandbox of its own. The whole history goes to
 * {@code target/bench/nemesis-<seed>.txt}; a run whose checker found a violation could not vouch
 * for its figures and fails the scenario, naming the file.
 */
final class NemesisBench implements Scenario {
  static final String NAME = "nemesis";
  private static final int MINUTES = 20;

  @Override
  public void run(Results results) throws Exception {
    long seed = Long.getLong("bench.nemesis.seed", System.nanoTime());
    Duration length = Duration.ofMinutes(Integer.getInteger("bench.nemesis.minutes", MINUTES));
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "pks-bench-nemesis");
    Bench.progress("nemesis: seed %d, %d min", seed, length.toMinutes());
    Nemesis.Outcome outcome;
    try (Sandbox sandbox = Sandbox.start(workDir, Bench.PROBE_INTERVAL, Sandbox.Networking.CLUSTER)) {
      Bench.require(sandbox.networking() == Sandbox.Networking.CLUSTER, "the sandbox's network mode (run as root)");
      SandboxPair pair = SandboxPair.create(sandbox, "bench-nemesis", BenchSandbox.DELETED_WITH_ITS_DATA);
      pair.awaitSynchronous();
      outcome = new Nemesis(sandbox, pair, seed).run(length);
    }
    Path report = Bench.OUTPUT.resolve("nemesis-" + seed + ".txt");
    Files.writeString(report, outcome.report());
    record(outcome, results);
    if (!outcome.violations().isEmpty()) {
      throw new IllegalStateException(outcome.violations().size() + " violations; the history is in " + report);
    }
  }

  private static void record(Nemesis.Outcome outcome, Results results) {
    History history = outcome.history();
    List<History.StepRun> steps = history.steps();
    results.add(NAME, "faults injected", "faults", steps.size());
    results.add(NAME, "promotions (failovers)", "promotions", history.primaryChanges().size());
    results.add(NAME, "commits acknowledged (two writers)", "commits",
        history.acknowledged().values().stream().mapToInt(List::size).sum());
    results.add(NAME, "acknowledged commits missing on the final primary", "commits",
        history.missingOnFinalPrimary().values().stream().mapToInt(List::size).sum());
    results.add(NAME, "history checker violations", "violations", outcome.violations().size());
    results.add(NAME, "direct read rounds with both members answering as primary", "rounds",
        history.readRoundsWithTwoPrimaries());
    for (History.StepRun step : steps) {
      if (step.recovered() != null) {
        results.add(NAME, "heal → streaming in sync again", "s", Bench.seconds(step.healed(), step.recovered()));
      }
    }
  }
}
