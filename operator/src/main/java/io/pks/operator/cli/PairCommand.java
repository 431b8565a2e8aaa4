package io.pks.operator.cli;

import java.util.concurrent.Callable;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A kubectl-style command on one pair: reaches the cluster, reads the pair, or says it is not there (exit 1). */
abstract class PairCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  ClusterOptions cluster;

  @Parameters(index = "0", paramLabel = "PAIR", description = "Name of the PksReplicaPair.")
  String name;

  @Override
  public final Integer call() throws Exception {
    try (KubernetesClient client = cluster.client()) {
      PksReplicaPair pair = client.resources(PksReplicaPair.class).inNamespace(client.getNamespace())
          .withName(name).get();
      if (pair == null) {
        spec.commandLine().getErr().println("pksreplicapair " + client.getNamespace() + "/" + name + " not found");
        return 1;
      }
      return call(client, pair);
    }
  }

  /** The command on {@code pair}, read through {@code client}; returns the exit code. */
  abstract int call(KubernetesClient client, PksReplicaPair pair);
}
