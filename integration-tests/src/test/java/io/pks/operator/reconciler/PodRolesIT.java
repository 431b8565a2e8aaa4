package io.pks.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.pks.operator.MockCluster;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.model.Labels;

/**
 * The role labels on the embedded API server: each change is one merge patch of the label, the
 * request a promotion's writes wait on before -rw follows the new primary.
 */
class PodRolesIT {
  private static final String NS = "default";

  private final MockCluster cluster = new MockCluster();
  private final PodRoles roles = new PodRoles(cluster.client());
  private final PksReplicaPair pair = TestPairs.example();

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void aPromotionRecordedRelabelsBothPodsWithOneRequestEach() {
    Pod a = pod("pks-site-a-0", "site-a", Labels.ROLE_PRIMARY);
    Pod b = pod("pks-site-b-0", "site-b", Labels.ROLE_STANDBY);
    PksReplicaPairStatus promoted = PksReplicaPairStatus.builder().phase(Phase.Rejoining).currentPrimary("site-b")
        .stoppedMembers(List.of("site-a")).build();

    long before = cluster.apiServer().requestCount();
    roles.apply(pair, promoted, List.of(a, b));

    assertThat(cluster.apiServer().requestCount() - before).as("one request per label changed, none to read")
        .isEqualTo(2);
    assertThat(labels("pks-site-b-0")).containsEntry(Labels.ROLE, Labels.ROLE_PRIMARY);
    assertThat(labels("pks-site-a-0")).as("a stopped member's pod has no role").doesNotContainKey(Labels.ROLE)
        .containsEntry(Labels.MEMBER, "site-a");
  }

  @Test
  void aPodAlreadyLabelledAsRecordedIsLeftAlone() {
    Pod a = pod("pks-site-a-0", "site-a", Labels.ROLE_PRIMARY);
    Pod b = pod("pks-site-b-0", "site-b", Labels.ROLE_STANDBY);
    PksReplicaPairStatus streaming = PksReplicaPairStatus.builder().phase(Phase.Streaming).currentPrimary("site-a")
        .stoppedMembers(List.of()).build();

    long before = cluster.apiServer().requestCount();
    roles.apply(pair, streaming, List.of(a, b));

    assertThat(cluster.apiServer().requestCount() - before).isZero();
  }

  @Test
  void aPodChangedSinceItWasCachedIsLabelledAllTheSame() {
    Pod cached = pod("pks-site-b-0", "site-b", Labels.ROLE_STANDBY);
    // The kubelet updated the pod since the informer's copy: the label is patched regardless of
    // that copy's resourceVersion, as nothing but the label is written.
    cluster.client().pods().inNamespace(NS).withName("pks-site-b-0")
        .edit(pod -> new PodBuilder(pod).editMetadata().addToAnnotations("kubelet", "updated").endMetadata().build());
    PksReplicaPairStatus promoted = PksReplicaPairStatus.builder().phase(Phase.Rejoining).currentPrimary("site-b")
        .stoppedMembers(List.of("site-a")).build();

    roles.apply(pair, promoted, List.of(cached));

    assertThat(labels("pks-site-b-0")).containsEntry(Labels.ROLE, Labels.ROLE_PRIMARY);
    assertThat(cluster.client().pods().inNamespace(NS).withName("pks-site-b-0").get().getMetadata().getAnnotations())
        .as("the kubelet's update kept").containsEntry("kubelet", "updated");
  }

  private Pod pod(String name, String member, String role) {
    return cluster.client().pods().inNamespace(NS).resource(new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(NS)
          .addToLabels(Labels.MEMBER, member).addToLabels(Labels.ROLE, role).endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("postgres").endContainer().endSpec()
        .build()).create();
  }

  private Map<String, String> labels(String name) {
    return cluster.client().pods().inNamespace(NS).withName(name).get().getMetadata().getLabels();
  }
}
