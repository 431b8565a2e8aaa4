package io.pks.operator.reconciler;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Condition;
import io.pks.operator.api.v1alpha1.ConfigurationStatus;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.model.Names;
import io.pks.operator.model.SipRouting;
import io.pks.operator.validation.Violation;

/**
 * Computes the next status from the current one and what the reconcile found. Pure: the reconciler
 * compares the result with the current status and writes only when they differ, so an idle pair
 * costs no API writes.
 */
final class StatusAggregator {
  private final Clock clock;

  StatusAggregator(Clock clock) {
    this.clock = clock;
  }

  /** The spec was refused: say why, change nothing else. */
  PksReplicaPairStatus invalid(PksReplicaPair pair, List<Violation> violations) {
    PksReplicaPairStatus current = current(pair);
    String message = "spec refused, nothing was changed: "
        + violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
    List<Condition> conditions = Conditions.set(current.conditions(), Conditions.SPEC_VALID, false,
        "InvalidSpec", message, generation(pair), now());
    // A pair that never had valid objects has nothing running: a human must fix the spec.
    Phase phase = current.phase() != null ? current.phase() : Phase.Failed;
    return current.toBuilder().phase(phase).conditions(conditions).message(message).build();
  }

  /**
   * Every object of the pair is in place and the lifecycle decided {@code step} from
   * {@code facts}; their observation is the latest probe of its members, absent until the first probe.
   */
  PksReplicaPairStatus reconciled(PksReplicaPair pair, PairFacts facts, LifecycleStep step) {
    Optional<ReplicationObservation> observation = facts.observation();
    PksReplicaPairStatus current = current(pair);
    Long generation = generation(pair);
    String sipSite = SipRouting.activeSite(pair);
    List<Condition> conditions = Conditions.set(current.conditions(), Conditions.SPEC_VALID, true,
        "Valid", "The spec is valid.", generation, now());
    conditions = Conditions.set(conditions, Conditions.SIP_ROUTED, true, "ServiceSelectsSite",
        "Service " + Names.sipService(pair.getMetadata().getName()) + " selects the SIP pods of site "
            + sipSite + ".", generation, now());
    String standby = pair.getSpec().peerOf(step.currentPrimary());
    if (observation.isPresent()) {
      conditions = Conditions.set(conditions, Conditions.REPLICATING, observation.get().streaming(),
          observation.get().streaming() ? "Streaming" : "NotStreaming", replicatingMessage(observation.get(),
              standby), generation, now());
    }
    conditions = Conditions.set(conditions, Conditions.READY, step.phase() == Phase.Streaming, step.phase().name(),
        step.message(), generation, now());
    // An observation equal to the one the status shows (say, the first probe after an operator
    // restart) keeps the status as it is: its LSNs and time alone are not worth a write.
    Optional<ReplicationObservation> shown = observation.filter(o -> !o.equals(shownIn(current, o)));
    PairState state = step.state();
    return PksReplicaPairStatus.builder()
        .observedGeneration(generation)
        .phase(state.phase())
        .currentPrimary(state.currentPrimary())
        .targetPrimary(state.targetPrimary())
        .requestedPrimary(state.requestedPrimary())
        .switchoverLsn(state.switchoverLsn())
        .restartingMember(state.restartingMember())
        .memberStartedAt(state.memberStartedAt())
        .standby(standby)
        .activeSip(sipSite)
        .timeline(shown.map(ReplicationObservation::timeline).orElse(current.timeline()))
        .replication(shown.map(ReplicationObservation::replication).orElse(current.replication()))
        .stoppedMembers(state.stoppedMembers())
        .job(state.job())
        .synchronousStandby(state.synchronousStandby())
        .configuration(observation.isEmpty() ? current.configuration() : configuration(pair, current, facts))
        .reseedRequest(state.reseedRequest())
        .restartRequest(state.restartRequest())
        .requestedRestarts(state.requestedRestarts())
        .reloadRequest(state.reloadRequest())
        .reloadedAt(state.reloadedAt())
        .fenceRequest(state.fenceRequest())
        .fencedMembers(state.fencedMembers())
        .conditions(fenced(conditions, state, generation))
        .message(step.message())
        .build();
  }

