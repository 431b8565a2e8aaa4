package io.pks.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairSpec;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;

class DesiredObjectsTest {

  @Test
  void membersRunOnlyOnceTheLifecycleHasStartedAndNotWhileStopped() {
    assertThat(replicas(pair(null), "a")).isZero();
    assertThat(replicas(pair(null), "b")).isZero();
    assertThat(replicas(pair(status(Phase.InitializingPrimary, List.of("a", "b"))), "a")).isZero();
    assertThat(replicas(pair(status(Phase.InitializingPrimary, List.of("b"))), "a")).isEqualTo(1);
    assertThat(replicas(pair(status(Phase.InitializingPrimary, List.of("b"))), "b")).isZero();
    assertThat(replicas(pair(status(Phase.Streaming, List.of())), "b")).isEqualTo(1);
    assertThat(replicas(pair(status(null, List.of())), "a")).isZero();
  }

  @Test
  void theRecordedJobIsTheOnlyDesiredJob() {
    assertThat(new DesiredObjects(pair(status(Phase.Streaming, List.of())), NETWORK).job()).isEmpty();
    PksReplicaPair seeding = pair(status(Phase.SeedingStandby, List.of("b")));
    seeding.setStatus(seeding.getStatus().toBuilder().job(Jobs.seed(seeding, "b", 3)).build());
    assertThat(new DesiredObjects(seeding, NETWORK).job()).get()
        .extracting(job -> job.getMetadata().getName()).isEqualTo("p-b-seed-3");
    assertThat(new DesiredObjects(seeding, NETWORK).all(Secrets.PasswordSource.NONE))
        .extracting(object -> object.getKind() + "/" + object.getMetadata().getName())
        .contains("PersistentVolumeClaim/data-p-a-0", "PersistentVolumeClaim/data-p-b-0", "Job/p-b-seed-3");
  }

