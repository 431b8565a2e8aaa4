package io.pks.operator;

import java.time.Duration;
import java.util.Set;

/**
 * How this operator process runs.
 *
 * @param namespaces namespaces to watch; empty for all
 * @param leaderElection whether to take a Lease before reconciling (required with several replicas)
 * @param leaseNamespace where the Lease lives; null for the operator's own namespace
 * @param clusterDomain the cluster's DNS domain, for the members' names in pg_hba.conf
 * @param probeInterval how often each member's PostgreSQL is probed; the failover clock counts from
 *     the last successful probe of the primary
 * @param leaseTimings how the leader-election Lease is held, with {@code leaderElection}
 */
public record OperatorSettings(Set<String> namespaces, boolean leaderElection, String leaseNamespace,
    String clusterDomain, Duration probeInterval, LeaseTimings leaseTimings) {

  public static final String LEASE_NAME = "pks-operator-lease";

  public OperatorSettings {
    namespaces = Set.copyOf(namespaces);
  }

  /** With the default lease timings. */
  public OperatorSettings(Set<String> namespaces, boolean leaderElection, String leaseNamespace, String clusterDomain,
      Duration probeInterval) {
    this(namespaces, leaderElection, leaseNamespace, clusterDomain, probeInterval, LeaseTimings.DEFAULTS);
  }
}
