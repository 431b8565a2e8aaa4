package io.pks.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.MemberJob;
import io.pks.operator.api.v1alpha1.MemberJobKind;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.model.Jobs;
import io.pks.operator.postgres.ProbeResult;
import io.pks.operator.postgres.WalGap;
import io.pks.operator.reconciler.JobOutcome.State;
import io.pks.operator.reconciler.LifecycleStep.Action;

/**
 * Failover, switchover, sync degrade and rejoin (docs/safety.md), one named situation per
 * test: the action and the reason. The example pair: Automatic failover after 5 s, synchronous
 * Required, site-a primary. Bootstrap situations are in {@link LifecycleTest}.
 */
class DecisionsTest {
  private static final Instant NOW = Situation.NOW;
  private static final String A = "site-a";
  private static final String B = "site-b";

  private final Situation situation = new Situation();

  // --- steady state ---------------------------------------------------------------------------

  @Test
  void aSynchronousStandbyIsRecordedAsHoldingEveryCommit() {
    seen(A, B, "streaming", "sync", 0L);
    LifecycleStep step = decide(streaming(null));
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.state().synchronousStandby()).isEqualTo(B);
    assertThat(step.actions()).isEmpty();
  }

  @Test
  void aPrimaryMissingForLessThanTheBoundIsWaitedFor() {
    primaryDown(2);
    LifecycleStep step = decide(streaming(B));
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.actions()).isEmpty();
    assertThat(step.reason()).isNull();
    assertThat(step.message()).isEqualTo("Primary site-a is not answering; failover once it has not answered for 5 s.");
    situation.primaryReachedAt = NOW.minusSeconds(3);
    assertThat(decide(streaming(B)).message()).as("the same sentence a second later: no status write")
        .isEqualTo(step.message());
  }

  @Test
  void aPrimaryMissingForLessThanTheBoundIsLookedAtAgainExactlyWhenTheBoundIsReached() {
    primaryDown(0);
    situation.primaryReachedAt = NOW.minusMillis(4_300);
    assertThat(Lifecycle.failoverDueIn(streaming(B), situation.facts()))
        .as("the 5 s bound counted from the last good probe, not from the next periodic look")
        .contains(Duration.ofMillis(700));
    situation.primaryReachedAt = NOW.minusSeconds(5);
    assertThat(Lifecycle.failoverDueIn(streaming(B), situation.facts())).as("bound reached: decided now").isEmpty();
  }

  @Test
  void noFailoverClockRunsForAnAnsweringPrimaryOrAManualPair() {
    seen(A, B, "streaming", "sync", 0L);
    assertThat(Lifecycle.failoverDueIn(streaming(B), situation.facts())).isEmpty();
    primaryDown(2);
    assertThat(Lifecycle.failoverDueIn(streaming(B, json -> failover(json).put("mode", "Manual")),
        situation.facts())).isEmpty();
  }

  // --- a primary in crash recovery ------------------------------------------------------------

  @Test
  void aPrimaryInCrashRecoveryIsGivenItsGracePastTheBound() {
    primaryStarting(30);
    LifecycleStep step = decide(streaming(B));
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.actions()).isEmpty();
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.message()).isEqualTo("Primary site-a is starting up (it answers 57P03: crash recovery or a"
        + " restart); failover once it has not answered as primary for 60 s (failover.crashRecoverySeconds).");
  }

  @Test
  void aPrimaryStillStartingAfterItsGraceIsFailedOver() {
    primaryStarting(60);
    LifecycleStep step = decide(streaming(B));
    assertThat(step.phase()).isEqualTo(Phase.FailingOver);
    assertThat(step.message()).isEqualTo("Failing over to site-b: primary site-a has not answered as primary for"
        + " 60 s (it answers that it is starting up). Fencing site-a (StatefulSet to 0, role label removed) before"
        + " promoting site-b.");
  }

  @Test
  void aStartingPrimarysFailoverClockRunsToItsGrace() {
    primaryStarting(10);
    assertThat(Lifecycle.failoverDueIn(streaming(B), situation.facts())).contains(Duration.ofSeconds(50));
  }

  @Test
  void aGraceShorterThanTheBoundChangesNothing() {
    primaryStarting(4);
    PksReplicaPair pair = streaming(B, json -> failover(json).put("crashRecoverySeconds", 0));
    assertThat(decide(pair).phase()).isEqualTo(Phase.Streaming);
    situation.primaryReachedAt = NOW.minusSeconds(5);
    assertThat(decide(pair).phase()).isEqualTo(Phase.FailingOver);
  }

  @Test
  void aPendingSwitchoverWaitsForAStartingPrimary() {
    primaryStarting(30);
    PksReplicaPair pair = streaming(B, json -> ((ObjectNode) json.get("spec")).put("primary", B));
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.message()).startsWith("Switchover to site-b waits: primary site-a is starting up");
  }

  // --- a primary only the operator cannot reach -------------------------------------------------

  @Test
  void aPrimaryItsStandbyStillReceivesFromIsNotFailedOver() {
    primaryDown(30);
    situation.primaryHeardAt = NOW.minusSeconds(1);
    LifecycleStep step = decide(streaming(B));
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.actions()).isEmpty();
    assertThat(step.message()).isEqualTo("Primary site-a does not answer the operator, but standby site-b received"
        + " from it since its last answer; failover once neither has heard from it for 5 s.");
  }

  @Test
  void aPrimaryItsStandbyNoLongerReceivesFromIsFailedOverAfterTheBound() {
    primaryDown(30);
    situation.primaryHeardAt = NOW.minusSeconds(5);
    LifecycleStep step = decide(streaming(B));
    assertThat(step.phase()).isEqualTo(Phase.FailingOver);
    assertThat(step.message()).startsWith("Failing over to site-b: primary site-a has not answered for 5 s.");
  }

  @Test
  void theFailoverClockCountsFromTheLatestNewsOfThePrimary() {
    primaryDown(30);
    situation.primaryHeardAt = NOW.minusSeconds(2);
    assertThat(Lifecycle.failoverDueIn(streaming(B), situation.facts())).contains(Duration.ofSeconds(3));
  }

  // --- automatic failover ---------------------------------------------------------------------

  @Test
  void aLostPrimaryWithASynchronousStandbyIsFencedFirst() {
    primaryDown(5);
    LifecycleStep step = decide(streaming(B));
    assertThat(step.phase()).isEqualTo(Phase.FailingOver);
    assertThat(step.state().targetPrimary()).isEqualTo(B);
    assertThat(step.currentPrimary()).isEqualTo(A);
    assertThat(step.stoppedMembers()).containsExactly(A);
    assertThat(step.actions()).as("nothing promoted before the fence is recorded").isEmpty();
    assertThat(step.reason()).isEqualTo(EventReason.FailoverStarted);
    assertThat(step.message()).isEqualTo("Failing over to site-b: primary site-a has not answered for 5 s."
        + " Fencing site-a (StatefulSet to 0, role label removed) before promoting site-b.");
  }

  @Test
  void aStandbyNotLastSeenInSyncIsNotPromoted() {
    primaryDown(30);
    LifecycleStep step = decide(streaming(null));
    assertThat(step.phase()).isEqualTo(Phase.Failed);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.reason()).isEqualTo(EventReason.FailoverRefused);
    assertThat(step.message()).contains("site-b was not last seen in sync")
        .contains("set spec.failover.allowDataLoss: true");
  }

  @Test
  void allowDataLossPromotesAStandbyNotInSync() {
    primaryDown(30);
    LifecycleStep step = decide(streaming(null, json -> failover(json).put("allowDataLoss", true)));
    assertThat(step.phase()).isEqualTo(Phase.FailingOver);
    assertThat(step.state().targetPrimary()).isEqualTo(B);
  }

  @Test
  void anAsynchronousPairNeverFailsOverWithoutAllowDataLoss() {
    primaryDown(30);
    LifecycleStep step = decide(streaming(null, json -> replication(json).put("synchronous", "Off")));
    assertThat(step.reason()).isEqualTo(EventReason.FailoverRefused);
  }

  @Test
  void whenNeitherMemberAnswersNothingIsPromoted() {
    primaryDown(30);
    situation.seen(null, null, "unknown", null, null);
    LifecycleStep step = decide(streaming(B));
    assertThat(step.phase()).isEqualTo(Phase.Failed);
    assertThat(step.reason()).isEqualTo(EventReason.NoMemberAnswers);
    assertThat(step.actions()).isEmpty();
  }

  @Test
  void theFencedPrimaryIsFollowedByThePromotion() {
    // Its pod is still there, but silent past failover.isolationStopSeconds and the margin.
    primaryDown(10);
    LifecycleStep step = decide(failingOver());
    assertThat(step.actions()).containsExactly(Action.PROMOTE);
    assertThat(step.phase()).isEqualTo(Phase.Rejoining);
    assertThat(step.currentPrimary()).isEqualTo(B);
    assertThat(step.state().targetPrimary()).isNull();
    assertThat(step.stoppedMembers()).containsExactly(A);
    assertThat(step.state().synchronousStandby()).as("the new primary has no standby yet").isNull();
    assertThat(step.reason()).isEqualTo(EventReason.Promoted);
    assertThat(step.message()).startsWith("site-b promoted after the loss of site-a; it takes the writes and the SIP"
        + " traffic").contains("conntrack");
  }

  // --- confirmed fencing: an isolated old primary has stopped itself (issue 14, item 10) ---------

  @Test
  void aFencedPrimaryWhosePodIsStillThereIsPromotedOnlyOnceItsIsolationCheckHasStoppedIt() {
    // Fenced at the bound (5 s), but its node may be cut off and run it on: its own check stops
    // it after failover.isolationStopSeconds (5 s) without news; 5 s of margin on top.
    primaryDown(5);
    LifecycleStep waiting = decide(failingOver());
    assertThat(waiting.actions()).isEmpty();
    assertThat(waiting.phase()).isEqualTo(Phase.FailingOver);
    assertThat(waiting.state().targetPrimary()).isEqualTo(B);
    assertThat(waiting.stoppedMembers()).containsExactly(A);
    assertThat(waiting.reason()).isNull();
    assertThat(waiting.message()).isEqualTo("Promoting site-b once site-a is confirmed stopped: its pod is gone, or"
        + " nothing was heard from it for 10 s (failover.isolationStopSeconds and a margin: an isolated primary has"
        + " stopped itself by then).");
    situation.primaryReachedAt = NOW.minusSeconds(9);
    assertThat(decide(failingOver()).message()).as("the same sentence a second later: no status write")
        .isEqualTo(waiting.message());

    situation.primaryReachedAt = NOW.minusSeconds(10);
    assertThat(decide(failingOver()).actions()).containsExactly(Action.PROMOTE);
  }

  @Test
  void aPromotionWaitingForTheIsolationStopIsLookedAtAgainExactlyWhenItsBoundIsReached() {
    // Fenced at the 5 s bound; its last good probe 9.3 s ago: promoted at 10 s, in 0.7 s, not at
    // the next periodic look up to a probe interval after the bound.
    primaryDown(0);
    situation.primaryReachedAt = NOW.minusMillis(9_300);
    assertThat(Lifecycle.promotionDueIn(failingOver(), situation.facts())).contains(Duration.ofMillis(700));
    assertThat(Lifecycle.lookAgainIn(failingOver(), situation.facts(), Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofMillis(700));
    assertThat(Lifecycle.promotionDueIn(switchingOver(), situation.facts()))
        .as("a switchover whose old primary's pod stays waits on the same bound").contains(Duration.ofMillis(700));
    situation.primaryReachedAt = NOW.minusSeconds(10);
    assertThat(Lifecycle.promotionDueIn(failingOver(), situation.facts())).as("bound reached: promoted now").isEmpty();
  }

  @Test
  void noPromotionClockRunsWithoutAnOldPrimaryPodToWaitFor() {
    primaryDown(3);
    assertThat(Lifecycle.promotionDueIn(streaming(B), situation.facts())).as("no failover under way").isEmpty();
    assertThat(Lifecycle.lookAgainIn(failingOver(), situation.facts(), Duration.ofSeconds(1)))
        .as("7 s left: the next probe comes first").isEqualTo(Duration.ofSeconds(1));
    situation.pods.remove(A);
    assertThat(Lifecycle.promotionDueIn(failingOver(), situation.facts())).as("its pod gone: promoted now").isEmpty();
  }

  @Test
  void aFencedPrimaryWhosePodIsGoneIsPromotedAtOnce() {
    // The kubelet stopped it: the fence is confirmed, nothing left to wait for.
    primaryDown(5);
    situation.pods.remove(A);
    assertThat(decide(failingOver()).actions()).containsExactly(Action.PROMOTE);
  }

  @Test
  void aLongerIsolationStopDelaysThePromotionAsLong() {
    primaryDown(20);
    PksReplicaPair pair = failingOver();
    pair.setSpec(TestPairs.example(json -> failover(json).put("isolationStopSeconds", 20)).getSpec());
    assertThat(decide(pair).actions()).isEmpty();
    assertThat(decide(pair).message()).contains("for 25 s");
    situation.primaryReachedAt = NOW.minusSeconds(25);
    assertThat(decide(pair).actions()).containsExactly(Action.PROMOTE);
  }

  @Test
  void aFencedPrimaryHeardFromByItsStandbyIsNotYetConfirmedStopped() {
    // The probe lost it long ago, but its standby received from it 3 s ago: it was alive then.
    primaryDown(30);
    situation.primaryHeardAt = NOW.minusSeconds(3);
    assertThat(decide(failingOver()).actions()).isEmpty();
    situation.primaryHeardAt = NOW.minusSeconds(10);
    assertThat(decide(failingOver()).actions()).containsExactly(Action.PROMOTE);
  }

  @Test
  void anOperatorRestartedAfterThePromotionDoesNotPromoteAgain() {
    seen(B, null, "none", null, null);
    LifecycleStep step = decide(failingOver());
    assertThat(step.actions()).isEmpty();
    assertThat(step.phase()).isEqualTo(Phase.Rejoining);
    assertThat(step.currentPrimary()).isEqualTo(B);
  }

  @Test
  void aFailoverWhoseTargetDoesNotAnswerWaits() {
    seen(null, null, "unknown", null, null);
    LifecycleStep step = decide(failingOver());
    assertThat(step.phase()).isEqualTo(Phase.FailingOver);
    assertThat(step.actions()).isEmpty();
    assertThat(step.message()).isEqualTo("Failing over: site-a is fenced; waiting for site-b to answer before"
        + " promoting it. To cancel and start site-a again, annotate the pair pks.io/switchover=site-a.");
  }

  @Test
  void aSwitchoverRequestDuringAFailoverWaitsForIt() {
    seen(null, B, "unknown", null, null);
    situation.pods.remove(A);
    PksReplicaPair pair = failingOver();
    pair.setSpec(pair.getSpec().withPrimary(B));
    assertThat(decide(pair).actions()).containsExactly(Action.PROMOTE);
  }

  // --- manual mode ----------------------------------------------------------------------------

  @Test
  void manualModeReportsTheLossAndHowToFailOver() {
    primaryDown(8);
    LifecycleStep step = decide(streaming(B, json -> failover(json).put("mode", "Manual")));
    assertThat(step.phase()).isEqualTo(Phase.Failed);
    assertThat(step.actions()).isEmpty();
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.reason()).isEqualTo(EventReason.PrimaryLost);
    assertThat(step.message()).isEqualTo("Primary site-a has not answered for 8 s and failover.mode is Manual:"
        + " nothing was promoted. To fail over to site-b, set spec.primary: site-b (it has every acknowledged"
        + " commit).");
  }

  @Test
  void manualModeSaysWhenTheStandbyIsNotInSync() {
    primaryDown(8);
    LifecycleStep step = decide(streaming(null, json -> failover(json).put("mode", "Manual")));
    assertThat(step.message()).endsWith("(it was not last seen in sync: commits it lacks would be lost, so also set"
        + " spec.failover.allowDataLoss: true).");
  }

  @Test
  void theUsersSpecPrimaryChangeAfterTheReportedLossFailsOverAManualPair() {
    primaryDown(8);
    PksReplicaPair pair = streaming(B, json -> {
      failover(json).put("mode", "Manual");
      ((ObjectNode) json.get("spec")).put("primary", B);
    });
    pair.setStatus(status(Phase.Failed, A, null, List.of(), null, B));
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.FailingOver);
    assertThat(step.state().targetPrimary()).isEqualTo(B);
    assertThat(step.stoppedMembers()).containsExactly(A);
  }

  @Test
  void aPrimaryThatReturnsEndsTheManualAlert() {
    seen(A, B, "streaming", "sync", 0L);
    PksReplicaPair pair = streaming(B, json -> failover(json).put("mode", "Manual"));
    pair.setStatus(status(Phase.Failed, A, null, List.of(), null, B));
    assertThat(decide(pair).phase()).isEqualTo(Phase.Streaming);
  }

  // --- rejoin ---------------------------------------------------------------------------------

  @Test
  void theOldPrimaryIsReseededOnlyOnceItsPodIsGone() {
    seen(B, null, "none", null, null);
    LifecycleStep step = decide(rejoining(null));
    assertThat(step.phase()).isEqualTo(Phase.Rejoining);
    assertThat(step.job()).isNull();
    assertThat(step.message()).isEqualTo("Waiting for the pod of site-a to go (its node may be unreachable) before"
        + " re-seeding it as the standby of site-b.");
  }

  @Test
  void theOldPrimaryRejoinsFromTheNewOneByARewindFirst() {
    seen(B, null, "none", null, null);
    situation.pods.remove(A);
    situation.jobs.put("pks-site-a-seed-1", new JobOutcome(State.SUCCEEDED, null, NOW));
    LifecycleStep step = decide(rejoining(null));
    assertThat(step.actions()).containsExactly(Action.CONFIGURE_REPLICATION);
    assertThat(step.job()).isEqualTo(Jobs.seed(TestPairs.example(), A, 2, MemberJobKind.Rejoin));
    assertThat(step.currentPrimary()).isEqualTo(B);
    assertThat(step.stoppedMembers()).containsExactly(A);
    assertThat(step.reason()).isEqualTo(EventReason.RejoiningStandby);
    assertThat(step.message()).isEqualTo("Rejoining site-a as the standby of site-b (pg_rewind, or a copy when it"
        + " cannot rewind) with Job pks-site-a-seed-2.");
  }

  @Test
  void aReseededOldPrimaryStartsAsTheStandby() {
    situation.jobs.put("pks-site-a-seed-1", new JobOutcome(State.SUCCEEDED, null, NOW));
    seen(B, null, "none", null, null);
    LifecycleStep step = decide(rejoining(Jobs.seed(TestPairs.example(), A, 1)));
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.phase()).isEqualTo(Phase.Rejoining);
    assertThat(step.reason()).as("a Seed Job only copies").isEqualTo(EventReason.StandbySeeded);
  }

  @Test
  void anOldPrimaryItsJobReportsRewoundStartsAndTheEventSaysRewound() {
    situation.jobs.put("pks-site-a-seed-1", succeeded("rewound: pg_rewind copied what changed since the fork at"
        + " 0/3018BD0 on timeline 1; /var/lib/postgresql/data/pgdata is a standby of pks-rw:5432"));
    seen(B, null, "none", null, null);
    LifecycleStep step = decide(rejoining(Jobs.seed(TestPairs.example(), A, 1, MemberJobKind.Rejoin)));
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.reason()).isEqualTo(EventReason.StandbyRewound);
    assertThat(step.message()).isEqualTo("Standby site-a rejoined without a copy by Job pks-site-a-seed-1 (rewound:"
        + " pg_rewind copied what changed since the fork at 0/3018BD0 on timeline 1; /var/lib/postgresql/data/pgdata"
        + " is a standby of pks-rw:5432); starting it.");
  }

  @Test
  void anOldPrimaryItsJobReportsCopiedStartsAndTheEventSaysReseeded() {
    situation.jobs.put("pks-site-a-seed-1", succeeded("copied: the primary no longer holds the WAL from the fork at"
        + " 0/3018C48 on; /var/lib/postgresql/data/pgdata is a copy of pks-rw:5432"));
    seen(B, null, "none", null, null);
    LifecycleStep step = decide(rejoining(Jobs.seed(TestPairs.example(), A, 1, MemberJobKind.Rejoin)));
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.reason()).isEqualTo(EventReason.StandbyReseeded);
    assertThat(step.message()).startsWith("Standby site-a re-seeded with a copy of site-b by Job pks-site-a-seed-1"
        + " (copied: the primary no longer holds the WAL");
  }

  @Test
  void aRejoinWhoseJobReportedNothingClaimsNeitherRewindNorReseed() {
    situation.jobs.put("pks-site-a-seed-1", new JobOutcome(State.SUCCEEDED, null, NOW));
    seen(B, null, "none", null, null);
    LifecycleStep step = decide(rejoining(Jobs.seed(TestPairs.example(), A, 1, MemberJobKind.Rejoin)));
    assertThat(step.reason()).isEqualTo(EventReason.StandbySeeded);
  }

  @Test
  void aFailedRejoinIsRetriedAsARejoin() {
    situation.pods.remove(A);
    situation.jobs.put("pks-site-a-seed-1", new JobOutcome(State.FAILED, "seed: primary unreachable",
        NOW.minus(Lifecycle.SEED_RETRY_DELAY)));
    seen(B, null, "none", null, null);
    LifecycleStep step = decide(rejoining(Jobs.seed(TestPairs.example(), A, 1, MemberJobKind.Rejoin)));
    assertThat(step.reason()).isEqualTo(EventReason.SeedRetried);
    assertThat(step.job()).isEqualTo(Jobs.seed(TestPairs.example(), A, 2, MemberJobKind.Rejoin));
  }

  @Test
  void aRefusedRejoinDeletedByTheUserRunsAgainAsARejoin() {
    seen(B, null, "none", null, null);
    PksReplicaPair pair = rejoining(Jobs.seed(TestPairs.example(), A, 1, MemberJobKind.Rejoin));
    pair.setStatus(pair.getStatus().toBuilder().phase(Phase.Failed).build());
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.Rejoining);
    assertThat(step.message()).isEqualTo("Seeding standby site-a from site-b: waiting for Job pks-site-a-seed-1.");
  }

  private static JobOutcome succeeded(String report) {
    return new JobOutcome(State.SUCCEEDED, null, NOW, null, report);
  }

  @Test
  void aRejoinedStandbyThatStreamsIsMadeSynchronousAgain() {
    situation.jobs.put("pks-site-a-seed-1", new JobOutcome(State.SUCCEEDED, null, NOW));
    seen(B, A, "streaming", "async", 0L);
    PksReplicaPair pair = rejoining(Jobs.seed(TestPairs.example(), A, 1));
    pair.setStatus(status(Phase.Rejoining, B, null, List.of(), Jobs.seed(TestPairs.example(), A, 1), null));
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.actions()).containsExactly(Action.ENABLE_SYNC);
    assertThat(step.message()).isEqualTo("Primary site-b streams to standby site-a synchronously.");
  }

  /** site-a rejoined (or seeded, by a Job of {@code kind}) and started, answering as a standby that does not stream. */
  private PksReplicaPair startedNotStreaming(Phase phase, MemberJobKind kind, Consumer<ObjectNode> edit) {
    MemberJob job = Jobs.seed(TestPairs.example(), A, 1, kind);
    situation.jobs.put(job.name(), new JobOutcome(State.SUCCEEDED, null, NOW));
    seen(B, A, "none", null, null);
    PksReplicaPair pair = TestPairs.example(json -> {
      ((ObjectNode) json.get("spec")).put("primary", B);
      edit.accept(json);
    });
    pair.setStatus(status(phase, B, null, List.of(), job, null));
    return pair;
  }

  private static final WalGap REMOVED = new WalGap("0/3000060", "0/5000000");

  @Test
  void aRejoinedStandbyWhoseWalThePrimaryRemovedIsStoppedToRejoinAgain() {
    situation.standbyWalGap = REMOVED;
    LifecycleStep step = decide(startedNotStreaming(Phase.Rejoining, MemberJobKind.Rejoin, json -> { }));
    assertThat(step.phase()).isEqualTo(Phase.Rejoining);
    assertThat(step.stoppedMembers()).containsExactly(A);
    assertThat(step.job()).as("recorded once its pod is gone").isNull();
    assertThat(step.reason()).isEqualTo(EventReason.StandbyWalRemoved);
    assertThat(step.message()).isEqualTo("Standby site-a cannot stream from site-b: it needs WAL from 0/3000060 on,"
        + " and the primary holds WAL only from 0/5000000 on (a checkpoint removed it after the Job). Stopping site-a"
        + " to rejoin it again.");
  }

  @Test
  void theSecondRejoinOfAStandbyWhoseWalWasRemovedIsARejoinJobThatWillCopy() {
    situation.standbyWalGap = REMOVED;
    LifecycleStep stopped = decide(startedNotStreaming(Phase.Rejoining, MemberJobKind.Rejoin, json -> { }));
    situation.pods.remove(A);
    seen(B, null, "none", null, null);
    PksReplicaPair pair = TestPairs.example(json -> ((ObjectNode) json.get("spec")).put("primary", B));
    pair.setStatus(status(stopped.phase(), B, null, stopped.stoppedMembers(), null, null));
    LifecycleStep step = decide(pair);
    assertThat(step.job()).as("its check finds the WAL from the fork gone, and copies")
        .isEqualTo(Jobs.seed(TestPairs.example(), A, 2, MemberJobKind.Rejoin));
    assertThat(step.reason()).isEqualTo(EventReason.RejoiningStandby);
  }

  @Test
  void aSeededStandbyWhoseWalThePrimaryRemovedIsSeededAgain() {
    situation.standbyWalGap = REMOVED;
    LifecycleStep step = decide(startedNotStreaming(Phase.SeedingStandby, MemberJobKind.Seed, json -> { }));
    assertThat(step.phase()).isEqualTo(Phase.SeedingStandby);
    assertThat(step.stoppedMembers()).containsExactly(A);
    assertThat(step.reason()).isEqualTo(EventReason.StandbyWalRemoved);
    assertThat(step.message()).endsWith("Stopping site-a to seed it again.");
  }

  @Test
  void aRejoinedStandbyWhoseWalIsInTheArchiveIsLeftToReadIt() {
    situation.standbyWalGap = REMOVED;
    LifecycleStep step = decide(startedNotStreaming(Phase.Rejoining, MemberJobKind.Rejoin, json ->
        TestPairs.spec(json).putObject("backup").putObject("objectStore").put("endpoint", "https://s3.example.com")
            .put("bucket", "pks-backups").put("credentialsSecret", "pks-s3")));
    assertThat(step.stoppedMembers()).as("restore_command reads the removed WAL from the archive").isEmpty();
    assertThat(step.reason()).isNull();
    assertThat(step.message()).isEqualTo("Standby site-a seeded; waiting for it to stream from site-b.");
  }

  @Test
  void aRejoinedStandbyNotYetStreamingWithItsWalHeldIsWaitedFor() {
    LifecycleStep step = decide(startedNotStreaming(Phase.Rejoining, MemberJobKind.Rejoin, json -> { }));
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.message()).isEqualTo("Standby site-a seeded; waiting for it to stream from site-b.");
  }

  @Test
  void aReseedRequestedWhileARejoinedStandbyDoesNotStreamIsActedOn() {
    PksReplicaPair pair = startedNotStreaming(Phase.Rejoining, MemberJobKind.Rejoin, json -> { });
    LifecycleStep step = decide(reseedRequested(pair, "site-a/1"));
    assertThat(step.phase()).isEqualTo(Phase.SeedingStandby);
    assertThat(step.stoppedMembers()).containsExactly(A);
    assertThat(step.state().reseedRequest()).isEqualTo("site-a/1");
    assertThat(step.reason()).isEqualTo(EventReason.ReseedRequested);
  }

  @Test
  void aStreamingPairsStandbyWhoseWalWasRemovedIsNotReseededButTheStatusSaysHow() {
    seen(A, B, "none", null, null);
    situation.standbyWalGap = REMOVED;
    LifecycleStep step = decide(streaming(null));
    assertThat(step.phase()).isEqualTo(Phase.Degraded);
    assertThat(step.stoppedMembers()).as("a standby's data is never replaced unasked").isEmpty();
    assertThat(step.message()).isEqualTo("Standby site-b is not streaming from primary site-a (none; it needs WAL"
        + " from 0/3000060 on, and the primary holds WAL only from 0/5000000 on: only a re-seed makes it a standby"
        + " again, kubectl pks reseed); synchronous: Required, so commits wait until it is back.");
  }

  // --- planned switchover ---------------------------------------------------------------------

  @Test
  void aSwitchoverStopsTheCaughtUpPrimaryCleanlyFirst() {
    seen(A, B, "streaming", "sync", 0L);
    LifecycleStep step = decide(streaming(B, json -> ((ObjectNode) json.get("spec")).put("primary", B)));
    assertThat(step.phase()).isEqualTo(Phase.SwitchingOver);
    assertThat(step.state().targetPrimary()).isEqualTo(B);
    assertThat(step.stoppedMembers()).containsExactly(A);
    assertThat(step.actions()).as("pg_walinspect on the primary; the target's inherited synchronous_standby_names"
        + " and the primary's checkpoint, off the write gap")
        .containsExactlyInAnyOrder(Action.CONFIGURE_REPLICATION, Action.CLEAR_STANDBY_SYNC, Action.CHECKPOINT);
    assertThat(step.reason()).isEqualTo(EventReason.SwitchoverStarted);
  }

  @Test
  void aSwitchoverWaitsForALaggingStandby() {
    seen(A, B, "streaming", "sync", 5L << 20);
    LifecycleStep step = decide(streaming(B, json -> ((ObjectNode) json.get("spec")).put("primary", B)));
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.message()).isEqualTo("Switchover to site-b waits for it to stream and catch up (streaming).");
  }

  @Test
  void aPendingSwitchoverWaitsOutAMissedProbe() {
    primaryDown(1);
    LifecycleStep step = decide(streaming(B, json -> ((ObjectNode) json.get("spec")).put("primary", B)));
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.stoppedMembers()).as("nothing fenced within failover.primaryUnavailableSeconds").isEmpty();
    assertThat(step.message()).isEqualTo("Switchover to site-b waits: primary site-a is not answering; failover"
        + " once it has not answered for 5 s.");
  }

  @Test
  void aPendingSwitchoverPastTheBoundFailsOverByTheFailoverRules() {
    primaryDown(5);
    LifecycleStep step = decide(streaming(B, json -> ((ObjectNode) json.get("spec")).put("primary", B)));
    assertThat(step.phase()).isEqualTo(Phase.FailingOver);
    assertThat(step.stoppedMembers()).containsExactly(A);
  }

  @Test
  void aPendingSwitchoverInManualModeIsNotTurnedIntoAFailover() {
    primaryDown(30);
    LifecycleStep step = decide(streaming(B, json -> {
      failover(json).put("mode", "Manual");
      ((ObjectNode) json.get("spec")).put("primary", B);
    }));
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.reason()).isEqualTo(EventReason.PrimaryLost);
    assertThat(step.message()).isEqualTo("Switchover to site-b cannot stop primary site-a cleanly: it has not"
        + " answered for 30 s and failover.mode is Manual, so nothing was promoted. To fail over to site-b, set"
        + " spec.primary back to site-a, then, once the loss is reported, to site-b.");
  }

  @Test
  void aSwitchoverRecordsThePrimarysLastPositionBeforeStoppingIt() {
    seen(A, B, "streaming", "sync", 0L);
    situation.primaryWalLsn = "0/5000000";
    LifecycleStep step = decide(streaming(B, json -> ((ObjectNode) json.get("spec")).put("primary", B)));
    assertThat(step.phase()).isEqualTo(Phase.SwitchingOver);
    assertThat(step.state().switchoverLsn()).isEqualTo("0/5000000");

    situation.primaryWalLsn = "0/5000100";
    assertThat(decide(switchingOver()).state().switchoverLsn()).as("followed until the primary stops")
        .isEqualTo("0/5000100");
  }

  @Test
  void aSwitchoverPromotesOnlyOnceTheOldPrimaryHasStopped() {
    seen(A, B, "streaming", "sync", 0L);
    situation.primaryWalLsn = "0/5000000";
    LifecycleStep waiting = decide(switchingOver());
    assertThat(waiting.actions()).isEmpty();
    assertThat(waiting.message()).isEqualTo("Switching over to site-b: waiting for site-a to stop cleanly.");

    situation.pods.remove(A);
    seen(null, B, "unknown", null, null);
    situation.standbyReceivedLsn = "0/5000028";
    LifecycleStep promoting = decide(switchingOver());
    assertThat(promoting.actions()).containsExactly(Action.PROMOTE);
    assertThat(promoting.currentPrimary()).isEqualTo(B);
    assertThat(promoting.phase()).isEqualTo(Phase.Rejoining);
    assertThat(promoting.stoppedMembers()).containsExactly(A);
    assertThat(promoting.reason()).isEqualTo(EventReason.SwitchedOver);
    assertThat(promoting.state().switchoverLsn()).isNull();
  }

  /**
   * Found in the sandbox, which deletes a pod at once and stops its container up to 0.2 s later:
   * the old primary, taking no more writes once -rw had left it, still answered as primary at its
   * recorded position when its pod was gone, and its standby was promoted 7 ms before the old one
   * was even asked to stop (FailoverE2E, read from the members' logs). A primary that answers is
   * not stopped, pod or no pod.
   */
  @Test
  void aSwitchoverWaitsWhileTheOldPrimaryStillAnswersAsPrimaryWithItsPodGone() {
    seen(A, B, "streaming", "sync", 0L);
    situation.primaryWalLsn = "0/5000000";
    situation.standbyReceivedLsn = "0/5000028";
    situation.pods.remove(A);
    LifecycleStep waiting = decide(switchingOver());
    assertThat(waiting.actions()).as("two writable primaries").isEmpty();
    assertThat(waiting.phase()).isEqualTo(Phase.SwitchingOver);
    assertThat(waiting.message()).isEqualTo("Switching over to site-b: waiting for site-a to stop cleanly.");
  }

  /**
   * Found in the sandbox, which deletes a pod at once (a cluster keeps it until its container has
   * exited): in 3 of a benchmark's 10 switchovers the target was promoted 58 to 108 ms before the
   * old primary had written its shutdown checkpoint. While the old primary answers that it is
   * shutting down (57P03) its stop is not complete, pod or no pod.
   */
  @Test
  void aSwitchoverWaitsWhileTheOldPrimaryStillAnswersThatItIsShuttingDown() {
    situation.pods.remove(A);
    seen(null, B, "unknown", null, null);
    situation.primaryStarting = true;
    situation.standbyReceivedLsn = "0/5000028";
    LifecycleStep waiting = decide(switchingOver());
    assertThat(waiting.actions()).as("its shutdown checkpoint may not be written yet").isEmpty();
    assertThat(waiting.phase()).isEqualTo(Phase.SwitchingOver);
    assertThat(waiting.message()).isEqualTo("Switching over to site-b: waiting for site-a to stop cleanly.");

    situation.primaryStarting = false;
    assertThat(decide(switchingOver()).actions()).as("it no longer answers: stopped").containsExactly(Action.PROMOTE);
  }

  @Test
  void aSwitchoverWhoseTargetMissedTheShutdownCheckpointFollowsTheFailoverRules() {
    situation.pods.remove(A);
    seen(null, B, "unknown", null, null);
    situation.standbyReceivedLsn = "0/5000000";
    situation.primaryReachedAt = NOW.minusSeconds(1);
    LifecycleStep waiting = decide(switchingOver());
    assertThat(waiting.actions()).as("the pod gone is not a clean stop").isEmpty();
    assertThat(waiting.phase()).isEqualTo(Phase.SwitchingOver);
    assertThat(waiting.message()).isEqualTo("Switching over to site-b: site-b has received WAL up to 0/5000000, not"
        + " beyond site-a's last position 0/5000000 (its shutdown checkpoint is missing); waiting for it, then the"
        + " failover rules apply after 5 s.");

    situation.primaryReachedAt = NOW.minusSeconds(5);
    LifecycleStep promoted = decide(switchingOver());
    assertThat(promoted.actions()).as("in sync: every acknowledged commit is on it").containsExactly(Action.PROMOTE);
    assertThat(promoted.reason()).isEqualTo(EventReason.Promoted);

    PksReplicaPair notInSync = switchingOver();
    notInSync.setStatus(notInSync.getStatus().toBuilder().synchronousStandby(null).build());
    LifecycleStep refused = decide(notInSync);
    assertThat(refused.actions()).isEmpty();
    assertThat(refused.reason()).isEqualTo(EventReason.FailoverRefused);
  }

  /**
   * The target replayed the old primary's shutdown checkpoint as its last record (pg_walinspect):
   * the old primary wrote its last record and every commit is on the target, so the promotion need
   * not wait for its postmaster to exit (about 0.1 s after that checkpoint in the benchmark) or its
   * pod to go (in a cluster, the kubelet's report after that).
   */
  @Test
  void aSwitchoverPromotesOnceTheTargetReplayedTheOldPrimarysShutdownCheckpoint() {
    seen(null, B, "unknown", null, null);
    situation.primaryStarting = true;
    situation.standbyReceivedLsn = "0/5000100";
    situation.shutdownCheckpoint = new ProbeResult.ShutdownCheckpoint(true, null);
    LifecycleStep waiting = decide(switchingOver());
    assertThat(waiting.actions()).as("shutting down, its checkpoint not replayed yet").isEmpty();
    assertThat(waiting.message()).isEqualTo("Switching over to site-b: waiting for site-a to stop cleanly.");

    situation.shutdownCheckpoint = new ProbeResult.ShutdownCheckpoint(true, "0/5000028");
    LifecycleStep promoting = decide(switchingOver());
    assertThat(promoting.actions()).as("its pod still there, its postmaster not yet exited").containsExactly(Action.PROMOTE);
    assertThat(promoting.phase()).isEqualTo(Phase.Rejoining);
    assertThat(promoting.currentPrimary()).isEqualTo(B);
    assertThat(promoting.reason()).isEqualTo(EventReason.SwitchedOver);
    assertThat(promoting.message()).isEqualTo("site-b promoted by a switchover (it replayed site-a's shutdown"
        + " checkpoint at 0/5000028, its last record: a clean stop); it takes the writes and the SIP traffic. site-a"
        + " is re-seeded as its standby.");
  }

  /**
   * Found in the benchmark: an idle primary's current position, recorded, is where its next record
   * starts, and that was its shutdown checkpoint. Taken as no proof, 4 of 10 switchovers waited
   * 5 s for the failover rules.
   */
  @Test
  void aShutdownCheckpointStartingAtTheRecordedPositionIsTheProof() {
    seen(null, B, "unknown", null, null);
    situation.primaryStarting = true;
    situation.shutdownCheckpoint = new ProbeResult.ShutdownCheckpoint(true, "0/5000000");
    LifecycleStep promoting = decide(switchingOver());
    assertThat(promoting.actions()).containsExactly(Action.PROMOTE);
    assertThat(promoting.reason()).isEqualTo(EventReason.SwitchedOver);
  }

  @Test
  void aShutdownCheckpointBeforeTheRecordedPositionOrFromAPrimaryThatAnswersIsNoProof() {
    seen(null, B, "unknown", null, null);
    situation.primaryStarting = true;
    situation.shutdownCheckpoint = new ProbeResult.ShutdownCheckpoint(true, "0/4FFFF00");
    assertThat(decide(switchingOver()).actions()).as("an earlier stop's").isEmpty();

    seen(A, B, "streaming", "sync", 0L);
    situation.primaryStarting = false;
    situation.primaryWalLsn = "0/5000000";
    situation.shutdownCheckpoint = new ProbeResult.ShutdownCheckpoint(true, "0/5000028");
    assertThat(decide(switchingOver()).actions()).as("it answers as primary: two writable primaries").isEmpty();
  }

  /**
   * docs/safety.md's known limit until now: with its pod gone and no answer from it, an old primary
   * whose replication connection broke during its stop was taken for one stopped cleanly as soon as
   * its target had received anything beyond the recorded position. When the target can read its
   * WAL records, only the shutdown checkpoint replayed there counts; without it the failover rules
   * decide, after the bound.
   */
  @Test
  void aSwitchoverWhoseTargetCanReadItsWalNeedsTheShutdownCheckpointNotJustMoreWal() {
    situation.pods.remove(A);
    seen(null, B, "unknown", null, null);
    situation.standbyReceivedLsn = "0/5000100";
    situation.primaryReachedAt = NOW.minusSeconds(1);
    situation.shutdownCheckpoint = new ProbeResult.ShutdownCheckpoint(true, null);
    LifecycleStep waiting = decide(switchingOver());
    assertThat(waiting.actions()).as("more WAL is not a clean stop").isEmpty();
    assertThat(waiting.phase()).isEqualTo(Phase.SwitchingOver);
    assertThat(waiting.message()).isEqualTo("Switching over to site-b: site-b's last replayed WAL record is not"
        + " site-a's shutdown checkpoint at or after its last position 0/5000000; waiting for it, then the failover rules"
        + " apply after 5 s.");

    situation.shutdownCheckpoint = new ProbeResult.ShutdownCheckpoint(false, null);
    assertThat(decide(switchingOver()).actions()).as("unreadable: the received position decides, as before")
        .containsExactly(Action.PROMOTE);
  }

  // --- ways out of states that could last forever (issue 14, item 7) --------------------------

  @Test
  void aSwitchoverWhoseOldPrimaryNeverStopsFollowsTheFailoverRulesAfterTheBound() {
    // Its node is lost: the pod stays (terminating, unreachable) and the clean stop is never seen.
    primaryDown(4);
    situation.standbyReceivedLsn = "0/5000000";
    assertThat(decide(switchingOver()).message()).isEqualTo("Switching over to site-b: waiting for site-a to stop"
        + " cleanly.");

    situation.primaryReachedAt = NOW.minusSeconds(5);
    LifecycleStep unconfirmed = decide(switchingOver());
    assertThat(unconfirmed.actions()).as("its pod is there: it may run on, cut off").isEmpty();
    assertThat(unconfirmed.phase()).isEqualTo(Phase.SwitchingOver);

    situation.primaryReachedAt = NOW.minusSeconds(10);
    LifecycleStep promoted = decide(switchingOver());
    assertThat(promoted.actions()).as("in sync: every acknowledged commit is on it").containsExactly(Action.PROMOTE);
    assertThat(promoted.reason()).isEqualTo(EventReason.Promoted);
    assertThat(promoted.currentPrimary()).isEqualTo(B);
  }

  @Test
  void aSwitchoverIsCancelledBySettingSpecPrimaryBackBeforeThePromotion() {
    seen(A, B, "streaming", "sync", 0L);
    situation.primaryWalLsn = "0/5000000";
    PksReplicaPair setBack = TestPairs.example();
    setBack.setStatus(switchingOver().getStatus().toBuilder().requestedPrimary(B).build());

    LifecycleStep step = decide(setBack);

    assertThat(step.phase()).isEqualTo(Phase.Degraded);
    assertThat(step.state().targetPrimary()).isNull();
    assertThat(step.currentPrimary()).isEqualTo(A);
    assertThat(step.stoppedMembers()).as("the old primary starts again").isEmpty();
    assertThat(step.state().requestedPrimary()).as("the request is answered").isEqualTo(A);
    assertThat(step.actions()).isEmpty();
    assertThat(step.reason()).isEqualTo(EventReason.SwitchoverCancelled);
  }

  @Test
  void aFailoverIsCancelledByTheSwitchoverAnnotationNamingTheOldPrimary() {
    seen(null, null, "unknown", null, null);
    PksReplicaPair pair = failingOver();
    pair.getMetadata().setAnnotations(Map.of(PksReplicaPair.SWITCHOVER_ANNOTATION, A));

    LifecycleStep step = decide(pair);

    assertThat(step.phase()).isEqualTo(Phase.Degraded);
    assertThat(step.currentPrimary()).isEqualTo(A);
    assertThat(step.state().targetPrimary()).isNull();
    assertThat(step.stoppedMembers()).as("the only copy runs again").isEmpty();
    assertThat(step.actions()).as("nothing promoted").isEmpty();
    assertThat(step.reason()).isEqualTo(EventReason.FailoverCancelled);
  }

  @Test
  void aFailoverThatPromotedIsNotCancelled() {
    seen(B, null, "none", null, null);
    PksReplicaPair pair = failingOver();
    pair.getMetadata().setAnnotations(Map.of(PksReplicaPair.SWITCHOVER_ANNOTATION, A));
    LifecycleStep step = decide(pair);
    assertThat(step.reason()).isEqualTo(EventReason.Promoted);
    assertThat(step.currentPrimary()).isEqualTo(B);
  }

  @Test
  void aReseedRequestForTheStandbyStopsItAndIsRecordedFirst() {
    seen(A, B, "none", null, null);
    PksReplicaPair pair = reseedRequested(streaming(B), "site-b/2026-11-30T13:00:00Z");

    LifecycleStep step = decide(pair);

    assertThat(step.phase()).as("a copy, not a rejoin: no rewind").isEqualTo(Phase.SeedingStandby);
    assertThat(step.stoppedMembers()).containsExactly(B);
    assertThat(step.state().job()).as("the seed starts once its pod is gone").isNull();
    assertThat(step.state().reseedRequest()).isEqualTo("site-b/2026-11-30T13:00:00Z");
    assertThat(step.actions()).as("Required: commits keep waiting for it").isEmpty();
    assertThat(step.reason()).isEqualTo(EventReason.ReseedRequested);

    pair.setStatus(pair.getStatus().toBuilder().reseedRequest("site-b/2026-11-30T13:00:00Z").build());
    assertThat(decide(pair).reason()).as("acted on once").isNotEqualTo(EventReason.ReseedRequested);
  }

  @Test
  void aPreferredPairRecordsThatItStopsWaitingBeforeTheReseed() {
    seen(A, B, "streaming", "sync", 0L);
    PksReplicaPair pair = reseedRequested(streaming(B, DecisionsTest::preferred), "site-b/1");

    LifecycleStep first = decide(pair);
    assertThat(first.state().synchronousStandby()).isNull();
    assertThat(first.actions()).as("recorded before acted on").isEmpty();
    assertThat(first.phase()).isEqualTo(Phase.Streaming);

    pair.setStatus(pair.getStatus().toBuilder().synchronousStandby(null).build());
    LifecycleStep second = decide(pair);
    assertThat(second.phase()).isEqualTo(Phase.SeedingStandby);
    assertThat(second.actions()).containsExactly(Action.DISABLE_SYNC);
  }

  @Test
  void aReseedOfThePrimaryIsRefusedAndRecorded() {
    seen(A, B, "streaming", "sync", 0L);
    LifecycleStep step = decide(reseedRequested(streaming(B), "site-a/1"));
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.state().reseedRequest()).isEqualTo("site-a/1");
    assertThat(step.reason()).isEqualTo(EventReason.ReseedRefused);
    assertThat(step.message()).isEqualTo("Re-seed of site-a refused (annotation pks.io/reseed): only the standby,"
        + " site-b, can be re-seeded; switch over first to re-seed site-a.");
  }

  @Test
  void aReseedWaitsWhileThePrimaryDoesNotAnswer() {
    primaryDown(2);
    LifecycleStep step = decide(reseedRequested(streaming(B), "site-b/1"));
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.state().reseedRequest()).as("not acted on: asked again once the primary answers").isNull();
    assertThat(step.message()).isEqualTo("Re-seed of site-b waits: primary site-a does not answer, and the standby's"
        + " data may be the only copy.");
  }

  private static PksReplicaPair reseedRequested(PksReplicaPair pair, String request) {
    pair.getMetadata().setAnnotations(Map.of(PksReplicaPair.RESEED_ANNOTATION, request));
    return pair;
  }

  // --- fence: kubectl pks fence / unfence ----------------------------------------------------------

  @Test
  void aFenceOfTheStandbyUnderPreferredStopsItAndStopsWaitingForIt() {
    seen(A, B, "streaming", "sync", 0L);
    LifecycleStep step = decide(fenceRequested(streaming(null, DecisionsTest::preferred), "site-b"));
    assertThat(step.state().fencedMembers()).containsExactly(B);
    assertThat(step.state().fenceRequest()).isEqualTo("site-b");
    assertThat(step.stoppedMembers()).as("its StatefulSet to zero").containsExactly(B);
    assertThat(step.actions()).containsExactly(Action.DISABLE_SYNC);
    assertThat(step.reason()).isEqualTo(EventReason.MemberFenced);
    assertThat(step.message()).isEqualTo("Fencing site-b as requested (annotation pks.io/fence): its StatefulSet goes"
        + " to zero replicas, its volume kept; it stays stopped, and is neither failed over from, promoted nor"
        + " re-seeded, until unfenced.");
  }

  @Test
  void aPreferredPairRecordsThatItStopsWaitingBeforeTheFence() {
    seen(A, B, "streaming", "sync", 0L);
    LifecycleStep step = decide(fenceRequested(streaming(B, DecisionsTest::preferred), "site-b"));
    assertThat(step.state().synchronousStandby()).isNull();
    assertThat(step.actions()).as("recorded before acted on").isEmpty();
    assertThat(step.state().fencedMembers()).isEmpty();
  }

  @Test
  void aFenceOfTheStandbyUnderRequiredIsRefusedAndRecorded() {
    seen(A, B, "streaming", "sync", 0L);
    LifecycleStep step = decide(fenceRequested(streaming(B), "site-b"));
    assertThat(step.reason()).isEqualTo(EventReason.FenceRefused);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.state().fencedMembers()).isEmpty();
    assertThat(step.state().fenceRequest()).as("acted on: it never applies later unasked").isEqualTo("site-b");
    assertThat(step.message()).isEqualTo("Fencing site-b refused (annotation pks.io/fence): synchronous: Required,"
        + " so every commit would wait for site-b while it is fenced, leaving no writable primary. Set"
        + " spec.replication.synchronous: Preferred first, or fence it with --force.");
  }

  @Test
  void aForcedFenceOfTheStandbyUnderRequiredStopsIt() {
    seen(A, B, "streaming", "sync", 0L);
    LifecycleStep step = decide(fenceRequested(streaming(B), "site-b/force"));
    assertThat(step.state().fencedMembers()).containsExactly(B);
    assertThat(step.stoppedMembers()).containsExactly(B);
    assertThat(step.actions()).as("Required: commits keep waiting for it").isEmpty();
  }

  @Test
  void aFenceOfThePrimaryIsRefused() {
    seen(A, B, "streaming", "sync", 0L);
    LifecycleStep step = decide(fenceRequested(streaming(B, DecisionsTest::preferred), "site-a"));
    assertThat(step.reason()).isEqualTo(EventReason.FenceRefused);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.message()).isEqualTo("Fencing site-a refused (annotation pks.io/fence): site-a is the primary:"
        + " fencing it leaves no writable primary (writes stop until it is unfenced, and a fenced member is never"
        + " failed over from). Switch over first, or fence it with --force.");
  }

  @Test
  void aForcedFenceOfThePrimaryStopsIt() {
    seen(A, B, "streaming", "sync", 0L);
    LifecycleStep step = decide(fenceRequested(streaming(B), "site-a/force"));
    assertThat(step.state().fencedMembers()).containsExactly(A);
    assertThat(step.stoppedMembers()).containsExactly(A);
    assertThat(step.currentPrimary()).isEqualTo(A);
  }

  @Test
  void aFencedPrimaryIsNeverFailedOverFrom() {
    primaryDown(600);
    LifecycleStep step = decide(fenced(streaming(B), "site-a/force", A));
    assertThat(step.phase()).isEqualTo(Phase.Degraded);
    assertThat(step.state().targetPrimary()).isNull();
    assertThat(step.currentPrimary()).isEqualTo(A);
    assertThat(step.message()).isEqualTo("Primary site-a is fenced (annotation pks.io/fence): no writes until it is"
        + " unfenced (kubectl pks unfence); a fenced member is never failed over from.");
  }

  @Test
  void aFencedStandbyIsNeverPromoted() {
    primaryDown(600);
    LifecycleStep step = decide(fenced(streaming(B, DecisionsTest::preferred), "site-b", B));
    assertThat(step.reason()).isEqualTo(EventReason.FailoverRefused);
    assertThat(step.state().targetPrimary()).isNull();
    assertThat(step.message()).endsWith("but site-b is fenced (annotation pks.io/fence), and a fenced member is never"
        + " promoted. Bring site-a back, or unfence site-b.");
  }

  @Test
  void aFencedStandbyIsNeverReseeded() {
    seen(A, null, "none", null, null);
    PksReplicaPair pair = fenced(streaming(null, DecisionsTest::preferred), "site-b", B);
    pair.getMetadata().getAnnotations().put(PksReplicaPair.RESEED_ANNOTATION, "site-b/1");
    LifecycleStep step = decide(pair);
    assertThat(step.reason()).isEqualTo(EventReason.ReseedRefused);
    assertThat(step.phase()).isNotEqualTo(Phase.SeedingStandby);
    assertThat(step.state().job()).isNull();
  }

  @Test
  void aSwitchoverToAFencedStandbyWaits() {
    seen(A, null, "none", null, null);
    PksReplicaPair pair = fenced(streaming(null, DecisionsTest::preferred), "site-b", B);
    pair.getMetadata().getAnnotations().put(PksReplicaPair.SWITCHOVER_ANNOTATION, B);
    LifecycleStep step = decide(pair);
    assertThat(step.state().targetPrimary()).isNull();
    assertThat(step.stoppedMembers()).containsExactly(B);
    assertThat(step.message()).startsWith("Switchover to site-b waits: it is fenced");
  }

  @Test
  void aFencedStandbyIsReportedAsFenced() {
    seen(A, null, "none", null, null);
    LifecycleStep step = decide(fenced(streaming(null, DecisionsTest::preferred), "site-b", B));
    assertThat(step.phase()).isEqualTo(Phase.Degraded);
    assertThat(step.stoppedMembers()).as("kept stopped").containsExactly(B);
    assertThat(step.message()).startsWith("Standby site-b is not streaming from primary site-a (fenced: annotation"
        + " pks.io/fence)");
  }

  @Test
  void unfencingTheStandbyStartsIt() {
    seen(A, null, "none", null, null);
    PksReplicaPair pair = fenced(streaming(null, DecisionsTest::preferred), "site-b", B);
    pair.getMetadata().setAnnotations(Map.of());
    LifecycleStep step = decide(pair);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.state().fencedMembers()).isEmpty();
    assertThat(step.state().fenceRequest()).isEmpty();
    assertThat(step.reason()).isEqualTo(EventReason.MemberUnfenced);
    assertThat(step.message()).isEqualTo("Unfencing site-b as requested (annotation pks.io/fence): it starts again.");
  }

  @Test
  void anUnfencedPrimaryGetsTheBoundOfARestartInPlaceFromNow() {
    primaryDown(600);
    PksReplicaPair pair = fenced(streaming(B), "site-a/force", A);
    pair.getMetadata().setAnnotations(Map.of());
    LifecycleStep step = decide(pair);
    assertThat(step.reason()).isEqualTo(EventReason.MemberUnfenced);
    assertThat(step.phase()).as("not failed over for its silence while fenced").isEqualTo(Phase.Restarting);
    assertThat(step.state().restartingMember()).isEqualTo(A);
    assertThat(step.state().memberStartedAt()).isEqualTo(NOW.toString());
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.state().fencedMembers()).isEmpty();
  }

  @Test
  void anUnfencedPrimaryThatDoesNotAnswerWithinTheBoundIsFailedOver() {
    primaryDown(600);
    PksReplicaPair pair = TestPairs.example();
    pair.setStatus(status(Phase.Restarting, A, null, List.of(), null, B).toBuilder().restartingMember(A)
        .memberStartedAt(NOW.minusSeconds(10).toString()).build());
    assertThat(decide(pair).phase()).as("10 s after its start").isEqualTo(Phase.Restarting);

    pair.setStatus(pair.getStatus().toBuilder().memberStartedAt(NOW.minus(Lifecycle.PRIMARY_RESTART_BOUND).toString())
        .build());
    assertThat(decide(pair).reason()).isEqualTo(EventReason.FailoverStarted);
  }

  @Test
  void aFenceRequestActedOnAsksForNothingMore() {
    seen(A, null, "none", null, null);
    LifecycleStep step = decide(fenced(streaming(null, DecisionsTest::preferred), "site-b", B));
    assertThat(step.reason()).isNotIn(EventReason.MemberFenced, EventReason.MemberUnfenced, EventReason.FenceRefused);
  }

  @Test
  void aFenceOfAnUnknownMemberIsRefused() {
    seen(A, B, "streaming", "sync", 0L);
    LifecycleStep step = decide(fenceRequested(streaming(B), "site-c/force"));
    assertThat(step.reason()).isEqualTo(EventReason.FenceRefused);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.message()).startsWith("Fencing site-c refused (annotation pks.io/fence): not a member of the pair");
  }

  private static PksReplicaPair fenceRequested(PksReplicaPair pair, String value) {
    pair.getMetadata().setAnnotations(new HashMap<>(Map.of(PksReplicaPair.FENCE_ANNOTATION, value)));
    return pair;
  }

  /** {@code pair} with the fence {@code value} acted on: {@code members} fenced and stopped. */
  private static PksReplicaPair fenced(PksReplicaPair pair, String value, String... members) {
    pair.setStatus(pair.getStatus().toBuilder().fenceRequest(value).fencedMembers(List.of(members))
        .stoppedMembers(List.of(members)).build());
    return fenceRequested(pair, value);
  }

  // --- requests: spec.primary and the switchover annotation -----------------------------------

  @Test
  void afterAFailoverTheUnchangedSpecPrimaryAsksForNothing() {
    // site-b was promoted by a failover; spec.primary still says site-a, as the user's GitOps repository does.
    seen(B, A, "streaming", "sync", 0L);
    PksReplicaPair pair = TestPairs.example();
    pair.setStatus(status(Phase.Streaming, B, null, List.of(), null, A).toBuilder().requestedPrimary(A).build());
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.stoppedMembers()).as("no switchover back").isEmpty();
    assertThat(step.state().requestedPrimary()).isEqualTo(A);
  }

  @Test
  void aChangedSpecPrimaryIsASwitchoverRequestRecordedAsAnswered() {
    seen(B, A, "streaming", "sync", 0L);
    PksReplicaPair pair = TestPairs.example(json -> ((ObjectNode) json.get("spec")).put("primary", B));
    pair.setStatus(status(Phase.Streaming, B, null, List.of(), null, A).toBuilder().requestedPrimary(A).build());
    assertThat(decide(pair).state().requestedPrimary()).as("naming the current primary asks for nothing")
        .isEqualTo(B);

    pair.setStatus(status(Phase.Streaming, B, null, List.of(), null, A).toBuilder().requestedPrimary(B).build());
    pair.setSpec(pair.getSpec().withPrimary(A));
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.SwitchingOver);
    assertThat(step.state().targetPrimary()).isEqualTo(A);
    assertThat(step.state().requestedPrimary()).isEqualTo(A);
  }

  @Test
  void theSwitchoverAnnotationAsksWithoutTouchingTheSpec() {
    seen(B, A, "streaming", "sync", 0L);
    PksReplicaPair pair = TestPairs.example();
    pair.getMetadata().setAnnotations(Map.of(PksReplicaPair.SWITCHOVER_ANNOTATION, A));
    pair.setStatus(status(Phase.Streaming, B, null, List.of(), null, A).toBuilder().requestedPrimary(A).build());
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.SwitchingOver);
    assertThat(step.state().targetPrimary()).isEqualTo(A);
  }

  @Test
  void anAnsweredSwitchoverAnnotationAsksForNothing() {
    seen(A, B, "streaming", "sync", 0L);
    PksReplicaPair pair = TestPairs.example();
    pair.getMetadata().setAnnotations(Map.of(PksReplicaPair.SWITCHOVER_ANNOTATION, A));
    pair.setStatus(status(Phase.Streaming, A, null, List.of(), null, B).toBuilder().requestedPrimary(A).build());
    assertThat(decide(pair).phase()).isEqualTo(Phase.Streaming);
  }

  // --- synchronous degrade --------------------------------------------------------------------

  @Test
  void requiredNeverStopsWaitingForItsStandby() {
    seen(A, null, "none", null, null);
    situation.standbyStreamedAt = NOW.minusSeconds(600);
    LifecycleStep step = decide(streaming(B));
    assertThat(step.phase()).isEqualTo(Phase.Degraded);
    assertThat(step.actions()).isEmpty();
    assertThat(step.state().synchronousStandby()).isEqualTo(B);
    assertThat(step.message()).isEqualTo("Standby site-b is not streaming from primary site-a (none); synchronous:"
        + " Required, so commits wait until it is back.");
  }

  @Test
  void preferredWaitsForItsStandbyUpToTheBound() {
    seen(A, null, "none", null, null);
    situation.primaryWaitsFor(B);
    situation.standbyStreamedAt = NOW.minusSeconds(3);
    LifecycleStep step = decide(streaming(B, DecisionsTest::preferred));
    assertThat(step.phase()).isEqualTo(Phase.Degraded);
    assertThat(step.actions()).isEmpty();
    assertThat(step.message()).endsWith("commits wait for it up to 10 s, then continue without it.");
  }

  @Test
  void aPreferredDegradeIsRecordedBeforeThePrimaryStopsWaiting() {
    seen(A, null, "none", null, null);
    situation.primaryWaitsFor(B);
    situation.standbyStreamedAt = NOW.minusSeconds(10);
    LifecycleStep step = decide(streaming(B, DecisionsTest::preferred));
    assertThat(step.actions()).as("the degrade is recorded first: nothing runs in this step").isEmpty();
    assertThat(step.state().synchronousStandby()).isNull();
    assertThat(step.reason()).isEqualTo(EventReason.SyncDegraded);
    assertThat(step.message()).isEqualTo("Standby site-b has not streamed for 10 s; synchronous: Preferred, so"
        + " primary site-a commits without waiting for it until it streams again.");
  }

  @Test
  void aRecordedDegradeThenStopsThePrimaryWaiting() {
    seen(A, null, "none", null, null);
    situation.primaryWaitsFor(B);
    situation.standbyStreamedAt = NOW.minusSeconds(11);
    PksReplicaPair pair = streaming(null, DecisionsTest::preferred);
    pair.setStatus(status(Phase.Degraded, A, null, List.of(), null, null));
    LifecycleStep step = decide(pair);
    assertThat(step.actions()).containsExactly(Action.DISABLE_SYNC);
    assertThat(step.state().synchronousStandby()).isNull();
  }

  @Test
  void aStandbyLostBeforeItWasSeenInSyncIsStillDegraded() {
    // ENABLE_SYNC ran, the standby was lost before a probe showed it in sync: the primary's own
    // setting says its commits wait, so the bound applies although no synchronousStandby was recorded.
    seen(A, null, "none", null, null);
    situation.primaryWaitsFor(B);
    situation.standbyStreamedAt = NOW.minusSeconds(10);
    PksReplicaPair pair = streaming(null, DecisionsTest::preferred);
    pair.setStatus(status(Phase.Streaming, A, null, List.of(), null, null));
    LifecycleStep step = decide(pair);
    assertThat(step.actions()).containsExactly(Action.DISABLE_SYNC);
  }

  @Test
  void aPrimaryThatWaitsForNoneIsNotDegradedAgain() {
    seen(A, null, "none", null, null);
    situation.standbyStreamedAt = NOW.minusSeconds(60);
    PksReplicaPair pair = streaming(null, DecisionsTest::preferred);
    pair.setStatus(status(Phase.Degraded, A, null, List.of(), null, null));
    assertThat(decide(pair).actions()).isEmpty();
  }

  // --- synchronous: Off -----------------------------------------------------------------------

  @Test
  void synchronousOffRecordsThatCommitsNoLongerWaitFirst() {
    seen(A, B, "streaming", "sync", 0L);
    LifecycleStep step = decide(streaming(B, json -> replication(json).put("synchronous", "Off")));
    assertThat(step.state().synchronousStandby()).as("recorded before the primary stops waiting").isNull();
    assertThat(step.actions()).isEmpty();
  }

  @Test
  void synchronousOffClearsThePrimarysSetting() {
    seen(A, B, "streaming", "sync", 0L);
    LifecycleStep step = decide(streaming(null, json -> replication(json).put("synchronous", "Off")));
    assertThat(step.actions()).containsExactly(Action.DISABLE_SYNC);
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
  }

  @Test
  void synchronousOffWithTheStandbyDownStopsTheWaitAtOnce() {
    seen(A, null, "none", null, null);
    situation.primaryWaitsFor(B);
    situation.standbyStreamedAt = NOW.minusSeconds(1);
    PksReplicaPair pair = streaming(null, json -> replication(json).put("synchronous", "Off"));
    pair.setStatus(status(Phase.Degraded, A, null, List.of(), null, null));
    assertThat(decide(pair).actions()).containsExactly(Action.DISABLE_SYNC);
  }

  @Test
  void anAsynchronousPairWhosePrimaryWaitsForNoneDoesNothing() {
    seen(A, B, "streaming", "async", 0L);
    LifecycleStep step = decide(streaming(null, json -> replication(json).put("synchronous", "Off")));
    assertThat(step.actions()).isEmpty();
    assertThat(step.message()).isEqualTo("Primary site-a streams to standby site-b asynchronously.");
  }

  @Test
  void aDegradedPreferredPairKeepsCommittingWhileTheStandbyIsAway() {
    seen(A, null, "none", null, null);
    situation.standbyStreamedAt = NOW.minusSeconds(60);
    PksReplicaPair pair = streaming(null, DecisionsTest::preferred);
    pair.setStatus(status(Phase.Degraded, A, null, List.of(), null, null));
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.Degraded);
    assertThat(step.actions()).isEmpty();
    assertThat(step.message()).isEqualTo("Standby site-b is not streaming from primary site-a (none); synchronous:"
        + " Preferred, so site-a commits without waiting for it until it streams again.");
  }

  @Test
  void aDegradedPreferredPairRestoresSyncWhenTheStandbyStreams() {
    seen(A, B, "streaming", "async", 0L);
    PksReplicaPair pair = streaming(null, DecisionsTest::preferred);
    pair.setStatus(status(Phase.Degraded, A, null, List.of(), null, null));
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.actions()).containsExactly(Action.ENABLE_SYNC);
  }

  @Test
  void aDegradedPairWhosePrimaryIsLostIsNotFailedOver() {
    primaryDown(30);
    PksReplicaPair pair = streaming(null, DecisionsTest::preferred);
    pair.setStatus(status(Phase.Degraded, A, null, List.of(), null, null));
    assertThat(decide(pair).reason()).isEqualTo(EventReason.FailoverRefused);
  }

  // --- drains (the primary's node cordoned) --------------------------------------------------

  @Test
  void aCordonedPrimarysNodeIsLeftByASwitchoverToTheStandbyInSync() {
    seen(A, B, "streaming", "sync", 0L);
    situation.cordoned.add(A);
    LifecycleStep step = decide(streaming(B));
    assertThat(step.phase()).isEqualTo(Phase.SwitchingOver);
    assertThat(step.state().targetPrimary()).isEqualTo(B);
    assertThat(step.stoppedMembers()).as("the primary stopped cleanly, as any switchover").containsExactly(A);
    assertThat(step.actions()).containsExactlyInAnyOrder(Action.CONFIGURE_REPLICATION, Action.CLEAR_STANDBY_SYNC,
        Action.CHECKPOINT);
    assertThat(step.reason()).isEqualTo(EventReason.SwitchoverForDrain);
    assertThat(step.message()).isEqualTo("Switching over to site-b: the node of primary site-a is cordoned (a"
        + " drain). Stopping site-a cleanly before promoting site-b; the drain then evicts site-a, which rejoins as"
        + " the standby.");
  }

  @Test
  void aCordonedPrimarysNodeWithItsStandbyDownHoldsTheDrain() {
    seen(A, null, "none", null, null);
    situation.cordoned.add(A);
    LifecycleStep step = decide(streaming(B));
    assertThat(step.phase()).isEqualTo(Phase.Degraded);
    assertThat(step.stoppedMembers()).as("nothing stopped: the primary keeps the writes").isEmpty();
    assertThat(step.state().targetPrimary()).isNull();
    assertThat(step.reason()).isEqualTo(EventReason.DrainHeld);
    assertThat(step.message()).isEqualTo("Standby site-b is not streaming from primary site-a (none); synchronous:"
        + " Required, so commits wait until it is back. The node of primary site-a is cordoned, but standby site-b"
        + " is not streaming in sync with both pods Ready: no switchover, so PodDisruptionBudget pks-primary keeps"
        + " the drain from evicting site-a. Uncordon the node, or bring site-b back in sync on a schedulable node:"
        + " the switchover follows.");
  }

  @Test
  void aCordonedPrimarysNodeWithALaggingStandbyHoldsTheDrainUntilItCatchesUp() {
    seen(A, B, "streaming", "sync", 5L << 20);
    situation.cordoned.add(A);
    LifecycleStep held = decide(streaming(B));
    assertThat(held.phase()).isEqualTo(Phase.Streaming);
    assertThat(held.reason()).isEqualTo(EventReason.DrainHeld);

    seen(A, B, "streaming", "sync", 0L);
    assertThat(decide(streaming(B)).reason()).isEqualTo(EventReason.SwitchoverForDrain);
  }

  @Test
  void aCordonedPrimarysNodeWhileTheStandbysIsCordonedTooHoldsTheDrain() {
    seen(A, B, "streaming", "sync", 0L);
    situation.cordoned.addAll(List.of(A, B));
    LifecycleStep step = decide(streaming(B));
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.reason()).isEqualTo(EventReason.DrainHeld);
    assertThat(step.message()).contains("The node of primary site-a is cordoned, but the node of standby site-b is"
        + " cordoned too: no switchover");
  }

  @Test
  void aCordonedStandbysNodeAsksForNothing() {
    seen(A, B, "streaming", "sync", 0L);
    situation.cordoned.add(B);
    LifecycleStep step = decide(streaming(B));
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.reason()).isEqualTo(EventReason.Streaming);
    assertThat(step.stoppedMembers()).isEmpty();
  }

  // --- helpers --------------------------------------------------------------------------------

  private LifecycleStep decide(PksReplicaPair pair) {
    return situation.decide(pair);
  }

  private void seen(String primary, String standby, String state, String sync, Long lag) {
    situation.seen(primary, standby, state, sync, lag);
  }

  /** site-a has not answered for {@code seconds}; site-b answers as a standby. */
  private void primaryDown(long seconds) {
    seen(null, B, "unknown", null, null);
    situation.primaryReachedAt = NOW.minusSeconds(seconds);
  }

  /** site-a has not answered as primary for {@code seconds}: it answers 57P03 (starting up). */
  private void primaryStarting(long seconds) {
    primaryDown(seconds);
    situation.primaryStarting = true;
  }

  private static PksReplicaPair streaming(String synchronousStandby) {
    return streaming(synchronousStandby, json -> { });
  }

  private static PksReplicaPair streaming(String synchronousStandby, Consumer<ObjectNode> edit) {
    PksReplicaPair pair = TestPairs.example(edit);
    pair.setStatus(status(Phase.Streaming, A, null, List.of(), null, synchronousStandby));
    return pair;
  }

  private static PksReplicaPair failingOver() {
    PksReplicaPair pair = TestPairs.example();
    pair.setStatus(status(Phase.FailingOver, A, B, List.of(A), null, B));
    return pair;
  }

  private static PksReplicaPair switchingOver() {
    PksReplicaPair pair = TestPairs.example(json -> ((ObjectNode) json.get("spec")).put("primary", B));
    pair.setStatus(status(Phase.SwitchingOver, A, B, List.of(A), null, B).toBuilder().switchoverLsn("0/5000000")
        .build());
    return pair;
  }

  private static PksReplicaPair rejoining(MemberJob job) {
    PksReplicaPair pair = TestPairs.example(json -> ((ObjectNode) json.get("spec")).put("primary", B));
    pair.setStatus(status(Phase.Rejoining, B, null, List.of(A), job, null));
    return pair;
  }

  private static ObjectNode failover(ObjectNode json) {
    return ((ObjectNode) json.get("spec")).with("failover");
  }

  private static ObjectNode replication(ObjectNode json) {
    return ((ObjectNode) json.get("spec")).with("replication");
  }

  private static void preferred(ObjectNode json) {
    replication(json).put("synchronous", "Preferred");
  }

  private static PksReplicaPairStatus status(Phase phase, String primary, String target, List<String> stopped,
      MemberJob job, String synchronousStandby) {
    return Situation.status(phase, primary, target, stopped, job, synchronousStandby);
  }
}
