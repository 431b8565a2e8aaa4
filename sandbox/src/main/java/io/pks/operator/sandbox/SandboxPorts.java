package io.pks.operator.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.LoopbackNetwork;

/**
 * The loopback ports of the sandbox: one per member (where its PostgreSQL listens, what the
 * operator probes), one per member pod's metrics exporter and one per Service port (its proxy). Allocated on first use and kept for the
 * sandbox's life, so a member restarted or re-seeded listens where the operator expects it.
 */
public final class SandboxPorts implements LoopbackNetwork.MemberPorts {
  private static final int FIRST_PORT = 15000;
  /** Linux's default when the range cannot be read. */
  private static final int DEFAULT_EPHEMERAL_START = 32768;

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

  /** The port of the operator's own metrics, the same across restarts of the operator. */
  public int operatorMetrics() {
    return allocate("operator-metrics");
  }

  /** The loopback port of the metrics exporter of pod {@code namespace/pod}. */
  public int metrics(String namespace, String pod) {
    return allocate("metrics/" + namespace + "/" + pod);
  }

  /** Every metrics exporter's port allocated so far, by "namespace/pod". */
  public Map<String, Integer> metricsPorts() {
    Map<String, Integer> metrics = new java.util.TreeMap<>();
    ports.forEach((key, port) -> {
      if (key.startsWith("metrics/")) {
        metrics.put(key.substring("metrics/".length()), port);
      }
    });
    return metrics;
  }

  private synchronized int allocate(String key) {
    return ports.computeIfAbsent(key, k -> freePort());
  }

  /**
   * A free port below the kernel's ephemeral range: a port the kernel may hand to any outgoing
   * connection (the probes' and the proxies' among them) could be taken between this choice and
   * the moment PostgreSQL binds it.
   */
  private int freePort() {
    int below = ephemeralRangeStart();
    int span = below - FIRST_PORT;
    int start = ThreadLocalRandom.current().nextInt(span);
    for (int i = 0; i < span; i++) {
      int port = FIRST_PORT + (start + i) % span;
      if (!ports.containsValue(port) && free(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port between " + FIRST_PORT + " and " + below);
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int ephemeralRangeStart() {
    // Read as a stream: Files.readString trusts the size /proc reports, which is wrong.
    try (var in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      String range = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).trim();
      return Math.max(FIRST_PORT + 1000, Integer.parseInt(range.split("\\s+")[0]));
    } catch (IOException | RuntimeException e) {
      return DEFAULT_EPHEMERAL_START;
    }
  }
}
