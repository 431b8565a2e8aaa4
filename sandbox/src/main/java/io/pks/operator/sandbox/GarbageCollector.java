package io.pks.operator.sandbox;

import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Kubernetes' garbage collector for the sandbox (the mock API server has none): an object whose
 * every owner is gone is deleted (background propagation), so deleting a pair removes what it
 * owns and, through the StatefulSets and Jobs, their pods. Objects without owners are never
 * touched: that is how retained volumes and Secrets outlive their pair.
 */
final class GarbageCollector {
  private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

  private final KubernetesClient client;

  GarbageCollector(KubernetesClient client) {
    this.client = client;
  }

  /** @param owners uids of every object that may own another */
  void sync(Set<String> owners, Collection<? extends HasMetadata> objects) {
    for (HasMetadata object : objects) {
      var references = object.getMetadata().getOwnerReferences();
      if (references == null || references.isEmpty()
          || references.stream().anyMatch(reference -> owners.contains(reference.getUid()))) {
        continue;
      }
      client.resource(object).delete();
      LOG.info("garbage collected {} {}/{}: its owner {} is gone", object.getKind(),
          object.getMetadata().getNamespace(), object.getMetadata().getName(), references.get(0).getName());
    }
  }

  static Set<String> uids(List<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getUid()).collect(java.util.stream.Collectors.toSet());
  }
}
