package io.pks.operator.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.postgres.BaseBackup;
import io.pks.operator.postgres.PgConnector;
import io.pks.operator.reconciler.EventReason;
import io.pks.operator.sandbox.SandboxObjectStore;
import io.pks.operator.sandbox.SandboxPair;
import io.pks.operator.sandbox.ScriptLauncher;

/**
 * backup (run only when named: about a quarter of an hour): on a database of about 1 GB
 * ({@code pgbench -i -s 70}) in a pair with spec.backup archiving into the sandbox's object store,
 * the base backup's time (backup.sh through the primary's session, as the operator runs it), the
 * archive's lag behind the primary under a steady write load ({@code pgbench}, sampled every
 * second), and a restore into a new pair (its restore Job; create → streaming in sync, the standby
 * seeded from the restored primary). Then the rejoin of the old primary after a switchover, by
 * {@code pg_rewind}, against a fresh copy of it asked for with {@code kubectl pks reseed}'s annotation.
 */
final class BackupBench implements Scenario {
  static final String NAME = "backup";
  private static final int PGBENCH_SCALE = 70;
  private static final Duration LOAD = Duration.ofSeconds(90);
  /** PostgreSQL's default WAL segment, which the members use. */
  private static final long SEGMENT_BYTES = 16L << 20;
  private static final Duration BOUND = Duration.ofMinutes(30);
  private static final String PATH = "bench/backup";
  private static final String DATA = "1 GB (pgbench -i -s " + PGBENCH_SCALE + ")";

  private final BenchSandbox sandbox;

  BackupBench(BenchSandbox sandbox) {
    this.sandbox = sandbox;
  }

  @Override
  public void run(Results results) throws Exception {
    String namespace = "bench-backup";
    sandbox.get().ensureNamespace(namespace);
    SandboxObjectStore store = sandbox.get().startObjectStore().copySecretTo(sandbox.get().client(), namespace);
    SandboxPair source = SandboxPair.create(sandbox.get(), namespace, BenchSandbox.DELETED_WITH_ITS_DATA
        .andThen(json -> store.putAsObjectStore(spec(json).putObject("backup"), PATH)));
    source.awaitSynchronous();
    pgbench(source, List.of("-i", "-q", "-s", Integer.toString(PGBENCH_SCALE)), "pgbench-init.log");

    Instant started = Instant.now();
    BaseBackup.Outcome backup = backup(source);
    Bench.require(backup.succeeded(), "the base backup: " + backup.lastLine());
    add(results, "base backup (backup.sh: pgBackRest full, lz4, to S3Proxy over HTTPS)", "s",
        Bench.seconds(started, Instant.now()));

    archiveLagUnderLoad(source, results);

    Instant created = Instant.now();
    SandboxPair restored = SandboxPair.create(sandbox.get(), namespace, BenchSandbox.DELETED_WITH_ITS_DATA
        .andThen(json -> {
          ((ObjectNode) json.get("metadata")).put("name", "restored");
          store.putAsObjectStore(spec(json).putObject("bootstrap").putObject("recovery").put("source", source.name), PATH);
        }));
    restored.awaitStatus("restored, streaming in sync", SandboxPair::synchronous);
    add(results, "restore into a new pair: create → streaming in sync (restore Job, then the standby's seed)", "s",
        Bench.seconds(created, Instant.now()));
    add(results, "restore Job (pgbackrest restore, WAL replayed to the end of the archive)", "s",
        jobSeconds(restored.jobs("restore").get(0)));
    restored.deleteAndAwaitStopped();

    rejoin(source, results);
    source.deleteAndAwaitStopped();
  }

  /** The old primary's rejoin after a switchover (pg_rewind), then the same member re-seeded (a fresh copy). */
  private static void rejoin(SandboxPair pair, Results results) {
    String primary = pair.get().getStatus().currentPrimary();
    String standby = pair.get().getStatus().standby();
    Instant requested = Instant.now();
    pair.requestSwitchover(standby);
    pair.awaitSynchronous(standby);
    Instant synchronous = Instant.now();
    Bench.require(events(pair).contains(EventReason.StandbyRewound.name())
        && !events(pair).contains(EventReason.StandbyReseeded.name()), "a rejoin by pg_rewind (StandbyRewound)");
    add(results, "switchover → old primary streaming in sync as the standby (pg_rewind)", "s",
        Bench.seconds(requested, synchronous));

    String request = primary + "/" + Instant.now();
    requested = Instant.now();
    pair.client().resources(PksReplicaPair.class).inNamespace(pair.namespace).withName(pair.name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\""
            + PksReplicaPair.RESEED_ANNOTATION + "\":\"" + request + "\"}}}");
    pair.awaitStatus("re-seeded " + primary, p -> request.equals(p.getStatus().reseedRequest())
        && SandboxPair.synchronous(p));
    add(results, "re-seed of the same member (kubectl pks reseed: a fresh copy) → streaming in sync", "s",
        Bench.seconds(requested, Instant.now()));
  }

