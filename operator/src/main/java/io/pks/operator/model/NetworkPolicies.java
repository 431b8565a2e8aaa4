package io.pks.operator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.pks.operator.api.v1alpha1.NetworkPolicySpec;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * The NetworkPolicy {@code <pair>-postgres}: the members' pods admit connections only on the
 * PostgreSQL port, and only from the pair's own pods (the other member replicating, the seed
 * Jobs), the operator's pods (probe, role and slot setup) and the application pods; with
 * spec.backup also on the backup server's port, from the members only. Any other ingress to the
 * members, on any port, is refused.
 */
public final class NetworkPolicies {
  private NetworkPolicies() {
  }

  /** The label Kubernetes sets on every namespace to its name. */
  static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

  public static NetworkPolicy build(PksReplicaPair pair) {
    String name = pair.getMetadata().getName();
    NetworkPolicySpec policy = pair.getSpec().networkPolicy();
    List<NetworkPolicyPeer> sources = new ArrayList<>();
    sources.add(new NetworkPolicyPeerBuilder().withPodSelector(labels(Map.of(Labels.PAIR, name))).build());
    sources.add(new NetworkPolicyPeerBuilder()
        .withNamespaceSelector(policy.operatorNamespace() == null ? new LabelSelector()
            : labels(Map.of(NAMESPACE_NAME_LABEL, policy.operatorNamespace())))
        .withPodSelector(labels(policy.operatorSelector()))
        .build());
    if (!policy.applicationSelector().isEmpty()) {
      sources.add(new NetworkPolicyPeerBuilder().withPodSelector(labels(policy.applicationSelector())).build());
    }
    return new NetworkPolicyBuilder()
        .withMetadata(ObjectMetas.of(pair, Names.networkPolicy(name), Labels.pair(name)))
        .withNewSpec()
          .withPodSelector(members(name))
          .withPolicyTypes("Ingress")
          .addNewIngress()
            .addNewPort().withProtocol("TCP").withNewPort(pair.getSpec().postgres().port()).endPort()
            .withFrom(sources)
          .endIngress()
          .addAllToIngress(backupServer(pair))
        .endSpec()
        .build();
  }

  /**
   * With spec.backup: the backup server's port, from the pair's members only, since a backup runs
   * in the primary and reads the standby's files through it.
   */
  private static List<NetworkPolicyIngressRule> backupServer(PksReplicaPair pair) {
    if (pair.getSpec().backups().isEmpty()) {
      return List.of();
    }
    return List.of(new NetworkPolicyIngressRuleBuilder()
        .addNewPort().withProtocol("TCP").withNewPort(BackupServer.PORT).endPort()
        .addNewFrom().withPodSelector(members(pair.getMetadata().getName())).endFrom()
        .build());
  }

  /** The members only: a Job's pods have the pair's label but no member label. */
  private static LabelSelector members(String pair) {
    return new LabelSelectorBuilder().addToMatchLabels(Labels.PAIR, pair)
        .addNewMatchExpression().withKey(Labels.MEMBER).withOperator("Exists").endMatchExpression().build();
  }

  private static LabelSelector labels(Map<String, String> labels) {
    return new LabelSelectorBuilder().withMatchLabels(labels).build();
  }
}
