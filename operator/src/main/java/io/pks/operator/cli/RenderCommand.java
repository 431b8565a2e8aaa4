package io.pks.operator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.ClusterNetwork;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.Secrets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code render}: every object the operator would create for a resource, without a cluster. */
@Command(name = "render", mixinStandardHelpOptions = true,
    description = {"Print, as YAML, every object the operator would create for a PksReplicaPair.",
        "Generated Secrets are printed without values. Exit code 1: the resource is invalid"
            + " (one line per problem on stderr); 2: the file cannot be read."})
public final class RenderCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "PksReplicaPair resource (YAML or JSON).")
  Path file;

  @Option(names = "--cluster-domain", defaultValue = "cluster.local", paramLabel = "DOMAIN",
      description = "DNS domain of the cluster. Default: ${DEFAULT-VALUE}.")
  String clusterDomain;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PksReplicaPair pair;
    try {
      pair = PairFiles.readValid(file, err);
    } catch (PairFiles.CommandFailure e) {
      return e.exitCode;
    }
    out.println("# Objects pks-operator creates for PksReplicaPair " + pair.ref() + ".");
    out.println("# Generated Secrets are shown without values: the operator generates them in the cluster.");
    List<HasMetadata> objects = new DesiredObjects(pair, new ClusterNetwork(clusterDomain))
        .all(Secrets.PasswordSource.NONE);
    objects.forEach(object -> out.print(Serialization.asYaml(object)));
    out.flush();
    return 0;
  }
}
