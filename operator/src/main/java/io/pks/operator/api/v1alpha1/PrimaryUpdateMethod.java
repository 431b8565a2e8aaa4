package io.pks.operator.api.v1alpha1;

/** How the primary is restarted for a change that needs a restart, once its standby was restarted. */
public enum PrimaryUpdateMethod {
  /**
   * Switch over to the restarted standby (writes pause as for any switchover), then the old primary
   * comes back as the standby with the new configuration.
   */
  Switchover,
  /** Restart the primary where it is: writes wait until it is back, and the primary stays on its site. */
  Restart
}
