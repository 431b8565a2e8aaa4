package io.pks.operator.reconciler;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the operator knows of a pair at one reconcile, beside its spec and status: the latest
 * probe of its members and the outcome of its Jobs. The lifecycle decides from these alone.
 *
 * @param observation absent until the first probe
 * @param jobs the pair's Jobs by name; a Job not in the map does not exist
 */
record PairFacts(Optional<ReplicationObservation> observation, Map<String, JobOutcome> jobs, Instant now) {

  PairFacts {
    jobs = Map.copyOf(jobs);
  }

  JobOutcome job(String name) {
    return jobs.getOrDefault(name, JobOutcome.ABSENT);
  }

  /** True when {@code member} answers the probe as a primary. */
  boolean answersAsPrimary(String member) {
    return observation.map(o -> member.equals(o.primary())).orElse(false);
  }

  boolean streaming() {
    return observation.map(ReplicationObservation::streaming).orElse(false);
  }
}
