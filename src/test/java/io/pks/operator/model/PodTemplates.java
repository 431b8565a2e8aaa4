package io.pks.operator.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/** Every pod template among objects the operator builds: the StatefulSets' and the Jobs'. */
final class PodTemplates {
  private PodTemplates() {
  }

  /** By kind/name of the object that holds the template. */
  static Map<String, PodTemplateSpec> of(List<? extends HasMetadata> objects) {
    Map<String, PodTemplateSpec> templates = new LinkedHashMap<>();
    for (HasMetadata object : objects) {
      String key = object.getKind() + "/" + object.getMetadata().getName();
      if (object instanceof StatefulSet statefulSet) {
        templates.put(key, statefulSet.getSpec().getTemplate());
      } else if (object instanceof Job job) {
        templates.put(key, job.getSpec().getTemplate());
      }
    }
    return templates;
  }
}
