package io.pks.operator.model;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;

class StatefulSetsTest {
  private static final PksReplicaPair PAIR = TestPairs.example();
  private static final DesiredObjects DESIRED = new DesiredObjects(PAIR, new ClusterNetwork("cluster.local"));

  private static StatefulSet siteB() {
    return DESIRED.statefulSet(PAIR.getSpec().members().get(1), null);
  }

  @Test
  void namesLabelsAndSelector() {
    StatefulSet sts = siteB();
    assertThat(sts.getMetadata().getName()).isEqualTo("pks-site-b");
    assertThat(sts.getMetadata().getNamespace()).isEqualTo("telephony");
    assertThat(sts.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "pks-db")
        .containsEntry("app.kubernetes.io/instance", "pks")
        .containsEntry("app.kubernetes.io/managed-by", "pks-operator")
        .containsEntry("pks.io/pair", "pks")
        .containsEntry("pks.io/member", "site-b");
    assertThat(sts.getSpec().getServiceName()).isEqualTo("pks-site-b");
    // A new pair's members start at zero: the lifecycle starts them once their data exists.
    assertThat(sts.getSpec().getReplicas()).isZero();
    assertThat(sts.getSpec().getSelector().getMatchLabels())
        .isEqualTo(Map.of("pks.io/pair", "pks", "pks.io/member", "site-b"));
    assertThat(sts.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(sts.getSpec().getSelector().getMatchLabels())
        .doesNotContainKey(Labels.ROLE);
  }

  @Test
  void volumeClaimTemplateAndRetention() {
    StatefulSet sts = siteB();
    var claim = sts.getSpec().getVolumeClaimTemplates().get(0);
    assertThat(claim.getMetadata().getName()).isEqualTo("data");
    assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("20Gi"));
    assertThat(claim.getSpec().getStorageClassName()).isNull();
    assertThat(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Retain");
    assertThat(sts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled()).isEqualTo("Retain");

    PksReplicaPair deleting = TestPairs.example(json -> TestPairs.spec(json).put("deletionPolicy", "Delete"));
    StatefulSet deletingSts = new DesiredObjects(deleting, new ClusterNetwork("cluster.local"))
        .statefulSet(deleting.getSpec().members().get(1), null);
    assertThat(deletingSts.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Delete");
  }

  @Test
  void anExistingClaimTemplateIsKeptBecauseTheApiServerRefusesChanges() {
    var existing = siteB().getSpec().getVolumeClaimTemplates().get(0);
    existing.getSpec().getResources().getRequests().put("storage", new Quantity("5Gi"));
    StatefulSet sts = DESIRED.statefulSet(PAIR.getSpec().members().get(1), existing);
    assertThat(sts.getSpec().getVolumeClaimTemplates()).containsExactly(existing);
  }

  @Test
  void placementComesFromTheMember() {
    PodSpec pod = siteB().getSpec().getTemplate().getSpec();
    assertThat(pod.getNodeSelector()).isEqualTo(Map.of("topology.kubernetes.io/zone", "lyon-1"));
  }

  @Test
  void containerRunsTheEntrypointWithProbesAndResources() {
    Container container = siteB().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("postgres:16");
    assertThat(container.getCommand()).containsExactly("/bin/sh", "/etc/pks/scripts/member-entrypoint.sh");
    assertThat(container.getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getContainerPort()).isEqualTo(5432);
      assertThat(port.getName()).isEqualTo("postgres");
    });
    assertThat(container.getReadinessProbe().getExec().getCommand())
        .containsExactly("pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432");
    assertThat(container.getLivenessProbe().getExec().getCommand()).contains("pg_isready");
    assertThat(container.getStartupProbe().getFailureThreshold()).isGreaterThan(container.getLivenessProbe()
        .getFailureThreshold());
    assertThat(container.getResources().getRequests()).containsEntry("memory", new Quantity("1Gi"));
    assertThat(container.getResources().getLimits()).containsEntry("memory", new Quantity("2Gi"));
  }

  @Test
  void environmentNamesPathsAndPeers() {
    Container container = siteB().getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = container.getEnv().stream()
        .collect(java.util.stream.Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env).containsEntry("PKS_MEMBER", "site-b")
        .containsEntry("PKS_PAIR", "pks")
        .containsEntry("PGDATA", "/var/lib/postgresql/data/pgdata")
        .containsEntry("PKS_STAGING_DIR", "/var/lib/postgresql/data/repl")
        .containsEntry("PKS_PRIMARY_HOST", "pks-rw")
        .containsEntry("PKS_REPLICATION_USER", "repuser")
        .containsEntry("PKS_SLOT_NAME", "pks_site_b")
        .containsEntry("PKS_ISOLATION_STOP_SECONDS", "5")
        .containsEntry("PKS_MONITORING_ROLE", "pks_monitor");
  }

  @Test
  void theIsolationCheckGetsItsBoundFromTheSpec() {
    PksReplicaPair slower = TestPairs.example(json -> TestPairs.spec(json).with("failover")
        .put("isolationStopSeconds", 17));
    Map<String, String> env = siteB(slower).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .collect(java.util.stream.Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env).containsEntry("PKS_ISOLATION_STOP_SECONDS", "17");
    // Only the member's own container: the metrics sidecar and the Jobs run no primary.
    assertThat(siteB(slower).getSpec().getTemplate().getSpec().getContainers().get(1).getEnv())
        .noneMatch(variable -> variable.getName().equals("PKS_ISOLATION_STOP_SECONDS"));
  }

  @Test
  void theConfigHashCoversTheFilesReadAtStartOnly() {
    String hash = siteB().getSpec().getTemplate().getMetadata().getAnnotations().get("pks.io/config-hash");
    assertThat(hash).isEqualTo(ConfigMaps.startupHash(DESIRED.configMap())).hasSize(64);

    // A setting reaches the members through postgresql.conf and a reload: the template stays as it is.
    PksReplicaPair changed = TestPairs.example(json -> TestPairs.spec(json).with("postgres").with("parameters")
        .put("max_connections", "300").put("work_mem", "8MB"));
    assertThat(siteB(changed).getSpec().getTemplate()).isEqualTo(siteB().getSpec().getTemplate());
  }

  @Test
  void theTemplateHashChangesWithTheTemplateOnly() {
    String hash = templateHash(siteB());
    assertThat(hash).hasSize(64).isEqualTo(templateHash(siteB()));
    PksReplicaPair newImage = TestPairs.example(json -> TestPairs.spec(json).with("postgres").put("image", "postgres:17"));
    assertThat(templateHash(siteB(newImage))).isNotEqualTo(hash);
    PksReplicaPair moreMemory = TestPairs.example(json -> TestPairs.spec(json).with("postgres").with("resources")
        .with("limits").put("memory", "3Gi"));
    assertThat(templateHash(siteB(moreMemory))).isNotEqualTo(hash);
  }

  @Test
  void aChangedTemplateRollsNoPodByItself() {
    // The operator restarts the members one at a time (Lifecycle.rollingRestart), never the StatefulSet controller.
    assertThat(siteB().getSpec().getUpdateStrategy().getType()).isEqualTo("OnDelete");
  }

  private static StatefulSet siteB(PksReplicaPair pair) {
    return new DesiredObjects(pair, new ClusterNetwork("cluster.local")).statefulSet(pair.getSpec().members().get(1), null);
  }

  private static String templateHash(StatefulSet statefulSet) {
    return statefulSet.getSpec().getTemplate().getMetadata().getAnnotations().get(StatefulSets.TEMPLATE_HASH_ANNOTATION);
  }
}
