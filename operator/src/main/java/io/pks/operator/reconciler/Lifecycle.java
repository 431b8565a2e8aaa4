package io.pks.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import io.pks.operator.api.v1alpha1.FailoverMode;
import io.pks.operator.api.v1alpha1.FailoverSpec;
import io.pks.operator.api.v1alpha1.FenceRequest;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.MemberJob;
import io.pks.operator.api.v1alpha1.MemberJobKind;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.api.v1alpha1.PrimaryUpdateMethod;
import io.pks.operator.api.v1alpha1.RecoverySpec;
import io.pks.operator.api.v1alpha1.SynchronousMode;
import io.pks.operator.model.Jobs;
import io.pks.operator.model.Names;
import io.pks.operator.model.Scripts;
import io.pks.operator.postgres.Lsn;
import io.pks.operator.postgres.WalGap;
import io.pks.operator.reconciler.LifecycleStep.Action;

/**
 * Every decision of the operator as one pure function (docs/architecture.md and docs/safety.md): from the pair
 * (spec and recorded status) and the facts (probes with their clocks, Jobs, pods), the next step.
 *
 * <p>Bootstrap: Pending → InitializingPrimary (initdb Job, then the primary starts) → role and
 * slot → SeedingStandby (seed Job, then the standby starts) → Streaming. Then: Degraded while the
 * standby does not stream (Preferred stops waiting for it after failover.standbyUnavailableSeconds;
 * Required never does); SwitchingOver when spec.primary names the standby (old primary stopped
 * cleanly, then the standby promoted); FailingOver when the primary has not answered for
 * failover.primaryUnavailableSeconds (Automatic, and only with a standby last seen in sync or
 * allowDataLoss: fence first, then promote); Rejoining while the old primary becomes the standby
 * (pg_rewind, or a fresh copy when it cannot rewind); SeedingStandby again when the user asks for a
 * re-seed of the standby; Failed when a human must act. Configuration changes: a reload on each member once it
 * sees the rendered files; Restarting for a change that needs a restart, the standby first (under
 * Preferred and Off once the primary stops waiting for it, recorded first), then the primary by a switchover (or in place, spec.primaryUpdateMethod). Drains: SwitchingOver when the
 * primary's node is cordoned and the standby is ready to take over; otherwise the drain is held.
 */
final class Lifecycle {
  private Lifecycle() {
  }

  /** A failed seed is kept for its logs; the next one starts after this pause. */
  static final Duration SEED_RETRY_DELAY = Duration.ofSeconds(30);

  /**
   * How long a primary restarted in place may take to answer again before the failover rules apply
   * (failover.primaryUnavailableSeconds if that is longer): a clean stop and a start, with room for
   * a busy node.
   */
  static final Duration PRIMARY_RESTART_BOUND = Duration.ofSeconds(60);

  /**
   * What an isolated primary's own check may take beyond failover.isolationStopSeconds to stop it
   * (member-entrypoint.sh): up to a round of checks (a second's pause and a second's connection
   * timeout) late to notice its last contact and as late to see the time run out, and the operator's
   * last answer from it up to a probe interval older than that contact.
   */
  static final Duration ISOLATION_STOP_MARGIN = Duration.ofSeconds(5);

  static LifecycleStep decide(PksReplicaPair pair, PairFacts facts) {
    PairState state = recorded(pair);
    Phase phase = state.phase();
    // No recorded primary: nothing was started yet (a pair whose first spec was refused included).
    if (phase == null || phase == Phase.Pending || state.currentPrimary() == null) {
      MemberJob first = Jobs.bootstrap(pair, pair.getSpec().primary());
      return initialising(pair, first, bootstrapWork(pair, first) + " on its volume.");
    }
    phase = jobPhase(state);
    Rules rules = new Rules(pair, state, facts);
    return switch (phase) {
      case InitializingPrimary -> rules.initializingPrimary();
      case SeedingStandby, Rejoining -> rules.seeding(phase);
      case SwitchingOver -> rules.switchingOver();
      case FailingOver -> rules.failingOver();
      case Restarting -> rules.restarting();
      default -> rules.running();
    };
  }

  /** The state the pair's status records; that of an empty status before the first one is written. */
  private static PairState recorded(PksReplicaPair pair) {
    return PairState.of(pair.getStatus() == null ? PksReplicaPairStatus.EMPTY : pair.getStatus());
  }

  /**
   * The recorded phase, or for Failed with a Job recorded, the phase of that Job: a failed Job is
   * retried by deleting it, and the bootstrap then continues where it stopped.
   */
  private static Phase jobPhase(PairState state) {
    if (state.phase() != Phase.Failed || state.job() == null) {
      return state.phase();
    }
    return switch (state.job().kind()) {
      case Seed -> Phase.SeedingStandby;
      case Rejoin -> Phase.Rejoining;
      case Initdb, Restore -> Phase.InitializingPrimary;
    };
  }

  /**
   * Whether only an event can move the pair on from its recorded step: a Job's outcome, a pod, a
   * member that answers differently. Then no clock runs (no failover, degrade, seed retry or restart
   * bound), and deciding again at every probe interval finds nothing new: while the primary's
   * initdb, restore or first start is awaited, and while a seed or rejoin Job runs. A pair whose
   * members do not answer is otherwise looked at again at every probe interval, for its clocks; a
   * thousand pairs whose nodes are not there yet would cost a thousand reconciles a second.
   */
  static boolean waitsOnlyForEvents(PksReplicaPair pair, PairFacts facts) {
    PairState state = recorded(pair);
    if (state.currentPrimary() == null || state.job() == null) {
      return false;
    }
    return switch (jobPhase(state)) {
      case InitializingPrimary -> true;
      case SeedingStandby, Rejoining -> switch (facts.job(state.job().name()).state()) {
        case ABSENT, RUNNING -> true;
        case SUCCEEDED, FAILED, REFUSED -> false;
      };
      default -> false;
    };
  }

  /** What the bootstrap Job {@code job} does, as the status says it. */
  private static String bootstrapWork(PksReplicaPair pair, MemberJob job) {
    if (job.kind() == MemberJobKind.Initdb) {
      return "runs initdb";
    }
    RecoverySpec recovery = pair.getSpec().recovery().orElseThrow();
    String target = recovery.targetTime() != null ? "time " + recovery.targetTime()
        : recovery.targetLSN() != null ? "LSN " + recovery.targetLSN() : "the end of its archive";
    return "restores the backups of " + recovery.sourceOr(pair.getMetadata().getName()) + " to " + target;
  }

  /**
   * The bootstrap from its start, both members stopped, with spec.primary as the primary and
   * {@code job} filling its volume (an initdb Job keeps the data the volume holds, or initialises it).
   */
  private static LifecycleStep initialising(PksReplicaPair pair, MemberJob job, String jobDoes) {
    String primary = pair.getSpec().primary();
    // The requests already acted on stay so: an annotation left on the pair asks for nothing new. A
    // fence is the exception: both members start from here, so the fence annotation is acted on again.
    PairState recorded = recorded(pair);
    return step(new PairState(Phase.InitializingPrimary, primary, null, primary, null,
        List.of(primary, pair.getSpec().peerOf(primary)), job, null, null, recorded.reseedRequest(),
        recorded.restartRequest(), List.of(), recorded.reloadRequest(), recorded.reloadedAt(), null, List.of(), null),
        EventReason.InitializingPrimary,
        "Initialising primary " + primary + ": Job " + job.name() + " " + jobDoes);
  }

  /** A step with no database action and a Normal Event. */
  private static LifecycleStep step(PairState state, EventReason reason, String message) {
    return new LifecycleStep(state, Set.of(), reason, message);
  }

  /** The decisions for one pair at one moment. */
  private static final class Rules {
    private final PksReplicaPair pair;
    private final PairState state;
    private final PairFacts facts;
    private final String primary;
    private final String standby;
    private final FailoverSpec failover;

    Rules(PksReplicaPair pair, PairState recorded, PairFacts facts) {
      this.pair = pair;
      // A spec.primary naming the current primary asks for nothing: recorded as acted on, so that
      // only a later change of it is a request.
      this.state = pair.getSpec().primary().equals(recorded.currentPrimary())
          ? recorded.requested(pair.getSpec().primary()) : recorded;
      this.facts = facts;
      this.primary = state.currentPrimary();
      this.standby = pair.getSpec().peerOf(primary);
      this.failover = pair.getSpec().failover();
    }