  @Test
  void scriptsShipInTheNamespacesScriptsConfigMapAndTheScriptsVolume() {
    PksReplicaPair pair = pair(null);
    DesiredObjects desired = new DesiredObjects(pair, NETWORK);
    ConfigMap scripts = desired.scriptsConfigMap();
    assertThat(scripts.getMetadata().getName()).isEqualTo("pks-scripts-" + Scripts.VERSION).hasSize(22);
    assertThat(scripts.getMetadata().getNamespace()).isEqualTo(pair.getMetadata().getNamespace());
    assertThat(scripts.getMetadata().getLabels()).containsEntry(Labels.MANAGED_BY, Labels.MANAGED_BY_VALUE)
        .containsEntry(Labels.COMPONENT, Labels.COMPONENT_SCRIPTS).doesNotContainKey(Labels.PAIR);
    assertThat(scripts.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(scripts.getImmutable()).isTrue();
    assertThat(scripts.getData()).containsOnlyKeys(Scripts.ALL.toArray(String[]::new));
    assertThat(scripts.getData().get(Scripts.ENTRYPOINT)).startsWith("#!/bin/sh").doesNotContain("initdb -D");
    assertThat(scripts.getData().get(Scripts.INITDB)).startsWith("#!/bin/sh").contains("initdb -D");

    Map<String, String> data = desired.configMap().getData();
    assertThat(data).doesNotContainKeys(Scripts.ALL.toArray(String[]::new));
    assertThat(data.get(PodLayout.PG_HBA_CONF)).contains("127.0.0.1/32");

    StatefulSet statefulSet = desired.statefulSet(Member.named("a"), null);
    var spec = statefulSet.getSpec().getTemplate().getSpec();
    var scriptsVolume = spec.getVolumes().stream()
        .filter(volume -> volume.getName().equals(PodVolume.SCRIPTS.volumeName()))
        .findFirst().orElseThrow().getConfigMap();
    assertThat(scriptsVolume.getName()).isEqualTo(scripts.getMetadata().getName());
    assertThat(scriptsVolume.getItems()).extracting(KeyToPath::getKey).containsExactlyElementsOf(Scripts.ALL);
    assertThat(spec.getContainers().get(0).getCommand())
        .containsExactly("/bin/sh", PodLayout.SCRIPTS_DIR + "/" + Scripts.ENTRYPOINT);
    assertThat(env(statefulSet)).containsEntry(PodLayout.ENV_PRIMARY_PORT, "5432")
        .containsEntry(PodLayout.ENV_PRIMARY_HOST, "p-rw")
        .containsEntry(PodLayout.ENV_SLOT, "pks_a");
  }

  @Test
  void everyPairOfANamespaceMountsTheSameScriptsConfigMap() {
    PksReplicaPair other = pair(null);
    other.getMetadata().setName("other");
    assertThat(new DesiredObjects(other, NETWORK).scriptsConfigMap())
        .isEqualTo(new DesiredObjects(pair(null), NETWORK).scriptsConfigMap());
  }

  @Test
  void theTemplateHashIsTheStatefulSetsWhicheverIsAskedFirst() {
    PksReplicaPair pair = pair(status(Phase.Streaming, List.of()));
    DesiredObjects builtFirst = new DesiredObjects(pair, NETWORK);
    String fromStatefulSet = builtFirst.statefulSet(Member.named("a"), null).getSpec().getTemplate().getMetadata()
        .getAnnotations().get(StatefulSets.TEMPLATE_HASH_ANNOTATION);
    assertThat(builtFirst.templateHash(Member.named("a"))).hasSize(64).isEqualTo(fromStatefulSet);

    DesiredObjects askedFirst = new DesiredObjects(pair, NETWORK);
    assertThat(askedFirst.templateHash(Member.named("a"))).isEqualTo(fromStatefulSet);
    assertThat(askedFirst.templateHash(Member.named("b"))).isNotEqualTo(fromStatefulSet)
        .isEqualTo(askedFirst.statefulSet(Member.named("b"), null).getSpec().getTemplate().getMetadata()
            .getAnnotations().get(StatefulSets.TEMPLATE_HASH_ANNOTATION));
  }

  /**
   * The objects of the pair as its status was just written follow that status; the templates'
   * hashes, built before the write, are kept only while the spec is the one they were built from.
   */
  @Test
  void theObjectsOfThePairAsWrittenFollowItsStatusAndItsSpec() {
    PksReplicaPair read = TestPairs.example();
    read.setStatus(status(Phase.InitializingPrimary, List.of("site-a", "site-b")));
    DesiredObjects before = new DesiredObjects(read, NETWORK);
    Member siteA = read.getSpec().member("site-a");
    String hash = before.templateHash(siteA);

    PksReplicaPair written = TestPairs.example();
    written.setStatus(status(Phase.InitializingPrimary, List.of("site-b")));
    DesiredObjects after = before.withStatusOf(written);
    assertThat(after.statefulSet(siteA, null).getSpec().getReplicas()).as("site-a no longer stopped").isEqualTo(1);
    assertThat(after.templateHash(siteA)).isEqualTo(hash)
        .isEqualTo(new DesiredObjects(written, NETWORK).templateHash(siteA));

    PksReplicaPair edited = TestPairs.example(json -> TestPairs.spec(json).with("postgres").put("image", "postgres:17"));
    edited.setStatus(written.getStatus());
    String editedHash = before.withStatusOf(edited).templateHash(siteA);
    assertThat(editedHash).as("built again from the edited spec").isNotEqualTo(hash)
        .isEqualTo(new DesiredObjects(edited, NETWORK).templateHash(siteA));
  }

  private static final LoopbackNetwork NETWORK = new LoopbackNetwork(Map.of());

  private static int replicas(PksReplicaPair pair, String member) {
    return new DesiredObjects(pair, NETWORK).statefulSet(Member.named(member), null).getSpec().getReplicas();
  }

  private static Map<String, String> env(StatefulSet statefulSet) {
    return statefulSet.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static PksReplicaPairStatus status(Phase phase, List<String> stoppedMembers) {
    return PksReplicaPairStatus.builder().observedGeneration(1L).phase(phase).currentPrimary("a")
        .stoppedMembers(stoppedMembers).build();
  }

  private static PksReplicaPair pair(PksReplicaPairStatus status) {
    PksReplicaPair pair = new PksReplicaPair();
    pair.setMetadata(new ObjectMetaBuilder().withName("p").withNamespace("ns").build());
    pair.setSpec(new PksReplicaPairSpec(List.of(Member.named("a"), Member.named("b")), "a",
        null, null, null, null, null, null, null, null, null, null));
    pair.setStatus(status);
    return pair;
  }
}
