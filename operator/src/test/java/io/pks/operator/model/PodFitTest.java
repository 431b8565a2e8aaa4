package io.pks.operator.model;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;

/** spec.pods, field by field, on the members' pods and on the Jobs and their pods. */
class PodFitTest {
  /** The pair's own label (pks.io/pair) and the Jobs' sidecar opt-out are asked for otherwise, in vain. */
  static final String PODS = """
      {"imagePullSecrets": ["regcred", "mirror-cred"],
       "priorityClassName": "telephony-critical",
       "topologySpreadConstraints": [
         {"topologyKey": "kubernetes.io/hostname", "maxSkew": 1, "whenUnsatisfiable": "DoNotSchedule"}],
       "inheritedMetadata": {
         "labels": {"team": "voice", "pks.io/pair": "someone-else"},
         "annotations": {"cost-center": "42", "sidecar.istio.io/inject": "true"}}}
      """;
  private static final PksReplicaPair FITTED =
      TestPairs.example(json -> TestPairs.spec(json).set("pods", Serialization.unmarshal(PODS, JsonNode.class)));

  private static StatefulSet statefulSet(PksReplicaPair pair) {
    return StatefulSets.build(pair, pair.getSpec().member("site-a"), "hash", 1, null);
  }

  private static Job seed(PksReplicaPair pair) {
    return Jobs.build(pair, Jobs.seed(pair, "site-b", 1));
  }

  private static void pullsWithTheSecretsAndRunsWithThePriority(PodSpec pod) {
    assertThat(pod.getImagePullSecrets()).extracting(LocalObjectReference::getName)
        .containsExactly("regcred", "mirror-cred");
    assertThat(pod.getPriorityClassName()).isEqualTo("telephony-critical");
  }

  @Test
  void theMembersPodsPullWithTheSecretsRunWithThePriorityAndSpread() {
    PodSpec pod = statefulSet(FITTED).getSpec().getTemplate().getSpec();

    pullsWithTheSecretsAndRunsWithThePriority(pod);
    assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies(spread -> {
      assertThat(spread.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
      assertThat(spread.getMaxSkew()).isEqualTo(1);
      assertThat(spread.getWhenUnsatisfiable()).isEqualTo("DoNotSchedule");
    });
  }

  @Test
  void theJobsPodsPullWithTheSecretsAndRunWithThePriorityButFollowTheirVolumeNotTheSpread() {
    PodSpec pod = seed(FITTED).getSpec().getTemplate().getSpec();

    pullsWithTheSecretsAndRunsWithThePriority(pod);
    assertThat(pod.getTopologySpreadConstraints()).isNullOrEmpty();
  }

  @Test
  void everyPodAndJobInheritsTheLabelsAndAnnotationsButKeepsTheOperatorsOwn() {
    PodTemplateSpec member = statefulSet(FITTED).getSpec().getTemplate();
    Job job = seed(FITTED);

    for (Map<String, String> labels : List.of(member.getMetadata().getLabels(), job.getMetadata().getLabels(),
        job.getSpec().getTemplate().getMetadata().getLabels())) {
      assertThat(labels).containsEntry("team", "voice").containsEntry(Labels.PAIR, "pks");
    }
    assertThat(member.getMetadata().getAnnotations()).containsEntry("cost-center", "42")
        .containsEntry(StatefulSets.CONFIG_HASH_ANNOTATION, "hash");
    assertThat(job.getMetadata().getAnnotations()).containsEntry("cost-center", "42");
    assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("cost-center", "42");
    assertThat(statefulSet(FITTED).getSpec().getSelector().getMatchLabels())
        .isEqualTo(Labels.memberSelector("pks", "site-a"));
  }

  @Test
  void aJobsPodOptsOutOfSidecarInjectionEvenWhenTheInheritedAnnotationsAskForIt() {
    var template = seed(FITTED).getSpec().getTemplate().getMetadata();

    assertThat(template.getLabels()).containsEntry("sidecar.istio.io/inject", "false");
    assertThat(template.getAnnotations()).containsEntry("sidecar.istio.io/inject", "false")
        .containsEntry("linkerd.io/inject", "disabled");
    assertThat(statefulSet(FITTED).getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("sidecar.istio.io/inject", "true");
  }

  @Test
  void whenThePlatformAssignsTheUserNoPodNamesAUserGroupOrFsGroup() {
    PksReplicaPair openShift = TestPairs.example(json -> TestPairs.spec(json).putObject("pods")
        .put("platformAssignsUser", true));

    for (PodSpec pod : List.of(statefulSet(openShift).getSpec().getTemplate().getSpec(),
        seed(openShift).getSpec().getTemplate().getSpec())) {
      var context = pod.getSecurityContext();
      assertThat(context.getRunAsUser()).isNull();
      assertThat(context.getRunAsGroup()).isNull();
      assertThat(context.getFsGroup()).isNull();
      assertThat(context.getFsGroupChangePolicy()).isNull();
      assertThat(context.getRunAsNonRoot()).isTrue();
      assertThat(context.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    }
  }

  @Test
  void byDefaultEveryPodRunsAsTheImagesPostgresUserWithItsGroupOnTheVolumes() {
    PksReplicaPair plain = TestPairs.example();

    for (PodSpec pod : List.of(statefulSet(plain).getSpec().getTemplate().getSpec(),
        seed(plain).getSpec().getTemplate().getSpec())) {
      var context = pod.getSecurityContext();
      assertThat(context.getRunAsUser()).isEqualTo(PodLayout.POSTGRES_UID);
      assertThat(context.getRunAsGroup()).isEqualTo(PodLayout.POSTGRES_UID);
      assertThat(context.getFsGroup()).isEqualTo(PodLayout.POSTGRES_UID);
      assertThat(context.getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
    }
  }

  @Test
  void withoutSpecPodsNothingIsAdded() {
    PksReplicaPair plain = TestPairs.example();
    PodSpec member = statefulSet(plain).getSpec().getTemplate().getSpec();
    PodSpec job = seed(plain).getSpec().getTemplate().getSpec();

    for (PodSpec pod : List.of(member, job)) {
      assertThat(pod.getImagePullSecrets()).isNullOrEmpty();
      assertThat(pod.getPriorityClassName()).isNull();
      assertThat(pod.getTopologySpreadConstraints()).isNullOrEmpty();
    }
    assertThat(statefulSet(plain).getSpec().getTemplate().getMetadata().getAnnotations())
        .containsOnlyKeys(StatefulSets.CONFIG_HASH_ANNOTATION, StatefulSets.TEMPLATE_HASH_ANNOTATION);
    assertThat(seed(plain).getMetadata().getAnnotations()).isNullOrEmpty();
  }
}
