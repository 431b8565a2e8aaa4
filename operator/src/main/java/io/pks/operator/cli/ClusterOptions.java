package io.pks.operator.cli;

import java.nio.file.Path;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import picocli.CommandLine.Option;

/** How the kubectl-style commands reach the cluster: the kubeconfig, its context, the namespace. */
final class ClusterOptions {

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubeconfig to use. Default: $KUBECONFIG, then ~/.kube/config, then the in-cluster account.")
  Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "Kubeconfig context. Default: the current one.")
  String context;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS",
      description = "Namespace of the pair. Default: the context's, else default.")
  String namespace;

  KubernetesClient client() {
    Config config = kubeconfig == null ? Config.autoConfigure(context)
        : Config.fromKubeconfig(context, kubeconfig.toFile());
    // Fail at once, like kubectl, rather than retry for tens of seconds in front of a person.
    config.setRequestRetryBackoffLimit(0);
    if (namespace != null) {
      config.setNamespace(namespace);
    } else if (config.getNamespace() == null) {
      config.setNamespace("default");
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
