package io.pks.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairSpec;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;

class DesiredObjectsTest {

  @Test
  void onlyTheBootstrappingPrimaryMayRunInitdb() {
    assertThat(initdb(pair(null), "a")).isEqualTo("true");
    assertThat(initdb(pair(null), "b")).isEqualTo("false");
    assertThat(initdb(pair(status(Phase.Pending, null)), "a")).isEqualTo("true");
    assertThat(initdb(pair(status(Phase.InitializingPrimary, null)), "a")).isEqualTo("true");
    assertThat(initdb(pair(status(Phase.SeedingStandby, null)), "a")).isEqualTo("false");
    assertThat(initdb(pair(status(Phase.Streaming, "a")), "a")).isEqualTo("false");
    assertThat(initdb(pair(status(Phase.FailingOver, "b")), "b")).isEqualTo("false");
    assertThat(initdb(pair(status(Phase.InitializingPrimary, "b")), "b")).isEqualTo("true");
    assertThat(initdb(pair(status(Phase.InitializingPrimary, "b")), "a")).isEqualTo("false");
  }

  @Test
  void scriptsShipInTheConfigMapAndTheScriptsVolume() {
    PksReplicaPair pair = pair(null);
    DesiredObjects desired = new DesiredObjects(pair, new LoopbackNetwork(Map.of()));
    Map<String, String> data = desired.configMap().getData();
    assertThat(data).containsKeys(Scripts.ALL.toArray(String[]::new));
    assertThat(data.get(Scripts.ENTRYPOINT)).startsWith("#!/bin/sh").contains("initdb");
    assertThat(data.get(PodLayout.PG_HBA_CONF)).contains("127.0.0.1/32");

    StatefulSet statefulSet = desired.statefulSet(Member.named("a"), null);
    var spec = statefulSet.getSpec().getTemplate().getSpec();
    List<String> scriptItems = spec.getVolumes().stream()
        .filter(volume -> volume.getName().equals(StatefulSets.SCRIPTS_VOLUME))
        .flatMap(volume -> volume.getConfigMap().getItems().stream())
        .map(KeyToPath::getKey).toList();
    assertThat(scriptItems).containsExactlyElementsOf(Scripts.ALL);
    assertThat(spec.getContainers().get(0).getCommand())
        .containsExactly("/bin/sh", PodLayout.SCRIPTS_DIR + "/" + Scripts.ENTRYPOINT);
    assertThat(env(statefulSet)).containsEntry(PodLayout.ENV_PRIMARY_PORT, "5432")
        .containsEntry(PodLayout.ENV_PRIMARY_HOST, "p-rw")
        .containsEntry(PodLayout.ENV_SLOT, "pks_a");
  }

  private static String initdb(PksReplicaPair pair, String member) {
    StatefulSet statefulSet = new DesiredObjects(pair, new LoopbackNetwork(Map.of())).statefulSet(Member.named(member), null);
    return env(statefulSet).get(PodLayout.ENV_INITDB);
  }

  private static Map<String, String> env(StatefulSet statefulSet) {
    return statefulSet.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static PksReplicaPairStatus status(Phase phase, String currentPrimary) {
    return new PksReplicaPairStatus(1L, phase, currentPrimary, null, null, null, null, null, null);
  }

  private static PksReplicaPair pair(PksReplicaPairStatus status) {
    PksReplicaPair pair = new PksReplicaPair();
    pair.setMetadata(new ObjectMetaBuilder().withName("p").withNamespace("ns").build());
    pair.setSpec(new PksReplicaPairSpec(List.of(Member.named("a"), Member.named("b")), "a",
        null, null, null, null, null));
    pair.setStatus(status);
    return pair;
  }
}
