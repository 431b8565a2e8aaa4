package io.pks.operator.cli;

import java.io.PrintWriter;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchover}: asks for a planned switchover with the {@link PksReplicaPair#SWITCHOVER_ANNOTATION}
 * annotation, leaving the spec as the user (or a GitOps tool) wrote it; the operator does the rest,
 * only when it is safe, and removes the annotation once its status names the member.
 */
@Command(name = "switchover", mixinStandardHelpOptions = true,
    description = {"Request a planned switchover to MEMBER (annotation " + PksReplicaPair.SWITCHOVER_ANNOTATION
        + "; spec.primary is left as written).",
        "The operator switches only from Streaming with the standby caught up; follow it with status.",
        "Naming the current primary while a switchover or failover has not promoted its target yet cancels it.",
        "Exit code 1: the pair or the member does not exist."})
public final class SwitchoverCommand extends PairCommand {

  @Option(names = "--to", required = true, paramLabel = "MEMBER", description = "Member to become the primary.")
  String member;

  @Override
  int call(KubernetesClient client, PksReplicaPair pair) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!isMember(pair, member)) {
      return 1;
    }
    String current = currentPrimary(pair);
    if (member.equals(current) && underway(pair)) {
      annotate(client, pair, PksReplicaPair.SWITCHOVER_ANNOTATION, member);
      out.println("Cancellation of the " + pair.getStatus().phase() + " of " + pair.ref() + " to "
          + pair.getStatus().targetPrimary() + " requested: " + member + " stays the primary if "
          + pair.getStatus().targetPrimary() + " is not promoted yet.");
      return 0;
    }
    if (member.equals(current)) {
      out.println(member + " is already the primary of " + pair.ref() + "; nothing to do.");
      return 0;
    }
    if (pair.getStatus() == null || pair.getStatus().phase() != Phase.Streaming) {
      err.println("note: " + pair.ref() + " is " + (pair.getStatus() == null ? "not yet reconciled"
          : pair.getStatus().phase()) + "; the operator switches over only from Streaming, with the standby caught up.");
    }
    annotate(client, pair, PksReplicaPair.SWITCHOVER_ANNOTATION, member);
    out.println("Switchover of " + pair.ref() + " requested: primary " + current + " -> " + member
        + ".");
    out.println("Follow it with: kubectl pks status " + name + " -n " + pair.getMetadata().getNamespace());
    return 0;
  }

  /** A switchover or failover that has not promoted its target yet: naming the primary cancels it. */
  private static boolean underway(PksReplicaPair pair) {
    return pair.getStatus() != null && pair.getStatus().targetPrimary() != null
        && (pair.getStatus().phase() == Phase.SwitchingOver || pair.getStatus().phase() == Phase.FailingOver);
  }
}
