package io.pks.operator.sandbox;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.pks.operator.model.Labels;

/**
 * kube-proxy for the sandbox: every TCP port of a Service with a cluster IP (not headless) and a
 * selector listens on a loopback port ({@link SandboxPorts#service}) and forwards to the first
 * Ready pod the selector picks, at that member's loopback port. So the -rw Service follows the
 * primary's role label exactly as in a cluster, and a writer connected through it is cut when the
 * primary changes or its pod goes.
 */
final class ServiceProxies implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceProxies.class);

  private final SandboxPorts ports;
  private final LocalKubelet kubelet;
  private final Map<String, TcpProxy> proxies = new HashMap<>();
  /** The backend each proxy sends new connections to, by proxy key; read by the proxies' threads. */
  private final Map<String, Integer> backends = new ConcurrentHashMap<>();

  ServiceProxies(SandboxPorts ports, LocalKubelet kubelet) {
    this.ports = ports;
    this.kubelet = kubelet;
  }

  void sync(List<Service> services, List<Pod> pods) {
    Set<String> present = new java.util.HashSet<>();
    for (Service service : services) {
      if ("None".equals(service.getSpec().getClusterIP()) || service.getSpec().getSelector() == null
          || service.getSpec().getSelector().isEmpty()) {
        continue;
      }
      String namespace = service.getMetadata().getNamespace();
      Pod target = pods.stream()
          .filter(p -> p.getMetadata().getNamespace().equals(namespace))
          .filter(p -> p.getMetadata().getLabels().entrySet().containsAll(service.getSpec().getSelector().entrySet()))
          .filter(ServiceProxies::ready)
          .filter(p -> p.getMetadata().getLabels().containsKey(Labels.MEMBER))
          .min(Comparator.comparing(p -> p.getMetadata().getName()))
          .orElse(null);
      Integer backend = target == null ? null : kubelet.memberPort(target);
      for (ServicePort port : service.getSpec().getPorts()) {
        if (port.getProtocol() != null && !"TCP".equals(port.getProtocol())) {
          continue;
        }
        String key = namespace + "/" + service.getMetadata().getName() + "/" + port.getPort();
        present.add(key);
        TcpProxy proxy = proxies.computeIfAbsent(key, k -> new TcpProxy(
            ports.service(namespace, service.getMetadata().getName(), port.getPort()), () -> backends.get(k)));
        Integer previous = backends.get(key);
        if (!Objects.equals(previous, backend)) {
          if (backend == null) {
            backends.remove(key);
          } else {
            backends.put(key, backend);
          }
          proxy.cutConnectionsOtherThan(backend);
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

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
            && "True".equals(c.getStatus()));
  }

  /** The loopback port of each Service port, for people and tests: namespace/service/port → port. */
  Map<String, Integer> endpoints() {
    return proxies.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().port()));
  }

  @Override
  public void close() {
    proxies.values().forEach(TcpProxy::close);
    proxies.clear();
  }
}
