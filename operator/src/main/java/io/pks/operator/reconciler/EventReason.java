package io.pks.operator.reconciler;

/**
 * The reason of every Event the operator records on a pair: one name each, used by the lifecycle,
 * the Events, the metrics and the tests, so renaming one cannot silently zero a counter. A reason
 * is always of the same type: a Warning when something failed or needs a human, Normal otherwise.
 */
public enum EventReason {
  InitializingPrimary(Type.Normal),
  InitdbFailed(Type.Warning),
  RestoreFailed(Type.Warning),
  PrimaryInitialized(Type.Normal),
  SeedingStandby(Type.Normal),
  RejoiningStandby(Type.Normal),
  SeedFailed(Type.Warning),
  SeedRetried(Type.Warning),
  SeedRefused(Type.Warning),
  StandbySeeded(Type.Normal),
  StandbyRewound(Type.Normal),
  StandbyReseeded(Type.Normal),
  /** A seeded or rejoined standby needs WAL its primary removed before it streamed: it is seeded again. */
  StandbyWalRemoved(Type.Warning),
  Streaming(Type.Normal),
  StandbyNotStreaming(Type.Warning),
  SyncDegraded(Type.Warning),
  PrimaryLost(Type.Warning),
  NoMemberAnswers(Type.Warning),
  FailoverRefused(Type.Warning),
  FailoverStarted(Type.Warning),
  Promoted(Type.Normal),
  SwitchoverStarted(Type.Normal),
  SwitchedOver(Type.Normal),
  SwitchoverCancelled(Type.Normal),
  /** The primary's node is cordoned: a switchover to the standby before the drain evicts it. */
  SwitchoverForDrain(Type.Normal),
  /** The primary's node is cordoned but the standby cannot take over: the PodDisruptionBudget holds the drain. */
  DrainHeld(Type.Warning),
  FailoverCancelled(Type.Warning),
  ReseedRequested(Type.Normal),
  ReseedRefused(Type.Warning),
  RestartingMember(Type.Normal),
  RestartRequested(Type.Normal),
  RestartRefused(Type.Warning),
  ConfigurationReloaded(Type.Normal),
  MemberFenced(Type.Warning),
  MemberUnfenced(Type.Normal),
  FenceRefused(Type.Warning),
  BackupStarted(Type.Normal),
  BackupSucceeded(Type.Normal),
  BackupFailed(Type.Warning),
  /** BackupsHealthy turned False: WAL archiving fails, or the last base backup failed. */
  BackupsUnhealthy(Type.Warning),
  DatabaseActionFailed(Type.Warning);

  /** The Event's {@code type}, as core v1 spells it. */
  public enum Type {
    Normal, Warning
  }

  private final Type type;

  EventReason(Type type) {
    this.type = type;
  }

  public Type type() {
    return type;
  }
}