    /** Nothing to do but wait: the recorded state stays, with {@code message}. */
    private LifecycleStep waiting(Phase phase, String message) {
      return new LifecycleStep(state.phase(phase), Set.of(), null, message);
    }

    private LifecycleStep warning(PairState next, EventReason reason, String message) {
      return new LifecycleStep(next, Set.of(), reason, message);
    }

    LifecycleStep initializingPrimary() {
      MemberJob first = state.job();
      JobOutcome outcome = facts.job(first.name());
      boolean restore = first.kind() == MemberJobKind.Restore;
      return switch (outcome.state()) {
        case FAILED, REFUSED -> warning(state.phase(Phase.Failed), restore ? EventReason.RestoreFailed
            : EventReason.InitdbFailed, "Job " + first.name() + " could not " + (restore ? "restore" : "initialise")
            + " primary " + primary + ": " + outcome.reason() + ". Fix the cause"
            + (restore ? " (spec.bootstrap.recovery)" : "") + ", then delete the Job to run it again.");
        case ABSENT, RUNNING -> waiting(Phase.InitializingPrimary, "Initialising primary " + primary
            + ": waiting for Job " + first.name() + ".");
        case SUCCEEDED -> {
          if (state.stoppedMembers().contains(primary)) {
            yield step(state.phase(Phase.InitializingPrimary).starting(primary), EventReason.PrimaryInitialized,
                "Primary " + primary + (restore ? " restored" : " initialised") + " by Job " + first.name()
                    + "; starting it.");
          }
          // Not its pod's readiness: the seed reaches the primary by its own Service (Jobs.build).
          if (!facts.answersAsPrimary(primary)) {
            yield waiting(Phase.InitializingPrimary, "Primary " + primary
                + " initialised; waiting for it to accept connections.");
          }
          yield startSeed(Phase.SeedingStandby, EventReason.SeedingStandby, "Replication role and slot ready on primary "
              + primary + "; seeding standby " + standby);
        }
      };
    }

    /**
     * Records the next seed Job of the standby, with the primary's role and slot made first: an old
     * primary rejoining tries pg_rewind first (Rejoin), any other standby gets a copy (Seed).
     */
    private LifecycleStep startSeed(Phase phase, EventReason reason, String message) {
      MemberJobKind kind = phase == Phase.Rejoining ? MemberJobKind.Rejoin : MemberJobKind.Seed;
      MemberJob seed = Jobs.seed(pair, standby, nextSeedAttempt(pair, standby, facts), kind);
      return new LifecycleStep(state.phase(phase).stopping(standby).job(seed), Set.of(Action.CONFIGURE_REPLICATION),
          reason, message + " with Job " + seed.name() + ".");
    }

    /**
     * SeedingStandby (bootstrap, or a re-seed the user asked for) and Rejoining (an old primary
     * rewound or re-seeded): the same Job and start.
     */
    LifecycleStep seeding(Phase phase) {
      MemberJob seed = state.job();
      if (seed == null) {
        // The seed begins once the member's pod is gone: it must not run beside it.
        if (facts.podExists(standby)) {
          return waiting(phase, "Waiting for the pod of " + standby + " to go (its node may be unreachable)"
              + " before re-seeding it as the standby of " + primary + ".");
        }
        return startSeed(phase, EventReason.RejoiningStandby, phase == Phase.Rejoining ? "Rejoining " + standby
            + " as the standby of " + primary + " (pg_rewind, or a copy when it cannot rewind)"
            : "Re-seeding " + standby + " as the standby of " + primary);
      }
      JobOutcome outcome = facts.job(seed.name());
      return switch (outcome.state()) {
        case REFUSED -> seedRefused(seed, outcome);
        case FAILED -> {
          boolean retryNow = outcome.finishedAt() == null
              || !outcome.finishedAt().plus(SEED_RETRY_DELAY).isAfter(facts.now());
          if (!retryNow) {
            yield warning(state.phase(phase), EventReason.SeedFailed, "Job " + seed.name() + " could not seed standby "
                + standby + ": " + outcome.reason() + ". Retrying in " + SEED_RETRY_DELAY.toSeconds()
                + " s; the standby's previous data is untouched.");
          }
          MemberJob next = Jobs.seed(pair, standby, nextSeedAttempt(pair, standby, facts), seed.kind());
          yield new LifecycleStep(state.phase(phase).job(next), Set.of(Action.CONFIGURE_REPLICATION), EventReason.SeedRetried,
              "Seeding standby " + standby + " again with Job " + next.name() + " after " + seed.name()
                  + " failed: " + outcome.reason() + ".");
        }
        case ABSENT, RUNNING -> waiting(phase, "Seeding standby " + standby + " from " + primary
            + ": waiting for Job " + seed.name() + ".");
        case SUCCEEDED -> {
          if (state.stoppedMembers().contains(standby)) {
            yield seeded(phase, seed, outcome);
          }
          if (!facts.streaming()) {
            yield notStreamingYet(phase);
          }
          yield streaming();
        }
      };
    }

    /**
     * The seeded (or rejoined) standby started but does not stream yet. When the primary removed
     * the WAL it needs (a checkpoint between the Job and its first stream), it never will: it is
     * stopped and seeded again, as the same kind of Job (a rejoin then finds the WAL from its fork
     * gone and copies). A re-seed the user asks for meanwhile is acted on, as in a steady state.
     */
    private LifecycleStep notStreamingYet(Phase phase) {
      Optional<String> reseed = pair.reseedAnnotation().filter(request -> !request.equals(state.reseedRequest()));
      if (reseed.isPresent()) {
        return reseedRequested(reseed.get(), facts.answersAsPrimary(primary));
      }
      Optional<WalGap> gap = walGoneForGood();
      if (gap.isPresent()) {
        return warning(state.phase(phase).stopping(standby).job(null), EventReason.StandbyWalRemoved, "Standby "
            + standby + " cannot stream from " + primary + ": " + gap.get() + " (a checkpoint removed it after the"
            + " Job). Stopping " + standby + " to " + (phase == Phase.Rejoining ? "rejoin" : "seed") + " it again.");
      }
      return waiting(phase, "Standby " + standby + " seeded; waiting for it to stream from " + primary + ".");
    }

    /**
     * The WAL the standby needs and the primary removed, when nothing else can supply it: with
     * spec.backup the standby's restore_command reads it from the archive.
     */
    private Optional<WalGap> walGoneForGood() {
      return pair.getSpec().backups().isPresent() ? Optional.empty() : facts.standbyWalGap();
    }

    /**
     * The seed Job succeeded: the standby starts, and the Event says how its Job made it the standby,
     * as its script reported (seed.sh): a rejoin rewound by pg_rewind, or re-seeded by a copy.
     */
    private LifecycleStep seeded(Phase phase, MemberJob seed, JobOutcome outcome) {
      String report = outcome.report() == null ? "" : outcome.report();
      PairState next = state.phase(phase).starting(standby);
      if (seed.kind() == MemberJobKind.Rejoin && report.startsWith(Scripts.REWOUND + ":")) {
        return step(next, EventReason.StandbyRewound, "Standby " + standby + " rejoined without a copy by Job "
            + seed.name() + " (" + report + "); starting it.");
      }
      if (seed.kind() == MemberJobKind.Rejoin && report.startsWith(Scripts.COPIED + ":")) {
        return step(next, EventReason.StandbyReseeded, "Standby " + standby + " re-seeded with a copy of " + primary
            + " by Job " + seed.name() + " (" + report + "); starting it.");
      }
      return step(next, EventReason.StandbySeeded, "Standby " + standby + " seeded by Job " + seed.name()
          + "; starting it.");
    }

