package io.pks.operator;

import java.time.Duration;

/**
 * How replicas of the operator hold the leader-election Lease. The leader renews the Lease within
 * {@code renewDeadline} or stops leading; a candidate takes it over once {@code leaseDuration} has
 * passed without a renewal, trying every {@code retryPeriod}. A lost leader is replaced after at
 * most about {@code leaseDuration + retryPeriod}.
 *
 * @param leaseDuration how long a Lease not renewed still belongs to its holder
 * @param renewDeadline how long the leader keeps trying to renew before it gives up leading
 * @param retryPeriod how often candidates try to take the Lease and the leader renews it
 */
public record LeaseTimings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

  /** JOSDK's and Kubernetes controllers' usual figures. */
  public static final LeaseTimings DEFAULTS =
      new LeaseTimings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));

  public LeaseTimings {
    if (!(!retryPeriod.isNegative() && !retryPeriod.isZero() && retryPeriod.compareTo(renewDeadline) < 0
        && renewDeadline.compareTo(leaseDuration) < 0)) {
      throw new IllegalArgumentException("lease timings must satisfy 0 < retry period (" + retryPeriod
          + ") < renew deadline (" + renewDeadline + ") < lease duration (" + leaseDuration + ")");
    }
  }
}
