package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pks.operator.LeaseTimings;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.cli.DurationConverter;

/**
 * The loss of a whole site with the operator's two replicas spread over both sites: the primary's
 * node and the leader replica's node are lost at the same moment, under a writer through -rw. The
 * other replica takes the Lease once it expires and fails the pair over: 0 acknowledged commits
 * lost, one promotion, never two writable primaries.
 */
class SiteLossE2E {
  /** Short lease timings, given as the chart's leaderElection values would pass them to {@code run}. */
  static final LeaseTimings SHORT_LEASE = leaseTimings("4s", "3s", "1s");

  @Test
  void losingThePrimarysAndTheLeadersNodesTogetherFailsOverOnceWithoutLosingACommit() throws Exception {
    try (SandboxFixture fixture = SandboxFixture.start("site-loss", 2, SHORT_LEASE)) {
      Sandbox sandbox = fixture.sandbox;
      SandboxPair pair = SandboxPair.create(sandbox, "site-loss", json -> { });
      pair.awaitSynchronous();
      String leader = OperatorLease.awaitHolderOtherThan(sandbox, null, SandboxPair.BOUND);
      String primary = pair.get().getStatus().currentPrimary();
      String standby = pair.get().getStatus().standby();
      long timeline = pair.get().getStatus().timeline();
      Writer writer = new Writer(pair, "calls");
      assertThat(writer.awaitMore(50, SandboxPair.BOUND)).isTrue();
      long primaryStarts = count(pair.containerLog(primary), "starting as primary");

      Instant lost = Instant.now();
      pair.nodeDown(primary);
      OperatorLease.nodeDown(sandbox, leader);
      String newLeader = OperatorLease.awaitHolderOtherThan(sandbox, leader, SandboxPair.BOUND);
      Instant leading = Instant.now();
      Duration toLease = Duration.between(lost, leading);
      pair.awaitStatus("failing over", p -> p.getStatus().phase() == Phase.FailingOver
          || standby.equals(p.getStatus().currentPrimary()));
      Duration leadingToFailover = Duration.between(leading, Instant.now());
      int bound = pair.get().getSpec().failover().primaryUnavailableSeconds();
      assertThat(leadingToFailover).as("the new leader's failover clock ran while it waited for the Lease: it"
          + " fails over before its own bound of " + bound + " s could have elapsed since it took the Lease")
          .isLessThan(Duration.ofSeconds(bound));
      pair.awaitSipSite(standby);
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).as("commits on the new primary").isTrue();
      Duration toWrite = Duration.between(lost, writer.firstAcknowledgedAfterOutage(lost, Duration.ofSeconds(1)));
      assertThat(pair.get().getStatus().currentPrimary()).isEqualTo(standby);
      assertThat(writer.missingOn(pair.connections(pair.readWrite()))).as("acknowledged rows lost").isEmpty();
      System.out.printf("TIMING site loss (primary's and leader's nodes, lease %s/%s/%s) -> new leader: %d ms;"
          + " new leader -> failing over: %d ms; loss -> first commit on the new primary: %d ms%n",
          SHORT_LEASE.leaseDuration(), SHORT_LEASE.renewDeadline(), SHORT_LEASE.retryPeriod(), toLease.toMillis(),
          leadingToFailover.toMillis(), toWrite.toMillis());

      // The site comes back: the old leader's replica is a candidate again, the old primary a standby.
      OperatorLease.nodeBack(sandbox, leader);
      pair.nodeBack(primary);
      pair.awaitSynchronous(standby);
      await("the old leader's replica running again").atMost(SandboxPair.BOUND)
          .until(() -> OperatorLease.ready(sandbox, leader));
      assertThat(OperatorLease.holder(sandbox)).as("the new leader keeps the Lease").isEqualTo(newLeader);
      assertThat(pair.inRecovery(primary)).isTrue();
      assertThat(count(pair.containerLog(primary), "starting as primary")).as(primary + " never primary again")
          .isEqualTo(primaryStarts);
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      writer.stop();
      assertThat(writer.missingOn(pair.connections(pair.readWrite()))).as("acknowledged rows lost").isEmpty();
      assertThat(writer.missingOn(pair.connections(pair.member(primary)))).as("rows on the rejoined standby").isEmpty();
      assertThat(pair.get().getStatus().timeline()).as("one promotion").isEqualTo(timeline + 1);
      List<Integer> timelines = writer.acknowledgements().stream().map(Writer.Acknowledgement::timeline).toList();
      assertThat(timelines).as("no commit on the old primary after one on the new: never two writable primaries")
          .isSorted().containsOnly((int) timeline, (int) timeline + 1);
    }
  }

  /** Lease timings from the strings a chart value holds, read as {@code run}'s flags read them. */
  static LeaseTimings leaseTimings(String leaseDuration, String renewDeadline, String retryPeriod) {
    DurationConverter duration = new DurationConverter();
    return new LeaseTimings(duration.convert(leaseDuration), duration.convert(renewDeadline),
        duration.convert(retryPeriod));
  }

  private static long count(String text, String line) {
    return text.lines().filter(l -> l.contains(line)).count();
  }
}