    /**
     * The seed refused to replace the standby's data, newer than the primary's or of another
     * database system (seed.sh). Only the user can say which data to keep: spec.primary changed to
     * the standby (a new request) makes it the primary, its data kept by its initdb Job; deleting
     * its volume, then the Job, accepts the loss.
     */
    private LifecycleStep seedRefused(MemberJob seed, JobOutcome outcome) {
      if (switchoverRequest().filter(standby::equals).isPresent()) {
        return initialising(pair, Jobs.initdb(pair, standby), "keeps the newer data on its volume (spec.primary); "
            + primary + " is then re-seeded from it.");
      }
      return warning(state.phase(Phase.Failed), EventReason.SeedRefused, "Job " + seed.name() + " refused to seed "
          + standby + " from primary " + primary + ": " + outcome.reason() + ". To keep " + standby + "'s data, set"
          + " spec.primary: " + standby + " (" + primary + " is then re-seeded from it and loses what it holds that "
          + standby + " lacks); to discard it, delete " + standby + "'s volume (claim "
          + Names.dataClaim(pair.getMetadata().getName(), standby) + "), then the Job.");
    }

    /** Streaming, Degraded, or Failed without a Job: the steady states and what leaves them. */
    LifecycleStep running() {
      if (facts.observation().isEmpty()) {
        // The first probe after an operator restart has not come yet: nothing is known to have changed.
        return waiting(state.phase(), pair.getStatus().message());
      }
      boolean primaryAnswers = facts.answersAsPrimary(primary);
      FenceRequest fence = pair.fenceAnnotation();
      if (!fence.value().equals(Objects.toString(state.fenceRequest(), ""))) {
        return fenceRequested(fence);
      }
      if (fenced(primary)) {
        return waiting(Phase.Degraded, "Primary " + primary + " is fenced (annotation " + PksReplicaPair.FENCE_ANNOTATION
            + "): no writes until it is unfenced (kubectl pks unfence); a fenced member is never failed over from.");
      }
      Optional<String> reseed = pair.reseedAnnotation().filter(request -> !request.equals(state.reseedRequest()));
      if (reseed.isPresent()) {
        return reseedRequested(reseed.get(), primaryAnswers);
      }
      Optional<String> restart = pair.restartAnnotation().filter(request -> !request.equals(state.restartRequest()));
      if (restart.isPresent()) {
        return restartRequested(restart.get());
      }
      Optional<String> reload = pair.reloadAnnotation().filter(request -> !request.equals(state.reloadRequest()));
      if (reload.isPresent()) {
        return reloadRequested(reload.get(), primaryAnswers);
      }
      Optional<String> requested = switchoverRequest();
      if (requested.filter(this::fenced).isPresent()) {
        return waiting(state.phase(), "Switchover to " + requested.get() + " waits: it is fenced (annotation "
            + PksReplicaPair.FENCE_ANNOTATION + "); a fenced member is never promoted. Unfence it first.");
      }
      if (requested.isPresent()) {
        return primaryAnswers ? switchoverRequested(requested.get()) : switchoverWithoutPrimary(requested.get());
      }
      if (!primaryAnswers) {
        return primaryLost();
      }
      LifecycleStep next = facts.streaming() ? rollingRestart().orElseGet(() -> restartPendingNoted(streaming()))
          : restartPendingNoted(standbyNotStreaming());
      if (facts.onCordonedNode(primary)) {
        next = readyForRestart() && !facts.onCordonedNode(standby) ? switchoverForDrain() : drainHeld(next);
      }
      return withReload(next);
    }

    /**
     * The primary's node is cordoned (a drain begins) and the standby streams in sync on a node
     * that is not: switch over to it, so that the drain, which the PodDisruptionBudget keeps from
     * evicting the primary, then evicts a standby. Before the cordoned node's pods are evicted,
     * not after: no failover, no acknowledged commit lost, writes wait only for the switchover.
     */
    private LifecycleStep switchoverForDrain() {
      return preparingSwitchover(step(state.phase(Phase.SwitchingOver).targeting(standby).stopping(primary)
          .switchoverLsn(facts.primaryWalLsn()), EventReason.SwitchoverForDrain, "Switching over to " + standby
              + ": the node of primary " + primary + " is cordoned (a drain). Stopping " + primary + " cleanly before"
              + " promoting " + standby + "; the drain then evicts " + primary + ", which rejoins as the standby."));
    }

    /**
     * {@code start}, a step that starts a switchover, with what the switchover relies on made
     * first: the primary's replication setup ({@link Action#CONFIGURE_REPLICATION}: pg_walinspect,
     * which a pair set up by an older operator lacks; created before the old primary's shutdown
     * checkpoint, it reaches the target before that checkpoint), the target's inherited
     * synchronous_standby_names cleared ({@link Action#CLEAR_STANDBY_SYNC}) and a checkpoint of the
     * primary ({@link Action#CHECKPOINT}), which leaves its shutdown checkpoint little to flush.
     */
    private static LifecycleStep preparingSwitchover(LifecycleStep start) {
      Set<Action> actions = EnumSet.of(Action.CONFIGURE_REPLICATION, Action.CLEAR_STANDBY_SYNC, Action.CHECKPOINT);
      actions.addAll(start.actions());
      return new LifecycleStep(start.state(), actions, start.reason(), start.message());
    }

    /**
     * The primary's node is cordoned but the standby could not take over without a loss or a wait:
     * no switchover. {@code next} goes on, its message saying that the PodDisruptionBudget holds the
     * drain and what ends the hold.
     */
    private LifecycleStep drainHeld(LifecycleStep next) {
      String why = facts.onCordonedNode(standby) ? "the node of standby " + standby + " is cordoned too"
          : "standby " + standby + " is not streaming in sync with both pods Ready";
      return warning(next.state(), EventReason.DrainHeld, next.message() + " The node of primary " + primary
          + " is cordoned, but " + why + ": no switchover, so PodDisruptionBudget "
          + Names.podDisruptionBudget(pair.getMetadata().getName()) + " keeps the drain from evicting " + primary
          + ". Uncordon the node, or bring " + standby + " back in sync on a schedulable node: the switchover"
          + " follows.");
    }

    /**
     * The user asks for the standby to be re-seeded (its volume lost, its slot invalidated, a gap
     * in its WAL: states only a fresh copy leaves). Only the standby, and only from a primary that
     * answers: a copy of nothing would leave the pair without one. A primary that must stop
     * waiting for the standby meanwhile (Preferred, Off) first records that, as any degrade does.
     */
    private LifecycleStep reseedRequested(String request, boolean primaryAnswers) {
      String member = request.contains("/") ? request.substring(0, request.indexOf('/')) : request;
      if (!member.equals(standby)) {
        return warning(state.reseedRequest(request), EventReason.ReseedRefused, "Re-seed of " + member
            + " refused (annotation " + PksReplicaPair.RESEED_ANNOTATION + "): only the standby, " + standby
            + ", can be re-seeded" + (member.equals(primary) ? "; switch over first to re-seed " + primary : "")
            + ".");
      }
      if (fenced(member)) {
        return warning(state.reseedRequest(request), EventReason.ReseedRefused, "Re-seed of " + member
            + " refused (annotation " + PksReplicaPair.RESEED_ANNOTATION + "): it is fenced (annotation "
            + PksReplicaPair.FENCE_ANNOTATION + "), and a fenced member is never re-seeded. Unfence it first.");
      }
      if (!primaryAnswers) {
        return waiting(state.phase(), "Re-seed of " + standby + " waits: primary " + primary
            + " does not answer, and the standby's data may be the only copy.");
      }
      Optional<LifecycleStep> recordFirst = recordingStopWaiting("Re-seed of " + standby + " requested");
      if (recordFirst.isPresent()) {
        return recordFirst.get();
      }
      return new LifecycleStep(state.phase(Phase.SeedingStandby).stopping(standby).job(null).reseedRequest(request),
          stopWaitingForStandby() ? Set.of(Action.DISABLE_SYNC) : Set.of(), EventReason.ReseedRequested, "Re-seeding standby "
              + standby + " as requested (annotation " + PksReplicaPair.RESEED_ANNOTATION + "): it stops, then a seed"
              + " Job replaces its data with a copy of primary " + primary + ".");
    }

