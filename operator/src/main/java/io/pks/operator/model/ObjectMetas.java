package io.pks.operator.model;

import java.util.Map;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/** Metadata of an object that belongs to a pair. Owner references are added by the dependents. */
final class ObjectMetas {
  private ObjectMetas() {
  }

  static ObjectMeta of(PksReplicaPair pair, String name, Map<String, String> labels) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(pair.getMetadata().getNamespace())
        .withLabels(labels)
        .build();
  }
}
