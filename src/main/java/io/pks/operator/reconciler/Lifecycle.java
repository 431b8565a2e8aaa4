package io.pks.operator.reconciler;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.pks.operator.api.v1alpha1.MemberJob;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.api.v1alpha1.SynchronousMode;
import io.pks.operator.model.Jobs;
import io.pks.operator.model.PairRoles;
import io.pks.operator.reconciler.LifecycleStep.Action;

/**
 * The bootstrap of DESIGN.md section 5 as one pure function: from the pair (spec and recorded
 * status) and the facts, the next step. Pending → InitializingPrimary (initdb Job, then the
 * primary starts) → replication role and slot → SeedingStandby (seed Job, then the standby starts)
 * → Streaming, and Degraded while a seeded standby does not stream.
 */
final class Lifecycle {
  private Lifecycle() {
  }

  /** A failed seed is kept for its logs; the next one starts after this pause. */
  static final Duration SEED_RETRY_DELAY = Duration.ofSeconds(30);

  static LifecycleStep decide(PksReplicaPair pair, PairFacts facts) {
    PksReplicaPairStatus status = pair.getStatus() == null ? PksReplicaPairStatus.EMPTY : pair.getStatus();
    String primary = PairRoles.currentPrimary(pair);
    String standby = pair.getSpec().peerOf(primary);
    Phase phase = status.phase();
    if (phase == Phase.Failed && status.job() != null) {
      // A failed Job is retried by deleting it; the bootstrap then continues where it stopped.
      phase = switch (status.job().kind()) {
        case Initdb -> Phase.InitializingPrimary;
        case Seed -> Phase.SeedingStandby;
      };
    }
    // No recorded primary: nothing was started yet (a pair whose first spec was refused included).
    if (phase == null || phase == Phase.Pending || status.currentPrimary() == null) {
      MemberJob initdb = Jobs.initdb(pair, primary);
      return new LifecycleStep(Phase.InitializingPrimary, primary, List.of(primary, standby), initdb, Set.of(),
          "InitializingPrimary", "Initialising primary " + primary + ": Job " + initdb.name()
              + " runs initdb on its volume.", false);
    }
    return switch (phase) {
      case InitializingPrimary -> initializingPrimary(pair, status, facts, primary, standby);
      case SeedingStandby -> seedingStandby(pair, status, facts, primary, standby);
      default -> running(pair, status, facts, primary, standby);
    };
  }

  private static LifecycleStep initializingPrimary(PksReplicaPair pair, PksReplicaPairStatus status,
      PairFacts facts, String primary, String standby) {
    MemberJob initdb = status.job();
    JobOutcome outcome = facts.job(initdb.name());
    return switch (outcome.state()) {
      case FAILED -> new LifecycleStep(Phase.Failed, primary, status.stoppedMembers(), initdb, Set.of(),
          "InitdbFailed", "Job " + initdb.name() + " could not initialise primary " + primary + ": "
              + outcome.reason() + ". Fix the cause, then delete the Job to run it again.", true);
      case ABSENT, RUNNING -> wait(status, Phase.InitializingPrimary, primary, "Initialising primary " + primary
          + ": waiting for Job " + initdb.name() + ".");
      case SUCCEEDED -> {
        if (status.stoppedMembers().contains(primary)) {
          yield new LifecycleStep(Phase.InitializingPrimary, primary, List.of(standby), initdb, Set.of(),
              "PrimaryInitialized", "Primary " + primary + " initialised by Job " + initdb.name()
                  + "; starting it.", false);
        }
        if (!facts.answersAsPrimary(primary)) {
          yield wait(status, Phase.InitializingPrimary, primary, "Primary " + primary
              + " initialised; waiting for it to accept connections.");
        }
        MemberJob seed = Jobs.seed(pair, standby, nextSeedAttempt(pair, standby, facts));
        yield new LifecycleStep(Phase.SeedingStandby, primary, List.of(standby), seed,
            Set.of(Action.CONFIGURE_REPLICATION), "SeedingStandby", "Replication role and slot ready on primary "
                + primary + "; seeding standby " + standby + " with Job " + seed.name() + ".", false);
      }
    };
  }

