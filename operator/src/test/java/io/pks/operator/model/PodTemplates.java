package io.pks.operator.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/** Every pod template among objects the operator builds: the StatefulSets' and the Jobs'. */
final class PodTemplates {
  private PodTemplates() {
  }

  /** Every pod the operator may run for {@code pair}: both members, and each Job for each member. */
  static Map<String, PodTemplateSpec> everyPod(PksReplicaPair pair) {
    List<HasMetadata> objects = new ArrayList<>(new DesiredObjects(pair,
        new ClusterNetwork(ClusterNetwork.DEFAULT_CLUSTER_DOMAIN)).all(Secrets.PasswordSource.NONE));
    for (Member member : pair.getSpec().members()) {
      objects.add(Jobs.build(pair, Jobs.initdb(pair, member.name())));
      if (pair.getSpec().recovery().isPresent()) {
        objects.add(Jobs.build(pair, Jobs.bootstrap(pair, member.name())));
      }
      objects.add(Jobs.build(pair, Jobs.seed(pair, member.name(), 1)));
    }
    return of(objects);
  }

  /** How many pods {@link #everyPod} finds: both members, each one's initdb and seed Jobs, and restore Job with a recovery. */
  static int count(PksReplicaPair pair) {
    return pair.getSpec().recovery().isPresent() ? 8 : 6;
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

  static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
  }

  /** Volume name → mount path, of the pod's first container. */
  static Map<String, String> mounts(PodSpec pod) {
    return pod.getContainers().get(0).getVolumeMounts().stream()
        .collect(Collectors.toMap(VolumeMount::getName, VolumeMount::getMountPath));
  }

  /** Name → value of the first container's environment. */
  static Map<String, String> env(PodSpec pod) {
    return pod.getContainers().get(0).getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
