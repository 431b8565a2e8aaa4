package io.pks.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.MemberJob;
import io.pks.operator.api.v1alpha1.MemberJobKind;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.model.Jobs;
import io.pks.operator.reconciler.JobOutcome.State;
import io.pks.operator.reconciler.LifecycleStep.Action;

/** The bootstrap lifecycle, one named situation per test: the step and its reason. */
class LifecycleTest {
  private static final Instant NOW = Situation.NOW;
  private static final String A = "site-a";
  private static final String B = "site-b";

  private final Situation situation = new Situation();

  @Test
  void aNewPairInitialisesItsPrimaryWithBothMembersStopped() {
    LifecycleStep step = decide(TestPairs.example());
    assertThat(step.phase()).isEqualTo(Phase.InitializingPrimary);
    assertThat(step.currentPrimary()).isEqualTo(A);
    assertThat(step.stoppedMembers()).containsExactly(A, B);
    assertThat(step.job()).isEqualTo(new MemberJob("pks-site-a-initdb", A, MemberJobKind.Initdb));
    assertThat(step.actions()).isEmpty();
    assertThat(step.reason()).isEqualTo(EventReason.InitializingPrimary);
    assertThat(step.message()).isEqualTo("Initialising primary site-a: Job pks-site-a-initdb runs initdb on its volume.");
  }

  @Test
  void aPairWhoseFirstSpecWasRefusedStartsFromTheBeginningOnceValid() {
    LifecycleStep step = decide(pair(Phase.Failed, null, List.of(), null));
    assertThat(step.phase()).isEqualTo(Phase.InitializingPrimary);
    assertThat(step.job().kind()).isEqualTo(MemberJobKind.Initdb);
  }