  private static LifecycleStep seedingStandby(PksReplicaPair pair, PksReplicaPairStatus status,
      PairFacts facts, String primary, String standby) {
    MemberJob seed = status.job();
    JobOutcome outcome = facts.job(seed.name());
    return switch (outcome.state()) {
      case FAILED -> {
        boolean retryNow = outcome.finishedAt() == null
            || !outcome.finishedAt().plus(SEED_RETRY_DELAY).isAfter(facts.now());
        if (!retryNow) {
          yield new LifecycleStep(Phase.SeedingStandby, primary, status.stoppedMembers(), seed, Set.of(),
              "SeedFailed", "Job " + seed.name() + " could not seed standby " + standby + ": " + outcome.reason()
                  + ". Retrying in " + SEED_RETRY_DELAY.toSeconds() + " s; the standby's previous data is untouched.",
              true);
        }
        MemberJob next = Jobs.seed(pair, standby, nextSeedAttempt(pair, standby, facts));
        yield new LifecycleStep(Phase.SeedingStandby, primary, status.stoppedMembers(), next, Set.of(),
            "SeedRetried", "Seeding standby " + standby + " again with Job " + next.name() + " after "
                + seed.name() + " failed: " + outcome.reason() + ".", true);
      }
      case ABSENT, RUNNING -> wait(status, Phase.SeedingStandby, primary, "Seeding standby " + standby + " from "
          + primary + ": waiting for Job " + seed.name() + ".");
      case SUCCEEDED -> {
        if (status.stoppedMembers().contains(standby)) {
          yield new LifecycleStep(Phase.SeedingStandby, primary, List.of(), seed, Set.of(), "StandbySeeded",
              "Standby " + standby + " seeded by Job " + seed.name() + "; starting it.", false);
        }
        if (!facts.streaming()) {
          yield wait(status, Phase.SeedingStandby, primary, "Standby " + standby
              + " seeded; waiting for it to stream from " + primary + ".");
        }
        yield streaming(pair, facts, primary, standby);
      }
    };
  }

  private static LifecycleStep running(PksReplicaPair pair, PksReplicaPairStatus status, PairFacts facts,
      String primary, String standby) {
    if (facts.streaming()) {
      return streaming(pair, facts, primary, standby);
    }
    if (facts.observation().isEmpty()) {
      // The first probe after an operator restart has not come yet: nothing is known to have changed.
      return wait(status, status.phase(), primary, status.message());
    }
    return new LifecycleStep(Phase.Degraded, primary, List.of(), null, Set.of(), "StandbyNotStreaming",
        "Standby " + standby + " is not streaming from primary " + primary + " ("
            + facts.observation().get().replication().state() + ").", true);
  }

  /** Streaming; synchronous replication is enabled once the standby streams (NOTES.md, pitfall 1). */
  private static LifecycleStep streaming(PksReplicaPair pair, PairFacts facts, String primary, String standby) {
    boolean sync = pair.getSpec().replication().synchronous() != SynchronousMode.Off;
    boolean syncShown = facts.observation().map(o -> "sync".equals(o.replication().syncState())).orElse(false);
    return new LifecycleStep(Phase.Streaming, primary, List.of(), null,
        sync && !syncShown ? Set.of(Action.ENABLE_SYNC) : Set.of(), "Streaming",
        "Primary " + primary + " streams to standby " + standby + (sync ? " synchronously." : " asynchronously."),
        false);
  }

  /** Nothing to do but wait: the recorded state stays, with {@code message}. */
  private static LifecycleStep wait(PksReplicaPairStatus status, Phase phase, String primary, String message) {
    return new LifecycleStep(phase, primary, status.stoppedMembers(), status.job(), Set.of(), null, message,
        false);
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
