package io.pks.operator.model;

/**
 * Paths and environment variables shared by the pod specs and the scripts they run. The scripts
 * take every path from the environment, so the same script runs in a pod and on a test machine.
 */
public final class PodLayout {
  private PodLayout() {
  }

  public static final String DATA_MOUNT = "/var/lib/postgresql/data";
  /** A subfolder, because a volume's root may hold lost+found, which initdb refuses. */
  public static final String PGDATA = DATA_MOUNT + "/pgdata";
  /** The seed's staging area (the runbook's "repl"), on the same volume so the swap is a rename. */
  public static final String STAGING = DATA_MOUNT + "/repl";
  public static final String CONFIG_DIR = "/etc/pks/config";
  public static final String SCRIPTS_DIR = "/etc/pks/scripts";
  public static final String SUPERUSER_SECRET_DIR = "/etc/pks/secrets/superuser";
  public static final String REPLICATION_SECRET_DIR = "/etc/pks/secrets/replication";
  public static final String RUN_DIR = "/var/run/postgresql";
  /** The TLS Secret (tls.crt, tls.key, optional ca.crt), when replication uses TLS. */
  public static final String TLS_DIR = "/etc/pks/tls";
  public static final String TMP_DIR = "/tmp";

  /** uid and gid of the postgres user in the official (Debian-based) image. */
  public static final long POSTGRES_UID = 999L;

  /**
   * A file of this name beside PGDATA (in the data volume's root) keeps the member from starting
   * until a seed has replaced its data; the seed removes it when done. It is how an old primary
   * is kept from starting as a primary again before it has been re-seeded as the standby.
   */
  public static final String RESEED_MARKER = "pks-reseed";
  /**
   * A file of this name beside PGDATA says that a pg_rewind of PGDATA began and did not end: the
   * data may be half rewound, so the member does not start from it and the next seed copies.
   */
  public static final String REWIND_MARKER = "pks-rewinding";
  /** Where a Job's script writes its report, which the kubelet makes the container's termination message. */
  public static final String TERMINATION_LOG = "/dev/termination-log";

  /**
   * A file of this name beside PGDATA says the member's isolation check stopped it as an isolated
   * primary: it starts as a primary again only once the API server answers (member-entrypoint.sh).
   */
  public static final String ISOLATION_MARKER = "pks-isolated";

  public static final String POSTGRESQL_CONF = "postgresql.conf";
  /** pgBackRest's repository of the pair's own backups, without credentials (PgBackRestConf). */
  public static final String PGBACKREST_CONF = "pgbackrest.conf";
  /** The repository a restore reads, when the pair is bootstrapped from a backup. */
  public static final String PGBACKREST_RECOVERY_CONF = "pgbackrest-recovery.conf";
  /** The object store's credentials Secret (accessKeyId, secretAccessKey). */
  public static final String BACKUP_SECRET_DIR = "/etc/pks/secrets/backup";
  /** The object store's CA Secret (ca.crt), when spec.backup names one. */
  public static final String BACKUP_CA_DIR = "/etc/pks/secrets/backup-ca";
  /** The backups' TLS between members (BackupCertificates), with spec.backup. */
  public static final String BACKUP_TLS_DIR = "/etc/pks/secrets/backup-tls";
  public static final String RECOVERY_SECRET_DIR = "/etc/pks/secrets/recovery";
  public static final String RECOVERY_CA_DIR = "/etc/pks/secrets/recovery-ca";
  public static final String PG_HBA_CONF = "pg_hba.conf";
  public static final String PG_IDENT_CONF = "pg_ident.conf";