  @Test
  void whileInitdbRunsTheRecordedStateStays() {
    PksReplicaPair pair = initializing(List.of(A, B));
    situation.jobs.put("pks-site-a-initdb", running());
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.InitializingPrimary);
    assertThat(step.stoppedMembers()).containsExactly(A, B);
    assertThat(step.job()).isEqualTo(pair.getStatus().job());
    assertThat(step.reason()).isNull();
    assertThat(step.message()).isEqualTo("Initialising primary site-a: waiting for Job pks-site-a-initdb.");
  }

  @Test
  void aFailedInitdbNeedsAHumanAndSaysHowToRetry() {
    situation.jobs.put("pks-site-a-initdb", failed("initdb failed: could not create directory: No space left on device", NOW));
    LifecycleStep step = decide(initializing(List.of(A, B)));
    assertThat(step.phase()).isEqualTo(Phase.Failed);
    assertThat(step.reason().type()).isEqualTo(EventReason.Type.Warning);
    assertThat(step.reason()).isEqualTo(EventReason.InitdbFailed);
    assertThat(step.stoppedMembers()).containsExactly(A, B);
    assertThat(step.message()).isEqualTo("Job pks-site-a-initdb could not initialise primary site-a: initdb failed:"
        + " could not create directory: No space left on device. Fix the cause, then delete the Job to run it again.");
  }

  @Test
  void afterTheFailedInitdbJobIsDeletedTheBootstrapWaitsForItsNewRun() {
    PksReplicaPair pair = pair(Phase.Failed, A, List.of(A, B), Jobs.initdb(TestPairs.example(), A));
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.InitializingPrimary);
    assertThat(step.job().name()).isEqualTo("pks-site-a-initdb");
  }

  @Test
  void aNewPairWithARecoveryRestoresItsPrimaryInPlaceOfInitdb() {
    LifecycleStep step = decide(TestPairs.restoring("2026-11-30T10:00:00Z"));
    assertThat(step.phase()).isEqualTo(Phase.InitializingPrimary);
    assertThat(step.stoppedMembers()).containsExactly(A, B);
    assertThat(step.job()).isEqualTo(new MemberJob("pks-site-a-restore", A, MemberJobKind.Restore));
    assertThat(step.reason()).isEqualTo(EventReason.InitializingPrimary);
    assertThat(step.message()).isEqualTo("Initialising primary site-a: Job pks-site-a-restore restores the backups"
        + " of old-pks to time 2026-11-30T10:00:00Z on its volume.");
    assertThat(decide(TestPairs.restoring(null)).message()).contains("to the end of its archive");
  }

  @Test
  void aRestoreTargetOutsideTheRecoverableRangeFailsThePairWithTheJobsReason() {
    PksReplicaPair pair = restoring(List.of(A, B));
    situation.jobs.put("pks-site-a-restore", failed("restore: target time 2026-11-30T10:00:00Z is after the last"
        + " WAL archived by old-pks", NOW));
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.Failed);
    assertThat(step.reason()).isEqualTo(EventReason.RestoreFailed);
    assertThat(step.reason().type()).isEqualTo(EventReason.Type.Warning);
    assertThat(step.stoppedMembers()).containsExactly(A, B);
    assertThat(step.message()).isEqualTo("Job pks-site-a-restore could not restore primary site-a: restore: target"
        + " time 2026-11-30T10:00:00Z is after the last WAL archived by old-pks. Fix the cause"
        + " (spec.bootstrap.recovery), then delete the Job to run it again.");
  }

  @Test
  void afterTheFailedRestoreJobIsDeletedTheBootstrapWaitsForItsNewRun() {
    PksReplicaPair pair = restoring(List.of(A, B));
    pair.setStatus(status(Phase.Failed, A, List.of(A, B), pair.getStatus().job()));
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.InitializingPrimary);
    assertThat(step.job().kind()).isEqualTo(MemberJobKind.Restore);
    assertThat(step.message()).isEqualTo("Initialising primary site-a: waiting for Job pks-site-a-restore.");
  }

  @Test
  void aRestoredPrimaryStartsThenItsStandbyIsSeededAsUsual() {
    situation.jobs.put("pks-site-a-restore", succeeded());
    LifecycleStep started = decide(restoring(List.of(A, B)));
    assertThat(started.stoppedMembers()).containsExactly(B);
    assertThat(started.reason()).isEqualTo(EventReason.PrimaryInitialized);
    assertThat(started.message()).isEqualTo("Primary site-a restored by Job pks-site-a-restore; starting it.");

    situation.seen(A, null, "none", null, 0L);
    LifecycleStep seeding = decide(restoring(List.of(B)));
    assertThat(seeding.phase()).isEqualTo(Phase.SeedingStandby);
    assertThat(seeding.actions()).containsExactly(Action.CONFIGURE_REPLICATION);
    assertThat(seeding.job()).isEqualTo(new MemberJob("pks-site-b-seed-1", B, MemberJobKind.Seed));
  }

  @Test
  void aSuccessfulInitdbStartsThePrimaryOnly() {
    situation.jobs.put("pks-site-a-initdb", succeeded());
    LifecycleStep step = decide(initializing(List.of(A, B)));
    assertThat(step.phase()).isEqualTo(Phase.InitializingPrimary);
    assertThat(step.stoppedMembers()).containsExactly(B);
    assertThat(step.reason()).isEqualTo(EventReason.PrimaryInitialized);
  }

  @Test
  void theStartedPrimaryIsWaitedForUntilItAnswers() {
    situation.jobs.put("pks-site-a-initdb", succeeded());
    situation.seen(null, null, "unknown", null, 0L);
    LifecycleStep step = decide(initializing(List.of(B)));
    assertThat(step.phase()).isEqualTo(Phase.InitializingPrimary);
    assertThat(step.actions()).isEmpty();
    assertThat(step.message()).isEqualTo("Primary site-a initialised; waiting for it to accept connections.");
  }

  /** The seed reaches the primary by its own Service, not -rw: its pod's readiness check is not waited for. */
  @Test
  void anAnsweringPrimaryIsSeededFromBeforeItsPodIsReady() {
    situation.jobs.put("pks-site-a-initdb", succeeded());
    situation.pods.put(A, false);
    situation.seen(A, null, "none", null, 0L);
    LifecycleStep step = decide(initializing(List.of(B)));
    assertThat(step.phase()).isEqualTo(Phase.SeedingStandby);
    assertThat(step.job()).isEqualTo(new MemberJob("pks-site-b-seed-1", B, MemberJobKind.Seed));
  }

  @Test
  void anAnsweringPrimaryGetsTheRoleAndSlotThenTheStandbyIsSeeded() {
    situation.jobs.put("pks-site-a-initdb", succeeded());
    situation.seen(A, null, "none", null, 0L);
    LifecycleStep step = decide(initializing(List.of(B)));
    assertThat(step.phase()).isEqualTo(Phase.SeedingStandby);
    assertThat(step.actions()).containsExactly(Action.CONFIGURE_REPLICATION);
    assertThat(step.job()).isEqualTo(new MemberJob("pks-site-b-seed-1", B, MemberJobKind.Seed));
    assertThat(step.stoppedMembers()).containsExactly(B);
    assertThat(step.reason()).isEqualTo(EventReason.SeedingStandby);
  }

  @Test
  void seedAttemptsAreNumberedAfterTheJobsThatExist() {
    situation.jobs.put("pks-site-a-initdb", succeeded());
    situation.jobs.put("pks-site-b-seed-1", succeeded());
    situation.jobs.put("pks-site-b-seed-2", failed("x", NOW));
    situation.seen(A, null, "none", null, 0L);
    assertThat(decide(initializing(List.of(B))).job().name()).isEqualTo("pks-site-b-seed-3");
  }

  @Test
  void whileTheSeedRunsTheStandbyStaysStopped() {
    situation.jobs.put("pks-site-b-seed-1", running());
    LifecycleStep step = decide(seeding(List.of(B), 1));
    assertThat(step.phase()).isEqualTo(Phase.SeedingStandby);
    assertThat(step.stoppedMembers()).containsExactly(B);
    assertThat(step.message()).isEqualTo("Seeding standby site-b from site-a: waiting for Job pks-site-b-seed-1.");
  }

  @Test
  void aSeedThatJustFailedIsReportedAndRetriedAfterAPause() {
    situation.jobs.put("pks-site-b-seed-1", failed("primary 127.0.0.1:5432 unreachable: Connection refused", NOW.minusSeconds(5)));
    LifecycleStep step = decide(seeding(List.of(B), 1));
    assertThat(step.phase()).isEqualTo(Phase.SeedingStandby);
    assertThat(step.job().name()).isEqualTo("pks-site-b-seed-1");
    assertThat(step.reason().type()).isEqualTo(EventReason.Type.Warning);
    assertThat(step.reason()).isEqualTo(EventReason.SeedFailed);
    assertThat(step.message()).isEqualTo("Job pks-site-b-seed-1 could not seed standby site-b: primary 127.0.0.1:5432"
        + " unreachable: Connection refused. Retrying in 30 s; the standby's previous data is untouched.");
  }

  @Test
  void aSeedThatFailedLongerAgoThanThePauseIsRetriedWithANewJob() {
    situation.jobs.put("pks-site-b-seed-1", failed("boom", NOW.minus(Lifecycle.SEED_RETRY_DELAY)));
    LifecycleStep step = decide(seeding(List.of(B), 1));
    assertThat(step.job().name()).isEqualTo("pks-site-b-seed-2");
    assertThat(step.reason()).isEqualTo(EventReason.SeedRetried);
    assertThat(step.stoppedMembers()).containsExactly(B);
  }

  @Test
  void aSeedRefusedForNewerDataNeedsAHumanAndNamesTheNewerMember() {
    situation.jobs.put("pks-site-b-seed-1", refused(NEWER_DATA));
    LifecycleStep step = decide(seeding(List.of(B), 1));
    assertThat(step.phase()).isEqualTo(Phase.Failed);
    assertThat(step.reason()).isEqualTo(EventReason.SeedRefused);
    assertThat(step.reason().type()).isEqualTo(EventReason.Type.Warning);
    assertThat(step.job().name()).isEqualTo("pks-site-b-seed-1");
    assertThat(step.stoppedMembers()).containsExactly(B);
    assertThat(step.message()).isEqualTo("Job pks-site-b-seed-1 refused to seed site-b from primary site-a: "
        + NEWER_DATA + ". To keep site-b's data, set spec.primary: site-b (site-a is then re-seeded from it and"
        + " loses what it holds that site-b lacks); to discard it, delete site-b's volume (claim"
        + " data-pks-site-b-0), then the Job.");
  }

  @Test
  void aRefusedSeedStaysFailedUntilTheUserChooses() {
    situation.jobs.put("pks-site-b-seed-1", refused(NEWER_DATA));
    LifecycleStep step = decide(pair(Phase.Failed, A, List.of(B), Jobs.seed(TestPairs.example(), B, 1)));
    assertThat(step.phase()).isEqualTo(Phase.Failed);
    assertThat(step.job().name()).isEqualTo("pks-site-b-seed-1");
  }

  @Test
  void afterARefusedSeedSpecPrimaryNamingTheNewerMemberInitialisesItAsThePrimary() {
    situation.jobs.put("pks-site-b-seed-1", refused(NEWER_DATA));
    PksReplicaPair pair = TestPairs.example(json -> TestPairs.spec(json).put("primary", B));
    pair.setStatus(status(Phase.Failed, A, List.of(B), Jobs.seed(TestPairs.example(), B, 1)));
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.InitializingPrimary);
    assertThat(step.currentPrimary()).isEqualTo(B);
    assertThat(step.stoppedMembers()).containsExactlyInAnyOrder(A, B);
    assertThat(step.job()).isEqualTo(new MemberJob("pks-site-b-initdb", B, MemberJobKind.Initdb));
    assertThat(step.state().requestedPrimary()).isEqualTo(B);
    assertThat(step.reason()).isEqualTo(EventReason.InitializingPrimary);
    assertThat(step.message()).isEqualTo("Initialising primary site-b: Job pks-site-b-initdb keeps the newer data"
        + " on its volume (spec.primary); site-a is then re-seeded from it.");
  }

  @Test
  void aRejoinRefusedIsNotTurnedIntoABootstrapBySpecPrimaryLeftUnchanged() {
    situation.jobs.put("pks-site-a-seed-1", refused(NEWER_DATA));
    PksReplicaPair pair = TestPairs.example();
    pair.setStatus(PksReplicaPairStatus.builder().observedGeneration(1L).phase(Phase.Failed).currentPrimary(B)
        .requestedPrimary(A).stoppedMembers(List.of(A)).job(Jobs.seed(pair, A, 1)).message("as recorded").build());
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.Failed);
    assertThat(step.currentPrimary()).isEqualTo(B);
    assertThat(step.reason()).isEqualTo(EventReason.SeedRefused);
  }

  @Test
  void aSuccessfulSeedStartsTheStandby() {
    situation.jobs.put("pks-site-b-seed-1", succeeded());
    LifecycleStep step = decide(seeding(List.of(B), 1));
    assertThat(step.phase()).isEqualTo(Phase.SeedingStandby);
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.reason()).isEqualTo(EventReason.StandbySeeded);
  }

  @Test
  void theSeededStandbyIsWaitedForUntilItStreams() {
    situation.jobs.put("pks-site-b-seed-1", succeeded());
    situation.seen(A, B, "catchup", "async", 0L);
    LifecycleStep step = decide(seeding(List.of(), 1));
    assertThat(step.phase()).isEqualTo(Phase.SeedingStandby);
    assertThat(step.message()).isEqualTo("Standby site-b seeded; waiting for it to stream from site-a.");
  }

  @Test
  void aStreamingStandbyMakesThePairStreamingAndSynchronous() {
    situation.jobs.put("pks-site-b-seed-1", succeeded());
    situation.seen(A, B, "streaming", "async", 0L);
    LifecycleStep step = decide(seeding(List.of(), 1));
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.job()).isNull();
    assertThat(step.stoppedMembers()).isEmpty();
    assertThat(step.actions()).containsExactly(Action.ENABLE_SYNC);
    assertThat(step.message()).isEqualTo("Primary site-a streams to standby site-b synchronously.");
  }

  @Test
  void synchronousReplicationIsNotEnabledAgainOnceThePrimaryReportsSync() {
    situation.seen(A, B, "streaming", "sync", 0L);
    assertThat(decide(pair(Phase.Streaming, A, List.of(), null)).actions()).isEmpty();
  }

  @Test
  void anAsynchronousPairNeverEnablesSync() {
    PksReplicaPair pair = TestPairs.example(json -> TestPairs.spec(json).with("replication").put("synchronous", "Off"));
    pair.setStatus(status(Phase.Streaming, A, List.of(), null));
    situation.seen(A, B, "streaming", "async", 0L);
    LifecycleStep step = decide(pair);
    assertThat(step.actions()).isEmpty();
    assertThat(step.message()).isEqualTo("Primary site-a streams to standby site-b asynchronously.");
  }

  @Test
  void aStreamingPairWhoseStandbyStopsStreamingIsDegraded() {
    situation.seen(A, null, "none", null, 0L);
    LifecycleStep step = decide(pair(Phase.Streaming, A, List.of(), null));
    assertThat(step.phase()).isEqualTo(Phase.Degraded);
    assertThat(step.reason().type()).isEqualTo(EventReason.Type.Warning);
    assertThat(step.message()).isEqualTo("Standby site-b is not streaming from primary site-a (none);"
        + " synchronous: Required, so commits wait until it is back.");
  }

  @Test
  void rightAfterAnOperatorRestartNothingIsDecidedBeforeTheFirstProbe() {
    PksReplicaPair pair = pair(Phase.Streaming, A, List.of(), null);
    LifecycleStep step = decide(pair);
    assertThat(step.phase()).isEqualTo(Phase.Streaming);
    assertThat(step.actions()).isEmpty();
    assertThat(step.reason()).isNull();
    assertThat(step.message()).isEqualTo(pair.getStatus().message());
  }

  // --- what moves the pair on: only events, or also a clock --------------------------------------

  @Test
  void whileThePrimarysJobRunsOrItsFirstStartIsAwaitedOnlyEventsMoveThePairOn() {
    situation.jobs.put("pks-site-a-initdb", running());
    assertThat(waitsOnlyForEvents(initializing(List.of(A, B)))).as("the Job's outcome").isTrue();
    situation.jobs.put("pks-site-a-initdb", succeeded());
    situation.seen(null, null, "unknown", null, 0L);
    assertThat(waitsOnlyForEvents(initializing(List.of(B)))).as("the primary's first answer, its pod Ready").isTrue();
    assertThat(waitsOnlyForEvents(restoring(List.of(A, B)))).as("a restore Job's outcome").isTrue();
  }

  @Test
  void aFailedInitdbWaitsForTheUserNotForAClock() {
    situation.jobs.put("pks-site-a-initdb", failed("initdb failed", NOW));
    assertThat(waitsOnlyForEvents(pair(Phase.Failed, A, List.of(A, B), Jobs.initdb(TestPairs.example(), A)))).isTrue();
  }

  @Test
  void whileTheSeedRunsOnlyItsOutcomeMovesThePairOn() {
    situation.jobs.put("pks-site-b-seed-1", running());
    assertThat(waitsOnlyForEvents(seeding(List.of(B), 1))).isTrue();
  }

  @Test
  void aFailedSeedIsRetriedOnAClock() {
    situation.jobs.put("pks-site-b-seed-1", failed("boom", NOW.minusSeconds(5)));
    assertThat(waitsOnlyForEvents(seeding(List.of(B), 1))).as("its retry pause").isFalse();
  }

  @Test
  void aRunningPairWhoseMembersDoNotAnswerIsLookedAtOnItsClocks() {
    situation.seen(null, null, "unknown", null, 0L);
    assertThat(waitsOnlyForEvents(pair(Phase.Streaming, A, List.of(), null))).as("the failover clock").isFalse();
    situation.jobs.put("pks-site-b-seed-1", succeeded());
    assertThat(waitsOnlyForEvents(seeding(List.of(), 1))).as("the seeded standby's first stream").isFalse();
  }

  private boolean waitsOnlyForEvents(PksReplicaPair pair) {
    return Lifecycle.waitsOnlyForEvents(pair, situation.facts());
  }

  private LifecycleStep decide(PksReplicaPair pair) {
    return situation.decide(pair);
  }

  private static PksReplicaPair initializing(List<String> stopped) {
    return pair(Phase.InitializingPrimary, A, stopped, Jobs.initdb(TestPairs.example(), A));
  }

  private static PksReplicaPair restoring(List<String> stopped) {
    PksReplicaPair pair = TestPairs.restoring("2026-11-30T10:00:00Z");
    pair.setStatus(status(Phase.InitializingPrimary, A, stopped, Jobs.bootstrap(pair, A)));
    return pair;
  }

  private static PksReplicaPair seeding(List<String> stopped, int attempt) {
    return pair(Phase.SeedingStandby, A, stopped, Jobs.seed(TestPairs.example(), B, attempt));
  }

  private static PksReplicaPair pair(Phase phase, String primary, List<String> stopped, MemberJob job) {
    PksReplicaPair pair = TestPairs.example();
    pair.setStatus(status(phase, primary, stopped, job));
    return pair;
  }

  private static PksReplicaPairStatus status(Phase phase, String primary, List<String> stopped, MemberJob job) {
    return Situation.status(phase, primary, null, stopped, job, null);
  }


  private static JobOutcome running() {
    return new JobOutcome(State.RUNNING, null, null);
  }

  private static JobOutcome succeeded() {
    return new JobOutcome(State.SUCCEEDED, null, NOW);
  }

  private static final String NEWER_DATA = "site-b holds newer data than the primary: its data reached timeline 2,"
      + " the primary's is 1; previous data in /var/lib/postgresql/data/pgdata left untouched";

  private static JobOutcome refused(String reason) {
    return new JobOutcome(State.REFUSED, reason, NOW);
  }

  private static JobOutcome failed(String reason, Instant at) {
    return new JobOutcome(State.FAILED, reason, at);
  }
}
