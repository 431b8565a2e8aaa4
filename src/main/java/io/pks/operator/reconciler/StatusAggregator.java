package io.pks.operator.reconciler;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Condition;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.model.Names;
import io.pks.operator.model.PairRoles;
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
    return new PksReplicaPairStatus(current.observedGeneration(), phase, current.currentPrimary(),
        current.standby(), current.activeSip(), conditions, message);
  }

  /** Every object of the pair has been created or brought up to date. */
  PksReplicaPairStatus reconciled(PksReplicaPair pair) {
    PksReplicaPairStatus current = current(pair);
    Long generation = generation(pair);
    String sipSite = SipRouting.activeSite(pair);
    List<Condition> conditions = Conditions.set(current.conditions(), Conditions.SPEC_VALID, true,
        "Valid", "The spec is valid.", generation, now());
    conditions = Conditions.set(conditions, Conditions.SIP_ROUTED, true, "ServiceSelectsSite",
        "Service " + Names.sipService(pair.getMetadata().getName()) + " selects the SIP pods of site "
            + sipSite + ".", generation, now());
    Phase phase = current.phase() == null || current.phase() == Phase.Failed ? Phase.Pending : current.phase();
    String message = phase == Phase.Pending
        ? "Objects are in place; waiting for the primary " + PairRoles.currentPrimary(pair) + " to start."
        : current.message();
    conditions = Conditions.set(conditions, Conditions.READY, false, phase.name(), message, generation, now());
    return new PksReplicaPairStatus(generation, phase, PairRoles.currentPrimary(pair),
        PairRoles.standby(pair), sipSite, conditions, message);
  }

  private static PksReplicaPairStatus current(PksReplicaPair pair) {
    return pair.getStatus() != null ? pair.getStatus()
        : new PksReplicaPairStatus(null, null, null, null, null, null, null);
  }

  private static Long generation(PksReplicaPair pair) {
    return pair.getMetadata().getGeneration();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }
}
