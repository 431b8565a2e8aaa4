package io.pks.operator.nemesis;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.postgres.MemberEndpoint;
import io.pks.operator.postgres.PgConnector;
import io.pks.operator.sandbox.EmbeddedApiServer;
import io.pks.operator.sandbox.Sandbox;
import io.pks.operator.sandbox.SandboxPair;
import io.pks.operator.sandbox.Writer;

/**
 * The randomized fault run (Jepsen's idea, on one pair): while writers commit through the -rw
 * Service and readers ask each member directly whether it is a primary, the steps of a seeded
 * schedule strike the pair one after the other; after each heal the pair must be back to
 * Streaming in sync within the bound before the next step. The history is then checked by
 * {@link HistoryChecker}. The pair must be streaming in sync, with failover Automatic and
 * synchronous Required, when the run starts.
 */
public final class Nemesis {
  /** After a heal: a re-seed after a failover included, on a busy 2-core machine. */
  public static final Duration RECOVERY_BOUND = Duration.ofSeconds(120);
  private static final Duration SETTLE = Duration.ofSeconds(1);
  /**
   * The status is looked at from this long after a heal: a few probes, so that a fault the probe
   * had not seen yet (a crash an instant ago) is not taken for a pair already back.
   */
  private static final Duration FIRST_LOOK = Duration.ofSeconds(3);
  private static final Duration READ_INTERVAL = Duration.ofMillis(250);
  private static final Duration STATUS_INTERVAL = Duration.ofMillis(100);
  private static final int WRITERS = 2;
  /**
   * The writers' sessions: a reply lost to a partition ends the session after 20 s, and no
   * statement is ever cancelled by a timeout (a cancelled wait for the synchronous standby would
   * make PostgreSQL acknowledge a commit the standby may not have).
   */
  private static final PgConnector.Timeouts WRITER_TIMEOUTS =
      new PgConnector.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(20), Duration.ofHours(1));
  private static final Logger LOG = LoggerFactory.getLogger(Nemesis.class);

  private final Sandbox sandbox;
  private final SandboxPair pair;
  private final Schedule schedule;
  private final History history;
  private final AtomicBoolean watching = new AtomicBoolean(true);

  public Nemesis(Sandbox sandbox, SandboxPair pair, long seed) {
    this.sandbox = sandbox;
    this.pair = pair;
    this.schedule = new Schedule(seed);
    this.history = new History(seed, Instant.now());
  }

  /** Runs steps until {@code length} has passed (the step under way finishes), then checks. */
  public Outcome run(Duration length) throws Exception {
    int initialTimeline = timeline(pair.get().getStatus().currentPrimary());
    List<Writer> writers = new ArrayList<>();
    List<Thread> watchers = List.of(daemon("nemesis-status", this::watchPrimary),
        daemon("nemesis-readers", this::readMembers));
    try {
      for (int i = 1; i <= WRITERS; i++) {
        writers.add(new Writer(writerSessions(), "nemesis_" + i));
      }
      watchers.forEach(Thread::start);
      Instant end = Instant.now().plus(length);
      while (Instant.now().isBefore(end)) {
        if (!runStep(schedule.next())) {
          break;
        }
      }
    } finally {
      watching.set(false);
      for (Thread watcher : watchers) {
        watcher.join(Duration.ofSeconds(10).toMillis());
      }
      finish(writers, initialTimeline);
    }
    List<HistoryChecker.Violation> violations = HistoryChecker.check(history, RECOVERY_BOUND);
    return new Outcome(history, violations);
  }

  /** The history and what the checker found in it. */
  public record Outcome(History history, List<HistoryChecker.Violation> violations) {

    public String report() {
      StringBuilder text = new StringBuilder(history.describe());
      text.append(violations.isEmpty() ? "  no violation\n" : "  VIOLATIONS:\n");
      for (HistoryChecker.Violation violation : violations) {
        text.append("    at ").append(history.at(violation.at())).append(": ").append(violation.what()).append('\n');
      }
      return text.toString();
    }
  }

  /** One step: strike, hold, heal, wait for the pair; false when it did not come back (the run stops). */
  private boolean runStep(Step step) throws InterruptedException {
    PksReplicaPair current = pair.get();
    String primary = current.getStatus().currentPrimary();
    String member = switch (step.role()) {
      case PRIMARY -> primary;
      case STANDBY -> current.getSpec().peerOf(primary);
      case NONE -> null;
    };
    LOG.info("nemesis step: {}{}", step, member == null ? "" : " on " + member);
    Instant started = Instant.now();
    String note = strike(step, member);
    Thread.sleep(step.hold().toMillis());
    note = join(note, heal(step, member));
    Instant healed = Instant.now();
    Instant recovered = awaitRecovery(healed);
    history.step(new History.StepRun(step, member, started, healed, recovered, note));
    Thread.sleep(SETTLE.toMillis());
    return recovered != null;
  }

  /** Starts the fault; a note when it could not strike as planned (the run goes on). */
  private String strike(Step step, String member) {
    try {
      switch (step.fault()) {
        case KILL_POSTMASTER -> pair.killPostmaster(member);
        case OPERATOR_RESTART -> sandbox.stopOperator();
        case API_ERRORS -> sandbox.apiServer().failFor(step.hold(), EmbeddedApiServer.ANY_METHOD, path -> true, 500);
        default -> pair.fault(member, step.fault().annotation());
      }
      return null;
    } catch (RuntimeException e) {
      return "not struck: " + e.getMessage();
    }
  }

  private String heal(Step step, String member) {
    try {
      switch (step.fault()) {
        case KILL_POSTMASTER, API_ERRORS -> {
          // Over by itself: the kubelet restarts the container; the API server's fault ends with its hold.
        }
        case OPERATOR_RESTART -> sandbox.startOperator();
        default -> pair.fault(member, null);
      }
      return null;
    } catch (KubernetesClientException e) {
      // The pod was deleted during the fault (its member fenced or re-created): nothing left to clear.
      return "its pod was gone at the heal";
    }
  }

  private static String join(String first, String second) {
    return first == null ? second : second == null ? first : first + "; " + second;
  }

  /** When the pair was back to Streaming in sync after {@code healed}, or null past the bound. */
  private Instant awaitRecovery(Instant healed) throws InterruptedException {
    Thread.sleep(FIRST_LOOK.toMillis());
    Instant deadline = healed.plus(RECOVERY_BOUND);
    while (Instant.now().isBefore(deadline)) {
      PksReplicaPair now = readPair();
      if (now != null && now.getStatus() != null && SandboxPair.synchronous(now)) {
        return Instant.now();
      }
      Thread.sleep(STATUS_INTERVAL.toMillis());
    }
    return null;
  }

  /** The pair, or null while the API server does not answer. */
  private PksReplicaPair readPair() {
    try {
      return pair.get();
    } catch (KubernetesClientException e) {
      return null;
    }
  }

  /** Records each change of status.currentPrimary: the promotions. */
  private void watchPrimary() {
    String primary = pair.get().getStatus().currentPrimary();
    while (watching.get()) {
      PksReplicaPair now = readPair();
      String seen = now == null || now.getStatus() == null ? null : now.getStatus().currentPrimary();
      if (seen != null && !seen.equals(primary)) {
        history.primaryChanged(new History.PrimaryChange(Instant.now(), primary, seen));
        primary = seen;
      }
      pause(STATUS_INTERVAL);
    }
  }

  /** Asks both members directly, round after round, whether they are a primary. */
  private void readMembers() {
    PksReplicaPair described = pair.get();
    List<String> members = List.of(described.getSpec().primary(), described.getSpec().peerOf(described.getSpec().primary()));
    PgConnector connector = new PgConnector(pair.superuser(), PgConnector.Timeouts.DEFAULT);
    while (watching.get()) {
      long primaries = members.stream().filter(member -> answersAsPrimary(connector, member)).count();
      if (primaries > 1) {
        history.twoPrimariesRead(Instant.now());
      }
      pause(READ_INTERVAL);
    }
  }

  private boolean answersAsPrimary(PgConnector connector, String member) {
    try (Connection connection = connector.open(pair.member(member));
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT NOT pg_is_in_recovery()")) {
      return row.next() && row.getBoolean(1);
    } catch (SQLException | RuntimeException e) {
      // Unreachable, stopped, or its pod gone: not answering as anything.
      return false;
    }
  }

  /** Writers stopped, the pair back, then what the final primary holds and its timeline. */
  private void finish(List<Writer> writers, int initialTimeline) throws SQLException, InterruptedException {
    writers.forEach(Writer::stop);
    awaitRecovery(Instant.now());
    String primary = pair.get().getStatus().currentPrimary();
    Writer.Connections finalPrimary = pair.connections(pair.member(primary));
    for (int i = 0; i < writers.size(); i++) {
      Writer writer = writers.get(i);
      history.writer("nemesis_" + (i + 1), writer.acknowledgements(), writer.missingOn(finalPrimary), primary);
    }
    history.timelines(initialTimeline, timeline(primary));
  }

  /** The timeline the member writes on now (its current WAL file's first eight hex digits). */
  private int timeline(String member) throws SQLException {
    try (Connection connection = pair.connect(pair.member(member));
        Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)")) {
      row.next();
      return Integer.parseInt(Objects.requireNonNull(row.getString(1)), 16);
    }
  }

  private Writer.Connections writerSessions() {
    PgConnector connector = new PgConnector(pair.superuser(), WRITER_TIMEOUTS);
    return () -> connector.open(pair.readWrite());
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