    /**
     * Before the standby stops on request (a re-seed, a fence): a primary that would keep waiting
     * for it (Preferred, Off) first records that no standby holds every commit, as any degrade
     * does; the step after clears synchronous_standby_names. Under Required commits wait for it.
     */
    private Optional<LifecycleStep> recordingStopWaiting(String what) {
      if (stopWaitingForStandby() && state.synchronousStandby() != null) {
        return Optional.of(new LifecycleStep(state.synchronousStandby(null), Set.of(), null, what
            + ": recording first that " + primary + " will commit without waiting for it."));
      }
      return Optional.empty();
    }

    private boolean stopWaitingForStandby() {
      return pair.getSpec().replication().synchronous() != SynchronousMode.Required && facts.primaryWaitsForStandby();
    }

    /** Whether {@code member} is fenced on request (stopped until unfenced). */
    private boolean fenced(String member) {
      return state.fencedMembers().contains(member);
    }

    /**
     * The user changed the members to keep fenced (annotation pks.io/fence): each newly fenced
     * member is stopped (its StatefulSet to zero, its volume kept), each no longer fenced is
     * started, all recorded before the objects follow. A fence that would leave no writable primary
     * (the primary, or the standby under Required) is refused unless forced; a refused request is
     * recorded as acted on, so it never applies later unasked.
     */
    private LifecycleStep fenceRequested(FenceRequest fence) {
      List<String> members = pair.getSpec().members().stream().map(Member::name).toList();
      List<String> unknown = fence.members().stream().filter(member -> !members.contains(member)).toList();
      PairState refused = state.fenced(fence.value(), state.fencedMembers());
      if (!unknown.isEmpty()) {
        return warning(refused, EventReason.FenceRefused, "Fencing " + String.join(", ", unknown) + " refused"
            + " (annotation " + PksReplicaPair.FENCE_ANNOTATION + "): not a member of the pair; its members are "
            + members + ".");
      }
      List<String> newly = fence.members().stream().filter(member -> !fenced(member)).toList();
      for (String member : newly) {
        Optional<String> refusal = FenceRequest.refusal(pair.getSpec(), primary, member, fence.forced(member));
        if (refusal.isPresent()) {
          return warning(refused, EventReason.FenceRefused, "Fencing " + member + " refused (annotation "
              + PksReplicaPair.FENCE_ANNOTATION + "): " + refusal.get());
        }
      }
      if (newly.contains(standby)) {
        Optional<LifecycleStep> recordFirst = recordingStopWaiting("Fencing standby " + standby);
        if (recordFirst.isPresent()) {
          return recordFirst.get();
        }
      }
      List<String> released = state.fencedMembers().stream().filter(member -> !fence.members().contains(member))
          .toList();
      PairState next = state.fenced(fence.value(), fence.members());
      for (String member : newly) {
        next = next.stopping(member);
      }
      for (String member : released) {
        next = next.starting(member);
      }
      Set<Action> actions = newly.contains(standby) && stopWaitingForStandby() ? Set.of(Action.DISABLE_SYNC) : Set.of();
      if (released.contains(primary)) {
        // Silent for as long as it was fenced: it gets the bound of a primary restarted in place, from now.
        next = next.phase(Phase.Restarting).restarting(primary).memberStartedAt(nowSeconds());
      }
      if (newly.isEmpty()) {
        return new LifecycleStep(next, actions, EventReason.MemberUnfenced, "Unfencing " + String.join(" and ", released)
            + " as requested (annotation " + PksReplicaPair.FENCE_ANNOTATION + "): it starts again.");
      }
      return new LifecycleStep(next, actions, EventReason.MemberFenced, "Fencing " + String.join(" and ", newly)
          + " as requested (annotation " + PksReplicaPair.FENCE_ANNOTATION + "): its StatefulSet goes to zero replicas,"
          + " its volume kept; it stays stopped, and is neither failed over from, promoted nor re-seeded, until"
          + " unfenced" + (released.isEmpty() ? "" : "; unfencing " + String.join(" and ", released)) + ".");
    }

    /**
     * The user asks for a rolling restart of one member or both ({@code /<id>}): recorded with the
     * members to restart, the standby first; {@link #rollingRestart} then restarts them as it does
     * for a configuration change. Only a healthy pair: a request on one that is not is refused, and
     * recorded as acted on, so it never starts later by surprise.
     */
    private LifecycleStep restartRequested(String request) {
      int slash = request.indexOf('/');
      String member = slash < 0 ? request : request.substring(0, slash);
      String what = member.isEmpty() ? "both members" : member;
      List<String> members = pair.getSpec().members().stream().map(Member::name).toList();
      if (!member.isEmpty() && !members.contains(member)) {
        return warning(state.restartRequest(request, List.of()), EventReason.RestartRefused, "Restart of " + member
            + " refused (annotation " + PksReplicaPair.RESTART_ANNOTATION + "): it is not a member of the pair;"
            + " its members are " + members + ".");
      }
      if (!readyForRestart()) {
        return warning(state.restartRequest(request, List.of()), EventReason.RestartRefused, "Restart of " + what
            + " refused (annotation " + PksReplicaPair.RESTART_ANNOTATION + "): the pair is not healthy (" + state.phase()
            + "); a rolling restart begins only with standby " + standby + " streaming in sync and both pods Ready,"
            + " so that one member always serves. Ask again once it is.");
      }
      List<String> order = member.isEmpty() ? List.of(standby, primary) : List.of(member);
      return step(state.restartRequest(request, order), EventReason.RestartRequested, "Rolling restart of " + what
          + " requested (annotation " + PksReplicaPair.RESTART_ANNOTATION + "): " + String.join(", then ", order)
          + ", one at a time" + (order.contains(primary) ? "; the primary by " + primaryUpdate() : "") + ".");
    }

