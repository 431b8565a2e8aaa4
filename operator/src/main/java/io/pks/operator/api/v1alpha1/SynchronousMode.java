package io.pks.operator.api.v1alpha1;

/** How commits on the primary wait for the standby. */
public enum SynchronousMode {
  /** Every commit waits for the standby (RPO 0); writes wait while the standby is down. */
  Required,
  /** Synchronous while the standby streams; the operator degrades to asynchronous when it does not. */
  Preferred,
  /** Asynchronous replication. */
  Off
}
