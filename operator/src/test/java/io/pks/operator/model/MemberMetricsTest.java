package io.pks.operator.model;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;

class MemberMetricsTest {
  private static final PksReplicaPair PAIR = TestPairs.example();
  private static final DesiredObjects DESIRED = new DesiredObjects(PAIR, new ClusterNetwork("cluster.local"));

  @Test
  void everyMemberPodRunsTheExporterBesidePostgresql() {
    for (var member : PAIR.getSpec().members()) {
      List<Container> containers = DESIRED.statefulSet(member, null).getSpec().getTemplate().getSpec().getContainers();
      assertThat(containers).extracting(Container::getName).containsExactly(StatefulSets.CONTAINER, MemberMetrics.CONTAINER);
      Container exporter = containers.get(1);
      assertThat(exporter.getImage()).isEqualTo(MemberMetrics.IMAGE);
      assertThat(exporter.getPorts()).singleElement()
          .satisfies(port -> assertThat(port.getName()).isEqualTo(MemberMetrics.PORT_NAME))
          .satisfies(port -> assertThat(port.getContainerPort()).isEqualTo(MemberMetrics.PORT));
      assertThat(exporter.getArgs()).contains("--extend.query-path=" + PodLayout.CONFIG_DIR + "/" + MemberMetrics.QUERIES_FILE);
      // The socket's folder and the queries, nothing else: no data, no Secret.
      assertThat(exporter.getVolumeMounts()).extracting(VolumeMount::getMountPath)
          .containsExactlyInAnyOrder(PodLayout.CONFIG_DIR, PodLayout.RUN_DIR);
      assertThat(exporter.getEnv()).extracting(EnvVar::getValueFrom).containsOnlyNulls();
      assertThat(exporter.getEnv()).extracting(EnvVar::getName, EnvVar::getValue).contains(
          org.assertj.core.groups.Tuple.tuple("PGHOST", PodLayout.RUN_DIR),
          org.assertj.core.groups.Tuple.tuple("PGUSER", MemberMetrics.MONITORING_ROLE));
    }
  }

  @Test
  void theQueriesFileIsInTheConfigMapAndMountedAsTheExporterReadsIt() throws Exception {
    String queries = DESIRED.configMap().getData().get(MemberMetrics.QUERIES_FILE);
    assertThat(queries).isEqualTo(MemberMetrics.queries());
    Map<String, Map<String, Object>> parsed = new YAMLMapper().readValue(queries, new TypeReference<>() { });
    assertThat(parsed.keySet()).containsExactly("pks_member", "pks_wal", "pks_replication", "pks_recovery",
        "pks_slot", "pks_database", "pks_settings", "pks_archiver");
    parsed.forEach((name, query) -> {
      assertThat(query.get("query")).asString().startsWith("SELECT ");
      assertThat(query.get("master")).isEqualTo(true);
      assertThat(query.get("metrics")).asList().isNotEmpty();
    });
  }
}
