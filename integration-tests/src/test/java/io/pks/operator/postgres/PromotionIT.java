package io.pks.operator.postgres;

import static io.pks.operator.postgres.ServerSessions.established;
import static io.pks.operator.postgres.ServerSessions.probeBackends;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failover's database half: the primary crashes (kill -9) while its standby is synchronous and
 * carries a synchronous setting of its own, as the runbook's shared postgresql.conf would give
 * it; the promoted standby must then take writes at once and hold every acknowledged commit.
 */
class PromotionIT {

  @RegisterExtension
  static final LocalPostgres POSTGRES = new LocalPostgres();

  @Test
  void promotedStandbyTakesWritesAtOnceAfterThePrimaryCrashed() throws Exception {
    LocalPair pair = POSTGRES.newStreamingPair();
    MemberProbe probe = new MemberProbe(pair.connector, Clock.systemUTC());
    assertThat(new SynchronousReplication(pair.connector).enable(pair.siteA.endpoint(), LocalPair.SITE_B))
        .isEqualTo(SynchronousReplication.Enabling.ENABLED);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> probe.probe(pair.siteA.endpoint(), pair.siteBAsPeer()).primary().standbyStream(),
            stream -> stream != null && "sync".equals(stream.syncState()));
    pair.execute(pair.siteB, "ALTER SYSTEM SET synchronous_standby_names = '*'", "SELECT pg_reload_conf()");
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
        .until(() -> "*".equals(pair.queryString(pair.siteB, "SHOW synchronous_standby_names")));
    pair.execute(pair.siteA, "CREATE TABLE calls (id int)", "INSERT INTO calls VALUES (1)");

    long killed = System.nanoTime();
    pair.siteA.killPostmaster();
    ProbeResult lost = probe.probe(pair.siteA.endpoint(), pair.siteBAsPeer());
    assertThat(lost.outcome()).isEqualTo(ProbeResult.Outcome.UNREACHABLE);

    long promoting = System.nanoTime();
    Promotion promotion = new Promotion(pair.connector);
    assertThat(promotion.promote(pair.siteB.endpoint(), Duration.ofSeconds(10)))
        .isEqualTo(Promotion.Result.PROMOTED);
    long writing = System.nanoTime();
    try (Connection connection = pair.connector.open(pair.siteB.endpoint());
        Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO calls VALUES (2)");
      // A commit waiting for a synchronous standby hangs; one whose wait was cancelled warns.
      assertThat((Object) statement.getWarnings()).as("warning of the first write").isNull();
    }
    long written = System.nanoTime();
    System.out.printf("TIMING promotion: kill -9 of the primary to first write on the promoted standby:"
        + " %d ms (pg_promote %d ms, write %d ms)%n", millis(written - killed),
        millis(writing - promoting), millis(written - writing));
    // The write did not wait for a standby (that wait never ends): a bound a busy machine keeps.
    assertThat(Duration.ofNanos(written - writing)).isLessThan(Duration.ofSeconds(30));
    // pg_promote is bounded by wal_retrieve_retry_interval: the rendered 50 ms, not PostgreSQL's default 5 s.
    assertThat(pair.queryString(pair.siteB, "SHOW wal_retrieve_retry_interval")).isEqualTo("50ms");

    assertThat(pair.queryString(pair.siteB, "SELECT string_agg(id::text, ',' ORDER BY id) FROM calls"))
        .isEqualTo("1,2");
    assertThat(pair.queryString(pair.siteB, "SHOW synchronous_standby_names")).isEmpty();
    ProbeResult promoted = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> probe.probe(pair.siteB.endpoint(), pair.siteAAsPeer()),
            result -> result.timeline() != null && result.timeline() == 2L);
    assertThat(promoted.role()).isEqualTo(ProbeResult.Role.PRIMARY);
    assertThat(promoted.primary().standbyStream()).isNull();
    assertThat(promotion.promote(pair.siteB.endpoint(), Duration.ofSeconds(10)))
        .isEqualTo(Promotion.Result.ALREADY_PRIMARY);
  }

  /**
   * The operator promotes over the probe's kept session to the target: no new login between the
   * decision and the new primary (one took 100 to 140 ms of a loaded switchover). The sessions
   * established on the target, read over a session held open, do not change, and the probe goes on
   * over the same backend afterwards.
   */
  @Test
  void aPromotionOverTheProbesKeptSessionLogsInNoMore() throws Exception {
    LocalPair pair = POSTGRES.newStreamingPair();
    PgConnector probeConnector = PgConnector.forProbes(pair.superuser);
    try (ProbeSessions sessions = new ProbeSessions(Clock.systemUTC());
        Connection held = pair.connector.open(pair.siteB.endpoint())) {
      MemberProbe probe = new MemberProbe(probeConnector, sessions, Clock.systemUTC());
      assertThat(probe.probe(pair.siteB.endpoint(), pair.siteAAsPeer()).role()).isEqualTo(ProbeResult.Role.STANDBY);
      String probeBackend = probeBackends(held);
      long sessionsBefore = established(held);

      assertThat(new Promotion(probeConnector, sessions).promote(pair.siteB.endpoint(), Duration.ofSeconds(10)))
          .isEqualTo(Promotion.Result.PROMOTED);

      assertThat(probe.probe(pair.siteB.endpoint(), pair.siteAAsPeer()).role()).isEqualTo(ProbeResult.Role.PRIMARY);
      assertThat(established(held)).as("sessions established on the target").isEqualTo(sessionsBefore);
      assertThat(probeBackends(held)).as("the probe's backend on the target").isEqualTo(probeBackend)
          .matches("[0-9]+");
      assertThat(sessions.kept()).isEqualTo(1);
    }
  }

  private static long millis(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }
}
