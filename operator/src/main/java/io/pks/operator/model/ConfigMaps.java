package io.pks.operator.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.backup.PgBackRestConf;
import io.pks.operator.postgres.MemberProbe;

/**
 * The pair's ConfigMap (postgresql.conf, pg_hba.conf, pg_ident.conf, the metrics exporter's
 * queries, pgBackRest's configuration), mounted by both members and the Jobs; and the scripts'
 * ConfigMap ({@link #scripts}), which every pair of a namespace mounts.
 *
 * <p>Two kinds of files, two hashes. PostgreSQL reads the three configuration files again on a
 * reload: their hash ({@link #reloadableHash}) is written into postgresql.conf itself as
 * {@value MemberProbe#CONFIG_HASH_SETTING}, so each member reports which version of the files it sees
 * (pg_file_settings) and which it applied (current_setting), and the operator reloads it once the
 * kubelet delivered the new files. The rest is read only when a pod starts: the hash of the pair's
 * other files ({@link #startupHash}) is on the pod template, and so is the scripts' ConfigMap's
 * name, which holds their version; either changing makes the pods outdated, and the operator
 * restarts them one at a time.
 *
 * <p>The scripts are the same for every pair (47 KB, against 6 KB for the rest of a pair's files):
 * one copy per namespace, rather than one per pair, is what the API server stores and sends to
 * every watcher, and what the operator's informer holds.
 */
public final class ConfigMaps {
  private ConfigMaps() {
  }

  /** The files PostgreSQL reads again on pg_reload_conf(). */
  static final Set<String> RELOADABLE_FILES = Set.of(PodLayout.POSTGRESQL_CONF, PodLayout.PG_HBA_CONF,
      PodLayout.PG_IDENT_CONF);

  public static ConfigMap build(PksReplicaPair pair, MemberNetwork network) {
    Map<String, String> data = reloadableFiles(pair, network);
    data.put(PodLayout.POSTGRESQL_CONF, data.get(PodLayout.POSTGRESQL_CONF) + "\n# The hash of these files,"
        + " reported by each member so the operator knows which version it runs\n" + MemberProbe.CONFIG_HASH_SETTING + " = '"
        + hash(data) + "'\n");
    data.put(MemberMetrics.QUERIES_FILE, MemberMetrics.queries());
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
   * The scripts' ConfigMap of {@code namespace}: named after their version, and immutable (the
   * kubelet need not watch it; a new version is a new ConfigMap). No pair owns it: the operator
   * deletes an earlier version once nothing of the namespace that may still start a pod mounts it.
   */
  public static ConfigMap scripts(String namespace) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(Names.scriptsConfigMap())
        .withNamespace(namespace)
        .withLabels(Labels.scripts())
        .endMetadata()
        .withImmutable(true)
        .withData(new TreeMap<>(Scripts.texts()))
        .build();
  }

  private static Map<String, String> reloadableFiles(PksReplicaPair pair, MemberNetwork network) {
    Map<String, String> files = new TreeMap<>();
    files.put(PodLayout.POSTGRESQL_CONF, PostgresqlConf.render(pair));
    files.put(PodLayout.PG_HBA_CONF, PgHbaConf.render(pair, network));
    files.put(PodLayout.PG_IDENT_CONF, PgHbaConf.renderIdent(pair));
    return files;
  }

  /**
   * SHA-256 of postgresql.conf (without its hash line), pg_hba.conf and pg_ident.conf: the value of
   * {@value MemberProbe#CONFIG_HASH_SETTING} in the rendered postgresql.conf.
   */
  public static String reloadableHash(PksReplicaPair pair, MemberNetwork network) {
    return hash(reloadableFiles(pair, network));
  }

  /**
   * SHA-256 of the pair's files read only when a pod starts (the exporter's queries, pgBackRest's
   * configuration). Put on the pod template, so a change of them makes the running pods outdated.
   */
  public static String startupHash(ConfigMap configMap) {
    Map<String, String> startup = new TreeMap<>(configMap.getData());
    startup.keySet().removeAll(RELOADABLE_FILES);
    return hash(startup);
  }

  /** SHA-256 over {@code files}, in key order. */
  static String hash(Map<String, String> files) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      new TreeMap<>(files).forEach((key, value) -> {
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
