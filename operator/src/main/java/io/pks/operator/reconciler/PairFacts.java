package io.pks.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.pks.operator.postgres.Lsn;
import io.pks.operator.postgres.ProbeResult;
import io.pks.operator.postgres.WalGap;

/**
 * What the operator knows of a pair at one reconcile, beside its spec and status: the latest
 * probe of its members, the outcome of its Jobs and which members have a pod. The lifecycle
 * decides from these alone.
 *
 * @param observation absent until the first probe after the operator started
 * @param jobs the pair's Jobs by name; a Job not in the map does not exist
 * @param memberPods members whose pod exists (running, starting, or stuck on a lost node), and
 *     whether it is Ready (the -rw and -ro Services send it traffic)
 * @param configuration what the members should run, from the builders
 * @param nodes the members whose pod runs on a cordoned node
 */
record PairFacts(Optional<ReplicationObservation> observation, Map<String, JobOutcome> jobs,
    Map<String, Boolean> memberPods, Instant now, Configuration configuration, Nodes nodes) {

  PairFacts {
    jobs = Map.copyOf(jobs);
    memberPods = Map.copyOf(memberPods);
  }

  /**
   * The members whose pod runs on a node marked unschedulable (kubectl cordon, the first step of
   * a drain): as far as the operator can read Nodes; none when it may not.
   */
  record Nodes(Set<String> cordonedMembers) {
    Nodes {
      cordonedMembers = Set.copyOf(cordonedMembers);
    }
  }

  boolean onCordonedNode(String member) {
    return nodes.cordonedMembers().contains(member);
  }

  /**
   * What the members should run: the hash of the rendered configuration files (the
   * pks.config_hash a member reports once it sees and applies them), and the members whose pod was
   * made from an older template than their StatefulSet's (image, resources, scripts...).
   */
  record Configuration(String renderedHash, Set<String> outdatedPods) {
    Configuration {
      outdatedPods = Set.copyOf(outdatedPods);
    }
  }

  /** What {@code member} last reported of its configuration; empty when it did not answer. */
  private Optional<ProbeResult.Settings> settings(String member) {
    return observation.map(o -> o.settings().get(member));
  }

  /** {@code member} can read the rendered configuration and has not applied it: a reload applies it. */
  boolean reloadNeeded(String member) {
    String rendered = configuration.renderedHash();
    return settings(member).filter(s -> rendered.equals(s.fileHash()) && !rendered.equals(s.appliedHash()))
        .isPresent();
  }

  /** Whether {@code member} reports the rendered configuration in force. */
  boolean configurationApplied(String member) {
    return settings(member).filter(s -> configuration.renderedHash().equals(s.appliedHash())).isPresent();
  }

  /** The settings {@code member} reports waiting for a restart (pg_settings.pending_restart). */
  List<String> pendingRestart(String member) {
    return settings(member).map(ProbeResult.Settings::pendingRestart).orElse(List.of());
  }

  /** {@code member} runs an outdated pod, or reports settings that only a restart applies. */
  boolean restartNeeded(String member) {
    return configuration.outdatedPods().contains(member) || !pendingRestart(member).isEmpty();
  }

  /** Why {@code member} needs a restart, in words; see {@link #restartNeeded}. */
  String restartReason(String member) {
    List<String> reasons = new ArrayList<>();
    if (configuration.outdatedPods().contains(member)) {
      reasons.add("its pod runs an older template");
    }
    if (!pendingRestart(member).isEmpty()) {
      reasons.add("pending_restart: " + String.join(", ", pendingRestart(member)));
    }
    return String.join("; ", reasons);
  }

  JobOutcome job(String name) {
    return jobs.getOrDefault(name, JobOutcome.ABSENT);
  }

  boolean answersAsPrimary(String member) {
    return observation.map(o -> member.equals(o.primary())).orElse(false);
  }

  boolean answersAsStandby(String member) {
    return observation.map(o -> member.equals(o.standby())).orElse(false);
  }

  boolean streaming() {
    return observation.map(ReplicationObservation::streaming).orElse(false);
  }

  /**
   * Whether the primary's commits wait for a standby: its synchronous_standby_names as the probe
   * read it is set. A fact from PostgreSQL, not the operator's bookkeeping.
   */
  boolean primaryWaitsForStandby() {
    return observation.map(o -> o.replication().synchronousStandbyNames())
        .map(names -> !names.isEmpty()).orElse(false);
  }

  /** The primary's current WAL position; null when no member answers as primary. */
  String primaryWalLsn() {
    return observation.map(ReplicationObservation::primaryWalLsn).orElse(null);
  }

  /** The standby's last received WAL position; null when unknown. */
  String standbyReceivedLsn() {
    return observation.map(ReplicationObservation::standbyReceivedLsn).orElse(null);
  }

  /**
   * Where the old primary's shutdown checkpoint starts, when the standby (a switchover's target)
   * replayed it as its last record, at or after {@code switchoverLsn}: the old primary stopped
   * cleanly, and everything it wrote is on the standby. Empty otherwise. At, not only after: an
   * idle primary's current position is where its next record, the checkpoint, will start (4 of a
   * benchmark's 10 switchovers); a checkpoint of an earlier stop starts before any position
   * recorded after it.
   */
  Optional<String> replayedShutdownCheckpoint(String switchoverLsn) {
    return observation.map(ReplicationObservation::shutdownCheckpoint).map(ProbeResult.ShutdownCheckpoint::lsn)
        .filter(lsn -> Lsn.atOrBeyond(lsn, switchoverLsn));
  }

  /**
   * Whether the standby could read its WAL records for the switchover's clean-stop check
   * (pg_walinspect): then only its replayed shutdown checkpoint shows a clean stop.
   */
  boolean shutdownCheckpointReadable() {
    return observation.map(ReplicationObservation::shutdownCheckpoint)
        .map(ProbeResult.ShutdownCheckpoint::readable).orElse(false);
  }

  /** Streaming with at most the smallest lag step behind: a switchover loses nothing and waits little. */
  boolean caughtUp() {
    return streaming() && observation.map(o -> ReplicationObservation.lagBucket(o.replication().lagBytes()) == 0)
        .orElse(false);
  }

  /**
   * How long nothing was heard of {@code primary}: neither an answer to the probe as primary nor,
   * later, a message its streaming standby received from it; zero while it answers.
   */
  Duration primaryUnreachableFor(String primary) {
    if (answersAsPrimary(primary) || observation.isEmpty()) {
      return Duration.ZERO;
    }
    Instant reached = observation.get().primaryReachedAt();
    Instant heard = observation.get().primaryHeardAt();
    return Duration.between(heard != null && heard.isAfter(reached) ? heard : reached, now);
  }

  /** The primary does not answer the probe, but its standby received from it since it last did. */
  boolean onlyStandbyHearsPrimary(String primary) {
    return !answersAsPrimary(primary) && observation.map(o -> o.primaryHeardAt() != null
        && o.primaryHeardAt().isAfter(o.primaryReachedAt())).orElse(false);
  }

  /** Whether the recorded primary's latest probe answered that it is starting up (57P03). */
  boolean primaryStarting() {
    return observation.map(ReplicationObservation::primaryStarting).orElse(false);
  }

  /**
   * The WAL the standby needs that the primary no longer holds (a checkpoint removed it); empty
   * when nothing is known to be missing.
   */
  Optional<WalGap> standbyWalGap() {
    return observation.map(ReplicationObservation::standbyWalGap);
  }

  /** How long the standby has not streamed; zero while it streams. */
  Duration standbyNotStreamingFor() {
    if (streaming() || observation.isEmpty()) {
      return Duration.ZERO;
    }
    return Duration.between(observation.get().standbyStreamedAt(), now);
  }

  boolean podExists(String member) {
    return memberPods.containsKey(member);
  }

  boolean podReady(String member) {
    return memberPods.getOrDefault(member, false);
  }
}
