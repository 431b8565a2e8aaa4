package io.pks.operator.reconciler;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ArrayNode;

import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.MemberJob;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Jobs;

import static org.assertj.core.api.Assertions.assertThat;

/** Which recorded steps wait for something only the probe shows, and how long they are probed for it. */
class HandoffTest {
  private static final String A = "site-a";
  private static final String B = "site-b";
  private static final Instant NOW = Situation.NOW;

  private static PksReplicaPair pair(Phase phase, List<String> stopped, MemberJob job, String synchronousStandby) {
    PksReplicaPair pair = TestPairs.example();
    pair.setStatus(Situation.status(phase, A, null, stopped, job, synchronousStandby));
    return pair;
  }

  static PksReplicaPair initdbRunning() {
    return pair(Phase.InitializingPrimary, List.of(A, B), Jobs.initdb(TestPairs.example(), A), null);
  }

  static PksReplicaPair primaryStarted() {
    return pair(Phase.InitializingPrimary, List.of(B), Jobs.initdb(TestPairs.example(), A), null);
  }

  static PksReplicaPair standbyStarted() {
    return pair(Phase.SeedingStandby, List.of(), Jobs.seed(TestPairs.example(), B, 1), null);
  }

  @Test
  void nothingIsAwaitedWhileAJobRunsOrBeforeTheFirstStep() {
    assertThat(Handoff.awaited(TestPairs.example())).isEmpty();
    assertThat(Handoff.awaited(initdbRunning())).isEmpty();
    assertThat(Handoff.awaited(pair(Phase.SeedingStandby, List.of(B), Jobs.seed(TestPairs.example(), B, 1), null)))
        .isEmpty();
  }

  /**
   * The monitor asks on every update, before the reconciler validates the spec: a running pair
   * edited to name one member only threw here (no peer of site-a), logged by the informer as an
   * event handler's failure (HostileSpecsIT).
   */
  @Test
  void aPairWhoseSpecIsRefusedAwaitsNothing() {
    PksReplicaPair oneMember = TestPairs.example(json -> ((ArrayNode) TestPairs.spec(json).get("members")).remove(1));
    oneMember.setStatus(standbyStarted().getStatus());
    assertThat(Handoff.awaited(oneMember)).isEmpty();
  }

  @Test
  void aStartedPrimaryIsAwaitedAnswering() {
    assertThat(Handoff.awaited(primaryStarted())).contains("primary site-a answering");
  }

  @Test
  void aSeededStandbyIsAwaitedStreaming() {
    assertThat(Handoff.awaited(standbyStarted())).contains("standby site-b streaming");
    assertThat(Handoff.awaited(pair(Phase.Rejoining, List.of(), Jobs.seed(TestPairs.example(), B, 1), null)))
        .contains("standby site-b streaming");
  }

  @Test
  void streamingIsAwaitedInSyncUntilTheStatusNamesTheSynchronousStandby() {
    assertThat(Handoff.awaited(pair(Phase.Streaming, List.of(), null, null))).contains("standby site-b in sync");
    assertThat(Handoff.awaited(pair(Phase.Streaming, List.of(), null, B))).isEmpty();
    PksReplicaPair asynchronous = TestPairs.example(json -> TestPairs.spec(json).with("replication")
        .put("synchronous", "Off"));
    asynchronous.setStatus(Situation.status(Phase.Streaming, A, null, List.of(), null, null));
    assertThat(Handoff.awaited(asynchronous)).isEmpty();
  }

  @Test
  void aSwitchoverIsAwaitedUntilItPromotes() {
    PksReplicaPair switching = TestPairs.example();
    switching.setStatus(Situation.status(Phase.SwitchingOver, A, B, List.of(A), null, B));
    assertThat(Handoff.awaited(switching)).contains("switchover to site-b");
  }

  @Test
  void steadyAndFailingStatesAwaitNothing() {
    assertThat(Handoff.awaited(pair(Phase.Degraded, List.of(), null, null))).isEmpty();
    assertThat(Handoff.awaited(pair(Phase.Failed, List.of(), null, null))).isEmpty();
  }

  @Test
  void aNewHandoffIsProbedAtOnceThenAtTheShortIntervalForAWindow() {
    Handoffs handoffs = new Handoffs();
    assertThat(handoffs.begins(primaryStarted(), initdbRunning(), NOW)).isEqualTo(Handoffs.Start.PROBING);
    assertThat(handoffs.stillDue(primaryStarted(), NOW.plus(Handoffs.WINDOW).minusMillis(1))).isTrue();
    assertThat(handoffs.stillDue(primaryStarted(), NOW.plus(Handoffs.WINDOW))).isFalse();
    // Another update recording the same hand-off (a message, a condition) is not a new one.
    assertThat(handoffs.begins(primaryStarted(), primaryStarted(), NOW.plus(Handoffs.WINDOW)))
        .isEqualTo(Handoffs.Start.NOTHING);
  }

  @Test
  void theNextHandoffIsProbedOnceAtOnceAndContinuesTheProbingWithAWindowOfItsOwn() {
    Handoffs handoffs = new Handoffs();
    assertThat(handoffs.begins(primaryStarted(), initdbRunning(), NOW)).isEqualTo(Handoffs.Start.PROBING);
    Instant later = NOW.plusSeconds(20);
    // Already probed at the short interval: one probe now, no second probing of the same pair.
    assertThat(handoffs.begins(standbyStarted(), primaryStarted(), later)).isEqualTo(Handoffs.Start.ONE_PROBE);
    assertThat(handoffs.stillDue(standbyStarted(), later.plus(Handoffs.WINDOW).minusMillis(1))).isTrue();
  }

  @Test
  void theProbingEndsWithTheHandoff() {
    Handoffs handoffs = new Handoffs();
    handoffs.begins(primaryStarted(), initdbRunning(), NOW);
    assertThat(handoffs.stillDue(pair(Phase.Streaming, List.of(), null, B), NOW)).isFalse();
    // Ended: the next hand-off starts a probing again.
    assertThat(handoffs.begins(standbyStarted(), primaryStarted(), NOW)).isEqualTo(Handoffs.Start.PROBING);
  }

  @Test
  void aPairAwaitingNothingIsProbedAtTheNormalInterval() {
    Handoffs handoffs = new Handoffs();
    assertThat(handoffs.begins(initdbRunning(), TestPairs.example(), NOW)).isEqualTo(Handoffs.Start.NOTHING);
    assertThat(handoffs.stillDue(initdbRunning(), NOW)).isFalse();
  }
}
