package io.pks.operator.cli;

import java.time.Instant;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import picocli.CommandLine.Command;

/**
 * {@code reload}: asks for pg_reload_conf() on both members now with the
 * {@link PksReplicaPair#RELOAD_ANNOTATION} annotation (the time of the request, so that each
 * request is new); the status records the value acted on and when (reloadRequest, reloadedAt).
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
    description = {"Request pg_reload_conf() on both members now (annotation " + PksReplicaPair.RELOAD_ANNOTATION
        + "); status.reloadedAt says when it was done.",
        "Exit code 1: the pair does not exist."})
public final class ReloadCommand extends PairCommand {

  @Override
  int call(KubernetesClient client, PksReplicaPair pair) {
    String request = Instant.now().toString();
    annotate(client, pair, PksReplicaPair.RELOAD_ANNOTATION, request);
    requested("Reload of " + pair.ref(), request, pair);
    return 0;
  }
}
