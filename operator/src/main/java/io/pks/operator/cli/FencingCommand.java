package io.pks.operator.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.api.v1alpha1.FenceRequest;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import picocli.CommandLine.Option;

/** {@code fence} and {@code unfence}: a change of one member's entry in {@link PksReplicaPair#FENCE_ANNOTATION}. */
abstract class FencingCommand extends PairCommand {
  @Option(names = "--member", required = true, paramLabel = "MEMBER", description = "The member.")
  String member;

  @Override
  final int call(KubernetesClient client, PksReplicaPair pair) {
    if (!isMember(pair, member)) {
      return 1;
    }
    return call(client, pair, pair.fenceAnnotation());
  }

  /** The command on {@code pair}, whose annotation holds {@code fence}; returns the exit code. */
  abstract int call(KubernetesClient client, PksReplicaPair pair, FenceRequest fence);

  /** Writes {@code next} as the annotation (removed when it fences nothing) and says so. */
  void request(KubernetesClient client, PksReplicaPair pair, FenceRequest next, String what) {
    String value = next.value();
    annotate(client, pair, PksReplicaPair.FENCE_ANNOTATION, value.isEmpty() ? null : value);
    requested(what + " of " + member + " in " + pair.ref(), PksReplicaPair.FENCE_ANNOTATION + ": "
        + (value.isEmpty() ? "removed" : value), pair);
  }
}
