package io.pks.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

class NodeWatchTest {
  private static Node node(Boolean unschedulable) {
    return new NodeBuilder()
        .withNewMetadata().withName("worker-1").withUid("6b1f").withResourceVersion("42")
            .addToLabels("kubernetes.io/hostname", "worker-1").addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubelet").withOperation("Update").build())
        .endMetadata()
        .withNewSpec().withUnschedulable(unschedulable).withPodCIDR("10.244.1.0/24").endSpec()
        .withNewStatus().addNewImage().withNames("postgres:17").withSizeBytes(160_000_000L).endImage()
            .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
        .build();
  }

  /** {@code node} put in the informer's cache, then read back from it. */
  private static Node kept(Node node) {
    TransformingItemStore<Node> cache = NodeWatch.cache();
    String key = cache.getKey(node);
    cache.put(key, node);
    return cache.get(key);
  }

  @Test
  void theCacheKeepsANodesNameAndWhetherItIsCordonedOnly() {
    Node kept = kept(node(true));

    assertThat(kept.getMetadata().getName()).isEqualTo("worker-1");
    assertThat(kept.getMetadata().getUid()).isNull();
    assertThat(kept.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(kept.getSpec().getUnschedulable()).isTrue();
    assertThat(kept.getMetadata().getLabels()).isEmpty();
    assertThat(kept.getMetadata().getAnnotations()).isEmpty();
    assertThat(kept.getMetadata().getManagedFields()).isEmpty();
    assertThat(kept.getSpec().getPodCIDR()).isNull();
    assertThat(kept.getStatus()).isNull();
  }

  @Test
  void aNodeNeverCordonedIsKeptSchedulable() {
    assertThat(List.of(kept(node(null)), kept(node(false))))
        .allSatisfy(kept -> assertThat(kept.getSpec().getUnschedulable()).isNotEqualTo(Boolean.TRUE));
    assertThat(kept(new NodeBuilder().withNewMetadata().withName("bare").endMetadata().build())
        .getSpec().getUnschedulable()).isNull();
  }
}
