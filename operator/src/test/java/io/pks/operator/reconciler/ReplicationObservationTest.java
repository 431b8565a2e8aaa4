package io.pks.operator.reconciler;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.pks.operator.api.v1alpha1.ReplicationStatus;
import io.pks.operator.postgres.ProbeResult;
import io.pks.operator.postgres.WalGap;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicationObservationTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  private static final ProbeResult.Settings SETTINGS = new ProbeResult.Settings("h1", "h1", java.util.List.of());

  private static ProbeResult primary(String state, String sync, Long lag, String lsn) {
    return new ProbeResult("site-a", ProbeResult.Outcome.REACHABLE, null, ProbeResult.Role.PRIMARY, 1L,
        new ProbeResult.PrimaryView(lsn, state == null ? null
            : new ProbeResult.StandbyStream(state, sync, lsn, lsn, lsn, lsn, lag, 0.0),
            new ProbeResult.Slot("pks_site_b", state != null, lsn), "sync".equals(sync) ? "FIRST 1 (site_b)" : "", null),
        null, SETTINGS, NOW);
  }

  private static ProbeResult standby() {
    return standby(SETTINGS);
  }

  private static ProbeResult standby(ProbeResult.Settings settings) {
    return new ProbeResult("site-b", ProbeResult.Outcome.REACHABLE, null, ProbeResult.Role.STANDBY, 1L, null,
        new ProbeResult.StandbyView("0/3000000", "0/3000000", "streaming", 2.5, null), settings, NOW);
  }

  private static ProbeResult unreachable(String member) {
    return new ProbeResult(member, ProbeResult.Outcome.UNREACHABLE, "Connection refused", null, null, null, null,
        null, NOW);
  }

  @Test
  void rolesAndReplicationComeFromThePrimarysView() {
    ReplicationObservation observation = ReplicationObservations.of(standby(), primary("streaming", "sync", 0L,
        "0/3000148"));
    assertThat(observation.primary()).isEqualTo("site-a");
    assertThat(observation.standby()).isEqualTo("site-b");
    assertThat(observation.timeline()).isEqualTo(1L);
    assertThat(observation.replication()).isEqualTo(ReplicationStatus.builder().state("streaming").syncState("sync")
        .sentLsn("0/3000148").replayLsn("0/3000148").lagBytes(0L).replayLagSeconds(0.0).slot("pks_site_b")
        .synchronousStandbyNames("FIRST 1 (site_b)").observedAt(NOW.toString()).build());
    assertThat(observation.streaming()).isTrue();
  }

  @Test
  void aStandbyThatNeedsWalThePrimaryRemovedIsAChangeOfTheObservation() {
    ProbeResult keepingFrom5 = new ProbeResult("site-a", ProbeResult.Outcome.REACHABLE, null, ProbeResult.Role.PRIMARY,
        2L, new ProbeResult.PrimaryView("0/6000000", null, null, "", "0/5000000"), null, SETTINGS, NOW);
    ProbeResult askingFor3 = new ProbeResult("site-b", ProbeResult.Outcome.REACHABLE, null, ProbeResult.Role.STANDBY,
        1L, null, new ProbeResult.StandbyView("0/3000000", "0/3000000", "waiting", null, null), SETTINGS, NOW);
    ReplicationObservation gap = ReplicationObservations.of(keepingFrom5, askingFor3);
    assertThat(gap.standbyWalGap()).isEqualTo(new WalGap("0/3000000", "0/5000000"));
    ReplicationObservation held = ReplicationObservations.of(primary(null, null, null, "0/6000000"), askingFor3);
    assertThat(held.standbyWalGap()).isNull();
    assertThat(gap).as("a reconcile decides on it").isNotEqualTo(held);
  }

  /** A switchover's decision waits on it: its arrival must trigger a reconcile. */
  @Test
  void theTargetsShutdownCheckpointIsAChangeOfTheObservation() {
    ProbeResult shuttingDown = new ProbeResult("site-a", ProbeResult.Outcome.STARTING,
        "FATAL: the database system is shutting down", null, null, null, null, null, NOW);
    ReplicationObservation waiting = ReplicationObservations.of(shuttingDown, target(null));
    ReplicationObservation proven = ReplicationObservations.of(shuttingDown, target("0/3000028"));
    assertThat(proven.shutdownCheckpoint()).isEqualTo(new ProbeResult.ShutdownCheckpoint(true, "0/3000028"));
    assertThat(proven).as("a reconcile decides on it").isNotEqualTo(waiting);
    assertThat(ReplicationObservations.of(shuttingDown, standby()).shutdownCheckpoint()).as("not asked").isNull();
  }

  private static ProbeResult target(String shutdownCheckpoint) {
    return new ProbeResult("site-b", ProbeResult.Outcome.REACHABLE, null, ProbeResult.Role.STANDBY, 1L, null,
        new ProbeResult.StandbyView("0/3000100", "0/3000100", "streaming", 0.1,
            new ProbeResult.ShutdownCheckpoint(true, shutdownCheckpoint)), SETTINGS, NOW);
  }

  @Test
  void aPrimaryWithoutStandbyReportsNone() {
    ReplicationObservation observation = ReplicationObservations.of(primary(null, null, null, "0/3000148"),
        unreachable("site-b"));
    assertThat(observation.replication().state()).isEqualTo("none");
    assertThat(observation.standby()).isNull();
    assertThat(observation.streaming()).isFalse();
  }

  @Test
  void aPrimaryAnsweringThatItIsStartingUpIsShownAsSuchAndIsAChange() {
    ProbeResult starting = new ProbeResult("site-a", ProbeResult.Outcome.STARTING,
        "FATAL: the database system is starting up", null, null, null, null, null, NOW);
    ReplicationObservation observation = ReplicationObservations.of(starting, standby());
    assertThat(observation.primary()).isNull();
    assertThat(observation.primaryStarting()).isTrue();
    assertThat(observation).isNotEqualTo(ReplicationObservations.of(unreachable("site-a"), standby()));
    assertThat(ReplicationObservations.of(unreachable("site-a"), standby()).primaryStarting()).isFalse();
  }

  @Test
  void theStandbysLastReceiptFromItsPrimaryIsWhenThePrimaryWasLastHeardOf() {
    ReplicationObservation observation = ReplicationObservations.of(unreachable("site-a"), standby());
    assertThat(observation.primaryHeardAt()).isEqualTo(NOW.minusMillis(2_500));
  }

  @Test
  void noPrimaryReachableIsUnknown() {
    ReplicationObservation observation = ReplicationObservations.of(unreachable("site-a"), standby());
    assertThat(observation.primary()).isNull();
    assertThat(observation.replication().state()).isEqualTo("unknown");
  }

  @Test
  void aMembersConfigurationReportIsKeptByMemberAndIsAChange() {
    ProbeResult.Settings reloaded = new ProbeResult.Settings("h2", "h2", java.util.List.of("shared_buffers"));
    ReplicationObservation before = ReplicationObservations.of(primary("streaming", "sync", 0L, "0/3000148"), standby());
    ReplicationObservation after = ReplicationObservations.of(primary("streaming", "sync", 0L, "0/3000148"),
        standby(reloaded));
    assertThat(after.settings()).containsEntry("site-b", reloaded).containsEntry("site-a", SETTINGS);
    assertThat(after).isNotEqualTo(before);
    assertThat(ReplicationObservations.of(primary("streaming", "sync", 0L, "0/3000148"), unreachable("site-b"))
        .settings()).containsOnlyKeys("site-a");
  }

  @Test
  void newWalAloneIsNotAChangeWorthWriting() {
    assertThat(ReplicationObservations.of(primary("streaming", "sync", 0L, "0/3000148"), standby()))
        .isEqualTo(ReplicationObservations.of(primary("streaming", "sync", 0L, "0/5000000"), standby()));
    assertThat(ReplicationObservations.of(primary("streaming", "sync", 100L, "0/3000148"), standby()))
        .isEqualTo(ReplicationObservations.of(primary("streaming", "sync", 60_000L, "0/3000148"), standby()));
  }

  @Test
  void stateSyncAndLagBucketsAreChanges() {
    ReplicationObservation base = ReplicationObservations.of(primary("streaming", "sync", 0L, "0/1"), standby());
    assertThat(ReplicationObservations.of(primary("catchup", "sync", 0L, "0/1"), standby())).isNotEqualTo(base);
    assertThat(ReplicationObservations.of(primary("streaming", "async", 0L, "0/1"), standby())).isNotEqualTo(base);
    assertThat(ReplicationObservations.of(primary("streaming", "sync", 1L, "0/1"), standby()))
        .as("a few bytes of idle WAL").isEqualTo(base);
    assertThat(ReplicationObservations.of(primary("streaming", "sync", 65L << 10, "0/1"), standby())).isNotEqualTo(base);
    assertThat(ReplicationObservations.of(primary("streaming", "sync", 2L << 20, "0/1"), standby()))
        .isNotEqualTo(ReplicationObservations.of(primary("streaming", "sync", 100L, "0/1"), standby()));
  }
}
