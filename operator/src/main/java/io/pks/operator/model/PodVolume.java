package io.pks.operator.model;

/**
 * The volumes of a member's pods and Jobs, each at the path of {@link PodLayout} the scripts read.
 * Every pod mounts only those its script needs: the running member sees the superuser's password
 * only when it takes backups (pgBackRest connects to it), the initdb Job never sees the
 * replication password.
 */
public enum PodVolume {
  DATA("data", PodLayout.DATA_MOUNT, false),
  CONFIG("config", PodLayout.CONFIG_DIR, true),
  SCRIPTS("scripts", PodLayout.SCRIPTS_DIR, true),
  SUPERUSER_SECRET("superuser-secret", PodLayout.SUPERUSER_SECRET_DIR, true),
  REPLICATION_SECRET("replication-secret", PodLayout.REPLICATION_SECRET_DIR, true),
  /** The certificate, with the replication password when replication uses TLS (see MemberPods). */
  TLS("tls", PodLayout.TLS_DIR, true),
  /** The object store's keys of spec.backup: a member archives WAL and takes base backups. */
  BACKUP_SECRET("backup-secret", PodLayout.BACKUP_SECRET_DIR, true),
  /** The object store's CA of spec.backup, when it names one (see MemberPods). */
  BACKUP_CA("backup-ca", PodLayout.BACKUP_CA_DIR, true),
  /** The backups' TLS between members (BackupCertificates): the client's files and the server's. */
  BACKUP_TLS("backup-tls", PodLayout.BACKUP_TLS_DIR, true),
  /** The object store's keys of spec.bootstrap.recovery: the restore Job reads the source's backups. */
  RECOVERY_SECRET("recovery-secret", PodLayout.RECOVERY_SECRET_DIR, true),
  /** The object store's CA of spec.bootstrap.recovery, when it names one (see MemberPods). */
  RECOVERY_CA("recovery-ca", PodLayout.RECOVERY_CA_DIR, true),
  RUN("run", PodLayout.RUN_DIR, false),
  TMP("tmp", PodLayout.TMP_DIR, false);

  private final String volumeName;
  private final String path;
  private final boolean readOnly;

  PodVolume(String volumeName, String path, boolean readOnly) {
    this.volumeName = volumeName;
    this.path = path;
    this.readOnly = readOnly;
  }

  public String volumeName() {
    return volumeName;
  }

  public String path() {
    return path;
  }

  public boolean readOnly() {
    return readOnly;
  }
}
