package io.pks.operator.reconciler;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.MemberMetrics;
import io.pks.operator.model.MemberNetwork;
import io.pks.operator.model.Names;
import io.pks.operator.postgres.Checkpoint;
import io.pks.operator.postgres.ConfigurationReload;
import io.pks.operator.postgres.Credentials;
import io.pks.operator.postgres.MemberEndpoint;
import io.pks.operator.postgres.PgConnector;
import io.pks.operator.postgres.ProbeSessions;
import io.pks.operator.postgres.Promotion;
import io.pks.operator.postgres.ReplicationSetup;
import io.pks.operator.postgres.SynchronousReplication;
import io.pks.operator.reconciler.LifecycleStep.Action;

/**
 * Runs a step's database actions on the primary (the promotion on the target, a reload on the
 * member it names). Each is idempotent
 * (create or alter, enable if not enabled, promote if not promoted, checkpoint), so running one again after an
 * operator restart is harmless. They run on the reconcile thread because the step is recorded only
 * once they succeeded: connections use short timeouts. The promotion runs over the probe's kept
 * session to its target (no new login between a failover's or switchover's decision and the new
 * primary) and may wait up to {@link #PROMOTION_WAIT} (60 s) for the standby to replay what it
 * received. Replication's setup and synchronous_standby_names' changes also run over the probe's
 * kept session to the primary: a bootstrap's steps wait for no login; so does the checkpoint that
 * comes before a switchover's stop, waiting at most {@link #CHECKPOINT_WAIT}. A reload opens a session
 * of its own.
 */
final class ReplicationActions {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicationActions.class);

  /** A promotion replays what the standby received first; a large backlog may take a while. */
  private static final Duration PROMOTION_WAIT = Duration.ofSeconds(60);

  /**
   * How long a switchover waits for the checkpoint before its primary's stop; one not finished by
   * then goes on, and the stop's shutdown checkpoint comes after it. Short: the primary still takes
   * writes, and a primary lost meanwhile is found out by the probe, not by this reconcile.
   */
  static final Duration CHECKPOINT_WAIT = Duration.ofSeconds(5);

  private final MemberNetwork network;
  private final PairCredentials credentials;
  /** The probe's kept sessions: the promotion, replication's setup and synchronous_standby_names use them. */
  private final ProbeSessions probeSessions;

  ReplicationActions(MemberNetwork network, PairCredentials credentials, ProbeSessions probeSessions) {
    this.network = network;
    this.credentials = credentials;
    this.probeSessions = probeSessions;
  }

  /**
   * Runs {@code actions} in order on {@code primary} (for PROMOTE, the member being promoted);
   * the failure, in words, of the first that failed.
   */
  Optional<String> run(PksReplicaPair pair, String primary, Set<Action> actions) {
    if (actions.isEmpty()) {
      return Optional.empty();
    }
    Optional<Credentials> superuser = credentials.superuser(pair);
    if (superuser.isEmpty()) {
      return Optional.of("Secret " + Names.superuserSecret(pair) + " has no password");
    }
    PgConnector connector = new PgConnector(superuser.get(), PgConnector.Timeouts.DEFAULT);
    PgConnector probes = PgConnector.forProbes(superuser.get());
    MemberEndpoint endpoint = network.endpoint(pair, primary);
    String standby = pair.getSpec().peerOf(primary);
    try {
      reload(pair, connector, primary, actions.contains(Action.RELOAD_PRIMARY));
      reload(pair, connector, standby, actions.contains(Action.RELOAD_STANDBY));
      if (actions.contains(Action.CLEAR_STANDBY_SYNC)) {
        boolean cleared = new SynchronousReplication(probes, probeSessions).disable(network.endpoint(pair, standby));
        LOG.info("{}: synchronous_standby_names on {}, the switchover's target, {}", pair.ref(), standby,
            cleared ? "cleared ahead of its promotion" : "already empty");
      }
      if (actions.contains(Action.PROMOTE)) {
        Promotion.Result promoted = new Promotion(probes, probeSessions)
            .promote(endpoint, PROMOTION_WAIT);
        LOG.info("{}: promotion of {}: {}", pair.ref(), primary, promoted);
        if (promoted == Promotion.Result.NOT_COMPLETED) {
          return Optional.of(primary + " did not finish its promotion within " + PROMOTION_WAIT.toSeconds() + " s");
        }
      }
      if (actions.contains(Action.DISABLE_SYNC)) {
        boolean changed = new SynchronousReplication(probes, probeSessions).disable(endpoint);
        LOG.info("{}: synchronous replication off on {} (was on: {})", pair.ref(), primary, changed);
      }
      if (actions.contains(Action.CONFIGURE_REPLICATION)) {
        Optional<Credentials> role = credentials.replication(pair);
        if (role.isEmpty()) {
          return Optional.of("Secret " + Names.replicationSecret(pair) + " has no password");
        }
        var setup = new ReplicationSetup(probes, probeSessions);
        var roleChange = setup.ensureRole(endpoint, role.get(), pair.getSpec().replication().connectionLimit());
        LOG.info("{}: replication role {} on {}: {}", pair.ref(), role.get().user(), primary, roleChange);
        var monitoringChange = setup.ensureMonitoringRole(endpoint, MemberMetrics.MONITORING_ROLE);
        LOG.info("{}: monitoring role on {}: {}", pair.ref(), primary, monitoringChange);
        LOG.info("{}: extension pg_walinspect on {}: {}", pair.ref(), primary, setup.ensureWalInspect(endpoint));
        if (pair.getSpec().replication().slot()) {
          var slotChange = setup.ensureSlot(endpoint, Names.replicationSlot(standby));
          LOG.info("{}: slot {} on {}: {}", pair.ref(), Names.replicationSlot(standby), primary, slotChange);
        }
      }
      if (actions.contains(Action.CHECKPOINT)) {
        Checkpoint.Result checkpoint = new Checkpoint(probes, probeSessions).beforeStop(endpoint, CHECKPOINT_WAIT);
        LOG.info("{}: checkpoint of {} before its stop: {}", pair.ref(), primary, checkpoint == Checkpoint.Result.DONE
            ? "done" : "still under way after " + CHECKPOINT_WAIT.toSeconds() + " s; its shutdown checkpoint follows it");
      }
      if (actions.contains(Action.ENABLE_SYNC)) {
        var enabling = new SynchronousReplication(probes, probeSessions).enable(endpoint, standby);
        if (enabling == SynchronousReplication.Enabling.REFUSED_STANDBY_NOT_STREAMING) {
          return Optional.of("standby " + standby + " is not streaming yet, synchronous replication not enabled");
        }
        LOG.info("{}: synchronous standby {} on {}: {}", pair.ref(), standby, primary, enabling);
      }
      return Optional.empty();
    } catch (SQLException e) {
      LOG.warn("{}: database action {} on {} failed: {}", pair.ref(), actions, primary, e.getMessage());
      return Optional.of("cannot reach " + primary + ": " + e.getMessage());
    }
  }

  /** pg_reload_conf() on {@code member} when {@code wanted}: it applies what it can of the files it reads now. */
  private void reload(PksReplicaPair pair, PgConnector connector, String member, boolean wanted) throws SQLException {
    if (wanted) {
      new ConfigurationReload(connector).reload(network.endpoint(pair, member));
      LOG.info("{}: configuration reloaded on {}", pair.ref(), member);
    }
  }
}
