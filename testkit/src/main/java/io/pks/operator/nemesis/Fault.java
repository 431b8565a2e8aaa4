package io.pks.operator.nemesis;

/**
 * What the randomized fault run does to the pair: the sandbox's node faults (set on a member's pod
 * by the annotation {@code sandbox.pks.io/fault}, cleared when the hold ends), a crash of a
 * member's postmaster, and the operator's own failures.
 */
public enum Fault {
  PARTITION("partition"),
  PARTITION_OPERATOR("partition-operator"),
  PARTITION_PEER("partition-peer"),
  PAUSE("pause"),
  NODE_DOWN("node-down"),
  /** kill -9 of the postmaster: the container's process ends and the kubelet restarts it. */
  KILL_POSTMASTER(null),
  /** The operator stopped for the hold, then started again. */
  OPERATOR_RESTART(null),
  /** The API server answers every request with 500 for the hold. */
  API_ERRORS(null);

  private final String annotation;

  Fault(String annotation) {
    this.annotation = annotation;
  }

  /** The value of {@code sandbox.pks.io/fault}, or null for a fault that is not a node's. */
  public String annotation() {
    return annotation;
  }

  /** Whether the fault strikes one member (the primary or the standby of the moment). */
  public boolean strikesAMember() {
    return this != OPERATOR_RESTART && this != API_ERRORS;
  }

  /** Whether it lasts for a hold; a crash is over at once (the kubelet restarts the container). */
  public boolean held() {
    return this != KILL_POSTMASTER;
  }
}
