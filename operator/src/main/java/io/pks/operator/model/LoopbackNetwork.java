package io.pks.operator.model;

import java.util.List;
import java.util.Map;

import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.postgres.MemberEndpoint;

/**
 * Members as processes on this machine's loopback address: the sandbox and the tests, where each
 * member is a PostgreSQL process on its own 127.0.0.1 port.
 */
public final class LoopbackNetwork implements MemberNetwork {

  public static final String LOOPBACK_HOST = "127.0.0.1";

  /** The loopback port of a pair's member. */
  @FunctionalInterface
  public interface MemberPorts {
    int port(PksReplicaPair pair, String member);
  }

  private final MemberPorts ports;

  public LoopbackNetwork(MemberPorts ports) {
    this.ports = ports;
  }

  /** Fixed ports by member name; a member without one is at the pair's port. */
  public LoopbackNetwork(Map<String, Integer> ports) {
    Map<String, Integer> fixed = Map.copyOf(ports);
    this.ports = (pair, member) -> fixed.getOrDefault(member, pair.getSpec().postgres().port());
  }

  @Override
  public List<String> replicationSources(PksReplicaPair pair) {
    return List.of(LOOPBACK_HOST + "/32");
  }

  @Override
  public MemberEndpoint endpoint(PksReplicaPair pair, String member) {
    return new MemberEndpoint(member, LOOPBACK_HOST, ports.port(pair, member));
  }
}
