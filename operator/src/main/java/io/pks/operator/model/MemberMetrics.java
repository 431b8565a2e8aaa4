package io.pks.operator.model;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * PostgreSQL's own metrics from every member: the Prometheus community postgres_exporter as a
 * sidecar of the member's pod, with its default metrics plus the custom queries rendered here
 * (continuous lag, slots, transaction ID age, pending_restart, archiver). A maintained exporter
 * rather than our own: its default collectors (connections, transactions, checkpoints, database
 * sizes) follow PostgreSQL's versions, and it keeps serving {@code pg_up 0} while PostgreSQL is down.
 *
 * <p>It logs in as {@value #MONITORING_ROLE} (member of pg_monitor: it reads statistics, nothing
 * else) over the pod's Unix socket with peer authentication, so no password exists for it. Only
 * the containers of the member's pod reach that socket: it is in the pod's own emptyDir.
 */
public final class MemberMetrics {
  private MemberMetrics() {
  }

  public static final String CONTAINER = "metrics";
  public static final String PORT_NAME = "metrics";
  public static final int PORT = 9187;
  public static final String PATH = "/metrics";
  /** The upstream image; the sandbox runs Debian's prometheus-postgres-exporter in its place. */
  public static final String IMAGE = "quay.io/prometheuscommunity/postgres-exporter:v0.15.0";
  public static final String MONITORING_ROLE = "pks_monitor";
  /** The pg_ident.conf map that lets the pod's OS user log in as {@link #MONITORING_ROLE}. */
  public static final String IDENT_MAP = "pks-monitor";
  /** The custom queries' file in the pair's ConfigMap. */
  public static final String QUERIES_FILE = "exporter-queries.yaml";
  static final String DATABASE = "postgres";

  /** A custom query: its rows become series named {@code <name>_<column>}. */
  record Query(String name, String sql, List<Column> columns) {
  }

  /** A column of a custom query: a label, or a value with its Prometheus type. */
  record Column(String name, String usage, String description) {
    static Column label(String name, String description) {
      return new Column(name, "LABEL", description);
    }

    static Column gauge(String name, String description) {
      return new Column(name, "GAUGE", description);
    }

    static Column counter(String name, String description) {
      return new Column(name, "COUNTER", description);
    }
  }

  /** What the exporter's default collectors lack. Each runs on both members; rows only where they apply. */
  static final List<Query> QUERIES = List.of(
      new Query("pks_member", "SELECT CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END AS in_recovery",
          List.of(Column.gauge("in_recovery", "1 on a standby (in recovery), 0 on a primary"))),
      new Query("pks_wal",
          "SELECT pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
              + " ELSE pg_current_wal_lsn() END, '0/0') AS lsn_bytes",
          List.of(Column.counter("lsn_bytes",
              "WAL position in bytes: written on a primary, replayed on a standby; its rate is the WAL rate"))),
      new Query("pks_replication",
          "SELECT application_name, state, sync_state,"
              + " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS lag_bytes,"
              + " COALESCE(EXTRACT(EPOCH FROM replay_lag), 0) AS replay_lag_seconds,"
              + " CASE WHEN state = 'streaming' THEN 1 ELSE 0 END AS streaming"
              + " FROM pg_stat_replication WHERE NOT pg_is_in_recovery()",
          List.of(Column.label("application_name", "the standby (its cluster_name)"),
              Column.label("state", "walsender state"),
              Column.label("sync_state", "sync, potential, quorum or async"),
              Column.gauge("lag_bytes", "WAL bytes the standby has not replayed yet, measured on the primary at each scrape"),
              Column.gauge("replay_lag_seconds", "replay_lag of pg_stat_replication; 0 once the standby is caught up and idle"),
              Column.gauge("streaming", "1 while the standby streams"))),
      new Query("pks_recovery",
          "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
              + " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
              + " ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END AS lag_seconds,"
              + " (SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming') AS receiver_streaming",
          List.of(Column.gauge("lag_seconds",
                  "On a standby, seconds since the last replayed commit while WAL is waiting to be replayed, else 0"),
              Column.gauge("receiver_streaming", "1 on a standby whose WAL receiver streams"))),
      new Query("pks_slot",
          "SELECT slot_name, COALESCE(wal_status, 'unknown') AS wal_status,"
              + " CASE WHEN active THEN 1 ELSE 0 END AS active,"
              + " COALESCE(pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()"
              + " ELSE pg_current_wal_lsn() END, restart_lsn), 0) AS retained_bytes"
              + " FROM pg_replication_slots",
          List.of(Column.label("slot_name", "the replication slot"),
              Column.label("wal_status", "reserved, extended, unreserved or lost"),
              Column.gauge("active", "1 while a standby uses the slot"),
              Column.gauge("retained_bytes", "WAL bytes the slot keeps from being recycled"))),
      new Query("pks_database",
          "SELECT datname, age(datfrozenxid) AS xid_age FROM pg_database WHERE datallowconn",
          List.of(Column.label("datname", "the database"),
              Column.gauge("xid_age", "transactions since the database's oldest unfrozen transaction ID"
                  + " (wraparound at 2^31)"))),
      new Query("pks_settings",
          "SELECT count(*) FILTER (WHERE pending_restart) AS pending_restart FROM pg_settings",
          List.of(Column.gauge("pending_restart", "settings changed that take effect only after a restart"))),
      new Query("pks_archiver",
          "SELECT archived_count, failed_count,"
              + " COALESCE(EXTRACT(EPOCH FROM last_archived_time), 0) AS last_archived_time_seconds,"
              + " COALESCE(EXTRACT(EPOCH FROM last_failed_time), 0) AS last_failed_time_seconds"
              + " FROM pg_stat_archiver",
          List.of(Column.counter("archived_count", "WAL files archived"),
              Column.counter("failed_count", "failed attempts to archive a WAL file"),
              Column.gauge("last_archived_time_seconds", "Unix time of the last archived WAL file, 0 if none"),
              Column.gauge("last_failed_time_seconds", "Unix time of the last failed archiving, 0 if none"))));

