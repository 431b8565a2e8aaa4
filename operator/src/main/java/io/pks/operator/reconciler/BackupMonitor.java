package io.pks.operator.reconciler;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.MemberNetwork;
import io.pks.operator.model.PairRoles;
import io.pks.operator.postgres.Archiver;
import io.pks.operator.postgres.Credentials;
import io.pks.operator.postgres.PgConnector;
import io.pks.operator.postgres.ProbeSessions;

/**
 * Looks at the backups of every pair with spec.backup on a schedule, outside the reconcile threads:
 * the primary's pg_stat_archiver, whether a backup runs or ended, whether a slot of the schedule
 * came. A reconcile follows only when one of these changes, so an idle pair costs nothing. The
 * archiver is read over a session kept open to the primary, as the probe's are, so a look costs it
 * no new login.
 */
final class BackupMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(BackupMonitor.class);
  static final String NAME = "backup-monitor";
  /** Archiving moves in segments and seconds (archive_timeout is a minute); a backup in minutes. */
  static final Duration INTERVAL = Duration.ofSeconds(5);

  /**
   * What changed about a pair's backups since the last look.
   *
   * @param archiver the primary's pg_stat_archiver; null when it could not be read
   * @param runner the backups this operator runs for the pair
   * @param scheduleDue a slot of spec.backup.schedule has come and no backup was started for it
   */
  record BackupObservation(Archiver archiver, BackupRunner.State runner, boolean scheduleDue) {
  }

  private final MemberNetwork network;
  private final PairCredentials credentials;
  private final BackupRunner runner;
  private final Clock clock;
  private final ProbeSessions sessions;

  BackupMonitor(MemberNetwork network, PairCredentials credentials, BackupRunner runner, Clock clock) {
    this.network = network;
    this.credentials = credentials;
    this.runner = runner;
    this.clock = clock;
    this.sessions = new ProbeSessions(clock);
  }

  PerResourcePollingEventSource<BackupObservation, PksReplicaPair, String> eventSource(
      EventSourceContext<PksReplicaPair> context) {
    return new PerResourcePollingEventSource<>(BackupObservation.class, context,
        new PerResourcePollingConfigurationBuilder<BackupObservation, PksReplicaPair, String>(this::observe, INTERVAL)
            .withName(NAME)
            .withResourceIDMapper(observation -> NAME)
            .withRegisterPredicate(pair -> pair.getStatus() != null && pair.getStatus().currentPrimary() != null)
            .build()) {
      @Override
      public void stop() {
        super.stop();
        sessions.close();
      }
    };
  }

  private Set<BackupObservation> observe(PksReplicaPair pair) {
    if (pair.getSpec() == null || pair.getSpec().backup() == null || !ReplicationMonitor.probeable(pair)) {
      return Set.of();
    }
    try (PairLogContext ignored = PairLogContext.of(pair)) {
      return Set.of(new BackupObservation(archiver(pair), runner.state(pair),
          Backups.scheduleDue(pair, clock.instant())));
    }
  }

  private Archiver archiver(PksReplicaPair pair) {
    Credentials superuser = credentials.superuser(pair).orElse(null);
    if (superuser == null) {
      return null;
    }
    String primary = PairRoles.currentPrimary(pair);
    try {
      return Archiver.read(sessions, PgConnector.forArchiver(superuser), network.endpoint(pair, primary));
    } catch (SQLException e) {
      LOG.debug("{}: pg_stat_archiver of {} not read: {}", pair.ref(), primary, e.getMessage());
      return null;
    }
  }
}
