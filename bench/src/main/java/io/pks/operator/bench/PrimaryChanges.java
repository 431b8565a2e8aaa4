package io.pks.operator.bench;

import java.util.HashSet;
import java.util.Set;

import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.sandbox.SandboxPair;
import io.pks.operator.sandbox.Writer;

/**
 * The scenarios that change the primary of the example pair (Automatic failover, synchronous
 * Required) under a writer committing numbered rows through -rw, {@value #RUNS} times: each run
 * takes the standby of the previous one (by default; a scenario may ask for fewer runs) as its target, so one pair serves every run. After each
 * change, the acknowledged rows missing on the new primary are counted.
 */
abstract class PrimaryChanges implements Scenario {
  private static final int RUNS = 10;
  /** Commits to wait for before a change and after it: the writer is writing, and writes again. */
  static final int WRITES = 20;

  private final BenchSandbox sandbox;
  private final String name;
  private final int runs;

  PrimaryChanges(BenchSandbox sandbox, String name) {
    this(sandbox, name, RUNS);
  }

  PrimaryChanges(BenchSandbox sandbox, String name, int runs) {
    this.sandbox = sandbox;
    this.name = name;
    this.runs = runs;
  }

  /** The pair the runs change: the example pair. */
  SandboxPair pair(BenchSandbox benchSandbox, String namespace) {
    return benchSandbox.examplePair(namespace);
  }

  /**
   * Makes {@code target} the primary instead of {@code primary}, records this run's figures, and
   * returns once the pair streams in sync again with the writer writing.
   */
  abstract void change(SandboxPair pair, Writer writer, String primary, String target, Results results)
      throws Exception;

  @Override
  public void run(Results results) throws Exception {
    SandboxPair pair = pair(sandbox, "bench-" + name);
    pair.awaitSynchronous();
    Set<Long> lost = new HashSet<>();
    try (Writer writer = new Writer(pair, "calls")) {
      for (int run = 1; run <= runs; run++) {
        PksReplicaPairStatus before = pair.get().getStatus();
        Bench.require(writer.awaitMore(WRITES, SandboxPair.BOUND), "commits before the change");
        change(pair, writer, before.currentPrimary(), before.standby(), results);
        int newlyLost = (int) writer.missingOn(pair.connections(pair.readWrite())).stream().filter(lost::add).count();
        results.add(name, "acknowledged rows lost", "rows", newlyLost);
        Bench.progress("%s %d/%d: %s → %s, %d rows lost", name, run, runs, before.currentPrimary(),
            before.standby(), newlyLost);
      }
    }
    pair.deleteAndAwaitStopped();
  }
}
