package io.pks.operator.model;

import java.util.List;

import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * Members as StatefulSet pods. pg_hba.conf names them by their stable DNS names, which PostgreSQL
 * checks with a reverse then forward lookup; the headless Services publish not-ready addresses so
 * the names resolve while a standby is still starting.
 */
public record ClusterNetwork(String clusterDomain) implements MemberNetwork {

  public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";

  @Override
  public List<String> replicationSources(PksReplicaPair pair) {
    String name = pair.getMetadata().getName();
    String namespace = pair.getMetadata().getNamespace();
    return pair.getSpec().members().stream()
        .map(Member::name)
        .map(member -> Names.pod(name, member) + "." + Names.memberService(name, member) + "."
            + namespace + ".svc." + clusterDomain)
        .toList();
  }
}
