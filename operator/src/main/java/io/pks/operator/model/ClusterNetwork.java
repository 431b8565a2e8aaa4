package io.pks.operator.model;

import java.util.List;

import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.postgres.MemberEndpoint;

/**
 * Members as StatefulSet pods. pg_hba.conf names them by their stable DNS names, which PostgreSQL
 * checks with a reverse then forward lookup; the headless Services publish not-ready addresses so
 * the names resolve while a standby is still starting.
 */
public record ClusterNetwork(String clusterDomain) implements MemberNetwork {

  public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";

  @Override
  public List<String> replicationSources(PksReplicaPair pair) {
    return pair.getSpec().members().stream().map(member -> podName(pair, member.name())).toList();
  }

  @Override
  public MemberEndpoint endpoint(PksReplicaPair pair, String member) {
    return new MemberEndpoint(member, podName(pair, member), pair.getSpec().postgres().port());
  }

  private String podName(PksReplicaPair pair, String member) {
    String name = pair.getMetadata().getName();
    return Names.pod(name, member) + "." + Names.memberService(name, member) + "."
        + pair.getMetadata().getNamespace() + ".svc." + clusterDomain;
  }
}
