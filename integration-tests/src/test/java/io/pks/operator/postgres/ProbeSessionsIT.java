package io.pks.operator.postgres;

import static io.pks.operator.postgres.ServerSessions.established;
import static io.pks.operator.postgres.ServerSessions.probeBackends;
import static io.pks.operator.postgres.ServerSessions.single;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The probe keeps one session per member (issue 17): an idle member sees no new login per probe,
 * and a kept session that broke or hangs costs one retry over a new session, never a wrong
 * outcome or a wait longer than the probe's socket timeout.
 */
class ProbeSessionsIT {

  @RegisterExtension
  static final LocalPostgres POSTGRES = new LocalPostgres();

  private static final String PROBE_BACKEND = "SELECT pid FROM pg_stat_activity WHERE application_name = '"
      + PgConnector.PROBE_APPLICATION_NAME + "'";

  private static LocalPair pair;
  private static ProbeSessions sessions;
  private static MemberProbe probe;

  @BeforeAll
  static void streamingPair() throws Exception {
    pair = POSTGRES.newStreamingPair();
    sessions = new ProbeSessions(Clock.systemUTC());
    probe = new MemberProbe(PgConnector.forProbes(pair.superuser), sessions, Clock.systemUTC());
  }

  @AfterAll
  static void closeSessions() {
    sessions.close();
  }

  @Test
  void twentyProbesOfEachMemberLogInOnceOnEach() throws SQLException {
    assertThat(probePrimary().outcome()).isEqualTo(ProbeResult.Outcome.REACHABLE);
    assertThat(probeStandby().outcome()).isEqualTo(ProbeResult.Outcome.REACHABLE);
    try (Connection primary = pair.connector.open(pair.siteA.endpoint());
        Connection standby = pair.connector.open(pair.siteB.endpoint())) {
      long primarySessions = established(primary);
      long standbySessions = established(standby);
      List<String> backends = List.of(probeBackends(primary), probeBackends(standby));
      for (int i = 0; i < 20; i++) {
        assertThat(probePrimary().role()).isEqualTo(ProbeResult.Role.PRIMARY);
        assertThat(probeStandby().role()).isEqualTo(ProbeResult.Role.STANDBY);
      }
      assertThat(established(primary)).as("sessions established on the primary").isEqualTo(primarySessions);
      assertThat(established(standby)).as("sessions established on the standby").isEqualTo(standbySessions);
      assertThat(List.of(probeBackends(primary), probeBackends(standby))).isEqualTo(backends)
          .allSatisfy(pid -> assertThat(pid).matches("[0-9]+"));
    }
  }

  /** The backup monitor reads pg_stat_archiver every 5 s: over a kept session too, not a login each time. */
  @Test
  void twentyReadsOfTheArchiverLogInOnce() throws SQLException {
    try (ProbeSessions archiverSessions = new ProbeSessions(Clock.systemUTC());
        Connection primary = pair.connector.open(pair.siteA.endpoint())) {
      PgConnector archiver = PgConnector.forArchiver(pair.superuser);
      assertThat(Archiver.read(archiverSessions, archiver, pair.siteA.endpoint()).failing()).isFalse();
      long sessionsBefore = established(primary);
      for (int i = 0; i < 20; i++) {
        assertThat(Archiver.read(archiverSessions, archiver, pair.siteA.endpoint()).failing()).isFalse();
      }
      assertThat(established(primary)).as("sessions established on the primary").isEqualTo(sessionsBefore);
      assertThat(archiverSessions.kept()).isEqualTo(1);
    }
  }

  @Test
  void aMemberRestartedBetweenTwoProbesIsSeenUpNotAsABrokenSession() throws SQLException {
    assertThat(probePrimary().outcome()).isEqualTo(ProbeResult.Outcome.REACHABLE);
    String before = pair.queryString(pair.siteA, PROBE_BACKEND);
    pair.siteA.stop();
    assertThat(probePrimary().outcome()).as("a stopped member").isEqualTo(ProbeResult.Outcome.UNREACHABLE);
    assertThat(probePrimary().outcome()).as("still stopped, checked before a login")
        .isEqualTo(ProbeResult.Outcome.UNREACHABLE);
    pair.siteA.start();
    pair.siteA.awaitReady();
    ProbeResult restarted = probePrimary();
    assertThat(restarted.outcome()).isEqualTo(ProbeResult.Outcome.REACHABLE);
    assertThat(restarted.role()).isEqualTo(ProbeResult.Role.PRIMARY);
    assertThat(pair.queryString(pair.siteA, PROBE_BACKEND)).isNotEqualTo(before);
  }

