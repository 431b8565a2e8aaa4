package io.pks.operator.postgres;

import static io.pks.operator.postgres.ServerSessions.established;
import static io.pks.operator.postgres.ServerSessions.probeBackends;
import static io.pks.operator.postgres.ServerSessions.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replication's setup and synchronous_standby_names' change over the probe's kept session to the
 * primary, as the operator runs a bootstrap's steps: no login, every change committed (seen from
 * another session), and the session still the probe's afterwards.
 */
class KeptSessionActionsIT {

  @RegisterExtension
  static final LocalPostgres POSTGRES = new LocalPostgres();

  @Test
  void aBootstrapsStepsOverTheProbesKeptSessionLogInNoMoreAndCommit() throws Exception {
    LocalPair pair = POSTGRES.newStreamingPair();
    MemberEndpoint primary = pair.siteA.endpoint();
    PgConnector probeConnector = PgConnector.forProbes(pair.superuser);
    int limit = pair.resource.getSpec().replication().connectionLimit();
    try (ProbeSessions sessions = new ProbeSessions(Clock.systemUTC());
        Connection held = pair.connector.open(primary)) {
      MemberProbe probe = new MemberProbe(probeConnector, sessions, Clock.systemUTC());
      assertThat(probe.probe(primary, pair.siteBAsPeer()).role()).isEqualTo(ProbeResult.Role.PRIMARY);
      String probeBackend = probeBackends(held);
      try (Statement drop = held.createStatement()) {
        drop.execute("DROP EXTENSION pg_walinspect");
      }
      long sessionsBefore = established(held);

      ReplicationSetup setup = new ReplicationSetup(probeConnector, sessions);
      assertThat(setup.ensureRole(primary, pair.replication, limit + 1)).isEqualTo(ReplicationSetup.Change.UPDATED);
      assertThat(setup.ensureMonitoringRole(primary, "kept_monitor")).isEqualTo(ReplicationSetup.Change.CREATED);
      assertThat(setup.ensureWalInspect(primary)).isEqualTo(ReplicationSetup.Change.CREATED);
      assertThat(setup.ensureSlot(primary, "kept_slot")).isEqualTo(ReplicationSetup.Change.CREATED);
      assertThat(new SynchronousReplication(probeConnector, sessions).enable(primary, LocalPair.SITE_B))
          .isEqualTo(SynchronousReplication.Enabling.ENABLED);

      assertThat(established(held)).as("sessions established on the primary").isEqualTo(sessionsBefore);
      assertThat(single(held, "SELECT rolconnlimit FROM pg_roles WHERE rolname = 'repuser'"))
          .as("the role's change, committed").isEqualTo(Integer.toString(limit + 1));
      assertThat(single(held, "SELECT count(*) FROM pg_roles WHERE rolname = 'kept_monitor'"))
          .as("the role created after it, committed").isEqualTo("1");
      assertThat(single(held, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_walinspect'"))
          .as("the extension, committed").isEqualTo("1");
      assertThat(single(held, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'kept_slot'"))
          .isEqualTo("1");
      await("synchronous_standby_names applied").atMost(Duration.ofSeconds(10))
          .until(() -> single(held, "SELECT sync_state FROM pg_stat_replication"), "sync"::equals);
      assertThat(probe.probe(primary, pair.siteBAsPeer()).role()).isEqualTo(ProbeResult.Role.PRIMARY);
      assertThat(probeBackends(held)).as("the probe's backend").isEqualTo(probeBackend).matches("[0-9]+");
      assertThat(sessions.kept()).isEqualTo(1);
    }
  }
}
