package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;

/**
 * The sandbox's StatefulSet controller on the embedded API server: a pass whose list still has a
 * set the garbage collector has deleted creates neither its claim (which, made without an owner,
 * would outlive the pair) nor its pod.
 */
class StatefulSetControllerIT {
  private static final String NAMESPACE = "telephony";

  private EmbeddedApiServer server;
  private NamespacedKubernetesClient client;
  private StatefulSetController statefulSets;

  @BeforeEach
  void start() {
    server = new EmbeddedApiServer();
    client = server.client();
    statefulSets = new StatefulSetController(client);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aSetStillListedAfterItsDeletionGetsNoClaimAndNoPod() {
    StatefulSet listed = create("pks-site-a");
    client.apps().statefulSets().inNamespace(NAMESPACE).withName("pks-site-a").delete();

    statefulSets.sync(List.of(listed), List.of(), List.of(), List.of());

    assertThat(claims()).isEmpty();
    assertThat(pods()).isEmpty();
  }

  @Test
  void aSetReplacedUnderTheSameNameIsNotActedOnForTheOldOne() {
    StatefulSet listed = create("pks-site-a");
    client.apps().statefulSets().inNamespace(NAMESPACE).withName("pks-site-a").delete();
    create("pks-site-a");

    statefulSets.sync(List.of(listed), List.of(), List.of(), List.of());

    assertThat(pods()).isEmpty();
  }

  @Test
  void aSetThatExistsGetsItsClaimAndItsPod() {
    StatefulSet listed = create("pks-site-a");

    statefulSets.sync(List.of(listed), List.of(), List.of(), List.of());

    assertThat(claims()).extracting(claim -> claim.getMetadata().getName()).containsExactly("data-pks-site-a-0");
    assertThat(pods()).extracting(pod -> pod.getMetadata().getName()).containsExactly("pks-site-a-0");
  }

  private StatefulSet create(String name) {
    return client.apps().statefulSets().inNamespace(NAMESPACE).resource(new StatefulSetBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withReplicas(1).withServiceName(name).withNewSelector().addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("pks-member").endContainer().endSpec()
        .endTemplate()
        .addNewVolumeClaimTemplate().withNewMetadata().withName("data").endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
        .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().endVolumeClaimTemplate()
        .endSpec().build()).create();
  }

  private List<PersistentVolumeClaim> claims() {
    return client.persistentVolumeClaims().inNamespace(NAMESPACE).list().getItems();
  }

  private List<Pod> pods() {
    return client.pods().inNamespace(NAMESPACE).list().getItems();
  }
}