    /** The time now, to the second, as the status records times. */
    private String nowSeconds() {
      return facts.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** How the primary is restarted, as spec.primaryUpdateMethod says. */
    private String primaryUpdate() {
      return pair.getSpec().primaryUpdateMethod() == PrimaryUpdateMethod.Restart ? "a restart in place"
          : "a switchover to the standby";
    }

    /**
     * The user asks for pg_reload_conf() now on the members (annotation pks.io/reload): each that
     * answers in its role is reloaded, and the status records the request with the time. A member
     * that does not answer reads the files when it starts.
     */
    private LifecycleStep reloadRequested(String request, boolean primaryAnswers) {
      boolean standbyAnswers = facts.answersAsStandby(standby);
      if (!primaryAnswers && !standbyAnswers) {
        return waiting(state.phase(), "Reload requested (annotation " + PksReplicaPair.RELOAD_ANNOTATION
            + "): waiting for a member to answer.");
      }
      Set<Action> actions = EnumSet.noneOf(Action.class);
      List<String> reloaded = new ArrayList<>();
      if (primaryAnswers) {
        actions.add(Action.RELOAD_PRIMARY);
        reloaded.add(primary);
      }
      if (standbyAnswers) {
        actions.add(Action.RELOAD_STANDBY);
        reloaded.add(standby);
      }
      String at = nowSeconds();
      String skipped = reloaded.size() == 2 ? "" : "; " + (primaryAnswers ? standby : primary)
          + " does not answer and reads the files when it starts";
      return new LifecycleStep(state.reloaded(request, at), actions, EventReason.ConfigurationReloaded,
          "Configuration reloaded (pg_reload_conf()) on " + String.join(" and ", reloaded) + " at " + at
              + " as requested (annotation " + PksReplicaPair.RELOAD_ANNOTATION + ")" + skipped + ".");
    }

    /**
     * During a switchover or failover that has not promoted yet, a request naming the current
     * primary (the switchover annotation, or spec.primary set back to it) cancels the operation.
     */
    private boolean cancellationRequested() {
      String acted = pair.getStatus().requestedPrimary();
      boolean specBack = pair.getSpec().primary().equals(primary) && acted != null && !acted.equals(primary);
      return specBack || pair.switchoverAnnotation().filter(primary::equals).isPresent();
    }

    /** Back to the primary the operation was leaving: it starts again, nothing was promoted. */
    private LifecycleStep cancelled(EventReason reason, String message) {
      return answering(new LifecycleStep(state.phase(Phase.Degraded).targeting(null).switchoverLsn(null)
          .starting(primary), Set.of(), reason, message));
    }

    private LifecycleStep streaming() {
      SynchronousMode mode = pair.getSpec().replication().synchronous();
      if (mode == SynchronousMode.Off && facts.primaryWaitsForStandby()) {
        return stopWaiting(state.phase(Phase.Streaming).job(null), EventReason.Streaming, "Primary " + primary
            + " streams to standby " + standby + " asynchronously (synchronous: Off).");
      }
      boolean sync = mode != SynchronousMode.Off;
      boolean syncShown = syncShown();
      PairState next = state.phase(Phase.Streaming).job(null).synchronousStandby(syncShown ? standby : null);
      return new LifecycleStep(next, sync && !syncShown ? Set.of(Action.ENABLE_SYNC) : Set.of(), EventReason.Streaming,
          "Primary " + primary + " streams to standby " + standby + (sync ? " synchronously." : " asynchronously."));
    }

    /**
     * The primary is to stop waiting for its standby. The status first records that no standby holds
     * every commit (a later failover then asks for allowDataLoss); only a reconcile that reads that
     * record back clears synchronous_standby_names, so no commit is ever acknowledged by the primary
     * alone while the status still names a synchronous standby.
     */
    private LifecycleStep stopWaiting(PairState next, EventReason reason, String message) {
      boolean recorded = state.synchronousStandby() == null;
      return new LifecycleStep(next.synchronousStandby(null), recorded ? Set.of(Action.DISABLE_SYNC) : Set.of(), reason,
          message);
    }

    private LifecycleStep standbyNotStreaming() {
      String seen = fenced(standby) ? "fenced: annotation " + PksReplicaPair.FENCE_ANNOTATION
          : facts.observation().get().replication().state() + walGoneForGood().map(gap -> "; " + gap
              + ": only a re-seed makes it a standby again, kubectl pks reseed").orElse("");
      SynchronousMode mode = pair.getSpec().replication().synchronous();
      PairState degraded = state.phase(Phase.Degraded);
      if (mode == SynchronousMode.Required) {
        return warning(degraded, EventReason.StandbyNotStreaming, "Standby " + standby + " is not streaming from primary "
            + primary + " (" + seen + "); synchronous: Required, so commits wait until it is back.");
      }
      if (mode == SynchronousMode.Off && facts.primaryWaitsForStandby()) {
        return stopWaiting(degraded, EventReason.StandbyNotStreaming, "Standby " + standby + " is not streaming from"
            + " primary " + primary + " (" + seen + "); synchronous: Off, so commits do not wait for it.");
      }
      if (mode == SynchronousMode.Preferred && facts.primaryWaitsForStandby()) {
        Duration down = facts.standbyNotStreamingFor();
        if (down.compareTo(Duration.ofSeconds(failover.standbyUnavailableSeconds())) >= 0) {
          return stopWaiting(degraded, EventReason.SyncDegraded, "Standby " + standby + " has not streamed for "
              + down.toSeconds() + " s; synchronous: Preferred, so primary " + primary
              + " commits without waiting for it until it streams again.");
        }
        return warning(degraded, EventReason.StandbyNotStreaming, "Standby " + standby + " is not streaming from primary "
            + primary + " (" + seen + "); commits wait for it up to " + failover.standbyUnavailableSeconds()
            + " s, then continue without it.");
      }
      if (mode == SynchronousMode.Preferred) {
        return warning(degraded, EventReason.StandbyNotStreaming, "Standby " + standby + " is not streaming from primary "
            + primary + " (" + seen + "); synchronous: Preferred, so " + primary
            + " commits without waiting for it until it streams again.");
      }
      return warning(degraded, EventReason.StandbyNotStreaming, "Standby " + standby + " is not streaming from primary "
          + primary + " (" + seen + ").");
    }

    /**
     * The member a user asks to promote: the switchover annotation naming the standby, or a
     * spec.primary changed since the operator last acted on it and naming the standby. After a
     * failover, spec.primary still holds what the user wrote (the operator never writes the spec):
     * unchanged, it asks for nothing, so a GitOps tool holding it never asks for a switch back.
     */
    private Optional<String> switchoverRequest() {
      Optional<String> annotated = pair.switchoverAnnotation().filter(standby::equals);
      if (annotated.isPresent()) {
        return annotated;
      }
      String specPrimary = pair.getSpec().primary();
      return specPrimary.equals(state.requestedPrimary()) || specPrimary.equals(primary)
          ? Optional.empty() : Optional.of(specPrimary);
    }

    /** The user's request is answered by {@code step}: the spec.primary it read is acted on. */
    private LifecycleStep answering(LifecycleStep step) {
      return new LifecycleStep(step.state().requested(pair.getSpec().primary()), step.actions(), step.reason(),
          step.message());
    }

    /**
     * A switchover is requested while the primary does not answer: a switchover that cannot
     * stop the primary cleanly. It follows the failover rules: the bound first, and in Manual mode
     * only a spec.primary change made after the loss was reported (phase Failed) fails over.
     */
    private LifecycleStep switchoverWithoutPrimary(String requested) {
      Duration lost = facts.primaryUnreachableFor(primary);
      Duration bound = lossBound(failover, facts);
      boolean requestedAfterReport = state.phase() == Phase.Failed;
      if (failover.mode() == FailoverMode.Manual && !requestedAfterReport) {
        return warning(state, EventReason.PrimaryLost, "Switchover to " + requested + " cannot stop primary " + primary
            + " cleanly: it has not answered for " + lost.toSeconds() + " s and failover.mode is Manual, so nothing"
            + " was promoted. To fail over to " + requested + ", set spec.primary back to " + primary
            + ", then, once the loss is reported, to " + requested + ".");
      }
      if (lost.compareTo(bound) < 0 && !requestedAfterReport) {
        return waiting(state.phase(), "Switchover to " + requested + " waits: primary " + primary + " "
            + unanswered() + "; " + failoverOnceLost(bound) + ".");
      }
      LifecycleStep failover = failoverTo(requested, "a switchover to " + requested + " is requested and "
          + lostFor(lost));
      return failover.phase() == Phase.FailingOver ? answering(failover) : failover;
    }

    private LifecycleStep primaryLost() {
      Duration lost = facts.primaryUnreachableFor(primary);
      Duration bound = lossBound(failover, facts);
      if (lost.compareTo(bound) < 0) {
        // No running count in the message: it would rewrite the status at every probe of the outage.
        return waiting(state.phase(), "Primary " + primary + " " + unanswered()
            + (failover.mode() == FailoverMode.Automatic ? "; " + failoverOnceLost(bound) + "." : "."));
      }
      if (failover.mode() == FailoverMode.Manual) {
        String safety = safeToPromote(standby) ? "it has every acknowledged commit"
            : "it was not last seen in sync: commits it lacks would be lost, so also set"
                + " spec.failover.allowDataLoss: true";
        return warning(state.phase(Phase.Failed), EventReason.PrimaryLost, "Primary " + primary + " has not answered for "
            + lost.toSeconds() + " s and failover.mode is Manual: nothing was promoted. To fail over to "
            + standby + ", set spec.primary: " + standby + " (" + safety + ").");
      }
      return failoverTo(standby, lostFor(lost));
    }

    /** How the primary fails to answer: not at all, that it is starting up, or to the operator only. */
    private String unanswered() {
      if (facts.primaryStarting()) {
        return "is starting up (it answers 57P03: crash recovery or a restart)";
      }
      return facts.onlyStandbyHearsPrimary(primary) ? "does not answer the operator, but standby " + standby
          + " received from it since its last answer" : "is not answering";
    }

    private String failoverOnceLost(Duration bound) {
      if (inCrashRecoveryGrace()) {
        return "failover once it has not answered as primary for " + bound.toSeconds()
            + " s (failover.crashRecoverySeconds)";
      }
      return facts.onlyStandbyHearsPrimary(primary) ? "failover once neither has heard from it for "
          + bound.toSeconds() + " s" : "failover once it has not answered for " + bound.toSeconds() + " s";
    }

    private String lostFor(Duration lost) {
      return facts.primaryStarting() ? "primary " + primary + " has not answered as primary for " + lost.toSeconds()
          + " s (it answers that it is starting up)" : "primary " + primary + " has not answered for "
          + lost.toSeconds() + " s";
    }

    /** The primary answers that it is starting up, and its grace is longer than the usual bound. */
    private boolean inCrashRecoveryGrace() {
      return facts.primaryStarting() && failover.crashRecoverySeconds() > failover.primaryUnavailableSeconds();
    }

    /** Whether promoting {@code target} loses no acknowledged commit, or the user accepted the loss. */
    private boolean safeToPromote(String target) {
      return target.equals(state.synchronousStandby()) || failover.allowDataLoss();
    }

    /** Automatic failover, or the user's spec.primary change while the primary is lost: fence first. */
    private LifecycleStep failoverTo(String target, String why) {
      if (fenced(target)) {
        return warning(state.phase(Phase.Failed), EventReason.FailoverRefused, "Not failing over to " + target + ": "
            + why + ", but " + target + " is fenced (annotation " + PksReplicaPair.FENCE_ANNOTATION + "), and a fenced"
            + " member is never promoted. Bring " + primary + " back, or unfence " + target + ".");
      }
      if (!facts.answersAsStandby(target) && !facts.answersAsPrimary(target)) {
        return warning(state.phase(Phase.Failed), EventReason.NoMemberAnswers, "Cannot fail over: " + why + ", and "
            + target + " does not answer either. Nothing was promoted.");
      }
      if (!safeToPromote(target)) {
        return warning(state.phase(Phase.Failed), EventReason.FailoverRefused, "Not failing over to " + target + ": " + why
            + ", but " + target + " was not last seen in sync, so commits it lacks would be lost. Bring "
            + primary + " back, or set spec.failover.allowDataLoss: true to accept that loss.");
      }
      return new LifecycleStep(state.phase(Phase.FailingOver).targeting(target).stopping(primary), Set.of(),
          EventReason.FailoverStarted, "Failing over to " + target + ": " + why + ". Fencing " + primary
              + " (StatefulSet to 0, role label removed) before promoting " + target + ".");
    }

    /** FailingOver, recorded with the old primary fenced: the objects have followed, promote. */
    LifecycleStep failingOver() {
      String target = state.targetPrimary();
      String old = primary;
      if (!facts.answersAsPrimary(target) && cancellationRequested()) {
        return cancelled(EventReason.FailoverCancelled, "Failover to " + target + " cancelled as requested before"
            + " promoting it: " + old + " starts again as the primary.");
      }
      if (!facts.answersAsStandby(target) && !facts.answersAsPrimary(target)) {
        return waiting(Phase.FailingOver, "Failing over: " + old + " is fenced; waiting for " + target
            + " to answer before promoting it. To cancel and start " + old + " again, annotate the pair "
            + PksReplicaPair.SWITCHOVER_ANNOTATION + "=" + old + ".");
      }
      return awaitingIsolationStop(Phase.FailingOver, target).orElseGet(() -> promote(target, old,
          EventReason.Promoted, target + " promoted after the loss of " + old + "; it takes the"
          + " writes and the SIP traffic (SIP clients on UDP may keep stale conntrack entries to the old site"
          + " until they expire). " + old + " is re-seeded as the standby when it returns: anything it"
          + " committed alone is discarded."));
    }

    private LifecycleStep switchoverRequested(String target) {
      if (!facts.caughtUp()) {
        return waiting(state.phase(), "Switchover to " + target + " waits for it to stream and catch up ("
            + facts.observation().get().replication().state() + ").");
      }
      return answering(preparingSwitchover(step(state.phase(Phase.SwitchingOver).targeting(target).stopping(primary)
          .switchoverLsn(facts.primaryWalLsn()),
          EventReason.SwitchoverStarted,
          "Switching over to " + target + ": stopping " + primary + " cleanly (every commit sent to " + target
              + ") before promoting " + target + ".")));
    }

    /**
     * SwitchingOver: promote once the old primary has stopped cleanly, which its last record shows:
     * its shutdown checkpoint, written after every commit and sent to the target before it exits.
     * Until it stops, the recorded position follows the primary's. When the target can read its WAL
     * records (pg_walinspect), the proof is that checkpoint replayed there as its last record, at or
     * after the recorded position, while the old primary no longer answers as primary: no need to wait
     * for its postmaster to exit or its pod to go, as nothing is written after that checkpoint.
     * When it cannot, the old primary must have stopped (its pod gone and no answer from it) and the
     * target must have received WAL beyond the recorded position; that cannot tell a clean stop
     * from one whose replication connection broke (docs/safety.md, "Known limits").
     */
    LifecycleStep switchingOver() {
      String target = state.targetPrimary();
      if (facts.answersAsPrimary(target)) {
        return switchedOver(target, "it answers as primary already");
      }
      if (facts.answersAsPrimary(primary) && Lsn.beyond(facts.primaryWalLsn(), state.switchoverLsn())) {
        return new LifecycleStep(state.phase(Phase.SwitchingOver).switchoverLsn(facts.primaryWalLsn()), Set.of(), null,
            pair.getStatus().message());
      }
      if (cancellationRequested()) {
        return cancelled(EventReason.SwitchoverCancelled, "Switchover to " + target + " cancelled as requested"
            + " before promoting it: " + primary + " starts again as the primary.");
      }
      Optional<String> checkpoint = facts.replayedShutdownCheckpoint(state.switchoverLsn());
      if (checkpoint.isPresent() && !facts.answersAsPrimary(primary)) {
        return switchedOver(target, "it replayed " + primary + "'s shutdown checkpoint at " + checkpoint.get()
            + ", its last record: a clean stop");
      }
      if (!oldPrimaryStopped() && !stopOverdue()) {
        return waiting(Phase.SwitchingOver, "Switching over to " + target + ": waiting for " + primary
            + " to stop cleanly.");
      }
      if (!facts.shutdownCheckpointReadable() && Lsn.beyond(facts.standbyReceivedLsn(), state.switchoverLsn())) {
        // Its shutdown checkpoint arrived, but a pod still there may be a primary cut off after it.
        return awaitingIsolationStop(Phase.SwitchingOver, target).orElseGet(() -> switchedOver(target,
            "it received WAL beyond " + primary + "'s last position " + state.switchoverLsn() + " after " + primary
                + " stopped"));
      }
      return uncleanSwitchover(target);
    }

    /**
     * Its pod gone and no answer from it: a primary that still answers, even that it is shutting
     * down (57P03: its shutdown checkpoint may not be written or sent yet), has not stopped. A
     * cluster keeps a pod until its container has exited; the sandbox deletes it at once.
     */
    private boolean oldPrimaryStopped() {
      return !facts.podExists(primary) && !facts.answersAsPrimary(primary) && !facts.primaryStarting();
    }

    /**
     * The old primary has not answered as primary for the failover bound and has not stopped (its
     * pod is still there, or it still answers that it is shutting down): its node may be lost, and
     * the clean stop may never be seen. The failover rules decide from here. One that still answers
     * as primary is never overdue: it runs, and the switchover waits for it or for its cancellation.
     */
    private boolean stopOverdue() {
      return facts.primaryUnreachableFor(primary).compareTo(Duration.ofSeconds(failover.primaryUnavailableSeconds())) >= 0;
    }

    /** The switchover's promotion; {@code proof} says why the old primary counts as stopped cleanly. */
    private LifecycleStep switchedOver(String target, String proof) {
      return promote(target, primary, EventReason.SwitchedOver, target + " promoted by a switchover (" + proof
          + "); it takes the writes and the SIP traffic. " + primary + " is re-seeded as its standby.");
    }

    /**
     * The old primary is gone but the target has not received its shutdown checkpoint: the stop
     * may not have been clean, so the failover rules decide (bound, Manual mode, a safe target).
     */
    private LifecycleStep uncleanSwitchover(String target) {
      String why = facts.shutdownCheckpointReadable()
          ? target + "'s last replayed WAL record is not " + primary + "'s shutdown checkpoint at or after its last position "
              + state.switchoverLsn()
          : target + " has received WAL up to " + facts.standbyReceivedLsn() + ", not beyond " + primary
              + "'s last position " + state.switchoverLsn() + " (its shutdown checkpoint is missing)";
      Duration lost = facts.primaryUnreachableFor(primary);
      Duration bound = Duration.ofSeconds(failover.primaryUnavailableSeconds());
      if (lost.compareTo(bound) < 0) {
        return waiting(Phase.SwitchingOver, "Switching over to " + target + ": " + why + "; waiting for it, then the"
            + " failover rules apply after " + bound.toSeconds() + " s.");
      }
      if (failover.mode() == FailoverMode.Manual) {
        return warning(state.phase(Phase.SwitchingOver), EventReason.PrimaryLost, "Switchover to " + target
            + " not completed: " + why + ", and failover.mode is Manual, so nothing was promoted. Set"
            + " failover.mode: Automatic to promote it by the failover rules.");
      }
      if (!safeToPromote(target)) {
        return warning(state.phase(Phase.SwitchingOver), EventReason.FailoverRefused, "Not promoting " + target + ": "
            + why + ", and it was not last seen in sync, so commits it lacks would be lost. Set"
            + " spec.failover.allowDataLoss: true to accept that loss.");
      }
      return awaitingIsolationStop(Phase.SwitchingOver, target).orElseGet(() -> promote(target, primary,
          EventReason.Promoted, target + " promoted by the failover rules after a"
          + " switchover whose old primary " + primary + " did not stop cleanly: " + why + ". It was in sync, so it"
          + " has every acknowledged commit; " + primary + " is re-seeded as its standby."));
    }

    private LifecycleStep promote(String target, String old, EventReason reason, String message) {
      PairState next = state.phase(Phase.Rejoining).promoted(target).stopping(old).job(null);
      Set<Action> actions = facts.answersAsPrimary(target) ? Set.of() : Set.of(Action.PROMOTE);
      return new LifecycleStep(next, actions, reason, message);
    }

    // --- configuration changes: reload, rolling restart (docs/safety.md, "Configuration changes") ---

    /**
     * {@code step} with a pg_reload_conf() on each member that reads the rendered configuration
     * files and has not applied them yet: it applies what a reload can, and reports the rest as
     * pending_restart for {@link #rollingRestart}.
     */
    private LifecycleStep withReload(LifecycleStep step) {
      Set<Action> actions = EnumSet.noneOf(Action.class);
      actions.addAll(step.actions());
      if (facts.reloadNeeded(primary)) {
        actions.add(Action.RELOAD_PRIMARY);
      }
      if (facts.reloadNeeded(standby)) {
        actions.add(Action.RELOAD_STANDBY);
      }
      return new LifecycleStep(step.state(), actions, step.reason(), step.message());
    }

    /**
     * {@code step}, its message saying that a needed restart waits for the pair to be healthy (and,
     * for the primary's, for the standby to run the rendered configuration: it goes first).
     */
    private LifecycleStep restartPendingNoted(LifecycleStep step) {
      List<String> waiting = pair.getSpec().members().stream().map(Member::name).filter(this::restartDue)
          .map(member -> member + " (" + restartReason(member) + ")").toList();
      if (waiting.isEmpty()) {
        return step;
      }
      return new LifecycleStep(step.state(), step.actions(), step.reason(), step.message() + " A restart of "
          + String.join(" and ", waiting) + " waits until the standby streams in sync with both pods Ready and runs"
          + " the rendered configuration.");
    }

    /**
     * A healthy pair with a member that needs a restart: the standby first; once it runs the new
     * configuration and streams in sync again, the primary, by a switchover to it or in place
     * (spec.primaryUpdateMethod). One member at a time, so one always serves.
     */
    private Optional<LifecycleStep> rollingRestart() {
      if (restartDue(standby) && (readyForRestart() || readyOnceNotWaitedFor())) {
        return Optional.of(standbyRestart());
      }
      if (!restartDue(primary) || !readyForRestart()) {
        return Optional.empty();
      }
      if (!facts.configurationApplied(standby)) {
        // The kubelet may deliver the new files to the primary first: the standby goes first all the same.
        return Optional.empty();
      }
      String reason = restartReason(primary);
      if (pair.getSpec().primaryUpdateMethod() == PrimaryUpdateMethod.Restart) {
        return Optional.of(step(state.phase(Phase.Restarting).restarting(primary).stopping(primary).restartBegun(primary),
            EventReason.RestartingMember, "Restarting primary " + primary + " in place (" + reason
                + "); writes wait until it is back. Standby " + standby + " runs the new configuration already."));
      }
      return Optional.of(preparingSwitchover(step(state.phase(Phase.SwitchingOver).targeting(standby).stopping(primary)
          .switchoverLsn(facts.primaryWalLsn()).restartBegun(primary), EventReason.SwitchoverStarted, "Switching over to " + standby
              + ", which runs the new configuration, to restart primary " + primary + " (" + reason + "): stopping "
              + primary + " cleanly before promoting " + standby + "; " + primary + " then rejoins as its standby.")));
    }

    /**
     * The standby's turn. Under Required commits wait for it while it restarts: no commit is
     * acknowledged on one copy. A primary that need not wait (Preferred, Off) first records that no
     * standby holds every commit, then clears synchronous_standby_names as the pod is stopped, so
     * writes never wait out the restart; the standby is synchronous again once it streams.
     */
    private LifecycleStep standbyRestart() {
      Optional<LifecycleStep> recordFirst = recordingStopWaiting("Restart of standby " + standby);
      if (recordFirst.isPresent()) {
        return recordFirst.get();
      }
      return new LifecycleStep(state.phase(Phase.Restarting).restarting(standby).stopping(standby).restartBegun(standby),
          stopWaitingForStandby() ? Set.of(Action.DISABLE_SYNC) : Set.of(), EventReason.RestartingMember,
          "Restarting standby " + standby + " (" + restartReason(standby) + "); primary " + primary + " keeps the"
              + " writes, and its turn, if it needs one, comes once " + standby + " streams in sync again.");
    }

    /**
     * Ready for the standby's restart but for the sync record, which {@link #standbyRestart} itself
     * cleared: the primary still waits for the standby, and it streams in sync.
     */
    private boolean readyOnceNotWaitedFor() {
      return state.synchronousStandby() == null && stopWaitingForStandby() && syncShown() && healthyForRestart();
    }

    /** {@code member} needs a restart (see {@link PairFacts#restartNeeded}), or the user asked for one. */
    private boolean restartDue(String member) {
      return facts.restartNeeded(member) || state.requestedRestarts().contains(member);
    }

    /** Why {@code member} is due a restart, in words. */
    private String restartReason(String member) {
      if (!state.requestedRestarts().contains(member)) {
        return facts.restartReason(member);
      }
      String requested = "requested: annotation " + PksReplicaPair.RESTART_ANNOTATION;
      return facts.restartNeeded(member) ? facts.restartReason(member) + "; " + requested : requested;
    }

    /**
     * Ready for a planned hand-over (a rolling restart, a drain's switchover): streaming as recorded
     * and seen, the standby caught up and, unless synchronous: Off, in sync (recorded and shown),
     * both pods Ready, nothing stopped and no Job.
     */
    private boolean readyForRestart() {
      boolean inSync = pair.getSpec().replication().synchronous() == SynchronousMode.Off
          || standby.equals(state.synchronousStandby()) && syncShown();
      return inSync && healthyForRestart();
    }

    /** Streaming as recorded and seen, the standby caught up, both pods Ready, nothing stopped, no Job. */
    private boolean healthyForRestart() {
      return state.phase() == Phase.Streaming && facts.caughtUp() && facts.podReady(primary)
          && facts.podReady(standby) && state.stoppedMembers().isEmpty() && state.job() == null;
    }

    private boolean syncShown() {
      return facts.observation().map(o -> "sync".equals(o.replication().syncState())).orElse(false);
    }

    /**
     * Restarting, recorded with the member stopped: once its pod is gone and a probe has seen it
     * stopped (so that no later probe showing it up can be one from before the stop), it is started
     * again, then waited for (bounded), then the pair goes on as any running pair.
     */
    LifecycleStep restarting() {
      String member = state.restartingMember();
      boolean isPrimary = member.equals(primary);
      if (state.stoppedMembers().contains(member)) {
        boolean seenStopped = isPrimary ? !facts.answersAsPrimary(member)
            : !facts.answersAsStandby(member) && !facts.streaming();
        if (facts.podExists(member) || !seenStopped) {
          return isPrimary ? primaryRestartWaits("waiting for it to stop")
              : waiting(Phase.Restarting, "Restarting standby " + member + ": waiting for it to stop.");
        }
        return new LifecycleStep(state.phase(Phase.Restarting).starting(member).memberStartedAt(nowSeconds()), Set.of(),
            null, "Restarting "
            + (isPrimary ? "primary " : "standby ") + member + ": it stopped; starting it again.");
      }
      return isPrimary ? primaryRestarted() : standbyRestarted();
    }

    /** The rules of a running pair, the restart over. */
    private Rules afterRestart() {
      return new Rules(pair, state.restarting(null).phase(Phase.Streaming), facts);
    }

    /**
     * The standby was started again: done once its pod is Ready and it streams in sync, or just
     * streams if the primary stopped waiting for it (the streaming rule then makes it synchronous
     * again). The failover rules decide if the primary is lost meanwhile, and a standby that has
     * not streamed for failover.standbyUnavailableSeconds is a standby not streaming like any other.
     */
    private LifecycleStep standbyRestarted() {
      boolean waitedFor = pair.getSpec().replication().synchronous() != SynchronousMode.Off
          && state.synchronousStandby() != null;
      boolean streamsInSync = facts.podReady(standby) && facts.streaming() && (!waitedFor || syncShown());
      Duration bound = Duration.ofSeconds(failover.standbyUnavailableSeconds());
      if (!facts.answersAsPrimary(primary) || streamsInSync || facts.standbyNotStreamingFor().compareTo(bound) >= 0) {
        return afterRestart().running();
      }
      return waiting(Phase.Restarting, "Restarting standby " + standby + ": started; waiting for it to stream in sync"
          + " from " + primary + " again.");
    }

    /**
     * The old primary is fenced but not confirmed stopped: its pod is still there (its node may be
     * cut off, running it on), and it was heard from less than {@link #isolationStopBound} ago, so
     * its own isolation check may not have stopped it yet. Promoting now could leave two writable
     * primaries; a pod gone (its kubelet stopped it) or the bound passed confirms the stop.
     */
    private Optional<LifecycleStep> awaitingIsolationStop(Phase phase, String target) {
      Duration bound = isolationStopBound(failover);
      // A target already promoted (a step whose record was lost) has nothing left to wait for.
      if (!facts.podExists(primary) || facts.primaryUnreachableFor(primary).compareTo(bound) >= 0
          || facts.answersAsPrimary(target)) {
        return Optional.empty();
      }
      return Optional.of(waiting(phase, "Promoting " + target + " once " + primary + " is confirmed stopped: its"
          + " pod is gone, or nothing was heard from it for " + bound.toSeconds() + " s (failover.isolationStopSeconds"
          + " and a margin: an isolated primary has stopped itself by then)."));
    }

    /** The primary was started again in place: done once its pod is Ready and it answers as primary. */
    private LifecycleStep primaryRestarted() {
      if (facts.podReady(primary) && facts.answersAsPrimary(primary)) {
        return afterRestart().running();
      }
      return primaryRestartWaits("started; waiting for it to answer");
    }

    /**
     * A primary restarted in place that has not answered for {@link #PRIMARY_RESTART_BOUND} (or
     * failover.primaryUnavailableSeconds, if longer) is lost: the failover rules decide.
     */
    private LifecycleStep primaryRestartWaits(String what) {
      Duration bound = Duration.ofSeconds(Math.max(PRIMARY_RESTART_BOUND.toSeconds(),
          failover.primaryUnavailableSeconds()));
      Duration silent = facts.primaryUnreachableFor(primary);
      if (state.memberStartedAt() != null) {
        Duration sinceStart = Duration.between(Instant.parse(state.memberStartedAt()), facts.now());
        silent = sinceStart.compareTo(silent) < 0 ? sinceStart : silent;
      }
      if (silent.compareTo(bound) >= 0) {
        return afterRestart().running();
      }
      return waiting(Phase.Restarting, "Restarting primary " + primary + " in place: " + what + "; writes wait until"
          + " it is back (the failover rules apply if it has not answered for " + bound.toSeconds() + " s).");
    }
  }

