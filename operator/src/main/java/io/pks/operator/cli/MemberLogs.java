package io.pks.operator.cli;

import java.util.Optional;
import java.util.stream.Stream;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Names;

/** A member's pod log, as {@code kubectl logs} reads it, each line prefixed by {@code [member]}. */
final class MemberLogs {
  private MemberLogs() {
  }

  /** The lines of {@code member}'s pod log, prefixed; empty when it has no pod. */
  static Optional<Stream<String>> prefixed(KubernetesClient client, PksReplicaPair pair, String member) {
    PodResource pod = client.pods().inNamespace(pair.getMetadata().getNamespace())
        .withName(Names.pod(pair.getMetadata().getName(), member));
    if (pod.get() == null) {
      return Optional.empty();
    }
    return Optional.of(pod.getLog().lines().map(line -> "[" + member + "] " + line));
  }

  /** What is said of a member without a pod. */
  static String noPod(String member) {
    return member + " has no pod (stopped, fenced or not started yet).";
  }
}
