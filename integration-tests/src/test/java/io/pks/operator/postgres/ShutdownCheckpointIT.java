package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.pks.operator.model.Names;

/**
 * A switchover's proof of the old primary's clean stop, on real PostgreSQL: the probe asks the
 * target (site-b) whether the last record it replayed after the recorded position is site-a's
 * shutdown checkpoint (pg_walinspect, created by the replication setup as the operator does); and
 * the checkpoint made before that stop, which leaves the shutdown checkpoint little to flush.
 */
class ShutdownCheckpointIT {

  @RegisterExtension
  static final LocalPostgres POSTGRES = new LocalPostgres();

  private static final Duration REPLAYED = Duration.ofSeconds(10);

  @Test
  void theTargetShowsTheOldPrimarysShutdownCheckpointOnlyWhileItIsItsLastRecord() throws Exception {
    LocalPair pair = POSTGRES.newPair();
    pair.streamWithATable();
    MemberProbe probe = new MemberProbe(pair.connector, Clock.systemUTC());
    assertThat(pair.queryString(pair.siteB, "SELECT extname FROM pg_extension WHERE extname = 'pg_walinspect'"))
        .as("made on the primary by the setup, copied by the seed").isEqualTo("pg_walinspect");
    String switchoverLsn = probe.probe(pair.siteA.endpoint(), pair.siteBAsPeer()).primary().currentWalLsn();
    MemberProbe.Peer asked = targetOf(switchoverLsn);

    assertThat(probe.probe(pair.siteB.endpoint(), asked).standby().shutdownCheckpoint())
        .isEqualTo(new ProbeResult.ShutdownCheckpoint(true, null));
    pair.execute(pair.siteA, "INSERT INTO calls VALUES (1)");
    awaitReplayed(pair, "1");
    assertThat(probe.probe(pair.siteB.endpoint(), asked).standby().shutdownCheckpoint())
        .as("a commit, the last record").isEqualTo(new ProbeResult.ShutdownCheckpoint(true, null));
    assertThat(probe.probe(pair.siteB.endpoint(), pair.siteAAsPeer()).standby().shutdownCheckpoint())
        .as("not asked outside a switchover").isNull();

    // As the operator records it while the primary answers: on an idle primary, where its next
    // record, the shutdown checkpoint, will start.
    String lastPosition = probe.probe(pair.siteA.endpoint(), pair.siteBAsPeer()).primary().currentWalLsn();
    pair.siteA.stop();
    ProbeResult.ShutdownCheckpoint stopped = await("site-a's shutdown checkpoint replayed on site-b").atMost(REPLAYED)
        .pollInterval(Duration.ofMillis(20))
        .until(() -> probe.probe(pair.siteB.endpoint(), targetOf(lastPosition)).standby().shutdownCheckpoint(),
            ProbeResult.ShutdownCheckpoint::replayed);
    assertThat(Lsn.atOrBeyond(stopped.lsn(), lastPosition)).isTrue();
    assertThat(probe.probe(pair.siteB.endpoint(), asked).standby().shutdownCheckpoint())
        .as("asked from the earlier position").isEqualTo(stopped);

    pair.siteA.start();
    pair.siteA.awaitReady();
    assertThat(pair.queryString(pair.siteA, "SELECT checkpoint_lsn::text FROM pg_control_checkpoint()"))
        .as("site-a's own control file names that checkpoint its last").isEqualTo(stopped.lsn());
    pair.awaitStreaming(pair.siteA, LocalPair.SITE_B);
    pair.execute(pair.siteA, "INSERT INTO calls VALUES (2)");
    awaitReplayed(pair, "2");
    assertThat(probe.probe(pair.siteB.endpoint(), asked).standby().shutdownCheckpoint())
        .as("started again, site-a wrote after its checkpoint: no clean stop any more")
        .isEqualTo(new ProbeResult.ShutdownCheckpoint(true, null));
  }

  @Test
  void aCrashedPrimaryLeavesNoShutdownCheckpoint() throws Exception {
    LocalPair pair = POSTGRES.newPair();
    pair.streamWithATable();
    MemberProbe probe = new MemberProbe(pair.connector, Clock.systemUTC());
    MemberProbe.Peer asked = targetOf(probe.probe(pair.siteA.endpoint(), pair.siteBAsPeer()).primary().currentWalLsn());
    pair.execute(pair.siteA, "INSERT INTO calls VALUES (1)");
    awaitReplayed(pair, "1");

    pair.siteA.killPostmaster();
    ProbeResult target = probe.probe(pair.siteB.endpoint(), asked);
    assertThat(target.outcome()).isEqualTo(ProbeResult.Outcome.REACHABLE);
    assertThat(target.standby().shutdownCheckpoint()).isEqualTo(new ProbeResult.ShutdownCheckpoint(true, null));
  }

  @Test
  void withoutPgWalinspectNothingIsKnownEitherWay() throws Exception {
    LocalPair pair = POSTGRES.newPair();
    pair.streamWithATable();
    MemberProbe probe = new MemberProbe(pair.connector, Clock.systemUTC());
    ReplicationSetup setup = new ReplicationSetup(pair.connector);
    assertThat(setup.ensureWalInspect(pair.siteA.endpoint())).isEqualTo(ReplicationSetup.Change.UNCHANGED);
    pair.execute(pair.siteA, "DROP EXTENSION pg_walinspect");
    MemberProbe.Peer asked = targetOf(probe.probe(pair.siteA.endpoint(), pair.siteBAsPeer()).primary().currentWalLsn());
    pair.execute(pair.siteA, "INSERT INTO calls VALUES (1)");
    awaitReplayed(pair, "1");

    ProbeResult target = probe.probe(pair.siteB.endpoint(), asked);
    assertThat(target.outcome()).as("the probe itself goes on").isEqualTo(ProbeResult.Outcome.REACHABLE);
    assertThat(target.standby().receiveLsn()).isNotNull();
    assertThat(target.standby().shutdownCheckpoint()).isEqualTo(new ProbeResult.ShutdownCheckpoint(false, null));

    assertThat(setup.ensureWalInspect(pair.siteA.endpoint())).isEqualTo(ReplicationSetup.Change.CREATED);
    awaitReplayed(pair, "1");
    await("the extension on site-b").atMost(REPLAYED).pollInterval(Duration.ofMillis(20))
        .until(() -> probe.probe(pair.siteB.endpoint(), asked).standby().shutdownCheckpoint().readable());
  }

