package io.pks.operator.reconciler;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.BackupServer;
import io.pks.operator.model.MemberNetwork;
import io.pks.operator.postgres.BaseBackup;
import io.pks.operator.postgres.Credentials;
import io.pks.operator.postgres.MemberEndpoint;
import io.pks.operator.postgres.PgConnector;

/**
 * Runs base backups on threads of their own, never a reconcile's (a backup takes minutes), one at a
 * time per pair, and keeps how the last one ended until a reconcile records it. A backup holds one
 * session on the primary and nothing else: probes, switchovers and failovers go on beside it; a
 * primary stopped under it ends its session and pgBackRest's backup, and the backup is recorded as
 * failed. In memory on purpose: a backup's session ends with the operator that opened it.
 */
final class BackupRunner {
  private static final Logger LOG = LoggerFactory.getLogger(BackupRunner.class);
  /** The longest a backup's session may wait for the script before it is given up as failed. */
  static final Duration LONGEST_BACKUP = Duration.ofHours(12);
  /** How long a backup that reads the standby's files waits for the standby's first answer. */
  static final Duration STANDBY_WAIT = Duration.ofSeconds(30);

  /** A backup that ended: when it started, and what the script said. */
  record Ended(Instant startedAt, BaseBackup.Outcome outcome, Instant endedAt) {
  }

  /**
   * A pair's backups as this operator knows them.
   *
   * @param runningSince when the backup running now started; null when none runs
   * @param last the last backup that ended; null when none did since the operator started
   */
  record State(Instant runningSince, Ended last) {
    static final State NONE = new State(null, null);

    boolean running() {
      return runningSince != null;
    }
  }

  private final MemberNetwork network;
  private final PairCredentials credentials;
  private final Clock clock;
  private final Map<String, State> states = new ConcurrentHashMap<>();
  private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "pks-backup");
    thread.setDaemon(true);
    return thread;
  });

  BackupRunner(MemberNetwork network, PairCredentials credentials, Clock clock) {
    this.network = network;
    this.credentials = credentials;
    this.clock = clock;
  }

  State state(PksReplicaPair pair) {
    return states.getOrDefault(key(pair), State.NONE);
  }

  /**
   * Starts a backup of {@code primary}, reading the files of {@code readFrom} (the standby, or the
   * primary itself), at {@code startedAt} unless one of the pair's runs already (then nothing
   * happens: the status recorded before it names the one running).
   */
  void start(PksReplicaPair pair, String primary, String readFrom, Instant startedAt) {
    AtomicBoolean started = new AtomicBoolean();
    states.compute(key(pair), (key, state) -> {
      if (state != null && state.running()) {
        return state;
      }
      started.set(true);
      return new State(startedAt, state == null ? null : state.last());
    });
    if (started.get()) {
      threads.execute(() -> run(pair, primary, readFrom, startedAt));
    }
  }

  private void run(PksReplicaPair pair, String primary, String readFrom, Instant startedAt) {
    try (PairLogContext ignored = PairLogContext.of(pair)) {
      LOG.info("{}: base backup of {} started from {}", pair.ref(), primary, readFrom);
      BaseBackup.Outcome outcome = take(pair, primary, readFrom);
      LOG.info("{}: base backup of {} {}: {}", pair.ref(), primary, outcome.succeeded() ? "succeeded" : "failed",
          outcome.lastLine());
      states.put(key(pair), new State(null, new Ended(startedAt, outcome, clock.instant())));
    }
  }

  private BaseBackup.Outcome take(PksReplicaPair pair, String primary, String readFrom) {
    Credentials superuser = credentials.superuser(pair).orElse(null);
    if (superuser == null) {
      return failed("the superuser Secret of " + pair.ref() + " cannot be read");
    }
    PgConnector connector = new PgConnector(superuser, PgConnector.Timeouts.DEFAULT);
    Optional<BaseBackup.Standby> standby = Optional.empty();
    if (!readFrom.equals(primary)) {
      try {
        standby = Optional.of(standby(pair, readFrom, connector));
      } catch (SQLException | RuntimeException e) {
        return failed("the standby " + readFrom + " to read from did not answer within "
            + STANDBY_WAIT.toSeconds() + " s: " + e.getMessage()
            + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"));
      }
    }
    try (Connection connection = connector.allowing(LONGEST_BACKUP).open(network.endpoint(pair, primary))) {
      return BaseBackup.take(connection, standby);
    } catch (SQLException | RuntimeException e) {
      return failed("the backup's session on " + primary + " ended: " + e.getMessage());
    }
  }

  /**
   * Where the standby {@code member} is, as its PostgreSQL says; tried again for up to
   * {@link #STANDBY_WAIT}: a standby seen streaming a moment ago may not answer the operator's
   * session yet (in the sandbox, for about 5 s after it started streaming: "The connection attempt
   * failed"), and a backup requested then waits rather than fail for that.
   */
  private BaseBackup.Standby standby(PksReplicaPair pair, String member, PgConnector connector) throws SQLException {
    MemberEndpoint endpoint = network.endpoint(pair, member);
    Instant giveUp = clock.instant().plus(STANDBY_WAIT);
    while (true) {
      try (Connection connection = connector.open(endpoint)) {
        return BaseBackup.standby(connection, endpoint.host(), BackupServer.PORT);
      } catch (SQLException e) {
        if (clock.instant().isAfter(giveUp)) {
          throw e;
        }
        LOG.info("{}: standby {} to read from did not answer ({}); trying again", pair.ref(), member, e.getMessage());
        sleep(Duration.ofSeconds(1));
      }
    }
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the standby", e);
    }
  }

  private static BaseBackup.Outcome failed(String why) {
    return new BaseBackup.Outcome(false, why, null);
  }

  /** By UID too: a pair deleted and made again under its name starts with no backup of its own. */
  private static String key(PksReplicaPair pair) {
    return pair.getMetadata().getNamespace() + "/" + pair.getMetadata().getName() + "/" + pair.getMetadata().getUid();
  }
}