  /**
   * Samples every second, while pgbench writes for {@link #LOAD}, how far the archive is behind the
   * primary: the WAL written since the end of the last segment archived, and that segment's age.
   */
  private static void archiveLagUnderLoad(SandboxPair pair, Results results) throws Exception {
    Process load = pgbenchProcess(pair, List.of("-c", "2", "-T", Long.toString(LOAD.toSeconds())), "pgbench-load.log");
    try (Connection connection = pair.connect(pair.readWrite()); Statement sql = connection.createStatement()) {
      Thread.sleep(5_000);
      while (load.isAlive()) {
        try (ResultSet row = sql.executeQuery("SELECT pg_current_wal_lsn()::text, last_archived_wal,"
            + " EXTRACT(EPOCH FROM now() - last_archived_time)::float8 FROM pg_stat_archiver")) {
          row.next();
          if (row.getString(2) != null && !row.getString(2).endsWith(".partial")) {
            add(results, "archive lag under pgbench load: WAL not yet archived", "MiB",
                Math.max(0, lsn(row.getString(1)) - segmentEnd(row.getString(2))) / (double) (1 << 20));
            add(results, "archive lag under pgbench load: age of the last segment archived", "s", row.getDouble(3));
          }
        }
        Thread.sleep(1_000);
      }
    }
    Bench.require(load.waitFor(1, TimeUnit.MINUTES) && load.exitValue() == 0, "pgbench's load (see its log)");
  }

  private static long lsn(String text) {
    String[] halves = text.split("/");
    return (Long.parseLong(halves[0], 16) << 32) + Long.parseLong(halves[1], 16);
  }

  /** The position just after segment {@code name} (timeline, log, segment in hex, 8 digits each). */
  private static long segmentEnd(String name) {
    return (Long.parseLong(name.substring(8, 16), 16) << 32) + (Long.parseLong(name.substring(16, 24), 16) + 1)
        * SEGMENT_BYTES;
  }

  private static BaseBackup.Outcome backup(SandboxPair pair) throws SQLException {
    try (Connection connection = new PgConnector(pair.superuser(), PgConnector.Timeouts.DEFAULT).allowing(BOUND)
        .open(pair.readWrite())) {
      return BaseBackup.take(connection, Optional.empty());
    }
  }

  private static void pgbench(SandboxPair pair, List<String> options, String log) throws Exception {
    Process process = pgbenchProcess(pair, options, log);
    Bench.require(process.waitFor(BOUND.toMinutes(), TimeUnit.MINUTES) && process.exitValue() == 0,
        "pgbench " + options + " (see " + log + ")");
  }

  private static Process pgbenchProcess(SandboxPair pair, List<String> options, String log) throws Exception {
    List<String> argv = new ArrayList<>(List.of("pgbench", "-h", "127.0.0.1",
        "-p", Integer.toString(pair.readWrite().port()), "-U", pair.superuser().user()));
    argv.addAll(options);
    argv.add("postgres");
    Path output = Bench.OUTPUT.resolve(log).toAbsolutePath();
    return new ProcessBuilder(ScriptLauncher.command(argv, Map.of("PATH", Commands.path(),
        "PGPASSWORD", new String(pair.superuser().password())))).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
  }

  private static double jobSeconds(Job job) {
    return Bench.seconds(Instant.parse(job.getStatus().getStartTime()), Instant.parse(job.getStatus().getCompletionTime()));
  }

  private static List<String> events(SandboxPair pair) {
    return pair.client().v1().events().inNamespace(pair.namespace).list().getItems().stream()
        .map(Event::getReason).toList();
  }

  private static ObjectNode spec(ObjectNode json) {
    return (ObjectNode) json.get("spec");
  }

  private static void add(Results results, String metric, String unit, double sample) {
    results.add(NAME, metric + ", " + DATA, unit, sample);
    Bench.progress("%s: %s: %.2f %s", NAME, metric, sample, unit);
  }
}