  /**
   * How long until a recorded primary that does not answer reaches the automatic failover's bound,
   * counted as {@link #decide} counts it (from its last good probe). Empty while no failover clock
   * runs: the primary answers, failover is Manual, or the bound is already reached.
   */
  static Optional<Duration> failoverDueIn(PksReplicaPair pair, PairFacts facts) {
    FailoverSpec failover = pair.getSpec().failover();
    if (pair.getStatus() == null || pair.getStatus().currentPrimary() == null
        || failover.mode() != FailoverMode.Automatic) {
      return Optional.empty();
    }
    return timeLeft(lossBound(failover, facts), facts.primaryUnreachableFor(pair.getStatus().currentPrimary()));
  }

  /**
   * How long until a promotion that waits for the old primary to be confirmed stopped (its pod still
   * there) may go ahead: the isolation-stop bound, counted as {@link #decide} counts it, from the
   * last news of the old primary. Empty while no promotion waits on that bound: no failover or
   * switchover under way, the old primary's pod gone, the target already promoted, or the bound
   * already reached.
   */
  static Optional<Duration> promotionDueIn(PksReplicaPair pair, PairFacts facts) {
    PksReplicaPairStatus status = pair.getStatus();
    if (status == null || status.targetPrimary() == null
        || (status.phase() != Phase.FailingOver && status.phase() != Phase.SwitchingOver)
        || !facts.podExists(status.currentPrimary()) || facts.answersAsPrimary(status.targetPrimary())) {
      return Optional.empty();
    }
    return timeLeft(isolationStopBound(pair.getSpec().failover()), facts.primaryUnreachableFor(status.currentPrimary()));
  }

