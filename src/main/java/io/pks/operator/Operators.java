package io.pks.operator;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.pks.operator.metrics.OperatorMetrics;
import io.pks.operator.model.MemberNetwork;
import io.pks.operator.reconciler.PksReplicaPairReconciler;

/**
 * Builds the operator the same way for a cluster, the sandbox and the tests. Server-side apply is
 * off: plain create, update and JSON merge patches work on every API server, the Fabric8 mock
 * included, and one code path is the one that gets tested.
 */
public final class Operators {
  private Operators() {
  }

  /** An operator whose metrics nobody scrapes. */
  public static Operator create(KubernetesClient client, OperatorSettings settings, MemberNetwork network) {
    return create(client, settings, network, new OperatorMetrics());
  }

  public static Operator create(KubernetesClient client, OperatorSettings settings, MemberNetwork network,
      OperatorMetrics metrics) {
    Operator operator = new Operator(overrider -> {
      overrider.withKubernetesClient(client)
          .withMetrics(metrics.reconciles())
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withUseSSAToPatchPrimaryResource(false)
          .withCloseClientOnStop(false);
      if (settings.leaderElection()) {
        overrider.withLeaderElectionConfiguration(
            new LeaderElectionConfiguration(OperatorSettings.LEASE_NAME, settings.leaseNamespace()));
      }
    });
    operator.register(new PksReplicaPairReconciler(network, client, Clock.systemUTC(), settings.probeInterval(),
            metrics.pairs()),
        configuration -> {
      if (settings.namespaces().isEmpty()) {
        configuration.watchingAllNamespaces();
      } else {
        configuration.settingNamespaces(settings.namespaces());
      }
    });
    return operator;
  }
}
