package io.pks.operator.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.model.Jobs;

/**
 * The Job controller of the sandbox: one pod at a time per Job; a failed pod is replaced after the
 * Job controller's back-off (10 s doubling) until backoffLimit failures, then the Job is Failed;
 * the first pod that succeeds completes it.
 */
final class JobController {
  private static final Logger LOG = LoggerFactory.getLogger(JobController.class);
  static final String JOB_NAME_LABEL = "job-name";
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  /**
   * How long a pod this controller created may stay out of the cache before it creates another:
   * a pass may run before the pod's event has arrived (passes follow changes), and a second pod
   * then would run the Job's script twice. A pod deleted before it was ever seen is given up on.
   */
  static final Duration CREATED_POD_WAIT = Duration.ofSeconds(5);

  /** A pod created for a Job and not yet seen in the cache, by the Job's uid. */
  private record Created(String pod, Instant at) {
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, Created> created = new ConcurrentHashMap<>();

  JobController(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  void sync(List<Job> jobs, List<Pod> pods) {
    created.keySet().retainAll(jobs.stream().map(job -> job.getMetadata().getUid()).toList());
    for (Job job : jobs) {
      if (Jobs.finished(job)) {
        continue;
      }
      String namespace = job.getMetadata().getNamespace();
      List<Pod> own = pods.stream().filter(p -> p.getMetadata().getNamespace().equals(namespace)
          && job.getMetadata().getName().equals(p.getMetadata().getLabels().get(JOB_NAME_LABEL))).toList();
      if (awaitingCreated(job, own)) {
        continue;
      }
      List<Pod> failed = own.stream().filter(p -> phase(p).equals("Failed")).toList();
      int backoffLimit = job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
      if (own.stream().anyMatch(p -> phase(p).equals("Succeeded"))) {
        finish(job, true, 1, failed.size());
      } else if (failed.size() > backoffLimit) {
        finish(job, false, 0, failed.size());
      } else if (own.size() == failed.size() && backoffOver(failed)) {
        Pod pod = client.pods().inNamespace(namespace).resource(pod(job)).create();
        created.put(job.getMetadata().getUid(), new Created(pod.getMetadata().getName(), clock.instant()));
        LOG.info("job {}/{}: pod started (failures so far: {})", namespace, job.getMetadata().getName(), failed.size());
      }
    }
  }

  /** Whether the pod last created for {@code job} is not in the cache yet, and still awaited. */
  private boolean awaitingCreated(Job job, List<Pod> own) {
    Created last = created.get(job.getMetadata().getUid());
    if (last == null) {
      return false;
    }
    boolean seen = own.stream().anyMatch(pod -> pod.getMetadata().getName().equals(last.pod()));
    if (seen || !clock.instant().isBefore(last.at().plus(CREATED_POD_WAIT))) {
      created.remove(job.getMetadata().getUid(), last);
      return false;
    }
    return true;
  }

  private boolean backoffOver(List<Pod> failed) {
    if (failed.isEmpty()) {
      return true;
    }
    Instant last = failed.stream().map(JobController::finishedAt).max(Comparator.naturalOrder()).orElse(Instant.MIN);
    return !clock.instant().isBefore(last.plus(Duration.ofSeconds(10L << Math.min(failed.size() - 1, 5))));
  }

  private static Instant finishedAt(Pod pod) {
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> s.getState() != null && s.getState().getTerminated() != null
            && s.getState().getTerminated().getFinishedAt() != null)
        .map(s -> Instant.parse(s.getState().getTerminated().getFinishedAt()))
        .findFirst().orElse(Instant.MIN);
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending" : pod.getStatus().getPhase();
  }

  private void finish(Job job, boolean succeeded, int succeededCount, int failedCount) {
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace()).withName(job.getMetadata().getName())
        .editStatus(j -> new JobBuilder(j).withNewStatus()
            .addNewCondition().withType(succeeded ? "Complete" : "Failed").withStatus("True")
              .withReason(succeeded ? null : "BackoffLimitExceeded")
              .withMessage(succeeded ? null : "Job has reached the specified backoff limit")
              .withLastTransitionTime(now).withLastProbeTime(now).endCondition()
            .withStartTime(j.getStatus() != null && j.getStatus().getStartTime() != null ? j.getStatus().getStartTime()
                : startTime(j))
            .withSucceeded(succeededCount).withFailed(failedCount).withCompletionTime(succeeded ? now : null)
            .endStatus().build());
    LOG.info("job {}/{}: {}", job.getMetadata().getNamespace(), job.getMetadata().getName(),
        succeeded ? "complete" : "failed after " + failedCount + " pods");
  }

  /** The Job controller records when a Job started; the mock has none, so its creation stands in. */
  private static String startTime(Job job) {
    return job.getMetadata().getCreationTimestamp();
  }

  private static Pod pod(Job job) {
    var template = job.getSpec().getTemplate();
    Map<String, String> labels = new LinkedHashMap<>(template.getMetadata().getLabels());
    labels.put(JOB_NAME_LABEL, job.getMetadata().getName());
    labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(ALPHABET.charAt(ThreadLocalRandom.current().nextInt(ALPHABET.length())));
    }
    return new PodBuilder()
        .withNewMetadata()
          .withName(job.getMetadata().getName() + "-" + suffix).withNamespace(job.getMetadata().getNamespace())
          .withLabels(labels)
          .addNewOwnerReference().withApiVersion("batch/v1").withKind("Job").withName(job.getMetadata().getName())
            .withUid(job.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .endMetadata()
        .withSpec(template.getSpec())
        .editSpec().withNodeName(LocalKubelet.NODE_NAME).endSpec()
        .build();
  }
}
