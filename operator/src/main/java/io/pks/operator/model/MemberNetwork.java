package io.pks.operator.model;

import java.util.List;

import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.postgres.MemberEndpoint;

/**
 * Where the members of a pair are on the network. In a cluster they are StatefulSet pods with
 * stable DNS names; in the sandbox and the tests they are processes on loopback ports. Only this
 * differs between the two: every builder and script is the same.
 */
public interface MemberNetwork {

  /** pg_hba.conf address tokens the pair's own members connect from for replication. */
  List<String> replicationSources(PksReplicaPair pair);

  /** Where the operator reaches {@code member}'s PostgreSQL. */
  MemberEndpoint endpoint(PksReplicaPair pair, String member);
}
