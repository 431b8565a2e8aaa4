package io.pks.operator.model;

import java.util.List;
import java.util.stream.Stream;

import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.postgres.MemberEndpoint;

/**
 * Members as StatefulSet pods. pg_hba.conf names them by their stable DNS names, which PostgreSQL
 * checks with a reverse then forward lookup; the headless Services publish not-ready addresses so
 * the names resolve while a standby is still starting. A seed Job's pod is not a member's: it has a
 * name of its own under the seed Service, which pg_hba.conf allows too.
 */
public record ClusterNetwork(String clusterDomain) implements MemberNetwork {

  public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";

  /** Each member's pod, and each member's seed Job pod (its pg_basebackup). */
  @Override
  public List<String> replicationSources(PksReplicaPair pair) {
    return pair.getSpec().members().stream()
        .flatMap(member -> Stream.of(podName(pair, member.name()), seedPodName(pair, member.name())))
        .toList();
  }

  @Override
  public MemberEndpoint endpoint(PksReplicaPair pair, String member) {
    return new MemberEndpoint(member, podName(pair, member), pair.getSpec().postgres().port());
  }

  private String seedPodName(PksReplicaPair pair, String member) {
    String name = pair.getMetadata().getName();
    return Names.seedHost(name, member) + "." + serviceDomain(pair, Names.seedService(name));
  }

  private String serviceDomain(PksReplicaPair pair, String service) {
    return service + "." + pair.getMetadata().getNamespace() + ".svc." + clusterDomain;
  }

  private String podName(PksReplicaPair pair, String member) {
    String name = pair.getMetadata().getName();
    return Names.pod(name, member) + "." + serviceDomain(pair, Names.memberService(name, member));
  }
}
