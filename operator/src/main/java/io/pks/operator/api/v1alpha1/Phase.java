package io.pks.operator.api.v1alpha1;

/** Where the pair is in its lifecycle (DESIGN.md section 5). */
public enum Phase {
  Pending,
  InitializingPrimary,
  SeedingStandby,
  Streaming,
  Degraded,
  SwitchingOver,
  FailingOver,
  Rejoining,
  /** A human must act; status.message says what and why. */
  Failed
}
