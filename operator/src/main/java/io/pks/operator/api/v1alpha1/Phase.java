package io.pks.operator.api.v1alpha1;

/** Where the pair is in its lifecycle (docs/architecture.md, "Phases"). */
public enum Phase {
  Pending,
  InitializingPrimary,
  SeedingStandby,
  Streaming,
  Degraded,
  SwitchingOver,
  FailingOver,
  Rejoining,
  /** A member is restarted for a change that needs a restart (status.restartingMember), one at a time. */
  Restarting,
  /** A human must act; status.message says what and why. */
  Failed
}
