package io.pks.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.MemberJob;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.model.Jobs;
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
    seen(null, B, "unknown", null, null);
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
        + " promoting it.");
  }

  @Test
  void aSwitchoverRequestDuringAFailoverWaitsForIt() {
    seen(null, B, "unknown", null, null);
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
  void theUsersSpecPrimaryChangeFailsOverAManualPair() {
    primaryDown(8);
    PksReplicaPair pair = streaming(B, json -> {
      failover(json).put("mode", "Manual");
      ((ObjectNode) json.get("spec")).put("primary", B);
    });
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
  void theOldPrimaryIsReseededFromTheNewOne() {
    seen(B, null, "none", null, null);
    situation.pods.remove(A);
    situation.jobs.put("pks-site-a-seed-1", new JobOutcome(State.SUCCEEDED, null, NOW));
    LifecycleStep step = decide(rejoining(null));
    assertThat(step.actions()).containsExactly(Action.CONFIGURE_REPLICATION);
    assertThat(step.job()).isEqualTo(Jobs.seed(TestPairs.example(), A, 2));
    assertThat(step.currentPrimary()).isEqualTo(B);
    assertThat(step.stoppedMembers()).containsExactly(A);
    assertThat(step.reason()).isEqualTo(EventReason.RejoiningStandby);
  }

  @Test
  void aReseededOldPrimaryStartsAsTheStandby() {
    situation.jobs.put("pks-site-a-seed-1", new JobOutcome(State.SUCCEEDED, null, NOW));
    seen(B, null, "none", null, null);
    LifecycleStep step = decide(rejoining(Jobs.seed(TestPairs.example(), A, 1)));
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.phase()).isEqualTo(Phase.Rejoining);
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

  // --- planned switchover ---------------------------------------------------------------------

  @Test
  void aSwitchoverStopsTheCaughtUpPrimaryCleanlyFirst() {
    seen(A, B, "streaming", "sync", 0L);
    LifecycleStep step = decide(streaming(B, json -> ((ObjectNode) json.get("spec")).put("primary", B)));
    assertThat(step.phase()).isEqualTo(Phase.SwitchingOver);
    assertThat(step.state().targetPrimary()).isEqualTo(B);
    assertThat(step.stoppedMembers()).containsExactly(A);
    assertThat(step.actions()).isEmpty();
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
  void aSwitchoverPromotesOnlyOnceTheOldPrimaryHasStopped() {
    seen(A, B, "streaming", "sync", 0L);
    LifecycleStep waiting = decide(switchingOver());
    assertThat(waiting.actions()).isEmpty();
    assertThat(waiting.message()).isEqualTo("Switching over to site-b: waiting for site-a to stop cleanly.");

    situation.pods.remove(A);
    seen(null, B, "unknown", null, null);
    LifecycleStep promoting = decide(switchingOver());
    assertThat(promoting.actions()).containsExactly(Action.PROMOTE);
    assertThat(promoting.currentPrimary()).isEqualTo(B);
    assertThat(promoting.phase()).isEqualTo(Phase.Rejoining);
    assertThat(promoting.stoppedMembers()).containsExactly(A);
    assertThat(promoting.reason()).isEqualTo(EventReason.SwitchedOver);
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
    situation.standbyStreamedAt = NOW.minusSeconds(3);
    LifecycleStep step = decide(streaming(B, DecisionsTest::preferred));
    assertThat(step.phase()).isEqualTo(Phase.Degraded);
    assertThat(step.actions()).isEmpty();
    assertThat(step.message()).endsWith("commits wait for it up to 10 s, then continue without it.");
  }

  @Test
  void preferredDegradesAfterTheBound() {
    seen(A, null, "none", null, null);
    situation.standbyStreamedAt = NOW.minusSeconds(10);
    LifecycleStep step = decide(streaming(B, DecisionsTest::preferred));
    assertThat(step.actions()).containsExactly(Action.DISABLE_SYNC);
    assertThat(step.state().synchronousStandby()).isNull();
    assertThat(step.reason()).isEqualTo(EventReason.SyncDegraded);
    assertThat(step.message()).isEqualTo("Standby site-b has not streamed for 10 s; synchronous: Preferred, so"
        + " primary site-a commits without waiting for it until it streams again.");
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
    pair.setStatus(status(Phase.SwitchingOver, A, B, List.of(A), null, B));
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
