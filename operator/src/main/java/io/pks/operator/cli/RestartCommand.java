package io.pks.operator.cli;

import java.time.Instant;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code restart}: asks for a rolling restart with the {@link PksReplicaPair#RESTART_ANNOTATION}
 * annotation ({@code <member>/<time>}, or {@code /<time>} for both); the operator records the
 * request and the members to restart in the status, then restarts them one at a time.
 */
@Command(name = "restart", mixinStandardHelpOptions = true,
    description = {"Request a rolling restart of the pair (annotation " + PksReplicaPair.RESTART_ANNOTATION + "):"
        + " the standby first; once it streams in sync again, the primary by a switchover or in place"
        + " (spec.primaryUpdateMethod). Never both members down at once.",
        "With --member, only that member (the primary by spec.primaryUpdateMethod).",
        "Refused while the pair is not healthy (phase Streaming, the standby in sync). Follow it with status.",
        "Exit code 1: the pair or the member does not exist, or the pair is not healthy."})
public final class RestartCommand extends PairCommand {
  @Option(names = "--member", paramLabel = "MEMBER", description = "Restart only this member.")
  String member;

  @Override
  int call(KubernetesClient client, PksReplicaPair pair) {
    if (member != null && !isMember(pair, member)) {
      return 1;
    }
    String what = member == null ? "both members of " + pair.ref() : member + " in " + pair.ref();
    if (pair.getStatus() == null || pair.getStatus().phase() != Phase.Streaming) {
      spec.commandLine().getErr().println("Restart of " + what + " refused: the pair is not healthy ("
          + (pair.getStatus() == null ? "not yet reconciled" : pair.getStatus().phase()) + "); a rolling restart"
          + " begins only while it is Streaming, so that one member always serves.");
      return 1;
    }
    String request = (member == null ? "" : member) + "/" + Instant.now();
    annotate(client, pair, PksReplicaPair.RESTART_ANNOTATION, request);
    requested("Rolling restart of " + what, request, pair);
    return 0;
  }
}
