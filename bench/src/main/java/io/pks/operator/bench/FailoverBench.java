package io.pks.operator.bench;

import java.time.Duration;
import java.time.Instant;

import io.pks.operator.sandbox.SandboxPair;
import io.pks.operator.sandbox.Writer;

/**
 * failover: the primary's node is lost (the sandbox's node-down fault: every process SIGKILLed,
 * kept down), with primaryUnavailableSeconds 5 and the default 1 s probe. Measured: loss → first
 * commit acknowledged on the new primary, loss → the -sip Service's selector names the new site,
 * and, once the node is back, → the old primary streams in sync as the standby (rejoined: pg_rewind, or a copy).
 */
final class FailoverBench extends PrimaryChanges {
  static final String NAME = "failover";
  /** Commits come every few ms; a pause this long is the outage, not the writer's pace. */
  private static final Duration OUTAGE = Duration.ofSeconds(1);

  FailoverBench(BenchSandbox sandbox) {
    super(sandbox, NAME);
  }

  @Override
  void change(SandboxPair pair, Writer writer, String primary, String target, Results results) throws Exception {
    Instant down = Instant.now();
    pair.nodeDown(primary);
    pair.awaitSipSite(target);
    Instant sipMoved = Instant.now();
    Bench.require(writer.awaitMore(WRITES, SandboxPair.BOUND), "commits on the new primary");
    Instant firstWrite = writer.firstAcknowledgedAfterOutage(down, OUTAGE);
    Bench.require(firstWrite != null, "an outage of the writer after the fault");
    results.add(NAME, "node down → first commit acknowledged on the new primary", "s",
        Bench.seconds(down, firstWrite));
    results.add(NAME, "node down → SIP Service selector on the new site", "s", Bench.seconds(down, sipMoved));

    Instant back = Instant.now();
    pair.nodeBack(primary);
    pair.awaitSynchronous(target);
    results.add(NAME, "node back → old primary streaming in sync as the standby (rejoined)", "s",
        Bench.seconds(back, Instant.now()));
  }
}
