package io.pks.operator.reconciler;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.pks.operator.api.v1alpha1.ReplicationStatus;
import io.pks.operator.postgres.ProbeResult;
import io.pks.operator.postgres.WalGap;

/** Turns the probes of both members into one observation. Pure. */
final class ReplicationObservations {
  private ReplicationObservations() {
  }

  /** Without the clocks: for tests of what the probes show. */
  static ReplicationObservation of(ProbeResult first, ProbeResult second) {
    return of(first, second, first.observedAt(), first.observedAt());
  }

  /**
   * @param first the probe of the status's current primary
   * @param second the probe of its peer
   */
  static ReplicationObservation of(ProbeResult first, ProbeResult second, Instant primaryReachedAt,
      Instant standbyStreamedAt) {
    boolean primaryStarting = first.outcome() == ProbeResult.Outcome.STARTING;
    ProbeResult primary = asRole(first, second, ProbeResult.Role.PRIMARY);
    ProbeResult standby = asRole(first, second, ProbeResult.Role.STANDBY);
    if (primary == null) {
      return new ReplicationObservation(null, standby == null ? null : standby.member(), null,
          ReplicationStatus.builder().state(ReplicationObservation.STATE_UNKNOWN)
              .observedAt(first.observedAt().toString()).build(), primaryReachedAt, standbyStreamedAt, null,
          receivedLsn(standby), primaryStarting, heardAt(standby), settings(first, second), null,
          shutdownCheckpoint(standby));
    }
    ProbeResult.PrimaryView view = primary.primary();
    ProbeResult.StandbyStream stream = view.standbyStream();
    String slot = view.standbySlot() == null ? null : view.standbySlot().name();
    ReplicationStatus replication = stream == null
        ? ReplicationStatus.builder().state(ReplicationObservation.STATE_NONE).slot(slot)
            .synchronousStandbyNames(view.synchronousStandbyNames()).observedAt(primary.observedAt().toString()).build()
        : ReplicationStatus.builder().state(stream.state()).syncState(stream.syncState()).sentLsn(stream.sentLsn())
            .replayLsn(stream.replayLsn()).lagBytes(stream.lagBytes()).replayLagSeconds(stream.replayLagSeconds())
            .slot(slot).synchronousStandbyNames(view.synchronousStandbyNames())
            .observedAt(primary.observedAt().toString()).build();
    return new ReplicationObservation(primary.member(), standby == null ? null : standby.member(),
        primary.timeline(), replication, primaryReachedAt, standbyStreamedAt, view.currentWalLsn(),
        receivedLsn(standby), primaryStarting, heardAt(standby), settings(first, second),
        WalGap.between(primary, standby).orElse(null), shutdownCheckpoint(standby));
  }

  private static ProbeResult.ShutdownCheckpoint shutdownCheckpoint(ProbeResult standby) {
    return standby == null ? null : standby.standby().shutdownCheckpoint();
  }

  /** When the streaming standby last got a message from its primary, by its own clock's reckoning. */
  private static Instant heardAt(ProbeResult standby) {
    if (standby == null || !"streaming".equals(standby.standby().walReceiverStatus())
        || standby.standby().secondsSinceReceipt() == null) {
      return null;
    }
    return standby.observedAt().minusMillis(Math.round(standby.standby().secondsSinceReceipt() * 1000));
  }

  /** The configuration reports of the members that answered, by member. */
  private static Map<String, ProbeResult.Settings> settings(ProbeResult first, ProbeResult second) {
    Map<String, ProbeResult.Settings> settings = new HashMap<>();
    for (ProbeResult result : List.of(first, second)) {
      if (result.settings() != null) {
        settings.put(result.member(), result.settings());
      }
    }
    return settings;
  }

  private static String receivedLsn(ProbeResult standby) {
    return standby == null ? null : standby.standby().receiveLsn();
  }

  private static ProbeResult asRole(ProbeResult first, ProbeResult second, ProbeResult.Role role) {
    if (first.role() == role) {
      return first;
    }
    return second.role() == role ? second : null;
  }
}
