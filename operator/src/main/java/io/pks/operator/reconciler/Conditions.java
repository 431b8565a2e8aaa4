package io.pks.operator.reconciler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;

/** metav1.Condition bookkeeping: lastTransitionTime moves only when the status flips. */
final class Conditions {
  private Conditions() {
  }

  static final String READY = "Ready";
  static final String SPEC_VALID = "SpecValid";
  static final String SIP_ROUTED = "SipRouted";
  static final String REPLICATING = "Replicating";
  /** With spec.backup: WAL archiving works and the last base backup did not fail. */
  static final String BACKUPS_HEALTHY = "BackupsHealthy";
  /** While members are fenced on request: which. */
  static final String FENCED = "Fenced";

  /** {@code conditions} with {@code type} set, keeping its transition time if its status is unchanged. */
  static List<Condition> set(List<Condition> conditions, String type, boolean status, String reason,
      String message, Long generation, Instant now) {
    List<Condition> result = new ArrayList<>();
    String previousTransition = null;
    for (Condition condition : conditions) {
      if (condition.getType().equals(type)) {
        if (condition.getStatus().equals(status(status))) {
          previousTransition = condition.getLastTransitionTime();
        }
      } else {
        result.add(condition);
      }
    }
    result.add(new ConditionBuilder()
        .withType(type)
        .withStatus(status(status))
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(previousTransition != null ? previousTransition : now.toString())
        .build());
    result.sort(java.util.Comparator.comparing(Condition::getType));
    return result;
  }

  /** {@code conditions} without {@code type}. */
  static List<Condition> remove(List<Condition> conditions, String type) {
    return conditions.stream().filter(condition -> !condition.getType().equals(type)).toList();
  }

  /** Whether {@code status} shows {@code type} True, or not at all. */
  static boolean isTrueOrAbsent(PksReplicaPairStatus status, String type) {
    return status == null || status.conditions().stream().filter(condition -> condition.getType().equals(type))
        .allMatch(condition -> condition.getStatus().equals(status(true)));
  }

  private static String status(boolean status) {
    return status ? "True" : "False";
  }
}
