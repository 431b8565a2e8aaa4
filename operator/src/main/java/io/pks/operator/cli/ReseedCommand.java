package io.pks.operator.cli;

import java.io.PrintWriter;
import java.time.Instant;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code reseed}: asks for the standby to be rebuilt from a fresh copy of the primary with the
 * {@link PksReplicaPair#RESEED_ANNOTATION} annotation ({@code <member>/<time of the request>}, so
 * that each request is new); the operator records the value it acts on in the status.
 */
@Command(name = "reseed", mixinStandardHelpOptions = true,
    description = {"Request a re-seed of the standby MEMBER from a fresh copy of the primary (annotation "
        + PksReplicaPair.RESEED_ANNOTATION + "): for a standby whose volume was lost, whose slot was"
        + " invalidated or whose WAL has a gap.",
        "Refuses the primary. Follow it with status.",
        "Exit code 1: the pair or the member does not exist, or the member is the primary."})
public final class ReseedCommand extends PairCommand {
  @Option(names = "--member", required = true, paramLabel = "MEMBER", description = "The standby to re-seed.")
  String member;

  @Override
  int call(KubernetesClient client, PksReplicaPair pair) {
    PrintWriter out = spec.commandLine().getOut();
    if (!isMember(pair, member)) {
      return 1;
    }
    if (member.equals(currentPrimary(pair))) {
      spec.commandLine().getErr().println(member + " is the primary of " + pair.ref() + ": only the standby can be re-seeded (switch over"
          + " first to re-seed " + member + ").");
      return 1;
    }
    String request = member + "/" + Instant.now();
    annotate(client, pair, PksReplicaPair.RESEED_ANNOTATION, request);
    out.println("Re-seed of " + member + " in " + pair.ref() + " requested (" + request + ").");
    out.println("Follow it with: kubectl pks status " + name + " -n " + pair.getMetadata().getNamespace());
    return 0;
  }
}