  /** The exporter's custom queries file (its YAML format); only quoted scalars, so no SQL can break it. */
  public static String queries() {
    StringBuilder yaml = new StringBuilder("# Custom queries of postgres_exporter, rendered by pks-operator.\n");
    for (Query query : QUERIES) {
      yaml.append(query.name()).append(":\n")
          .append("  query: ").append(quoted(query.sql())).append('\n')
          .append("  master: true\n")
          .append("  metrics:\n");
      for (Column column : query.columns()) {
        yaml.append("    - ").append(column.name()).append(":\n")
            .append("        usage: ").append(quoted(column.usage())).append('\n')
            .append("        description: ").append(quoted(column.description())).append('\n');
      }
    }
    return yaml.toString();
  }

  /** A YAML double-quoted scalar; the texts are ours and single-line. */
  private static String quoted(String text) {
    return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /**
   * The sidecar. Its connection settings are libpq's environment (the socket folder, the member's
   * port, the role, the database): nothing secret in its arguments or environment.
   */
  static Container container(PksReplicaPair pair) {
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(IMAGE)
        .withArgs("--web.listen-address=:" + PORT,
            "--extend.query-path=" + PodLayout.CONFIG_DIR + "/" + QUERIES_FILE,
            "--log.level=warn")
        .withEnv(List.of(
            // The exporter needs a DSN; the rest comes from libpq's variables below.
            MemberPods.env("DATA_SOURCE_NAME", "sslmode=disable"),
            MemberPods.env("PGHOST", PodLayout.RUN_DIR),
            MemberPods.env(PodLayout.ENV_PGPORT, pair.getSpec().postgres().port().toString()),
            MemberPods.env("PGUSER", MONITORING_ROLE),
            MemberPods.env("PGDATABASE", DATABASE)))
        .addNewPort().withName(PORT_NAME).withContainerPort(PORT).withProtocol("TCP").endPort()
        .withVolumeMounts(
            new VolumeMountBuilder().withName(PodVolume.CONFIG.volumeName()).withMountPath(PodVolume.CONFIG.path())
                .withReadOnly(true).build(),
            new VolumeMountBuilder().withName(PodVolume.RUN.volumeName()).withMountPath(PodVolume.RUN.path()).build())
        .withNewResources()
          .withRequests(Map.of("cpu", new Quantity("10m"), "memory", new Quantity("32Mi")))
          .withLimits(Map.of("memory", new Quantity("64Mi")))
        .endResources()
        .withSecurityContext(MemberPods.containerSecurityContext())
        .build();
  }
}
