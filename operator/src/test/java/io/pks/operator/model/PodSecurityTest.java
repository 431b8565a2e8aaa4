package io.pks.operator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.validation.SpecCase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every pod template the operator builds, for every valid pair of the corpus, meets the restricted
 * Pod Security Standard (kubernetes.io/docs/concepts/security/pod-security-standards), field by
 * field, and the checker itself catches each field when it is wrong.
 */
class PodSecurityTest {
  /** Volume types the restricted profile allows. */
  private static final Set<String> ALLOWED_VOLUMES = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
      "ephemeral", "persistentVolumeClaim", "projected", "secret");

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.pks.operator.validation.SpecCase#allValid")
  void everyPodTemplateIsRestricted(SpecCase valid) {
    PksReplicaPair pair = TestPairs.fromJson(valid.resource());
    Map<String, PodTemplateSpec> templates = PodTemplates.everyPod(pair);

    assertThat(templates).hasSize(PodTemplates.count(pair));
    templates.forEach((owner, template) -> {
      PodSpec pod = template.getSpec();
      assertThat(restrictedViolations(pod)).as(owner).isEmpty();
      // Beyond the profile: no API token in the database pod, and nothing written outside volumes.
      assertThat(pod.getAutomountServiceAccountToken()).as(owner).isFalse();
      assertThat(pod.getContainers()).allSatisfy(container ->
          assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(owner).isTrue());
    });
  }

  @Test
  void theCheckerCatchesEachField() {
    PodSpec good = PodTemplates.everyPod(TestPairs.example()).values().iterator().next().getSpec();
    assertThat(restrictedViolations(good)).isEmpty();
    // One container, so that a pod-level breach counts once.
    good.setContainers(List.of(good.getContainers().get(0)));

    List<Consumer<PodSpec>> breaches = List.of(
        pod -> pod.setHostNetwork(true),
        pod -> pod.setHostPID(true),
        pod -> pod.setHostIPC(true),
        pod -> pod.getSecurityContext().setRunAsUser(0L),
        pod -> pod.getSecurityContext().setSeccompProfile(null),
        pod -> pod.getSecurityContext().setSeccompProfile(new SeccompProfile(null, "Unconfined")),
        pod -> pod.getVolumes().add(new VolumeBuilder().withName("host").withNewHostPath("/", null).build()),
        pod -> container(pod).setPrivileged(true),
        pod -> container(pod).setAllowPrivilegeEscalation(null),
        pod -> container(pod).setCapabilities(new Capabilities(List.of("NET_ADMIN"), List.of("ALL"))),
        pod -> container(pod).setCapabilities(new Capabilities(null, List.of("NET_RAW"))),
        pod -> container(pod).setRunAsNonRoot(false),
        pod -> container(pod).setRunAsUser(0L),
        pod -> container(pod).setProcMount("Unmasked"),
        pod -> pod.getContainers().get(0).getPorts().add(new ContainerPort(5432, null, 5432, "host", "TCP")));
    for (var breach : breaches) {
      PodSpec pod = new PodSpecBuilder(good).build();
      pod.setVolumes(new ArrayList<>(pod.getVolumes()));
      pod.getContainers().get(0).setPorts(new ArrayList<>(pod.getContainers().get(0).getPorts()));
      breach.accept(pod);
      assertThat(restrictedViolations(pod)).hasSize(1);
    }
  }

  private static SecurityContext container(PodSpec pod) {
    return pod.getContainers().get(0).getSecurityContext();
  }

  /** The restricted profile's checks, one sentence per breach. */
  static List<String> restrictedViolations(PodSpec pod) {
    List<String> violations = new ArrayList<>();
    PodSecurityContext podContext = pod.getSecurityContext() == null ? new PodSecurityContext() : pod.getSecurityContext();
    check(violations, !Boolean.TRUE.equals(pod.getHostNetwork()), "hostNetwork");
    check(violations, !Boolean.TRUE.equals(pod.getHostPID()), "hostPID");
    check(violations, !Boolean.TRUE.equals(pod.getHostIPC()), "hostIPC");
    check(violations, podContext.getSysctls() == null || podContext.getSysctls().isEmpty(), "sysctls");
    check(violations, !Objects.equals(podContext.getRunAsUser(), 0L), "pod runAsUser 0");
    for (Volume volume : pod.getVolumes()) {
      Map<String, Object> fields = Serialization.jsonMapper()
          .convertValue(volume, Map.class);
      fields.keySet().stream().filter(field -> !field.equals("name"))
          .forEach(type -> check(violations, ALLOWED_VOLUMES.contains(type), "volume " + volume.getName() + " " + type));
    }
    var containers = Stream.of(pod.getInitContainers(), pod.getContainers()).flatMap(List::stream).toList();
    for (var container : containers) {
      SecurityContext context = container.getSecurityContext() == null ? new SecurityContext()
          : container.getSecurityContext();
      String name = "container " + container.getName() + " ";
      check(violations, !Boolean.TRUE.equals(context.getPrivileged()), name + "privileged");
      check(violations, Boolean.FALSE.equals(context.getAllowPrivilegeEscalation()),
          name + "allowPrivilegeEscalation must be false");
      Capabilities capabilities = context.getCapabilities();
      check(violations, capabilities != null && capabilities.getDrop() != null && capabilities.getDrop().contains("ALL")
          && (capabilities.getAdd() == null || List.of("NET_BIND_SERVICE").containsAll(capabilities.getAdd())),
          name + "capabilities: drop ALL, add at most NET_BIND_SERVICE");
      check(violations, Boolean.TRUE.equals(context.getRunAsNonRoot())
          || Boolean.TRUE.equals(podContext.getRunAsNonRoot()) && context.getRunAsNonRoot() == null,
          name + "runAsNonRoot");
      check(violations, !Objects.equals(context.getRunAsUser(), 0L), name + "runAsUser 0");
      SeccompProfile seccomp = context.getSeccompProfile() != null ? context.getSeccompProfile()
          : podContext.getSeccompProfile();
      check(violations, seccomp != null && List.of("RuntimeDefault", "Localhost").contains(seccomp.getType()),
          name + "seccompProfile RuntimeDefault or Localhost");
      check(violations, context.getProcMount() == null || context.getProcMount().equals("Default"),
          name + "procMount");
      check(violations, container.getPorts().stream().allMatch(port -> port.getHostPort() == null
          || port.getHostPort() == 0), name + "hostPort");
    }
    return violations;
  }

  private static void check(List<String> violations, boolean holds, String what) {
    if (!holds) {
      violations.add(what);
    }
  }
}
