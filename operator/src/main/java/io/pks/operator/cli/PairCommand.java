package io.pks.operator.cli;

import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pks.operator.api.v1alpha1.Member;
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

  /** Whether {@code member} is one of the pair's; if not, says so on stderr. */
  boolean isMember(PksReplicaPair pair, String member) {
    List<String> members = pair.getSpec().members().stream().map(Member::name).toList();
    if (!members.contains(member)) {
      spec.commandLine().getErr().println(member + " is not a member of " + pair.ref() + ": choose one of " + members);
      return false;
    }
    return true;
  }

  /** The member the status names as primary; the spec's before the first status. */
  static String currentPrimary(PksReplicaPair pair) {
    return pair.getStatus() == null ? pair.getSpec().primary() : pair.getStatus().currentPrimary();
  }

  /**
   * Sets one annotation on the pair, or removes it ({@code value} null): a JSON merge patch of its
   * metadata; the spec stays as written.
   */
  void annotate(KubernetesClient client, PksReplicaPair pair, String annotation, String value) {
    ObjectNode patch = JsonNodeFactory.instance.objectNode();
    patch.putObject("metadata").putObject("annotations").put(annotation, value);
    client.resources(PksReplicaPair.class).inNamespace(pair.getMetadata().getNamespace()).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
  }

  /** Says that {@code what} was requested with {@code request}, and how to follow it. */
  void requested(String what, String request, PksReplicaPair pair) {
    spec.commandLine().getOut().println(what + " requested (" + request + ").");
    spec.commandLine().getOut().println("Follow it with: kubectl pks status " + name + " -n "
        + pair.getMetadata().getNamespace());
  }
}
