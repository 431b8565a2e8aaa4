package io.pks.operator.bench;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.pks.operator.model.Names;
import io.pks.operator.sandbox.SandboxPair;

/**
 * bootstrap: a pair from nothing to a standby streaming in sync, through the operator in the
 * sandbox (create → status Streaming with sync) and by hand ({@code bench/runbook.sh}: initdb,
 * then the runbook's steps until pg_stat_replication shows the standby in sync), same machine, same
 * PostgreSQL. Then the same with a primary that already holds a {@code pgbench -i -s 20} dataset,
 * so that the seed copies it: through the operator, a pair re-created on its retained primary
 * volume, the standby's volume deleted (initdb Job keeping the data, role and slot, seed Job,
 * standby started); by hand, the runbook on a copy of a primary holding the same dataset.
 */
final class BootstrapBench implements Scenario {
  static final String NAME = "bootstrap";
  private static final int EMPTY_RUNS = 5;
  private static final int DATA_RUNS = 3;
  private static final int PGBENCH_SCALE = 20;
  /** Rows of pgbench_accounts per unit of scale. */
  private static final long ACCOUNTS_PER_SCALE = 100_000;
  private static final String OPERATOR = "operator: create → Streaming in sync";
  private static final String BY_HAND = "by hand (bench/runbook.sh) → streaming in sync";

  private final BenchSandbox sandbox;

  BootstrapBench(BenchSandbox sandbox) {
    this.sandbox = sandbox;
  }

  @Override
  public void run(Results results) throws Exception {
    String empty = "empty";
    String data = "pgbench -i -s " + PGBENCH_SCALE;
    try (Runbook runbook = new Runbook()) {
      for (int run = 1; run <= EMPTY_RUNS; run++) {
        Instant created = Instant.now();
        SandboxPair pair = sandbox.examplePair("bench-bootstrap-" + run);
        pair.awaitSynchronous();
        add(results, OPERATOR, empty, Bench.seconds(created, Instant.now()));
        pair.deleteAndAwaitStopped();
        add(results, BY_HAND, empty, runbook.empty(run).toNanos() / 1e9);
      }
      ratio(results, empty);

      SandboxPair pair = retainedPairWithData();
      runbook.prepareData(PGBENCH_SCALE);
      for (int run = 1; run <= DATA_RUNS; run++) {
        deleteKeepingPrimaryData(pair);
        Instant created = Instant.now();
        pair = SandboxPair.create(pair.sandbox, pair.namespace, json -> { });
        pair.awaitSynchronous();
        add(results, OPERATOR, data, Bench.seconds(created, Instant.now()));
        requireDataset(pair);
        add(results, BY_HAND, data, runbook.withData(run).toNanos() / 1e9);
      }
      ratio(results, data);
      pair.deleteAndAwaitStopped();
      pair.client().persistentVolumeClaims().inNamespace(pair.namespace).delete();
    }
  }

  private static void add(Results results, String how, String variant, double seconds) {
    results.add(NAME, how + ", " + variant, "s", seconds);
    Bench.progress("%s: %s, %s: %.2f s", NAME, how, variant, seconds);
  }

  /** The medians' ratio, operator over by hand: the target is 1.2 at most. */
  private static void ratio(Results results, String variant) {
    double operator = results.metric(NAME, OPERATOR + ", " + variant).median();
    double byHand = results.metric(NAME, BY_HAND + ", " + variant).median();
    results.add(NAME, "ratio operator / by hand (medians), " + variant, "x", operator / byHand);
  }

  /** A pair that keeps its volumes, streaming, with the pgbench dataset loaded through -rw. */
  private SandboxPair retainedPairWithData() throws Exception {
    SandboxPair pair = SandboxPair.create(sandbox.get(), "bench-bootstrap-data", json -> { });
    pair.awaitSynchronous();
    String password = new String(pair.superuser().password());
    Path log = Bench.OUTPUT.resolve("pgbench.log");
    Commands.run(List.of("pgbench", "-i", "-q", "-s", Integer.toString(PGBENCH_SCALE), "-h", "127.0.0.1",
        "-p", Integer.toString(pair.readWrite().port()), "-U", pair.superuser().user(), "postgres"),
        Map.of("PATH", Commands.path(), "PGPASSWORD", password), log.toAbsolutePath());
    return pair;
  }

  /**
   * Deletes the pair (its volumes and Secrets are retained) and the standby's volume: a pair
   * created again finds its primary's data and must seed the standby from it.
   */
  private static void deleteKeepingPrimaryData(SandboxPair pair) {
    String claim = Names.dataClaim(pair.name, pair.get().getStatus().standby());
    pair.deleteAndAwaitStopped();
    pair.client().persistentVolumeClaims().inNamespace(pair.namespace).withName(claim).delete();
    await("volume " + claim + " deleted").atMost(SandboxPair.BOUND)
        .until(() -> pair.sandbox.runtime().volume(pair.namespace, claim) == null);
  }

  private static void requireDataset(SandboxPair pair) throws SQLException {
    String standby = pair.get().getStatus().standby();
    try (Connection connection = pair.connect(pair.member(standby)); Statement statement = connection.createStatement();
        ResultSet count = statement.executeQuery("SELECT count(*) FROM pgbench_accounts")) {
      count.next();
      Bench.require(count.getLong(1) == PGBENCH_SCALE * ACCOUNTS_PER_SCALE, "the dataset on standby " + standby);
    }
  }
}
