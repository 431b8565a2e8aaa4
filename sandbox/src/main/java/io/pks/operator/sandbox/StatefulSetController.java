package io.pks.operator.sandbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The StatefulSet controller of the sandbox, for one-pod sets: pod {@code <set>-0} exists while
 * replicas is 1, with the claims of its templates (created if missing, adopted if there; nothing is
 * created for a set the API server no longer has, see {@link #deleted}), and is
 * replaced when the pod template changes (a rolling update of one), unless the set's update
 * strategy is OnDelete: then a pod made from an older template runs until someone deletes it.
 * It schedules too: each set's pod goes to a node of its own, {@code <namespace>-<set>-1}, or,
 * while that one is cordoned, the next of {@code -2}, {@code -3}... that is not (a node of the same
 * site joining), each registered as a Node when first used.
 */
public final class StatefulSetController {
  private static final Logger LOG = LoggerFactory.getLogger(StatefulSetController.class);
  static final String REVISION_LABEL = "controller-revision-hash";
  static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

  private final KubernetesClient client;

  StatefulSetController(KubernetesClient client) {
    this.client = client;
  }

  void sync(List<StatefulSet> statefulSets, List<Pod> pods, List<PersistentVolumeClaim> claims, List<Node> nodes) {
    for (StatefulSet set : statefulSets) {
      String namespace = set.getMetadata().getNamespace();
      String podName = set.getMetadata().getName() + "-0";
      Optional<Pod> pod = pods.stream().filter(p -> p.getMetadata().getNamespace().equals(namespace)
          && p.getMetadata().getName().equals(podName)).findFirst();
      int replicas = set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
      String revision = revision(set);
      if (replicas > 0) {
        List<PersistentVolumeClaim> missing = missingClaims(set, podName, claims);
        if ((pod.isEmpty() || !missing.isEmpty()) && deleted(set)) {
          continue;
        }
        createClaims(set, podName, missing);
        if (pod.isEmpty()) {
          String node = schedulableNode(set, nodes);
          client.pods().inNamespace(namespace).resource(pod(set, podName, revision, node)).create();
          LOG.info("statefulset {}/{}: created pod {} on node {}", namespace, set.getMetadata().getName(), podName,
              node);
        } else if (!onDelete(set) && !revision.equals(pod.get().getMetadata().getLabels().get(REVISION_LABEL))) {
          delete(pod.get(), "to roll to the new template");
        }
      } else if (pod.isPresent()) {
        delete(pod.get(), "scaled to 0");
      }
      writeStatus(set, pod.filter(p -> replicas > 0).orElse(null));
    }
  }

  private static boolean onDelete(StatefulSet set) {
    return set.getSpec().getUpdateStrategy() != null && "OnDelete".equals(set.getSpec().getUpdateStrategy().getType());
  }

  /**
   * Deletes the pod; one on a lost node is only marked, as a real pod stays Terminating until its
   * node answers: its kubelet then finishes the deletion and never starts it again.
   */
  private void delete(Pod pod, String why) {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    if (LocalKubelet.unreachable(pod)) {
      if (!LocalKubelet.deleting(pod)) {
        client.pods().inNamespace(namespace).withName(name).edit(p -> new PodBuilder(p).editMetadata()
            .addToAnnotations(LocalKubelet.DELETING_ANNOTATION, "true").endMetadata().build());
        LOG.info("pod {}/{} {}: Terminating until its node answers", namespace, name, why);
      }
      return;
    }
    client.pods().inNamespace(namespace).withName(name).delete();
    LOG.info("pod {}/{} deleted: {}", namespace, name, why);
  }

  /**
   * Whether the set is gone from the API server though the pass's list still has it. The caches
   * follow the server each on its own watch: the garbage collector may have deleted the set and,
   * after it, the claims its owner owned, and the claims' cache may show that first. A claim made
   * then would have no owner and outlive the pair; a pod would start on a deleted pair's data. So
   * before creating anything the set is read from the server, as Kubernetes' controllers read an
   * owner again before they act for it.
   */
  private boolean deleted(StatefulSet set) {
    StatefulSet current = client.apps().statefulSets().inNamespace(set.getMetadata().getNamespace())
        .withName(set.getMetadata().getName()).get();
    boolean deleted = current == null || !current.getMetadata().getUid().equals(set.getMetadata().getUid());
    if (deleted) {
      LOG.info("statefulset {}/{} is gone: nothing is created for it", set.getMetadata().getNamespace(),
          set.getMetadata().getName());
    }
    return deleted;
  }

  /** The set's claim templates whose claim for {@code podName} is not in {@code claims}. */
  private static List<PersistentVolumeClaim> missingClaims(StatefulSet set, String podName,
      List<PersistentVolumeClaim> claims) {
    String namespace = set.getMetadata().getNamespace();
    return set.getSpec().getVolumeClaimTemplates().stream()
        .filter(template -> claims.stream().noneMatch(c -> c.getMetadata().getNamespace().equals(namespace)
            && c.getMetadata().getName().equals(claimName(template, podName))))
        .toList();
  }

  private static String claimName(PersistentVolumeClaim template, String podName) {
    return template.getMetadata().getName() + "-" + podName;
  }

  /** Creates the claims of {@code templates} for {@code podName}. */
  private void createClaims(StatefulSet set, String podName, List<PersistentVolumeClaim> templates) {
    String namespace = set.getMetadata().getNamespace();
    for (PersistentVolumeClaim template : templates) {
      String name = claimName(template, podName);
      Map<String, String> labels = new LinkedHashMap<>(set.getSpec().getSelector().getMatchLabels());
      client.persistentVolumeClaims().inNamespace(namespace).resource(new PersistentVolumeClaimBuilder()
          .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
          .withSpec(template.getSpec()).build()).create();
      LOG.info("statefulset {}/{}: created claim {}", namespace, set.getMetadata().getName(), name);
    }
  }

  /** The pod this controller makes for the set's one replica, with its claim templates' claims as volumes. */
  public static Pod replica(StatefulSet set) {
    return pod(set, set.getMetadata().getName() + "-0", revision(set), LocalKubelet.NODE_NAME);
  }

  /**
   * The first of the set's nodes that is not cordoned ({@link #nodeFor}), registered as a ready
   * Node if it is not one yet.
   */
  private String schedulableNode(StatefulSet set, List<Node> nodes) {
    String name = nodeFor(set.getMetadata().getNamespace(), set.getMetadata().getName(), nodes);
    if (nodes.stream().noneMatch(node -> node.getMetadata().getName().equals(name))) {
      try {
        client.nodes().resource(EmbeddedApiServer.node(name)).create();
        LOG.info("node {} registered", name);
      } catch (KubernetesClientException e) {
        // 409: registered already, the cache a step behind.
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
    return name;
  }

  /** {@code <namespace>-<set>-<k>} for the smallest k from 1 whose Node is absent or schedulable. */
  static String nodeFor(String namespace, String set, List<Node> nodes) {
    for (int k = 1; ; k++) {
      String name = namespace + "-" + set + "-" + k;
      boolean cordoned = nodes.stream().anyMatch(node -> node.getMetadata().getName().equals(name)
          && Boolean.TRUE.equals(node.getSpec().getUnschedulable()));
      if (!cordoned) {
        return name;
      }
    }
  }

  private static Pod pod(StatefulSet set, String podName, String revision, String node) {
    var template = set.getSpec().getTemplate();
    Map<String, String> labels = new LinkedHashMap<>(template.getMetadata().getLabels());
    labels.put(REVISION_LABEL, revision);
    labels.put(POD_NAME_LABEL, podName);
    PodBuilder pod = new PodBuilder()
        .withNewMetadata()
          .withName(podName).withNamespace(set.getMetadata().getNamespace())
          .withLabels(labels).withAnnotations(template.getMetadata().getAnnotations())
          .addNewOwnerReference().withApiVersion("apps/v1").withKind("StatefulSet")
            .withName(set.getMetadata().getName()).withUid(set.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
        .endMetadata()
        .withSpec(template.getSpec());
    pod.editSpec().withNodeName(node).withHostname(podName)
        .withSubdomain(set.getSpec().getServiceName()).endSpec();
    // Each claim template becomes the pod's volume of the same name.
    set.getSpec().getVolumeClaimTemplates().forEach(claim -> pod.editSpec().addNewVolume()
        .withName(claim.getMetadata().getName())
        .withNewPersistentVolumeClaim().withClaimName(claimName(claim, podName))
        .endPersistentVolumeClaim().endVolume().endSpec());
    return pod.build();
  }

  private void writeStatus(StatefulSet set, Pod pod) {
    int replicas = pod == null ? 0 : 1;
    int ready = pod != null && pod.getStatus() != null && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType())
            && "True".equals(c.getStatus())) ? 1 : 0;
    var status = set.getStatus();
    if (status != null && Integer.valueOf(replicas).equals(status.getReplicas())
        && Integer.valueOf(ready).equals(status.getReadyReplicas())) {
      return;
    }
    client.apps().statefulSets().inNamespace(set.getMetadata().getNamespace()).withName(set.getMetadata().getName())
        .editStatus(s -> new StatefulSetBuilder(s).withNewStatus().withReplicas(replicas).withReadyReplicas(ready)
            .withCurrentReplicas(replicas).withAvailableReplicas(ready)
            .withObservedGeneration(s.getMetadata().getGeneration()).endStatus().build());
  }

  /** A digest of the pod template, as the controller's revision hash. */
  static String revision(StatefulSet set) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(Serialization.asJson(set.getSpec().getTemplate()).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
