package io.pks.operator.sandbox;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.pks.operator.model.Labels;

/**
 * kube-proxy for the sandbox: every TCP port of a Service with a cluster IP (not headless) and a
 * selector forwards to the first Ready pod the selector picks. So the -rw Service follows the
 * primary's role label exactly as in a cluster. From this machine (the operator's side, tests,
 * people) a Service port is a proxy: on a loopback port ({@link SandboxPorts#service}) in the
 * loopback mode, on the Service's own address in the network mode; a connection through it is cut
 * when another pod takes the endpoint (a new primary), not when the endpoint is only removed: as with
 * kube-proxy's conntrack, it then lasts as long as its pod does, so a standby streaming through -rw
 * from a primary being stopped for a switchover still receives its shutdown checkpoint. Inside the nodes the same choice is a DNAT rule
 * ({@link #translations()}), so a pod reached through a Service sees its client's address.
 */
final class ServiceProxies implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceProxies.class);

  private final SandboxPorts ports;
  private final LocalKubelet kubelet;
  /** Null in the loopback mode. */
  private final PodNetwork network;
  private final Map<String, TcpProxy> proxies = new HashMap<>();
  /** The backend each proxy sends new connections to, by proxy key; read by the proxies' threads. */
  private final Map<String, InetSocketAddress> backends = new ConcurrentHashMap<>();
  private final List<NodeRules.Translation> translations = new ArrayList<>();

  ServiceProxies(SandboxPorts ports, LocalKubelet kubelet, PodNetwork network) {
    this.ports = ports;
    this.kubelet = kubelet;
    this.network = network;
  }

  void sync(List<Service> services, List<Pod> pods) {
    Set<String> present = new HashSet<>();
    translations.clear();
    for (Service service : services) {
      if (!proxied(service)) {
        continue;
      }
      Pod target = backend(service, pods);
      InetSocketAddress backend = target == null ? null : kubelet.address(target);
      for (ServicePort port : service.getSpec().getPorts()) {
        if (port.getProtocol() != null && !"TCP".equals(port.getProtocol())) {
          continue;
        }
        String key = key(service, port.getPort());
        present.add(key);
        InetSocketAddress listen = listenAddress(service, port.getPort());
        TcpProxy proxy = proxies.computeIfAbsent(key, k -> new TcpProxy(listen, () -> backends.get(k)));
        if (network != null) {
          translations.add(new NodeRules.Translation(listen.getHostString(), port.getPort(),
              backend == null ? null : backend.getHostString(), backend == null ? 0 : backend.getPort()));
        }
        if (!Objects.equals(backends.get(key), backend)) {
          if (backend == null) {
            backends.remove(key);
          } else {
            backends.put(key, backend);
          }
          if (backend != null) {
            proxy.cutConnectionsOtherThan(backend);
          }
          LOG.info("service {}: endpoint {}", key, target == null ? "none" : target.getMetadata().getName());
        }
      }
    }
    for (String key : Set.copyOf(proxies.keySet())) {
      if (!present.contains(key)) {
        proxies.remove(key).close();
        backends.remove(key);
      }
    }
  }

  static boolean proxied(Service service) {
    return !"None".equals(service.getSpec().getClusterIP()) && service.getSpec().getSelector() != null
        && !service.getSpec().getSelector().isEmpty();
  }

  /** The first Ready member pod the Service selects, by name, or null. */
  private Pod backend(Service service, List<Pod> pods) {
    String namespace = service.getMetadata().getNamespace();
    return pods.stream()
        .filter(p -> p.getMetadata().getNamespace().equals(namespace))
        .filter(p -> p.getMetadata().getLabels().entrySet().containsAll(service.getSpec().getSelector().entrySet()))
        .filter(ServiceProxies::ready)
        .filter(p -> p.getMetadata().getLabels().containsKey(Labels.MEMBER))
        .filter(p -> kubelet.address(p) != null)
        .min(Comparator.comparing(p -> p.getMetadata().getName()))
        .orElse(null);
  }

  private InetSocketAddress listenAddress(Service service, int port) {
    String namespace = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName();
    return network == null
        ? new InetSocketAddress(io.pks.operator.model.LoopbackNetwork.LOOPBACK_HOST, ports.service(namespace, name, port))
        : new InetSocketAddress(serviceIp(service), port);
  }

  /** The network mode's address of a Service (its cluster IP, which the sandbox keeps to itself). */
  String serviceIp(Service service) {
    return network.serviceIp(service.getMetadata().getNamespace() + "/" + service.getMetadata().getName());
  }

  private static String key(Service service, int port) {
    return service.getMetadata().getNamespace() + "/" + service.getMetadata().getName() + "/" + port;
  }

  static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
            && "True".equals(c.getStatus()));
  }

  /** The Service translations of the last pass, for the nodes' tables (the network mode). */
  List<NodeRules.Translation> translations() {
    return List.copyOf(translations);
  }

  /** Where each Service port is reached from this machine: namespace/service/port → address. */
  Map<String, InetSocketAddress> endpoints() {
    Map<String, InetSocketAddress> endpoints = new HashMap<>();
    proxies.forEach((key, proxy) -> endpoints.put(key, proxy.address()));
    return endpoints;
  }

  @Override
  public void close() {
    proxies.values().forEach(TcpProxy::close);
    proxies.clear();
  }
}
