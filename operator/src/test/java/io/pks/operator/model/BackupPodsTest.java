package io.pks.operator.model;

import java.util.Map;

import org.junit.jupiter.api.Test;


import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;

/** What spec.backup adds to a member's pod, and that a pair without it runs exactly as before. */
class BackupPodsTest {
  private static final PksReplicaPair PLAIN = TestPairs.example();

  private static PodSpec member(PksReplicaPair pair) {
    return new DesiredObjects(pair, new ClusterNetwork("cluster.local"))
        .statefulSet(pair.getSpec().member("site-a"), null).getSpec().getTemplate().getSpec();
  }

  @Test
  void theMemberMountsTheStoreKeysAndItsCaAsSecretFiles() {
    PodSpec pod = member(TestPairs.withBackup(true));
    assertThat(PodTemplates.mounts(pod))
        .containsEntry("backup-secret", "/etc/pks/secrets/backup")
        .containsEntry("backup-ca", "/etc/pks/secrets/backup-ca")
        .containsEntry("superuser-secret", "/etc/pks/secrets/superuser");
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .filteredOn(mount -> mount.getName().startsWith("backup")).allMatch(mount -> mount.getReadOnly());
    Volume keys = PodTemplates.volume(pod, "backup-secret");
    assertThat(keys.getSecret().getSecretName()).isEqualTo("pks-s3");
    assertThat(keys.getSecret().getDefaultMode()).isEqualTo(0440);
    assertThat(PodTemplates.volume(pod, "backup-ca").getSecret().getSecretName()).isEqualTo("pks-s3-ca");
    assertThat(PodTemplates.volume(pod, "superuser-secret").getSecret().getSecretName()).isEqualTo("pks-superuser");
  }

  @Test
  void theEnvironmentNamesTheStanzaAndTheSecretFoldersOnly() {
    Map<String, String> env = PodTemplates.env(member(TestPairs.withBackup(true)));
    assertThat(env).containsEntry("PKS_STANZA", "pks")
        .containsEntry("PKS_BACKUP_SECRET_DIR", "/etc/pks/secrets/backup")
        .containsEntry("PKS_BACKUP_CA_DIR", "/etc/pks/secrets/backup-ca")
        .containsEntry("PKS_SCRIPTS_DIR", "/etc/pks/scripts")
        .containsEntry("PKS_SUPERUSER_SECRET_DIR", "/etc/pks/secrets/superuser");
    assertThat(env.values()).noneMatch(value -> value.contains("pks-s3"));
  }

  @Test
  void withoutACaSecretTheSystemCasAreTrusted() {
    PodSpec pod = member(TestPairs.withBackup(false));
    assertThat(PodTemplates.mounts(pod)).containsKey("backup-secret").doesNotContainKey("backup-ca");
    assertThat(PodTemplates.env(pod)).doesNotContainKey("PKS_BACKUP_CA_DIR");
  }

  @Test
  void theConfigVolumeCarriesPgBackRestsRepositoryAndPostgresqlConfArchivesWithIt() {
    PksReplicaPair pair = TestPairs.withBackup(true);
    assertThat(PodTemplates.volume(member(pair), "config").getConfigMap().getItems()).extracting(KeyToPath::getKey)
        .contains("postgresql.conf", "pgbackrest.conf");
    var data = ConfigMaps.build(pair, new ClusterNetwork("cluster.local")).getData();
    assertThat(data.get("pgbackrest.conf")).contains("repo1-s3-bucket=pks-backups", "repo1-path=/telephony/pks",
        "archive-async=y").doesNotContain("repo1-s3-key");
    assertThat(data.get("postgresql.conf")).contains("archive_mode = 'on'",
        "archive_command = 'pgbackrest --stanza=pks archive-push %p'", "archive_timeout = '60s'");
  }

  @Test
  void theMemberMountsTheBackupsTlsSecretForTheBackupsClientSide() {
    PodSpec pod = member(TestPairs.withBackup(false));
    assertThat(PodTemplates.mounts(pod)).containsEntry("backup-tls", "/etc/pks/secrets/backup-tls");
    assertThat(PodTemplates.volume(pod, "backup-tls").getSecret().getSecretName()).isEqualTo("pks-backup-tls");
    assertThat(PodTemplates.volume(pod, "backup-tls").getSecret().getDefaultMode()).isEqualTo(0440);
    assertThat(PodTemplates.env(pod)).containsEntry("PKS_BACKUP_TLS_DIR", "/etc/pks/secrets/backup-tls");
  }

  @Test
  void theBackupServerSidecarRunsTheMemberImageOnItsPortWithoutTheStoresKeys() {
    PksReplicaPair pair = TestPairs.withBackup(true, json -> TestPairs.spec(json).with("postgres")
        .put("image", "registry.example.com/pks-member:16"));
    Container server = member(pair).getContainers().stream().filter(c -> c.getName().equals("backup-server"))
        .findFirst().orElseThrow();
    assertThat(server.getImage()).isEqualTo("registry.example.com/pks-member:16");
    assertThat(server.getCommand()).containsExactly("/bin/sh", "/etc/pks/scripts/backup-server.sh");
    assertThat(server.getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getContainerPort()).isEqualTo(8432);
      assertThat(port.getName()).isEqualTo("pgbackrest");
    });
    assertThat(server.getEnv()).extracting(e -> e.getName() + "=" + e.getValue()).containsExactly(
        "PGDATA=/var/lib/postgresql/data/pgdata", "PKS_RUN_DIR=/var/run/postgresql", "PKS_STANZA=pks",
        "PKS_BACKUP_CLIENT_NAME=pks-backup", "PKS_SUPERUSER_SECRET_DIR=/etc/pks/secrets/superuser",
        "PKS_BACKUP_TLS_DIR=/etc/pks/secrets/backup-tls", "PKS_BACKUP_SERVER_PORT=8432");
    assertThat(server.getVolumeMounts()).extracting(m -> m.getName() + " " + m.getMountPath() + " " + m.getReadOnly())
        .containsExactly("data /var/lib/postgresql/data true", "scripts /etc/pks/scripts true",
            "superuser-secret /etc/pks/secrets/superuser true", "backup-tls /etc/pks/secrets/backup-tls true",
            "run /var/run/postgresql null", "tmp /tmp null");
    assertThat(server.getSecurityContext()).isEqualTo(MemberPods.containerSecurityContext());
  }

  @Test
  void aPairWithoutBackupGetsNoneOfIt() {
    PodSpec pod = member(PLAIN);
    assertThat(pod.getContainers()).extracting(Container::getName).doesNotContain("backup-server");
    assertThat(PodTemplates.mounts(pod)).doesNotContainKey("backup-tls");
    assertThat(PodTemplates.mounts(pod)).doesNotContainKeys("backup-secret", "backup-ca", "superuser-secret");
    assertThat(PodTemplates.env(pod)).doesNotContainKeys("PKS_STANZA", "PKS_BACKUP_SECRET_DIR", "PKS_BACKUP_CA_DIR");
    assertThat(PodTemplates.volume(pod, "config").getConfigMap().getItems()).extracting(KeyToPath::getKey)
        .doesNotContain("pgbackrest.conf", "pgbackrest-recovery.conf");
    var data = ConfigMaps.build(PLAIN, new ClusterNetwork("cluster.local")).getData();
    assertThat(data).doesNotContainKeys("pgbackrest.conf", "pgbackrest-recovery.conf");
    assertThat(data.get("postgresql.conf")).contains("archive_mode = 'off'").doesNotContain("pgbackrest");
    assertThat(pod.getContainers().get(0).getImage()).isEqualTo("postgres:16");
  }
}
