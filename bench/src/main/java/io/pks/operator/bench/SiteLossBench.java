package io.pks.operator.bench;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

import io.pks.operator.LeaseTimings;
import io.pks.operator.cli.DurationConverter;
import io.pks.operator.sandbox.OperatorLease;
import io.pks.operator.sandbox.SandboxPair;
import io.pks.operator.sandbox.Writer;

/**
 * siteloss: a sandbox of its own with two operator replicas electing a leader ({@code sandbox
 * --operators 2}); the primary's node and the leader replica's node are lost at the same moment
 * (node-down on both pods), the worst case of a site's loss. Measured: loss → the other replica
 * holds the Lease, loss → first commit acknowledged on the new primary; then both nodes come back
 * and the old primary rejoins as the standby before the next run. The lease timings are the
 * chart's defaults unless {@code -Dbench.siteloss.lease=DURATION,DURATION,DURATION} (lease
 * duration, renew deadline, retry period) says otherwise; {@code -Dbench.siteloss.runs} runs (5).
 */
final class SiteLossBench extends PrimaryChanges {
  static final String NAME = "siteloss";
  private static final Duration OUTAGE = Duration.ofSeconds(1);

  private final BenchSandbox sandbox;
  private final LeaseTimings lease;

  private SiteLossBench(BenchSandbox sandbox, LeaseTimings lease, int runs) {
    super(sandbox, NAME, runs);
    this.sandbox = sandbox;
    this.lease = lease;
  }

  /** With the lease timings {@code lease} names ("15s,10s,2s"), in a sandbox started when it runs. */
  static SiteLossBench of(String lease, int runs) {
    String[] parts = lease.split(",");
    if (parts.length != 3) {
      throw new IllegalArgumentException("bench.siteloss.lease " + lease
          + ": lease duration, renew deadline and retry period, separated by commas");
    }
    DurationConverter duration = new DurationConverter();
    LeaseTimings timings = new LeaseTimings(duration.convert(parts[0]), duration.convert(parts[1]),
        duration.convert(parts[2]));
    return new SiteLossBench(new BenchSandbox("pks-bench-siteloss", 2, timings), timings, runs);
  }

  @Override
  public void run(Results results) throws Exception {
    Bench.progress("%s: lease duration %s, renew deadline %s, retry period %s", NAME, lease.leaseDuration(),
        lease.renewDeadline(), lease.retryPeriod());
    try {
      super.run(results);
    } finally {
      sandbox.close();
    }
  }

  @Override
  void change(SandboxPair pair, Writer writer, String primary, String target, Results results) throws Exception {
    String leader = OperatorLease.awaitHolderOtherThan(sandbox.get(), null, SandboxPair.BOUND);
    Instant down = Instant.now();
    pair.nodeDown(primary);
    OperatorLease.nodeDown(sandbox.get(), leader);
    OperatorLease.awaitHolderOtherThan(sandbox.get(), leader, SandboxPair.BOUND);
    Instant leaderTaken = Instant.now();
    Bench.require(writer.awaitMore(WRITES, SandboxPair.BOUND), "commits on the new primary");
    Instant firstWrite = writer.firstAcknowledgedAfterOutage(down, OUTAGE);
    Bench.require(firstWrite != null, "an outage of the writer after the fault");
    String timings = " (lease " + seconds(lease.leaseDuration()) + "/" + seconds(lease.renewDeadline()) + "/"
        + seconds(lease.retryPeriod()) + ")";
    results.add(NAME, "site loss → the other replica holds the Lease" + timings, "s", Bench.seconds(down, leaderTaken));
    results.add(NAME, "site loss → first commit acknowledged on the new primary" + timings, "s",
        Bench.seconds(down, firstWrite));

    OperatorLease.nodeBack(sandbox.get(), leader);
    pair.nodeBack(primary);
    pair.awaitSynchronous(target);
    await("replica " + leader + " running again").atMost(SandboxPair.BOUND)
        .until(() -> OperatorLease.ready(sandbox.get(), leader));
  }

  private static String seconds(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
  }
}
