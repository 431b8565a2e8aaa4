package io.pks.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.pks.operator.model.Scripts;

/** A Job's outcome, read from its condition and its pod's last words (a failure's reason, a success's report) and exit status. */
class JobOutcomeTest {
  private static final String JOB = "pks-site-b-seed-1";

  @Test
  void aScriptThatRefusedIsARefusalWithItsReason() {
    JobOutcome outcome = JobOutcome.of(failedJob(), List.of(pod(Scripts.REFUSED_EXIT_CODE, "seed: site-b holds newer data")));
    assertThat(outcome.state()).isEqualTo(JobOutcome.State.REFUSED);
    assertThat(outcome.reason()).isEqualTo("seed: site-b holds newer data");
  }

  @Test
  void anyOtherExitStatusIsAFailureWithItsReason() {
    JobOutcome outcome = JobOutcome.of(failedJob(), List.of(pod(1, "seed: primary unreachable")));
    assertThat(outcome.state()).isEqualTo(JobOutcome.State.FAILED);
    assertThat(outcome.reason()).isEqualTo("seed: primary unreachable");
  }

  @Test
  void aSucceededJobCarriesItsScriptsReport() {
    JobOutcome outcome = JobOutcome.of(job("Complete"), List.of(pod(0, "rewound: no rewind was needed; pgdata is a standby\n")));
    assertThat(outcome.state()).isEqualTo(JobOutcome.State.SUCCEEDED);
    assertThat(outcome.report()).isEqualTo("rewound: no rewind was needed; pgdata is a standby");
    assertThat(outcome.reason()).isNull();
  }

  @Test
  void aFailedPodsLastWordsAreNoReportOfASucceededRetry() {
    JobOutcome outcome = JobOutcome.of(job("Complete"), List.of(pod(1, "seed: primary unreachable")));
    assertThat(outcome.report()).isNull();
  }

  private static Job failedJob() {
    return job("Failed");
  }

  /** A Job whose condition {@code type} is true, as the Job controller writes it. */
  private static Job job(String type) {
    return new JobBuilder().withNewMetadata().withName(JOB).endMetadata()
        .withNewStatus().addNewCondition().withType(type).withStatus("True")
        .withLastTransitionTime("2026-11-30T12:00:00Z").withMessage("Failed".equals(type)
            ? "Job has reached the specified backoff limit" : null)
        .endCondition().endStatus().build();
  }

  private static Pod pod(int exitCode, String message) {
    return new PodBuilder().withNewMetadata().withName(JOB + "-x").addToLabels(JobOutcome.JOB_NAME_LABEL, JOB)
        .endMetadata().withNewStatus().addNewContainerStatus().withNewState().withNewTerminated()
        .withExitCode(exitCode).withMessage(message).withFinishedAt("2026-11-30T12:00:00Z").endTerminated().endState()
        .endContainerStatus().endStatus().build();
  }
}
