package io.pks.operator.model;

import java.util.List;
import java.util.Map;

import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.postgres.MemberEndpoint;

/**
 * Members as processes on this machine's loopback address: the sandbox and the tests, where each
 * member is a PostgreSQL process on its own 127.0.0.1 port.
 *
 * @param ports each member's port; a member without one is at the pair's port
 */
public record LoopbackNetwork(Map<String, Integer> ports) implements MemberNetwork {

  public static final String LOOPBACK_HOST = "127.0.0.1";

  public LoopbackNetwork {
    ports = Map.copyOf(ports);
  }

  @Override
  public List<String> replicationSources(PksReplicaPair pair) {
    return List.of(LOOPBACK_HOST + "/32");
  }

  @Override
  public MemberEndpoint endpoint(PksReplicaPair pair, String member) {
    return new MemberEndpoint(member, LOOPBACK_HOST,
        ports.getOrDefault(member, pair.getSpec().postgres().port()));
  }
}