  /**
   * {@code next} with status.backup and the condition BackupsHealthy from {@code backups}; without
   * them for a pair without spec.backup ({@code backups} empty).
   */
  PksReplicaPairStatus withBackups(PksReplicaPair pair, PksReplicaPairStatus next, Optional<Backups.Step> backups) {
    if (backups.isEmpty()) {
      return next.toBuilder().backup(null).conditions(Conditions.remove(next.conditions(), Conditions.BACKUPS_HEALTHY))
          .build();
    }
    Backups.Health health = backups.get().health();
    return next.toBuilder().backup(backups.get().status()).conditions(Conditions.set(next.conditions(),
        Conditions.BACKUPS_HEALTHY, health.healthy(), health.reason(), health.message(), generation(pair), now()))
        .build();
  }

  /**
   * The configuration in force as the members report it: applied (with the time it was first seen
   * so) once both report the rendered hash, and the members and settings waiting for a restart.
   */
  private ConfigurationStatus configuration(PksReplicaPair pair, PksReplicaPairStatus current, PairFacts facts) {
    List<String> members = pair.getSpec().members().stream().map(Member::name).toList();
    String rendered = facts.configuration().renderedHash();
    ConfigurationStatus shown = current.configuration();
    String appliedHash = shown == null ? null : shown.appliedHash();
    String appliedAt = shown == null ? null : shown.appliedAt();
    if (!rendered.equals(appliedHash) && members.stream().allMatch(facts::configurationApplied)) {
      appliedHash = rendered;
      appliedAt = now().toString();
    }
    List<String> pendingSettings = members.stream().flatMap(member -> facts.pendingRestart(member).stream())
        .distinct().sorted().toList();
    return new ConfigurationStatus(appliedHash, appliedAt, members.stream().filter(facts::restartNeeded).toList(),
        pendingSettings);
  }

  /** {@code conditions} with Fenced naming the fenced members; without it while none is. */
  private List<Condition> fenced(List<Condition> conditions, PairState state, Long generation) {
    if (state.fencedMembers().isEmpty()) {
      return Conditions.remove(conditions, Conditions.FENCED);
    }
    return Conditions.set(conditions, Conditions.FENCED, true, "FencedOnRequest", "Fenced (annotation "
        + PksReplicaPair.FENCE_ANNOTATION + "): " + String.join(", ", state.fencedMembers()) + "; stopped until"
        + " unfenced.", generation, now());
  }

  private static String replicatingMessage(ReplicationObservation observation, String standby) {
    if (observation.primary() == null) {
      return "No member answers as primary.";
    }
    return "Standby " + standby + ": " + observation.replication().state()
        + (observation.replication().syncState() == null ? "" : ", " + observation.replication().syncState())
        + ".";
  }

  /**
   * What {@code status} shows, as an observation comparable with {@code latest}: roles are compared
   * through the status's own fields, and a timeline the probe could not read is kept.
   */
  private static ReplicationObservation shownIn(PksReplicaPairStatus status, ReplicationObservation latest) {
    return status.replication() == null ? null
        : new ReplicationObservation(latest.primary(), latest.standby(),
            latest.timeline() == null ? null : status.timeline(), status.replication(), null, null,
            latest.primaryWalLsn(), latest.standbyReceivedLsn(), latest.primaryStarting(), latest.primaryHeardAt(),
            latest.settings(), latest.standbyWalGap(), latest.shutdownCheckpoint());
  }

  private static PksReplicaPairStatus current(PksReplicaPair pair) {
    return pair.getStatus() != null ? pair.getStatus() : PksReplicaPairStatus.EMPTY;
  }

  private static Long generation(PksReplicaPair pair) {
    return pair.getMetadata().getGeneration();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }
}
