package io.pks.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

class ConfigMapsTest {
  private static final MemberNetwork NETWORK = new ClusterNetwork("cluster.local");

  @Test
  void postgresqlConfEndsWithTheHashOfTheFilesAReloadReads() {
    PksReplicaPair pair = TestPairs.example();
    ConfigMap configMap = ConfigMaps.build(pair, NETWORK);
    String hash = ConfigMaps.reloadableHash(pair, NETWORK);
    assertThat(hash).hasSize(64);
    assertThat(configMap.getData().get("postgresql.conf"))
        .startsWith(PostgresqlConf.render(pair))
        .endsWith("\npks.config_hash = '" + hash + "'\n");
  }

  @Test
  void aSettingOrAnAllowedNetworkChangesTheReloadableHashButNotTheStartupHash() {
    PksReplicaPair pair = TestPairs.example();
    PksReplicaPair setting = TestPairs.example(json -> TestPairs.spec(json).with("postgres").with("parameters")
        .put("work_mem", "8MB"));
    PksReplicaPair network = TestPairs.example(json -> TestPairs.spec(json).with("replication")
        .putArray("allowedCidrs").add("10.1.0.0/16"));
    for (PksReplicaPair changed : new PksReplicaPair[] {setting, network}) {
      assertThat(ConfigMaps.reloadableHash(changed, NETWORK)).isNotEqualTo(ConfigMaps.reloadableHash(pair, NETWORK));
      assertThat(ConfigMaps.startupHash(ConfigMaps.build(changed, NETWORK)))
          .isEqualTo(ConfigMaps.startupHash(ConfigMaps.build(pair, NETWORK)));
    }
  }

  @Test
  void theStartupHashCoversTheScripts() {
    ConfigMap configMap = ConfigMaps.build(TestPairs.example(), NETWORK);
    String hash = ConfigMaps.startupHash(configMap);
    configMap.getData().put(Scripts.ENTRYPOINT, configMap.getData().get(Scripts.ENTRYPOINT) + "\n# a new version\n");
    assertThat(ConfigMaps.startupHash(configMap)).isNotEqualTo(hash);
  }
}
