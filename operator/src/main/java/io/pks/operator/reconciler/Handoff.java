package io.pks.operator.reconciler;

import java.time.Duration;
import java.util.Optional;

import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.api.v1alpha1.SynchronousMode;
import io.pks.operator.model.PairRoles;

/**
 * What the recorded step waits for that only the probe can show: a member just started answering
 * as primary, a standby just started streaming, synchronous replication just enabled shown as
 * {@code sync}, a switchover's old primary stopped with its shutdown checkpoint replayed by the target. PostgreSQL tells nobody when these happen, so the next step would otherwise wait
 * for the next probe, up to an interval after the fact (the bootstrap waited three of them). While
 * one is awaited the monitor probes the pair at once and then at a short interval (BENCHMARKS.md,
 * "bootstrap").
 */
final class Handoff {
  /**
   * How often a pair is probed while a hand-off is awaited: each interval lengthens a switchover's
   * write gap (its writes stop from its old primary's stop until the target is promoted) and each
   * bootstrap or rejoin step (at 100 ms, a seeded standby's streaming was acted on 0.17 to 0.22 s
   * after its log said so; 0.09 s at 20 ms). A hand-off lasts well under a second when it goes
   * well, and {@link Handoffs#WINDOW} at most; over the kept sessions a probe costs each member
   * one query.
   */
  static final Duration INTERVAL = Duration.ofMillis(20);

  private Handoff() {
  }

  /**
   * The hand-off {@code pair}'s recorded status waits for, named (two different names are two
   * different hand-offs); empty when it waits for none the probe would show.
   */
  static Optional<String> awaited(PksReplicaPair pair) {
    PksReplicaPairStatus status = pair.getStatus();
    // Asked on every update, before the reconciler validates the spec: a spec it refuses (a
    // running pair edited to one member) names no peer to wait for.
    if (status == null || status.currentPrimary() == null || status.phase() == null
        || !ReplicationMonitor.probeable(pair)) {
      return Optional.empty();
    }
    String primary = PairRoles.currentPrimary(pair);
    String standby = PairRoles.standby(pair);
    return switch (status.phase()) {
      // Both members are held stopped while their Job runs: the one started has its Job done.
      case InitializingPrimary -> started(status, primary)
          ? Optional.of("primary " + primary + " answering") : Optional.empty();
      case SeedingStandby, Rejoining -> started(status, standby)
          ? Optional.of("standby " + standby + " streaming") : Optional.empty();
      // The old primary's clean stop, its shutdown checkpoint replayed by the target, before the promotion.
      case SwitchingOver -> Optional.ofNullable(status.targetPrimary()).map(target -> "switchover to " + target);
      case Streaming -> pair.getSpec().replication().synchronous() != SynchronousMode.Off
          && status.synchronousStandby() == null ? Optional.of("standby " + standby + " in sync") : Optional.empty();
      default -> Optional.empty();
    };
  }

  /** Not held at zero replicas: the status records its start. */
  private static boolean started(PksReplicaPairStatus status, String member) {
    return !status.stoppedMembers().contains(member);
  }
}
