package io.pks.operator.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.api.v1alpha1.FenceRequest;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import picocli.CommandLine.Command;

/**
 * {@code unfence}: removes a member from the {@link PksReplicaPair#FENCE_ANNOTATION} annotation
 * (the annotation itself once none is left); the operator starts the member again.
 */
@Command(name = "unfence", mixinStandardHelpOptions = true,
    description = {"Let a fenced MEMBER start again (annotation " + PksReplicaPair.FENCE_ANNOTATION + ").",
        "Exit code 1: the pair or the member does not exist."})
public final class UnfenceCommand extends FencingCommand {

  @Override
  int call(KubernetesClient client, PksReplicaPair pair, FenceRequest fence) {
    if (!fence.members().contains(member)) {
      spec.commandLine().getOut().println(member + " is not fenced in " + pair.ref() + "; nothing to do.");
      return 0;
    }
    request(client, pair, fence.without(member), "Unfence");
    return 0;
  }
}
