package io.pks.operator.bench;

import java.time.Instant;

import io.pks.operator.sandbox.SandboxPair;
import io.pks.operator.sandbox.Writer;

/**
 * switchover: spec.primary set to the standby, a→b then b→a. Measured: the write-unavailability
 * window (the longest wait between two acknowledged commits from the request until the pair
 * streams in sync again), request → the -sip Service's selector names the new site, and request →
 * the pair streams in sync from the new primary (the old one re-seeded as its standby).
 */
final class SwitchoverBench extends PrimaryChanges {
  static final String NAME = "switchover";

  SwitchoverBench(BenchSandbox sandbox) {
    super(sandbox, NAME);
  }

  @Override
  void change(SandboxPair pair, Writer writer, String primary, String target, Results results) {
    Instant requested = Instant.now();
    pair.requestPrimary(target);
    pair.awaitSipSite(target);
    Instant sipMoved = Instant.now();
    pair.awaitSynchronous(target);
    Instant synchronous = Instant.now();
    Bench.require(writer.awaitMore(WRITES, SandboxPair.BOUND), "commits on the new primary");
    results.add(NAME, "write-unavailability window (longest gap between acknowledged commits)", "s",
        writer.longestGap(requested, synchronous).toNanos() / 1e9);
    results.add(NAME, "request → SIP Service selector on the new site", "s", Bench.seconds(requested, sipMoved));
    results.add(NAME, "request → streaming in sync from the new primary (old one rejoined)", "s",
        Bench.seconds(requested, synchronous));
  }
}
