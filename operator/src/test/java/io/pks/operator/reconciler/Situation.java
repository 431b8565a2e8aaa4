package io.pks.operator.reconciler;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.pks.operator.api.v1alpha1.MemberJob;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.api.v1alpha1.ReplicationStatus;
import io.pks.operator.postgres.ProbeResult;
import io.pks.operator.postgres.WalGap;

/**
 * The facts of one named situation for the decision tests: what the probes saw and when, the
 * Jobs, the pods, the cordoned nodes; {@link #decide} asks the lifecycle what to do. Both members'
 * pods exist and are Ready on schedulable nodes, and both members answered just now, unless a test
 * says otherwise.
 */
final class Situation {
  static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

  final Map<String, JobOutcome> jobs = new HashMap<>();
  final Map<String, Boolean> pods = new HashMap<>(Map.of("site-a", true, "site-b", true));
  ReplicationObservation observation;
  Instant primaryReachedAt = NOW;
  Instant standbyStreamedAt = NOW;
  String primaryWalLsn;
  String standbyReceivedLsn;
  /** When the standby last received from the primary, as it reports; null: not streaming. */
  Instant primaryHeardAt;
  /** What the standby needs of the primary's WAL and the primary no longer holds; null: nothing. */
  WalGap standbyWalGap;
  /** The recorded primary's latest probe answered 57P03 (starting up). */
  boolean primaryStarting;
  /** What the switchover's target shows of its old primary's clean stop; null: not asked. */
  ProbeResult.ShutdownCheckpoint shutdownCheckpoint;
  /** The hash of the rendered configuration; each member reports it seen and applied unless a test says otherwise. */
  static final String RENDERED = "rendered";
  final Map<String, ProbeResult.Settings> settings = new HashMap<>(Map.of(
      "site-a", new ProbeResult.Settings(RENDERED, RENDERED, List.of()),
      "site-b", new ProbeResult.Settings(RENDERED, RENDERED, List.of())));
  final Set<String> outdatedPods = new HashSet<>();
  /** Members whose pod runs on a cordoned node. */
  final Set<String> cordoned = new HashSet<>();

  LifecycleStep decide(PksReplicaPair pair) {
    return Lifecycle.decide(pair, facts());
  }

  PairFacts facts() {
    return new PairFacts(Optional.ofNullable(observation).map(o -> new ReplicationObservation(
        o.primary(), o.standby(), o.timeline(), o.replication(), primaryReachedAt, standbyStreamedAt, primaryWalLsn,
        standbyReceivedLsn, primaryStarting, primaryHeardAt, settings, standbyWalGap, shutdownCheckpoint)),
        jobs, pods, NOW, new PairFacts.Configuration(RENDERED, outdatedPods), new PairFacts.Nodes(cordoned));
  }

  /**
   * {@code member} reports the configuration file {@code fileHash} visible, {@code appliedHash} in
   * force, and {@code pendingRestart} waiting for a restart.
   */
  void reports(String member, String fileHash, String appliedHash, String... pendingRestart) {
    settings.put(member, new ProbeResult.Settings(fileHash, appliedHash, List.of(pendingRestart)));
  }

  /**
   * What the probe shows: who answers as primary and standby, the standby's state, sync state and
   * lag. A primary with a standby in sync waits for it (its synchronous_standby_names names it), one
   * without waits for none, unless {@link #primaryWaitsFor} says otherwise.
   */
  void seen(String primary, String standby, String state, String sync, Long lagBytes) {
    String names = primary == null ? null : "sync".equals(sync) ? waitingFor(standby) : "";
    observation = new ReplicationObservation(primary, standby, 1L,
        ReplicationStatus.builder().state(state).syncState(sync).lagBytes(lagBytes).synchronousStandbyNames(names)
            .observedAt(NOW.toString()).build(), NOW, NOW, null, null);
  }

  /** The primary's synchronous_standby_names as the probe read it: its commits wait for {@code member}. */
  void primaryWaitsFor(String member) {
    observation = new ReplicationObservation(observation.primary(), observation.standby(), observation.timeline(),
        observation.replication().toBuilder().synchronousStandbyNames(waitingFor(member)).build(), NOW, NOW, null,
        null);
  }

  private static String waitingFor(String member) {
    return "FIRST 1 (\"" + member + "\")";
  }

  static PksReplicaPairStatus status(Phase phase, String primary, String target, List<String> stopped,
      MemberJob job, String synchronousStandby) {
    return PksReplicaPairStatus.builder().observedGeneration(1L).phase(phase).currentPrimary(primary)
        .targetPrimary(target).stoppedMembers(stopped).job(job).synchronousStandby(synchronousStandby)
        .message("as recorded").build();
  }
}
