package io.pks.operator.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.backup.PgBackRestConf;

/**
 * The pair's ConfigMap: postgresql.conf, pg_hba.conf, pg_ident.conf, the metrics exporter's
 * queries and the scripts, mounted by both members and
 * the seed Jobs. Its hash covers the scripts too, so a new script version rolls the pods.
 */
public final class ConfigMaps {
  private ConfigMaps() {
  }

  public static ConfigMap build(PksReplicaPair pair, MemberNetwork network) {
    Map<String, String> data = new TreeMap<>();
    data.put(PodLayout.POSTGRESQL_CONF, PostgresqlConf.render(pair));
    data.put(PodLayout.PG_HBA_CONF, PgHbaConf.render(pair, network));
    data.put(PodLayout.PG_IDENT_CONF, PgHbaConf.renderIdent(pair));
    data.put(MemberMetrics.QUERIES_FILE, MemberMetrics.queries());
    data.putAll(Scripts.texts());
    pair.getSpec().backups().ifPresent(backup -> data.put(PodLayout.PGBACKREST_CONF,
        PgBackRestConf.render(backup.objectStore(),
            Optional.ofNullable(backup.retention()).map(retention -> backup.retentionDays()))));
    pair.getSpec().recovery().ifPresent(recovery -> data.put(PodLayout.PGBACKREST_RECOVERY_CONF,
        PgBackRestConf.render(recovery.objectStore(), Optional.empty())));
    String name = pair.getMetadata().getName();
    return new ConfigMapBuilder()
        .withMetadata(ObjectMetas.of(pair, Names.configMap(name), Labels.pair(name)))
        .withData(data)
        .build();
  }

  /**
   * SHA-256 over the ConfigMap's data, in key order. Put on the pod template so that a change of
   * configuration rolls the pods instead of waiting for the kubelet's lazy volume refresh.
   */
  public static String hash(ConfigMap configMap) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      new TreeMap<>(configMap.getData()).forEach((key, value) -> {
        digest.update(key.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(value.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      });
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
