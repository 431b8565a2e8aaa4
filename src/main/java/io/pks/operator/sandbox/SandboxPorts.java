package io.pks.operator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.LoopbackNetwork;

/**
 * The loopback ports of the sandbox: one per member (where its PostgreSQL listens, what the
 * operator probes) and one per Service port (its proxy). Allocated on first use and kept for the
 * sandbox's life, so a member restarted or re-seeded listens where the operator expects it.
 */
public final class SandboxPorts implements LoopbackNetwork.MemberPorts {
  private final Map<String, Integer> ports = new ConcurrentHashMap<>();

  @Override
  public int port(PksReplicaPair pair, String member) {
    return member(pair.getMetadata().getNamespace(), pair.getMetadata().getName(), member);
  }

  public int member(String namespace, String pair, String member) {
    return allocate("member/" + namespace + "/" + pair + "/" + member);
  }

  public int service(String namespace, String service, int servicePort) {
    return allocate("service/" + namespace + "/" + service + "/" + servicePort);
  }

  private int allocate(String key) {
    return ports.computeIfAbsent(key, k -> freePort());
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
