package io.pks.operator.cli;

import java.util.Optional;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.api.v1alpha1.FenceRequest;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fence}: adds a member to the {@link PksReplicaPair#FENCE_ANNOTATION} annotation, the
 * members to keep stopped; the operator records the request and the fenced members in the status,
 * then stops the member (its StatefulSet to zero, its volume kept) until {@code unfence}.
 */
@Command(name = "fence", mixinStandardHelpOptions = true,
    description = {"Stop MEMBER and keep it stopped, for maintenance, until unfence (annotation "
        + PksReplicaPair.FENCE_ANNOTATION + "): its StatefulSet goes to zero replicas, its volume is kept. A fenced"
        + " member is neither failed over from, promoted nor re-seeded.",
        "Refuses what would leave no writable primary (the primary; the standby under synchronous: Required)"
        + " unless --force.",
        "Exit code 1: the pair or the member does not exist, or the fence is refused."})
public final class FenceCommand extends FencingCommand {
  @Option(names = "--force", description = "Fence it even if that leaves no writable primary.")
  boolean force;

  @Override
  int call(KubernetesClient client, PksReplicaPair pair, FenceRequest fence) {
    if (fence.members().contains(member) && fence.forced(member) == force) {
      spec.commandLine().getOut().println(member + " is already fenced in " + pair.ref() + "; nothing to do.");
      return 0;
    }
    Optional<String> refusal = FenceRequest.refusal(pair.getSpec(), currentPrimary(pair), member, force);
    if (refusal.isPresent()) {
      spec.commandLine().getErr().println("Fencing " + member + " in " + pair.ref() + " refused: " + refusal.get());
      return 1;
    }
    request(client, pair, fence.with(member, force), "Fence");
    return 0;
  }
}
