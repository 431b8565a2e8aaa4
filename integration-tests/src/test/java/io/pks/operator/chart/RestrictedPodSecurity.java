package io.pks.operator.chart;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The checks of the Kubernetes "restricted" Pod Security Standard (which includes "baseline") that
 * a pod spec can fail, as the API server's admission would apply them to the pod a Deployment makes.
 */
final class RestrictedPodSecurity {
  private static final Set<String> VOLUME_TYPES = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
      "ephemeral", "persistentVolumeClaim", "projected", "secret");
  private static final Set<String> SECCOMP_TYPES = Set.of("RuntimeDefault", "Localhost");

  private RestrictedPodSecurity() {
  }

  /** One line per violation; empty when the pod would be admitted under "restricted". */
  static List<String> violations(PodSpec pod) {
    List<String> violations = new ArrayList<>();
    PodSecurityContext podContext = pod.getSecurityContext() != null ? pod.getSecurityContext()
        : new PodSecurityContext();
    check(violations, !Boolean.TRUE.equals(pod.getHostNetwork()), "hostNetwork");
    check(violations, !Boolean.TRUE.equals(pod.getHostPID()), "hostPID");
    check(violations, !Boolean.TRUE.equals(pod.getHostIPC()), "hostIPC");
    check(violations, podContext.getSysctls() == null || podContext.getSysctls().isEmpty(), "sysctls");
    check(violations, !Long.valueOf(0).equals(podContext.getRunAsUser()), "pod runAsUser 0");
    check(violations, seccompAllowed(podContext.getSeccompProfile(), true), "pod seccompProfile");
    for (Volume volume : pod.getVolumes()) {
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = Serialization.unmarshal(Serialization.asJson(volume), Map.class);
      check(violations, fields.keySet().stream().allMatch(key -> key.equals("name") || VOLUME_TYPES.contains(key)),
          "volume " + volume.getName() + " of a restricted type " + new TreeSet<>(fields.keySet()));
    }
    Stream.concat(pod.getInitContainers().stream(), pod.getContainers().stream())
        .forEach(container -> checkContainer(violations, container, podContext));
    return violations;
  }

  private static void checkContainer(List<String> violations, Container container, PodSecurityContext pod) {
    String name = "container " + container.getName() + ": ";
    SecurityContext context = container.getSecurityContext() != null ? container.getSecurityContext()
        : new SecurityContext();
    check(violations, !Boolean.TRUE.equals(context.getPrivileged()), name + "privileged");
    check(violations, Boolean.FALSE.equals(context.getAllowPrivilegeEscalation()),
        name + "allowPrivilegeEscalation must be false");
    Capabilities capabilities = context.getCapabilities() != null ? context.getCapabilities() : new Capabilities();
    check(violations, capabilities.getDrop().contains("ALL"), name + "capabilities must drop ALL");
    check(violations, capabilities.getAdd().stream().allMatch("NET_BIND_SERVICE"::equals),
        name + "capabilities may add only NET_BIND_SERVICE");
    check(violations, Boolean.TRUE.equals(context.getRunAsNonRoot())
        || Boolean.TRUE.equals(pod.getRunAsNonRoot()) && context.getRunAsNonRoot() == null,
        name + "runAsNonRoot must be true");
    check(violations, !Long.valueOf(0).equals(context.getRunAsUser()), name + "runAsUser 0");
    check(violations, context.getSeccompProfile() != null ? seccompAllowed(context.getSeccompProfile(), false)
        : seccompAllowed(pod.getSeccompProfile(), false), name + "seccompProfile must be RuntimeDefault or Localhost");
    check(violations, container.getPorts().stream().map(ContainerPort::getHostPort)
        .allMatch(port -> port == null || port == 0), name + "hostPort");
  }

  private static boolean seccompAllowed(SeccompProfile profile, boolean absentIsAllowed) {
    return profile == null ? absentIsAllowed : SECCOMP_TYPES.contains(profile.getType());
  }

  private static void check(List<String> violations, boolean ok, String violation) {
    if (!ok) {
      violations.add(violation);
    }
  }
}
