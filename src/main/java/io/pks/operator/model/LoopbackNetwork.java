package io.pks.operator.model;

import java.util.List;

import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * Members as processes on this machine's loopback address: the sandbox and the tests, where each
 * member is a PostgreSQL process on its own 127.0.0.1 port.
 */
public final class LoopbackNetwork implements MemberNetwork {

  public static final String LOOPBACK_HOST = "127.0.0.1";

  @Override
  public List<String> replicationSources(PksReplicaPair pair) {
    return List.of(LOOPBACK_HOST + "/32");
  }
}
