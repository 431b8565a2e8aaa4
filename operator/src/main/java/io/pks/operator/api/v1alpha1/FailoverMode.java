package io.pks.operator.api.v1alpha1;

/** Who decides to promote the standby when the primary is lost. */
public enum FailoverMode {
  /** The operator reports the loss; a human promotes by changing spec.primary. */
  Manual,
  /** The operator fences the lost primary and promotes a standby it last saw in sync. */
  Automatic
}