  /**
   * What is left of {@code bound} after {@code silent} without news of the primary; empty when the
   * primary answers (no count has begun) or the bound is already reached.
   */
  private static Optional<Duration> timeLeft(Duration bound, Duration silent) {
    Duration left = bound.minus(silent);
    return silent.isZero() || left.isNegative() || left.isZero() ? Optional.empty() : Optional.of(left);
  }

  /**
   * When to look at a pair again whose primary does not answer or whose standby does not stream:
   * at the next probe, or sooner when a bound is reached before it ({@link #failoverDueIn},
   * {@link #promotionDueIn}). A failed probe changes no observation, so no probe triggers the look
   * that acts at a bound, and the periodic one may come up to a probe interval after it.
   */
  static Duration lookAgainIn(PksReplicaPair pair, PairFacts facts, Duration probeInterval) {
    return Stream.of(failoverDueIn(pair, facts), promotionDueIn(pair, facts))
        .flatMap(Optional::stream)
        .filter(due -> due.compareTo(probeInterval) < 0)
        .min(Comparator.naturalOrder())
        .orElse(probeInterval);
  }

  /**
   * How long the primary may not answer as primary before it counts as lost: primaryUnavailableSeconds,
   * or, while it answers that it is starting up (57P03: replaying WAL after a crash), its crash
   * recovery grace if that is longer. A primary in recovery accepts no write, so waiting for it
   * risks no commit; failing it over costs a full re-seed.
   */
  static Duration lossBound(FailoverSpec failover, PairFacts facts) {
    return Duration.ofSeconds(facts.primaryStarting()
        ? Math.max(failover.primaryUnavailableSeconds(), failover.crashRecoverySeconds())
        : failover.primaryUnavailableSeconds());
  }

  /**
   * How long after the last news of a primary whose pod is still there its own isolation check
   * has stopped it: failover.isolationStopSeconds and {@link #ISOLATION_STOP_MARGIN}.
   */
  static Duration isolationStopBound(FailoverSpec failover) {
    return Duration.ofSeconds(failover.isolationStopSeconds()).plus(ISOLATION_STOP_MARGIN);
  }

  /** The first seed attempt of {@code member} whose Job does not exist yet. */
  static int nextSeedAttempt(PksReplicaPair pair, String member, PairFacts facts) {
    int attempt = 1;
    while (facts.jobs().containsKey(Jobs.seed(pair, member, attempt).name())) {
      attempt++;
    }
    return attempt;
  }
}
