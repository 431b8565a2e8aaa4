package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.pks.operator.SettableClock;

/**
 * The sandbox's Job controller on the embedded API server: a pass that runs before the cache has
 * the pod it created (passes follow changes) creates no second pod, which would run the Job twice.
 */
class JobControllerIT {
  private static final String NAMESPACE = "telephony";

  private EmbeddedApiServer server;
  private NamespacedKubernetesClient client;
  private Job job;

  @BeforeEach
  void start() {
    server = new EmbeddedApiServer();
    client = server.client();
    job = client.batch().v1().jobs().inNamespace(NAMESPACE).resource(new JobBuilder()
        .withNewMetadata().withName("pks-site-a-initdb").withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withBackoffLimit(6).withNewTemplate().withNewMetadata().addToLabels("app", "pks").endMetadata()
        .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("initdb").withImage("pks-member")
        .endContainer().endSpec().endTemplate().endSpec().build()).create();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aPassBeforeTheCacheHasTheCreatedPodCreatesNoOther() {
    JobController jobs = new JobController(client, Clock.systemUTC());

    jobs.sync(List.of(job), List.of());
    jobs.sync(List.of(job), List.of());

    assertThat(pods()).hasSize(1);
    jobs.sync(List.of(job), pods());
    assertThat(pods()).as("the pod seen, still running").hasSize(1);
  }

  @Test
  void aCreatedPodNeverSeenIsGivenUpOnAfterItsWait() {
    SettableClock clock = new SettableClock(Instant.parse("2026-12-02T12:00:00Z"));
    JobController jobs = new JobController(client, clock);
    jobs.sync(List.of(job), List.of());
    client.pods().inNamespace(NAMESPACE).withName(pods().get(0).getMetadata().getName()).delete();

    clock.advance(JobController.CREATED_POD_WAIT.minusMillis(1));
    jobs.sync(List.of(job), List.of());
    assertThat(pods()).as("within the wait").isEmpty();

    clock.advance(Duration.ofMillis(1));
    jobs.sync(List.of(job), List.of());
    assertThat(pods()).as("after it").hasSize(1);
  }

  private List<Pod> pods() {
    return client.pods().inNamespace(NAMESPACE).list().getItems();
  }
}
