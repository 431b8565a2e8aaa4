package io.pks.operator.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;

/**
 * The cluster's DNS as hosts files, the records CoreDNS publishes: a Service with a cluster IP is
 * {@code <service>.<namespace>.svc.<domain>}; a headless Service names each endpoint pod that has a
 * host name and the Service as subdomain {@code <hostname>.<service>.<namespace>.svc.<domain>},
 * forward and reverse (the first name of a hosts line is what a reverse lookup answers), and the
 * Service's own name resolves to those pods. Inside a namespace the short forms a pod's search
 * path would complete resolve too.
 */
final class ClusterDns {
  private ClusterDns() {
  }

  static final String DOMAIN = "cluster.local";

  /** One name of an address; {@code name} is relative to {@code namespace}. */
  record Record(String ip, String namespace, String name) {
  }

  /**
   * Every record of {@code services}: pods' own names first, so a reverse lookup finds them before
   * a Service's name on the same address.
   */
  static List<Record> records(List<Service> services, List<Pod> pods, Function<Service, String> clusterIp) {
    List<Record> podNames = new ArrayList<>();
    List<Record> serviceNames = new ArrayList<>();
    for (Service service : services) {
      String namespace = service.getMetadata().getNamespace();
      String name = service.getMetadata().getName();
      Map<String, String> selector = service.getSpec().getSelector();
      if (selector == null || selector.isEmpty()) {
        continue;
      }
      if (!"None".equals(service.getSpec().getClusterIP())) {
        serviceNames.add(new Record(clusterIp.apply(service), namespace, name));
        continue;
      }
      for (Pod pod : endpoints(service, pods)) {
        String ip = pod.getStatus().getPodIP();
        if (pod.getSpec().getHostname() != null && name.equals(pod.getSpec().getSubdomain())) {
          podNames.add(new Record(ip, namespace, pod.getSpec().getHostname() + "." + name));
        }
        serviceNames.add(new Record(ip, namespace, name));
      }
    }
    podNames.addAll(serviceNames);
    return podNames;
  }

  private static List<Pod> endpoints(Service service, List<Pod> pods) {
    boolean notReadyToo = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
    return pods.stream()
        .filter(pod -> pod.getMetadata().getNamespace().equals(service.getMetadata().getNamespace()))
        .filter(pod -> pod.getStatus() != null && pod.getStatus().getPodIP() != null)
        .filter(pod -> pod.getMetadata().getLabels() != null
            && pod.getMetadata().getLabels().entrySet().containsAll(service.getSpec().getSelector().entrySet()))
        .filter(pod -> notReadyToo || ServiceProxies.ready(pod))
        .toList();
  }

  /** The hosts file of a pod in {@code namespace}, or of the node itself when it is null. */
  static String hosts(List<Record> records, String namespace) {
    StringBuilder hosts = new StringBuilder();
    for (Record record : records) {
      String relative = record.name() + "." + record.namespace();
      hosts.append(record.ip()).append(' ').append(relative).append(".svc.").append(DOMAIN);
      if (namespace != null) {
        hosts.append(' ').append(relative).append(".svc ").append(relative);
        if (namespace.equals(record.namespace())) {
          hosts.append(' ').append(record.name());
        }
      }
      hosts.append('\n');
    }
    return hosts.toString();
  }
}