  /**
   * A primary held in sync (Required) while its standby is down, as during a re-seed: the
   * extension's commit must not wait for that standby, whose seed waits for this setup.
   */
  @Test
  void theExtensionIsMadeWithoutWaitingForAStandbyThatIsDown() throws Exception {
    LocalPair pair = POSTGRES.newStreamingPair();
    assertThat(new SynchronousReplication(pair.connector).enable(pair.siteA.endpoint(), LocalPair.SITE_B))
        .isEqualTo(SynchronousReplication.Enabling.ENABLED);
    pair.siteB.stop();
    pair.execute(pair.siteA, "SET synchronous_commit = local", "DROP EXTENSION pg_walinspect");

    long start = System.nanoTime();
    assertThat(new ReplicationSetup(pair.connector).ensureWalInspect(pair.siteA.endpoint()))
        .isEqualTo(ReplicationSetup.Change.CREATED);
    // A commit waiting for the standby would wait until a timeout ended the session (1 s and more).
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(pair.queryString(pair.siteA, "SHOW synchronous_standby_names")).isNotEmpty();
  }

  /**
   * The checkpoint a switchover makes before the old primary's stop, over the probe's kept session:
   * complete when it answers, so the shutdown checkpoint that follows starts from it.
   */
  @Test
  void theCheckpointBeforeTheStopIsCompleteWhenItAnswers() throws Exception {
    LocalPair pair = POSTGRES.newPair();
    pair.streamWithATable();
    pair.execute(pair.siteA, "INSERT INTO calls SELECT generate_series(1, 100000)");
    String written = pair.queryString(pair.siteA, "SELECT pg_current_wal_lsn()::text");
    ProbeSessions sessions = new ProbeSessions(Clock.systemUTC());

    assertThat(new Checkpoint(pair.connector, sessions).beforeStop(pair.siteA.endpoint(), Duration.ofSeconds(5)))
        .isEqualTo(Checkpoint.Result.DONE);
    String redo = pair.queryString(pair.siteA, "SELECT redo_lsn::text FROM pg_control_checkpoint()");
    assertThat(Lsn.atOrBeyond(redo, written)).as("the checkpoint's redo point %s, after the rows at %s", redo, written)
        .isTrue();
    String kept = sessions.run(pair.connector, pair.siteA.endpoint(), ShutdownCheckpointIT::statementTimeout);
    assertThat(kept).as("the kept session back to its own statement_timeout").isEqualTo(statementTimeout(pair));
  }

  /**
   * A checkpoint that outlasts its wait (here the checkpointer is frozen) does not hold the
   * switchover: it answers NOT_FINISHED after the wait, and the kept session goes on.
   */
  @Test
  void aCheckpointThatOutlastsItsWaitIsNotWaitedFor() throws Exception {
    LocalPair pair = POSTGRES.newPair();
    pair.streamWithATable();
    String checkpointer = pair.queryString(pair.siteA,
        "SELECT pid::text FROM pg_stat_activity WHERE backend_type = 'checkpointer'");
    ProbeSessions sessions = new ProbeSessions(Clock.systemUTC());
    signal("STOP", checkpointer);
    try {
      long start = System.nanoTime();
      assertThat(new Checkpoint(pair.connector, sessions).beforeStop(pair.siteA.endpoint(), Duration.ofMillis(500)))
          .isEqualTo(Checkpoint.Result.NOT_FINISHED);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(3));
      String kept = sessions.run(pair.connector, pair.siteA.endpoint(), ShutdownCheckpointIT::statementTimeout);
      assertThat(kept).as("the kept session goes on, with its own statement_timeout").isEqualTo(statementTimeout(pair));
    } finally {
      signal("CONT", checkpointer);
    }
  }

  private static String statementTimeout(LocalPair pair) throws SQLException {
    try (Connection session = pair.connector.open(pair.siteA.endpoint())) {
      return statementTimeout(session);
    }
  }

  private static String statementTimeout(Connection session) throws SQLException {
    try (Statement statement = session.createStatement(); ResultSet row = statement.executeQuery("SHOW statement_timeout")) {
      row.next();
      return row.getString(1);
    }
  }

  private static void signal(String signal, String pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -%s %s", signal, pid).isZero();
  }

  /** site-b asked as a switchover's target, {@code switchoverLsn} the position recorded of site-a. */
  private static MemberProbe.Peer targetOf(String switchoverLsn) {
    return new MemberProbe.Peer(LocalPair.SITE_A, Names.replicationSlot(LocalPair.SITE_A), switchoverLsn);
  }

  private static void awaitReplayed(LocalPair pair, String highestId) {
    await("row " + highestId + " on site-b").atMost(REPLAYED).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
        .until(() -> pair.queryString(pair.siteB, "SELECT max(id) FROM calls"), highestId::equals);
  }
}
