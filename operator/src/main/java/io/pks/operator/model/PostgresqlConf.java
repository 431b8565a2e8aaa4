package io.pks.operator.model;

import java.util.Map;

import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.ReplicationSpec;

/**
 * Renders postgresql.conf: the operator's settings first, then the user's validated parameters.
 * Instance-local settings (port, listen_addresses, paths, cluster_name) are not here: the member
 * entrypoint passes them on the command line, so the same file serves both members and the tests.
 * synchronous_standby_names is not here either: the operator sets it with ALTER SYSTEM only once
 * the standby streams, since setting it earlier makes every commit wait for a standby that is not
 * there.
 */
public final class PostgresqlConf {
  private PostgresqlConf() {
  }

  /** With backups on, the longest a committed transaction waits before its WAL is archived. */
  public static final String ARCHIVE_TIMEOUT = "60s";

  public static String render(PksReplicaPair pair) {
    ReplicationSpec replication = pair.getSpec().replication();
    StringBuilder conf = new StringBuilder()
        .append("# postgresql.conf of PksReplicaPair ").append(pair.ref())
        .append(", rendered by pks-operator. Edits are overwritten.\n")
        .append("\n# Replication\n");
    setting(conf, "wal_level", "replica");
    setting(conf, "hot_standby", "on");
    setting(conf, "max_wal_senders", replication.maxWalSenders().toString());
    setting(conf, "max_replication_slots", replication.maxWalSenders().toString());
    setting(conf, "wal_keep_size", replication.walKeepSize());
    setting(conf, "max_slot_wal_keep_size", replication.maxSlotWalKeepSize());
    // pg_rewind needs hint bits WAL-logged to rejoin an old primary without a full copy.
    setting(conf, "wal_log_hints", "on");
    setting(conf, "synchronous_commit", "on");
    // The standby reports its positions every second (default 10 s), so the operator's probe
    // (every second by default) sees lag and catch-up within a second of it happening.
    setting(conf, "wal_receiver_status_interval", "1s");
    // A standby paused or cut off sends no reply, yet its walsender reads as streaming until
    // wal_sender_timeout ends it: with the default 60 s, a Required pair's commits waited a minute
    // while the status said Streaming, and an isolated primary's shutdown waited as long. Its
    // replies come every second (above), so 5 s without one means it is gone. The standby likewise
    // gives up on a silent primary after wal_receiver_timeout and reconnects.
    setting(conf, "wal_sender_timeout", "5s");
    setting(conf, "wal_receiver_timeout", "5s");
    // A standby that lost its primary retries every wal_retrieve_retry_interval, and a promotion
    // requested within that interval of the last failed retry completes only at its end (measured
    // on PostgreSQL 15: the default 5 s, in about half of the promotions; at 1 s, one switchover in
    // ten took a second longer; at 200 ms, a switchover's promotion waited 190 ms of it, since its
    // old primary's stop had just failed a retry). Promotion time is failover and switchover time;
    // a retry is one refused connection.
    setting(conf, "wal_retrieve_retry_interval", "50ms");
    conf.append("\n# Durability\n");
    // A member started from data that was not shut down cleanly (a seeded copy, a crash, a
    // failover's old primary) first flushes its whole data folder. File by file that took 0.10 s of
    // a just-seeded standby's start on this machine's 39 MB (0.01 to 0.04 s with syncfs), and it
    // grows with the number of files: one syncfs of the volume's file system does the same. The
    // members' volumes hold nothing else; Linux reports syncfs errors from 5.8 on.
    setting(conf, "recovery_init_sync_method", "syncfs");
    conf.append("\n# Archiving\n");
    if (pair.getSpec().backups().isPresent()) {
      archiveWithPgBackRest(conf, pair.getMetadata().getName());
    } else if (replication.archiveCommand() == null) {
      setting(conf, "archive_mode", "off");
    } else {
      setting(conf, "archive_mode", "on");
      setting(conf, "archive_command", replication.archiveCommand());
    }
    conf.append("\n# Authentication\n");
    setting(conf, "password_encryption", "scram-sha-256");
    Map<String, String> parameters = pair.getSpec().postgres().parameters();
    if (!parameters.isEmpty()) {
      conf.append("\n# spec.postgres.parameters\n");
      parameters.forEach((name, value) -> setting(conf, name, value));
    }
    return conf.toString();
  }

  /**
   * Both members get the same settings, and with archive_mode on only the one running as primary
   * archives: a standby's archiver is idle, so archiving follows a switchover or failover without
   * the operator doing anything. A promoted standby first archives the history file of its new
   * timeline (only a promotion writes one, so it is pushed once) and the old timeline's last,
   * partial segment, then its own segments; a restore follows the newest timeline through that
   * history file. archive_mode=always would have the standby push every segment the primary
   * pushes. pgBackRest reads its configuration from PGBACKREST_CONFIG, which the entrypoint
   * exports; the stanza is the pair. archive_timeout forces a segment switch on a quiet primary,
   * which bounds how old the last archived transaction can be.
   */
  private static void archiveWithPgBackRest(StringBuilder conf, String stanza) {
    setting(conf, "archive_mode", "on");
    setting(conf, "archive_command", "pgbackrest --stanza=" + stanza + " archive-push %p");
    setting(conf, "archive_timeout", ARCHIVE_TIMEOUT);
    // A standby that fell behind what its primary kept reads the missing WAL from the archive.
    setting(conf, "restore_command", "pgbackrest --stanza=" + stanza + " archive-get %f \"%p\"");
  }

  private static void setting(StringBuilder conf, String name, String value) {
    conf.append(name).append(" = ").append(quote(value)).append('\n');
  }

  /**
   * A postgresql.conf string literal. Quotes are doubled and backslashes escaped, so no value can
   * end its literal early; newlines never get here (the validator refuses them).
   */
  static String quote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }
}
