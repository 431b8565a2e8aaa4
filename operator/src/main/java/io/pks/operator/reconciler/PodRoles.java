package io.pks.operator.reconciler;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.model.Labels;

/**
 * Puts the role label on the members' pods, which the -rw and -ro Services select. The label
 * follows the recorded status only: the primary's pod is labelled primary, the other standby, and
 * a stopped (fenced or unseeded) member's pod has no role, so no Service sends it traffic.
 */
final class PodRoles {
  private static final Logger LOG = LoggerFactory.getLogger(PodRoles.class);

  private final KubernetesClient client;

  PodRoles(KubernetesClient client) {
    this.client = client;
  }

  /** The role {@code member}'s pod should carry; null for none. */
  static String roleOf(PksReplicaPairStatus status, String member) {
    if (status == null || status.currentPrimary() == null || status.stoppedMembers().contains(member)) {
      return null;
    }
    return member.equals(status.currentPrimary()) ? Labels.ROLE_PRIMARY : Labels.ROLE_STANDBY;
  }

  /** Labels {@code pods} as {@code recorded}, the status written for {@code pair}, says. */
  void apply(PksReplicaPair pair, PksReplicaPairStatus recorded, Collection<Pod> pods) {
    for (Pod pod : pods) {
      String member = pod.getMetadata().getLabels().get(Labels.MEMBER);
      if (member == null) {
        continue;
      }
      String wanted = roleOf(recorded, member);
      String current = pod.getMetadata().getLabels().get(Labels.ROLE);
      if (Objects.equals(wanted, current)) {
        continue;
      }
      // A merge patch of the one label: one request, and no conflict with the kubelet's updates of
      // the pod (an edit sends the resourceVersion it read, and fails with 409 if one came between).
      // A null value removes the label.
      Map<String, String> label = Collections.singletonMap(Labels.ROLE, wanted);
      // On the cached pod, not on its name: the client then sends only the patch, without reading the pod first.
      client.pods().resource(pod)
          .patch(PatchContext.of(PatchType.JSON_MERGE), Serialization.asJson(Map.of("metadata", Map.of("labels", label))));
      LOG.info("{}: pod {} role {} -> {}", pair.ref(), pod.getMetadata().getName(), current, wanted);
    }
  }
}