  @Test
  void aKeptSessionThatHangsCostsAtMostItsShortWaitThenANewSession()
      throws SQLException, IOException, InterruptedException {
    assertThat(probePrimary().outcome()).isEqualTo(ProbeResult.Outcome.REACHABLE);
    String hung = pair.queryString(pair.siteA, PROBE_BACKEND);
    signal("STOP", hung);
    try {
      long start = System.nanoTime();
      ProbeResult result = probePrimary();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(result.outcome()).isEqualTo(ProbeResult.Outcome.REACHABLE);
      assertThat(took).as("the kept session's wait, then a new session")
          .isGreaterThanOrEqualTo(ProbeSessions.KEPT_SESSION_WAIT.minusMillis(100))
          .isLessThan(ProbeSessions.KEPT_SESSION_WAIT.plus(PgConnector.Timeouts.PROBE.connect()).plusSeconds(2));
      assertThat(pair.queryString(pair.siteA, PROBE_BACKEND + " AND pid <> " + hung)).isNotNull();
    } finally {
      signal("CONT", hung);
    }
  }

  /**
   * A user that comes while the member's kept session is in use (a promotion while the hand-off's
   * probe holds it) waits its turn and logs in nowhere. Before, it logged in anew: 100 ms of a
   * loaded machine, on a switchover's critical path.
   */
  @Test
  void aUserThatComesWhileTheSessionIsInUseWaitsItsTurnInsteadOfLoggingIn() throws Exception {
    assertThat(probePrimary().outcome()).isEqualTo(ProbeResult.Outcome.REACHABLE);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (Connection primary = pair.connector.open(pair.siteA.endpoint())) {
      long sessionsBefore = established(primary);
      CountDownLatch inUse = new CountDownLatch(1);
      Future<String> first = other.submit(() -> onPrimary(session -> {
        inUse.countDown();
        return single(session, "SELECT pg_backend_pid()::text FROM pg_sleep(0.05)");
      }));
      assertThat(inUse.await(10, TimeUnit.SECONDS)).isTrue();
      String second = onPrimary(session -> single(session, "SELECT pg_backend_pid()::text"));
      assertThat(second).as("the second user's backend").isEqualTo(first.get(10, TimeUnit.SECONDS));
      assertThat(established(primary)).as("sessions established on the primary").isEqualTo(sessionsBefore);
    } finally {
      other.shutdownNow();
    }
  }

  /** A user kept waiting past its turn's wait works over a session of its own; the kept one stays. */
  @Test
  void aUserKeptWaitingPastTheTurnWaitWorksOverASessionOfItsOwn() throws Exception {
    assertThat(probePrimary().outcome()).isEqualTo(ProbeResult.Outcome.REACHABLE);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      CountDownLatch inUse = new CountDownLatch(1);
      Future<String> first = other.submit(() -> onPrimary(session -> {
        inUse.countDown();
        return single(session, "SELECT pg_backend_pid()::text FROM pg_sleep(1)");
      }));
      assertThat(inUse.await(10, TimeUnit.SECONDS)).isTrue();
      long start = System.nanoTime();
      String second = onPrimary(session -> single(session, "SELECT pg_backend_pid()::text"));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).as("the turn's wait, then a login, not the first user's whole second")
          .isGreaterThanOrEqualTo(ProbeSessions.TURN_WAIT).isLessThan(Duration.ofMillis(900));
      String kept = first.get(10, TimeUnit.SECONDS);
      assertThat(second).as("the second user's backend").isNotEqualTo(kept);
      String afterwards = onPrimary(session -> single(session, "SELECT pg_backend_pid()::text"));
      assertThat(afterwards).as("the kept session afterwards").isEqualTo(kept);
    } finally {
      other.shutdownNow();
    }
  }

  private static <T> T onPrimary(ProbeSessions.Work<T> work) throws SQLException {
    return sessions.run(PgConnector.forProbes(pair.superuser), pair.siteA.endpoint(), work);
  }

  private static ProbeResult probePrimary() {
    return probe.probe(pair.siteA.endpoint(), pair.siteBAsPeer());
  }

  private static ProbeResult probeStandby() {
    return probe.probe(pair.siteB.endpoint(), pair.siteAAsPeer());
  }

  private static void signal(String signal, String pid) throws IOException, InterruptedException {
    assertThat(new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start().waitFor()).isZero();
  }
}
