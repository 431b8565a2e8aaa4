package io.pks.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.pks.operator.model.Scripts;

/** A failed Job's outcome, read from its condition and its pod's last words and exit status. */
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

  private static Job failedJob() {
    return new JobBuilder().withNewMetadata().withName(JOB).endMetadata()
        .withNewStatus().addNewCondition().withType("Failed").withStatus("True")
        .withLastTransitionTime("2026-11-30T12:00:00Z").withMessage("Job has reached the specified backoff limit")
        .endCondition().endStatus().build();
  }

  private static Pod pod(int exitCode, String message) {
    return new PodBuilder().withNewMetadata().withName(JOB + "-x").addToLabels(JobOutcome.JOB_NAME_LABEL, JOB)
        .endMetadata().withNewStatus().addNewContainerStatus().withNewState().withNewTerminated()
        .withExitCode(exitCode).withMessage(message).withFinishedAt("2026-11-30T12:00:00Z").endTerminated().endState()
        .endContainerStatus().endStatus().build();
  }
}
