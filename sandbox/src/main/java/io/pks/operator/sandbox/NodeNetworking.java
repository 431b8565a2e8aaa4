package io.pks.operator.sandbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.pks.operator.model.Labels;

/**
 * What the network mode keeps up to date on every node after each pass: the cluster's names
 * ({@link ClusterDns}) in each node's hosts file and in the operator's, and each node's table
 * ({@link NodeRules}): the Services' translations and the cuts its fault makes. Files and tables
 * are rewritten only when they change.
 */
final class NodeNetworking {
  private final PodNetwork network;
  private final Map<PodNetwork.Node, String> hostsWritten = new HashMap<>();
  /** Names of what runs beside the pods rather than as one (the object store), published as a Service's. */
  private final List<ClusterDns.Record> fixedRecords = new CopyOnWriteArrayList<>();
  private String jvmHostsWritten;

  NodeNetworking(PodNetwork network) {
    this.network = network;
  }

  /** Publishes {@code record} in every hosts file from the next pass on. */
  void publish(ClusterDns.Record record) {
    fixedRecords.add(record);
  }

  void sync(List<Service> services, List<Pod> pods, ServiceProxies proxies, Map<String, PodNetwork.Node> nodes,
      Map<String, NodeFault> faults) {
    List<ClusterDns.Record> records = ClusterDns.records(services, pods,
        service -> ServiceProxies.proxied(service) ? proxies.serviceIp(service) : null);
    records.addAll(fixedRecords);
    String jvmHosts = ClusterDns.hosts(records, null);
    if (!jvmHosts.equals(jvmHostsWritten)) {
      network.publishToJvm(jvmHosts);
      jvmHostsWritten = jvmHosts;
    }
    hostsWritten.keySet().retainAll(nodes.values());
    for (Pod pod : pods) {
      String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
      PodNetwork.Node node = nodes.get(key);
      if (node == null) {
        continue;
      }
      String hosts = ClusterDns.hosts(records, pod.getMetadata().getNamespace());
      if (!hosts.equals(hostsWritten.get(node))) {
        network.publish(node, hosts);
        hostsWritten.put(node, hosts);
      }
      network.applyRules(node, NodeRules.table(proxies.translations(),
          cuts(pod, faults.getOrDefault(key, NodeFault.NONE), pods, nodes)));
    }
  }

  /** The addresses a pod's fault cuts its node from: the operator's, or its pair's other member's. */
  private List<String> cuts(Pod pod, NodeFault fault, List<Pod> pods, Map<String, PodNetwork.Node> nodes) {
    List<String> cut = new ArrayList<>();
    if (fault.kind() == NodeFault.Kind.PARTITION_OPERATOR) {
      cut.add(network.gateway());
    }
    if (fault.kind() == NodeFault.Kind.PARTITION_PEER) {
      Map<String, String> labels = pod.getMetadata().getLabels();
      pods.stream()
          .filter(peer -> peer.getMetadata().getNamespace().equals(pod.getMetadata().getNamespace()))
          .filter(peer -> Objects.equals(peer.getMetadata().getLabels().get(Labels.PAIR), labels.get(Labels.PAIR)))
          .filter(peer -> peer.getMetadata().getLabels().containsKey(Labels.MEMBER)
              && !peer.getMetadata().getLabels().get(Labels.MEMBER).equals(labels.get(Labels.MEMBER)))
          .map(peer -> nodes.get(peer.getMetadata().getNamespace() + "/" + peer.getMetadata().getName()))
          .filter(Objects::nonNull)
          .forEach(peer -> cut.add(peer.ip()));
    }
    return cut;
  }
}
