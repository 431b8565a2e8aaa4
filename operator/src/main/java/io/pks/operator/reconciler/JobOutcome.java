package io.pks.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.pks.operator.model.Scripts;

/**
 * Where a Job is, read from its conditions as the Job controller writes them.
 *
 * @param reason why it failed or refused; null otherwise
 * @param finishedAt when it succeeded or failed; null while it runs
 * @param duration from its start to its end, when the Job controller recorded both
 * @param report what a succeeded Job's script reported (its termination message's last line), such
 *     as how a seed made the standby ({@link Scripts#REWOUND}, {@link Scripts#COPIED}); null without one
 */
record JobOutcome(State state, String reason, Instant finishedAt, Duration duration, String report) {

  JobOutcome(State state, String reason, Instant finishedAt) {
    this(state, reason, finishedAt, null, null);
  }

  /** REFUSED: it failed because its script refused to act on what it found; running it again would too. */
  enum State { ABSENT, RUNNING, SUCCEEDED, FAILED, REFUSED }

  static final JobOutcome ABSENT = new JobOutcome(State.ABSENT, null, null);

  /** The Job's pods carry the Job controller's job-name label. */
  static final String JOB_NAME_LABEL = "job-name";

  /**
   * @param pods pods that may include the Job's; the last line a failed pod left (its termination
   *     message, from the script's stderr) says why better than the Job's own condition, and its
   *     exit status tells a refusal ({@link Scripts#REFUSED_EXIT_CODE}) from a failure; the last
   *     line a succeeded pod wrote to its termination message is the Job's report
   */
  static JobOutcome of(Job job, Collection<Pod> pods) {
    if (job == null) {
      return ABSENT;
    }
    JobOutcome outcome = fromConditions(job);
    if (outcome.state() == State.SUCCEEDED) {
      return lastTermination(job, pods, true).map(terminated -> new JobOutcome(State.SUCCEEDED, null,
          outcome.finishedAt(), outcome.duration(), lastLine(terminated.getMessage()))).orElse(outcome);
    }
    if (outcome.state() != State.FAILED) {
      return outcome;
    }
    return lastTermination(job, pods, false)
        .map(terminated -> new JobOutcome(refused(terminated) ? State.REFUSED : State.FAILED,
            lastLine(terminated.getMessage()), outcome.finishedAt()))
        .orElse(outcome);
  }

  /** The latest end with a message of one of the Job's pods, succeeded or failed as {@code succeeded}. */
  private static Optional<ContainerStateTerminated> lastTermination(Job job, Collection<Pod> pods, boolean succeeded) {
    String name = job.getMetadata().getName();
    return pods.stream()
        .filter(pod -> name.equals(pod.getMetadata().getLabels().get(JOB_NAME_LABEL)))
        .filter(pod -> pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null)
        .flatMap(pod -> pod.getStatus().getContainerStatuses().stream())
        .map(ContainerStatus::getState)
        .filter(state -> state != null && state.getTerminated() != null && state.getTerminated().getMessage() != null)
        .map(ContainerState::getTerminated)
        .filter(terminated -> (Integer.valueOf(0).equals(terminated.getExitCode())) == succeeded)
        .max(Comparator.comparing(ContainerStateTerminated::getFinishedAt, Comparator.nullsFirst(String::compareTo)))
        .filter(terminated -> !lastLine(terminated.getMessage()).isEmpty());
  }

  private static boolean refused(ContainerStateTerminated terminated) {
    return terminated.getExitCode() != null && terminated.getExitCode() == Scripts.REFUSED_EXIT_CODE;
  }

  private static Duration duration(Job job) {
    if (job.getStatus().getStartTime() == null || job.getStatus().getCompletionTime() == null) {
      return null;
    }
    return Duration.between(Instant.parse(job.getStatus().getStartTime()),
        Instant.parse(job.getStatus().getCompletionTime()));
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  private static JobOutcome fromConditions(Job job) {
    if (job.getStatus() != null && job.getStatus().getConditions() != null) {
      for (JobCondition condition : job.getStatus().getConditions()) {
        if (!"True".equals(condition.getStatus())) {
          continue;
        }
        Instant at = condition.getLastTransitionTime() == null ? null
            : Instant.parse(condition.getLastTransitionTime());
        if ("Complete".equals(condition.getType())) {
          return new JobOutcome(State.SUCCEEDED, null, at, duration(job), null);
        }
        if ("Failed".equals(condition.getType())) {
          return new JobOutcome(State.FAILED, condition.getMessage() != null ? condition.getMessage()
              : condition.getReason(), at);
        }
      }
    }
    return new JobOutcome(State.RUNNING, null, null);
  }
}
