package io.pks.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.reconciler.LifecycleStep.Action;

/**
 * Configuration changes (docs/safety.md, "Configuration changes"), one named situation per test:
 * a reload where PostgreSQL can apply the change, a rolling restart where it cannot (the standby
 * first, then the primary by a switchover or in place), never both members stopped, never started
 * on a pair that is not healthy, and every wait bounded. The example pair: Required, Automatic
 * failover after 5 s, site-a primary, site-b its standby in sync.
 */
class ConfigurationChangesTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final String OLD = "old";

  private final Situation situation = new Situation();

  // --- reload ---------------------------------------------------------------------------------

  @Test
  void aMemberThatReadsTheNewFilesIsReloaded() {
    inSync();
    situation.reports(B, Situation.RENDERED, OLD);
    LifecycleStep step = situation.decide(streaming());
    assertThat(step.actions()).containsExactly(Action.RELOAD_STANDBY);
    assertThat(step.state()).as("nothing else changes").isEqualTo(PairState.of(streaming().getStatus()).requested(A));
  }

  @Test
  void aMemberThatDoesNotReadTheNewFilesYetIsNotReloaded() {
    inSync();
    situation.reports(A, OLD, OLD);
    situation.reports(B, OLD, OLD);
    assertThat(situation.decide(streaming()).actions()).isEmpty();
  }

  @Test
  void aDegradedPairsPrimaryIsReloadedToo() {
    situation.seen(A, null, "none", null, null);
    situation.reports(A, Situation.RENDERED, OLD);
    LifecycleStep step = situation.decide(streaming());
    assertThat(step.phase()).isEqualTo(Phase.Degraded);
    assertThat(step.actions()).containsExactly(Action.RELOAD_PRIMARY);
  }

  @Test
  void aPairRunningTheRenderedConfigurationDoesNothing() {
    inSync();
    LifecycleStep step = situation.decide(streaming());
    assertThat(step.actions()).isEmpty();
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.state().restartingMember()).isNull();
  }

  // --- rolling restart: the standby first -----------------------------------------------------

  @Test
  void aSettingPendingRestartRestartsTheStandbyFirst() {
    inSync();
    situation.reports(A, Situation.RENDERED, Situation.RENDERED, "shared_buffers");
    situation.reports(B, Situation.RENDERED, Situation.RENDERED, "shared_buffers");
    LifecycleStep step = situation.decide(streaming());
    assertThat(step.phase()).isEqualTo(Phase.Restarting);
    assertThat(step.state().restartingMember()).isEqualTo(B);
    assertThat(step.stoppedMembers()).containsExactly(B);
    assertThat(step.currentPrimary()).isEqualTo(A);
    assertThat(step.reason()).isEqualTo(EventReason.RestartingMember);
    assertThat(step.message()).contains("pending_restart: shared_buffers");
  }

  @Test
  void aPreferredPairRecordsThatItStopsWaitingBeforeTheStandbyRestarts() {
    inSync();
    situation.outdatedPods.add(B);
    LifecycleStep first = situation.decide(streaming(ConfigurationChangesTest::preferred));
    assertThat(first.state().synchronousStandby()).isNull();
    assertThat(first.actions()).as("recorded before acted on").isEmpty();
    assertThat(first.stoppedMembers()).as("the pod is not deleted while commits still wait for it").isEmpty();
    assertThat(first.phase()).isEqualTo(Phase.Streaming);
    assertThat(first.message()).isEqualTo("Restart of standby site-b: recording first that site-a will commit"
        + " without waiting for it.");

    PksReplicaPair recorded = streaming(ConfigurationChangesTest::preferred);
    recorded.setStatus(recorded.getStatus().toBuilder().synchronousStandby(null).build());
    LifecycleStep second = situation.decide(recorded);
    assertThat(second.actions()).as("synchronous_standby_names cleared").containsExactly(Action.DISABLE_SYNC);
    assertThat(second.phase()).isEqualTo(Phase.Restarting);
    assertThat(second.stoppedMembers()).as("then the pod goes").containsExactly(B);
  }

  @Test
  void aRequiredPairsStandbyRestartsWithCommitsWaitingForIt() {
    inSync();
    situation.outdatedPods.add(B);
    LifecycleStep step = situation.decide(streaming());
    assertThat(step.actions()).isEmpty();
    assertThat(step.state().synchronousStandby()).as("no commit acknowledged on one copy").isEqualTo(B);
    assertThat(step.stoppedMembers()).containsExactly(B);
  }

  @Test
  void aStandbyThePrimaryStoppedWaitingForIsDoneOnceItStreams() {
    situation.seen(A, B, "streaming", "async", 0L);
    PksReplicaPair pair = TestPairs.example(ConfigurationChangesTest::preferred);
    pair.setStatus(Situation.status(Phase.Restarting, A, null, List.of(), null, null).toBuilder().restartingMember(B)
        .build());
    LifecycleStep step = situation.decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.actions()).as("synchronous again, as after any degrade").containsExactly(Action.ENABLE_SYNC);
  }

  @Test
  void thePrimaryWaitsForTheStandbyToReadTheNewFilesEvenIfItReadThemFirst() {
    inSync();
    situation.reports(A, Situation.RENDERED, Situation.RENDERED, "shared_buffers");
    situation.reports(B, OLD, OLD);
    LifecycleStep step = situation.decide(streaming());
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.message()).contains("A restart of site-a (pending_restart: shared_buffers) waits");
  }

  @Test
  void anOutdatedPodTemplateIsRestartedToo() {
    inSync();
    situation.outdatedPods.addAll(List.of(A, B));
    LifecycleStep step = situation.decide(streaming());
    assertThat(step.state().restartingMember()).isEqualTo(B);
    assertThat(step.stoppedMembers()).containsExactly(B);
    assertThat(step.message()).contains("its pod runs an older template");
  }

  @Test
  void noRestartStartsWhileTheStandbyIsNotInSync() {
    situation.seen(A, B, "streaming", "async", 0L);
    situation.outdatedPods.add(B);
    LifecycleStep step = situation.decide(streaming());
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.message()).endsWith("A restart of site-b (its pod runs an older template) waits until the standby"
        + " streams in sync with both pods Ready and runs the rendered configuration.");
  }

  @Test
  void noRestartStartsWhileThePrimarysPodIsNotReady() {
    inSync();
    situation.pods.put(A, false);
    situation.outdatedPods.add(B);
    assertThat(situation.decide(streaming()).stoppedMembers()).isEmpty();
  }

  @Test
  void noRestartStartsWhileTheStandbyDoesNotStream() {
    situation.seen(A, null, "none", null, null);
    situation.outdatedPods.add(B);
    LifecycleStep step = situation.decide(streaming());
    assertThat(step.phase()).isEqualTo(Phase.Degraded);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.message()).contains("A restart of site-b");
  }

  @Test
  void theStoppedStandbyWaitsForItsPodToGo() {
    situation.seen(A, null, "none", null, null);
    LifecycleStep step = situation.decide(restarting(B, List.of(B)));
    assertThat(step.phase()).isEqualTo(Phase.Restarting);
    assertThat(step.stoppedMembers()).containsExactly(B);
    assertThat(step.message()).isEqualTo("Restarting standby site-b: waiting for it to stop.");
  }

  @Test
  void theStandbyIsStartedOnceItsPodIsGone() {
    situation.seen(A, null, "none", null, null);
    situation.pods.remove(B);
    LifecycleStep step = situation.decide(restarting(B, List.of(B)));
    assertThat(step.phase()).isEqualTo(Phase.Restarting);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.state().restartingMember()).isEqualTo(B);
  }

  @Test
  void theStandbyIsStartedAgainOnlyOnceAProbeHasSeenItStopped() {
    inSync();
    situation.pods.remove(B);
    LifecycleStep step = situation.decide(restarting(B, List.of(B)));
    assertThat(step.stoppedMembers()).as("the latest probe is from before the stop").containsExactly(B);
    assertThat(step.message()).isEqualTo("Restarting standby site-b: waiting for it to stop.");
  }

  @Test
  void theRestartedStandbyIsNotDoneBeforeItsPodIsReady() {
    inSync();
    situation.pods.put(B, false);
    LifecycleStep step = situation.decide(restarting(B, List.of()));
    assertThat(step.phase()).isEqualTo(Phase.Restarting);
    assertThat(step.state().restartingMember()).isEqualTo(B);
  }

  @Test
  void theRestartedStandbyIsWaitedForUntilItStreamsInSync() {
    situation.seen(A, B, "catchup", "async", 100_000L);
    LifecycleStep step = situation.decide(restarting(B, List.of()));
    assertThat(step.phase()).isEqualTo(Phase.Restarting);
    assertThat(step.message()).isEqualTo("Restarting standby site-b: started; waiting for it to stream in sync from"
        + " site-a again.");
  }

  @Test
  void aRestartedStandbyThatDoesNotStreamWithinTheBoundIsAStandbyNotStreaming() {
    situation.seen(A, null, "none", null, null);
    situation.standbyStreamedAt = Situation.NOW.minusSeconds(10);
    LifecycleStep step = situation.decide(restarting(B, List.of()));
    assertThat(step.phase()).isEqualTo(Phase.Degraded);
    assertThat(step.state().restartingMember()).isNull();
    assertThat(step.reason()).isEqualTo(EventReason.StandbyNotStreaming);
  }

  @Test
  void aPrimaryLostWhileTheStandbyRestartsFollowsTheFailoverRules() {
    situation.seen(null, B, "unknown", null, null);
    situation.primaryReachedAt = Situation.NOW.minusSeconds(30);
    LifecycleStep step = situation.decide(restarting(B, List.of()));
    assertThat(step.reason()).isEqualTo(EventReason.FailoverStarted);
    assertThat(step.state().restartingMember()).isNull();
    assertThat(step.stoppedMembers()).containsExactly(A);
  }

  // --- rolling restart: then the primary ------------------------------------------------------

  @Test
  void theStandbyRestartedAndInSyncThePrimaryIsRestartedByASwitchover() {
    inSync();
    situation.reports(A, Situation.RENDERED, Situation.RENDERED, "shared_buffers");
    situation.primaryWalLsn = "0/5000000";
    LifecycleStep step = situation.decide(restarting(B, List.of()));
    assertThat(step.phase()).isEqualTo(Phase.SwitchingOver);
    assertThat(step.state().targetPrimary()).isEqualTo(B);
    assertThat(step.state().switchoverLsn()).isEqualTo("0/5000000");
    assertThat(step.stoppedMembers()).containsExactly(A);
    assertThat(step.state().restartingMember()).isNull();
    assertThat(step.actions()).containsExactlyInAnyOrder(Action.CONFIGURE_REPLICATION, Action.CLEAR_STANDBY_SYNC,
        Action.CHECKPOINT);
    assertThat(step.reason()).isEqualTo(EventReason.SwitchoverStarted);
  }

  @Test
  void theStandbyRestartedAndNothingElsePendingTheRestartIsOver() {
    inSync();
    LifecycleStep step = situation.decide(restarting(B, List.of()));
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.state().restartingMember()).isNull();
    assertThat(step.stoppedMembers()).isEmpty();
  }

  @Test
  void withPrimaryUpdateMethodRestartThePrimaryIsRestartedInPlace() {
    inSync();
    situation.outdatedPods.add(A);
    LifecycleStep step = situation.decide(streaming(json -> TestPairs.spec(json).put("primaryUpdateMethod",
        "Restart")));
    assertThat(step.phase()).isEqualTo(Phase.Restarting);
    assertThat(step.state().restartingMember()).isEqualTo(A);
    assertThat(step.stoppedMembers()).containsExactly(A);
    assertThat(step.currentPrimary()).isEqualTo(A);
  }

  @Test
  void aPrimaryRestartedInPlaceIsStartedOnceItsPodIsGoneAndWaitedFor() {
    situation.seen(null, B, "unknown", null, null);
    situation.primaryReachedAt = Situation.NOW.minusSeconds(8);
    situation.pods.remove(A);
    LifecycleStep started = situation.decide(restarting(A, List.of(A)));
    assertThat(started.stoppedMembers()).isEmpty();
    assertThat(started.phase()).isEqualTo(Phase.Restarting);
    LifecycleStep waiting = situation.decide(restarting(A, List.of()));
    assertThat(waiting.phase()).as("8 s: past the 5 s failover bound, within the restart's").isEqualTo(Phase.Restarting);
    assertThat(waiting.message()).contains("failover rules apply if it has not answered for 60 s");
  }

  @Test
  void aPrimaryRestartedInPlaceThatDoesNotAnswerWithinTheBoundIsFailedOver() {
    situation.seen(null, B, "unknown", null, null);
    situation.primaryReachedAt = Situation.NOW.minus(Lifecycle.PRIMARY_RESTART_BOUND);
    LifecycleStep step = situation.decide(restarting(A, List.of()));
    assertThat(step.reason()).isEqualTo(EventReason.FailoverStarted);
    assertThat(step.state().targetPrimary()).isEqualTo(B);
    assertThat(step.state().restartingMember()).isNull();
  }

  @Test
  void aPrimaryRestartedInPlaceThatAnswersEndsTheRestart() {
    inSync();
    LifecycleStep step = situation.decide(restarting(A, List.of()));
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.state().restartingMember()).isNull();
  }

  // --- requested: kubectl pks restart and reload ------------------------------------------------

  @Test
  void aRestartRequestOnAHealthyPairIsRecordedWithTheStandbyFirst() {
    inSync();
    LifecycleStep step = situation.decide(annotated(streaming(), PksReplicaPair.RESTART_ANNOTATION, "/1"));
    assertThat(step.state().restartRequest()).isEqualTo("/1");
    assertThat(step.state().requestedRestarts()).containsExactly(B, A);
    assertThat(step.phase()).as("recorded before anything restarts").isEqualTo(Phase.Streaming);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.reason()).isEqualTo(EventReason.RestartRequested);
    assertThat(step.message()).isEqualTo("Rolling restart of both members requested (annotation pks.io/restart):"
        + " site-b, then site-a, one at a time; the primary by a switchover to the standby.");
  }

  @Test
  void aRestartRequestForOneMemberRecordsOnlyIt() {
    inSync();
    LifecycleStep step = situation.decide(annotated(streaming(), PksReplicaPair.RESTART_ANNOTATION, "site-a/1"));
    assertThat(step.state().requestedRestarts()).containsExactly(A);
  }

  @Test
  void aRestartRequestActedOnAsksForNothingMore() {
    inSync();
    PksReplicaPair pair = annotated(streaming(), PksReplicaPair.RESTART_ANNOTATION, "/1");
    pair.setStatus(pair.getStatus().toBuilder().restartRequest("/1").build());
    LifecycleStep step = situation.decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.reason()).isNotEqualTo(EventReason.RestartRequested);
  }

  @Test
  void aRestartRequestOnAPairThatIsNotHealthyIsRefusedAndRecorded() {
    situation.seen(A, B, "catchup", null, 4096L);
    PksReplicaPair pair = annotated(streaming(), PksReplicaPair.RESTART_ANNOTATION, "/1");
    pair.setStatus(pair.getStatus().toBuilder().phase(Phase.Degraded).build());
    LifecycleStep step = situation.decide(pair);
    assertThat(step.reason()).isEqualTo(EventReason.RestartRefused);
    assertThat(step.state().restartRequest()).as("acted on: it never starts later by surprise").isEqualTo("/1");
    assertThat(step.state().requestedRestarts()).isEmpty();
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.message()).isEqualTo("Restart of both members refused (annotation pks.io/restart): the pair is"
        + " not healthy (Degraded); a rolling restart begins only with standby site-b streaming in sync and both pods"
        + " Ready, so that one member always serves. Ask again once it is.");
  }

  @Test
  void aRestartRequestForAnUnknownMemberIsRefused() {
    inSync();
    LifecycleStep step = situation.decide(annotated(streaming(), PksReplicaPair.RESTART_ANNOTATION, "site-c/1"));
    assertThat(step.reason()).isEqualTo(EventReason.RestartRefused);
    assertThat(step.state().requestedRestarts()).isEmpty();
    assertThat(step.message()).startsWith("Restart of site-c refused (annotation pks.io/restart): it is not a member");
  }

  @Test
  void aRequestedRestartStopsTheStandbyFirst() {
    inSync();
    LifecycleStep step = situation.decide(requested(streaming(), B, A));
    assertThat(step.phase()).isEqualTo(Phase.Restarting);
    assertThat(step.state().restartingMember()).isEqualTo(B);
    assertThat(step.stoppedMembers()).containsExactly(B);
    assertThat(step.state().requestedRestarts()).as("its restart began").containsExactly(A);
    assertThat(step.message()).startsWith("Restarting standby site-b (requested: annotation pks.io/restart)");
  }

  @Test
  void theRequestedStandbyRestartedThePrimaryIsRestartedByASwitchover() {
    inSync();
    LifecycleStep step = situation.decide(requested(streaming(), A));
    assertThat(step.phase()).isEqualTo(Phase.SwitchingOver);
    assertThat(step.state().targetPrimary()).isEqualTo(B);
    assertThat(step.stoppedMembers()).containsExactly(A);
    assertThat(step.state().requestedRestarts()).isEmpty();
  }

  @Test
  void aRequestedRestartOfThePrimaryWithPrimaryUpdateMethodRestartIsInPlace() {
    inSync();
    LifecycleStep step = situation.decide(requested(streaming(json -> TestPairs.spec(json)
        .put("primaryUpdateMethod", "Restart")), A));
    assertThat(step.phase()).isEqualTo(Phase.Restarting);
    assertThat(step.state().restartingMember()).isEqualTo(A);
    assertThat(step.currentPrimary()).isEqualTo(A);
    assertThat(step.state().requestedRestarts()).isEmpty();
  }

  @Test
  void aRequestedRestartWaitsWhileTheStandbyIsNotInSync() {
    situation.seen(A, B, "streaming", "async", 0L);
    LifecycleStep step = situation.decide(requested(streaming(), B, A));
    assertThat(step.state().restartingMember()).isNull();
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.state().requestedRestarts()).containsExactly(B, A);
  }

  @Test
  void aReloadRequestReloadsBothMembersAndRecordsWhen() {
    inSync();
    LifecycleStep step = situation.decide(annotated(streaming(), PksReplicaPair.RELOAD_ANNOTATION, "1"));
    assertThat(step.actions()).containsExactlyInAnyOrder(Action.RELOAD_PRIMARY, Action.RELOAD_STANDBY);
    assertThat(step.state().reloadRequest()).isEqualTo("1");
    assertThat(step.state().reloadedAt()).isEqualTo(Situation.NOW.toString());
    assertThat(step.reason()).isEqualTo(EventReason.ConfigurationReloaded);
    assertThat(step.message()).isEqualTo("Configuration reloaded (pg_reload_conf()) on site-a and site-b at "
        + Situation.NOW + " as requested (annotation pks.io/reload).");
  }

  @Test
  void aReloadRequestWithTheStandbyDownReloadsThePrimaryAndSaysSo() {
    situation.seen(A, null, "none", null, null);
    LifecycleStep step = situation.decide(annotated(streaming(), PksReplicaPair.RELOAD_ANNOTATION, "1"));
    assertThat(step.actions()).containsExactly(Action.RELOAD_PRIMARY);
    assertThat(step.message()).endsWith("; site-b does not answer and reads the files when it starts.");
  }

  @Test
  void aReloadRequestActedOnAsksForNothingMore() {
    inSync();
    PksReplicaPair pair = annotated(streaming(), PksReplicaPair.RELOAD_ANNOTATION, "1");
    pair.setStatus(pair.getStatus().toBuilder().reloadRequest("1").build());
    assertThat(situation.decide(pair).actions()).isEmpty();
  }

  // --- helpers --------------------------------------------------------------------------------

  private static PksReplicaPair annotated(PksReplicaPair pair, String annotation, String value) {
    pair.getMetadata().setAnnotations(Map.of(annotation, value));
    return pair;
  }

  /** {@code pair} with a restart request acted on and {@code members} still to restart. */
  private static PksReplicaPair requested(PksReplicaPair pair, String... members) {
    pair.setStatus(pair.getStatus().toBuilder().restartRequest("/1").requestedRestarts(List.of(members)).build());
    return annotated(pair, PksReplicaPair.RESTART_ANNOTATION, "/1");
  }

  private static void preferred(ObjectNode json) {
    ((ObjectNode) json.get("spec")).with("replication").put("synchronous", "Preferred");
  }

  private void inSync() {
    situation.seen(A, B, "streaming", "sync", 0L);
  }

  private static PksReplicaPair streaming() {
    return streaming(json -> { });
  }

  private static PksReplicaPair streaming(Consumer<ObjectNode> edit) {
    PksReplicaPair pair = TestPairs.example(edit);
    pair.setStatus(Situation.status(Phase.Streaming, A, null, List.of(), null, B));
    return pair;
  }

  private static PksReplicaPair restarting(String member, List<String> stopped) {
    PksReplicaPair pair = TestPairs.example();
    pair.setStatus(Situation.status(Phase.Restarting, A, null, stopped, null, B).toBuilder().restartingMember(member)
        .build());
    return pair;
  }
}