  public static final String ENV_PAIR = "PKS_PAIR";
  public static final String ENV_MEMBER = "PKS_MEMBER";
  public static final String ENV_NAMESPACE = "PKS_NAMESPACE";
  public static final String ENV_PGDATA = "PGDATA";
  public static final String ENV_PGPORT = "PGPORT";
  public static final String ENV_STAGING = "PKS_STAGING_DIR";
  public static final String ENV_CONFIG_DIR = "PKS_CONFIG_DIR";
  public static final String ENV_SUPERUSER_SECRET_DIR = "PKS_SUPERUSER_SECRET_DIR";
  public static final String ENV_REPLICATION_SECRET_DIR = "PKS_REPLICATION_SECRET_DIR";
  public static final String ENV_RUN_DIR = "PKS_RUN_DIR";
  /** Set only when replication uses TLS: the members serve it, and replication requires it. */
  public static final String ENV_TLS_DIR = "PKS_TLS_DIR";
  public static final String ENV_PRIMARY_HOST = "PKS_PRIMARY_HOST";
  /** The primary's port: the pair's postgres port in a cluster, its loopback port in tests. */
  public static final String ENV_PRIMARY_PORT = "PKS_PRIMARY_PORT";
  public static final String ENV_REPLICATION_USER = "PKS_REPLICATION_USER";
  /** Empty when the pair keeps no replication slot. */
  public static final String ENV_SLOT = "PKS_SLOT_NAME";
  /** listen_addresses; the entrypoint defaults to '*'. Set on loopback-only test machines. */
  /**
   * spec.failover.isolationStopSeconds, for the member's isolation check; the API server's address
   * comes from KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, which the kubelet sets in
   * every container.
   */
  public static final String ENV_ISOLATION_STOP_SECONDS = "PKS_ISOLATION_STOP_SECONDS";
  /** The role the isolation check reads pg_stat_replication as, over the socket (MemberMetrics). */
  public static final String ENV_MONITORING_ROLE = "PKS_MONITORING_ROLE";
  public static final String ENV_API_SERVER_HOST = "KUBERNETES_SERVICE_HOST";
  public static final String ENV_API_SERVER_PORT = "KUBERNETES_SERVICE_PORT";
  public static final String ENV_LISTEN_ADDRESSES = "PKS_LISTEN_ADDRESSES";
  /** SCRIPTS_DIR, for backup.sh run by the member's PostgreSQL (postgres.BaseBackup). Set only with spec.backup. */
  public static final String ENV_SCRIPTS_DIR = "PKS_SCRIPTS_DIR";
  /** The pgBackRest stanza: the pair's name. Set only when the pair has spec.backup. */
  public static final String ENV_STANZA = "PKS_STANZA";
  public static final String ENV_BACKUP_SECRET_DIR = "PKS_BACKUP_SECRET_DIR";
  /** Set only when spec.backup.objectStore names a caSecret. */
  public static final String ENV_BACKUP_CA_DIR = "PKS_BACKUP_CA_DIR";
  /** BACKUP_TLS_DIR, set only with spec.backup: the backup's client files, the backup server's own. */
  public static final String ENV_BACKUP_TLS_DIR = "PKS_BACKUP_TLS_DIR";
  /** The port the backup server (BackupServer) listens on, in its container. */
  public static final String ENV_BACKUP_SERVER_PORT = "PKS_BACKUP_SERVER_PORT";
  /** The client certificate's name the backup server admits (BackupCertificates.CLIENT_NAME). */
  public static final String ENV_BACKUP_CLIENT_NAME = "PKS_BACKUP_CLIENT_NAME";
  /** The restore Job's source: stanza, credentials, optional CA and target. */
  public static final String ENV_RECOVERY_SOURCE = "PKS_RECOVERY_SOURCE";
  public static final String ENV_RECOVERY_SECRET_DIR = "PKS_RECOVERY_SECRET_DIR";
  public static final String ENV_RECOVERY_CA_DIR = "PKS_RECOVERY_CA_DIR";
  public static final String ENV_RECOVERY_TARGET_TIME = "PKS_RECOVERY_TARGET_TIME";
  public static final String ENV_RECOVERY_TARGET_LSN = "PKS_RECOVERY_TARGET_LSN";
  /** TERMINATION_LOG, on the Jobs' pods. */
  public static final String ENV_TERMINATION_LOG = "PKS_TERMINATION_LOG";
  /** "y" on a rejoin's seed Job: pg_rewind first, a copy when it cannot or fails (seed.sh). */
  public static final String ENV_REWIND = "PKS_REWIND";
}
