package io.pks.operator.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe's sessions, one per member, kept open between probes and re-opened only when one
 * breaks: a probe every second would otherwise cost each member a new login (a SCRAM exchange on
 * both sides) every second. A kept session that fails is closed and the probe is made again at once
 * over a new one, so a member that restarted since the last probe is seen as it is now, not as a
 * broken session; only the new session's outcome is reported.
 *
 * <p>A session is used by one user at a time; the others wait their turn, for
 * {@link #TURN_WAIT} at most: a probe and the promotion ({@link Promotion}, which runs over the
 * target's kept session), or two probes of the same member, never share one. A user still waiting
 * after that works over a session of its own, closed after it; the kept session stays its user's.
 */
public final class ProbeSessions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeSessions.class);

  /**
   * How long a probe waits for an answer over a kept session before it gives up on that session
   * and tries a new one: shorter than a new session's socket timeout, so a member paused or cut
   * off since the last probe is found out about as soon as with a new session's connect timeout,
   * and the failover clock's observation comes in time. A busy member slower than this costs one
   * login, not a failed probe.
   */
  static final Duration KEPT_SESSION_WAIT = Duration.ofSeconds(1);

  /**
   * How long a user waits for the member's kept session while another uses it. A probe over it
   * takes milliseconds; a new login took 100 to 140 ms of a loaded machine (BENCHMARKS.md), and
   * before this wait a promotion or a bootstrap's replication setup that came while the hand-off's
   * probe (every 20 ms) held the session paid that login on its critical path.
   */
  static final Duration TURN_WAIT = Duration.ofMillis(100);

  /** Sessions no probe used for this long are closed: their pair was deleted or moved. */
  static final Duration IDLE_LIMIT = Duration.ofMinutes(2);
  /** SQLSTATEs of a login the server ended: admin_shutdown, and query_canceled while authenticating. */
  private static final Set<String> ENDED_BY_THE_SERVER = Set.of("57P01", "57014");

  /** A probe's work over one session. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection session) throws SQLException;
  }

  /**
   * One member's kept session and the turn to use it. The session and its last use are read and
   * written only by the holder of the turn. A lane retired (left unused, or the sessions closed)
   * is out of the map and never used again; its session is closed by whoever holds its turn last.
   */
  private static final class Lane {
    final Semaphore turn = new Semaphore(1);
    Connection session;
    Instant lastUsed;
    volatile boolean retired;
  }

  private final Clock clock;
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  /**
   * Members whose last login was refused (nothing listened), with when it was: their next login is
   * preceded by a bare TCP connect ({@link PgConnector#connectOnly}), which finds a member still
   * down for half the CPU of pgjdbc's attempt (BENCHMARKS.md, session 17).
   */
  private final Map<String, Instant> refusing = new ConcurrentHashMap<>();
  private volatile Instant lastSweep;

  public ProbeSessions(Clock clock) {
    this.clock = clock;
    this.lastSweep = clock.instant();
  }

  /**
   * Runs {@code work} over {@code member}'s kept session in {@code sessions}, or, when there are
   * none (null), over a new session of {@code connector}'s, closed after it.
   */
  public static <T> T runOn(ProbeSessions sessions, PgConnector connector, MemberEndpoint member, Work<T> work)
      throws SQLException {
    if (sessions != null) {
      return sessions.run(connector, member, work);
    }
    try (Connection session = connector.open(member)) {
      return work.apply(session);
    }
  }

  /**
   * Runs {@code work} over {@code member}'s kept session once it is this user's turn, or a new one
   * when there is none or it broke, and keeps the session it used; over a session of its own when
   * the turn did not come within {@link #TURN_WAIT}.
   */
  public <T> T run(PgConnector connector, MemberEndpoint member, Work<T> work) throws SQLException {
    String key = connector.user() + "@" + member.jdbcUrl();
    sweepIfDue(clock.instant());
    Lane lane = takeTurn(key);
    if (lane == null) {
      LOG.debug("kept session to {} still in use after {} ms; working over a session of its own", member,
          TURN_WAIT.toMillis());
      try (Connection own = login(connector, member, key)) {
        return work.apply(own);
      }
    }
    try {
      if (lane.session != null) {
        try {
          return keepAfter(lane, work);
        } catch (SQLException broken) {
          LOG.debug("kept session to {} broke ({}); probing over a new one", member, broken.getMessage());
        }
      }
      lane.session = login(connector, member, key);
      return keepAfter(lane, work);
    } finally {
      giveBack(lane);
    }
  }

  /** The member's lane with its turn taken, or null when another user kept it past {@link #TURN_WAIT}. */
  private Lane takeTurn(String key) {
    long deadline = System.nanoTime() + TURN_WAIT.toNanos();
    while (true) {
      Lane lane = lanes.computeIfAbsent(key, absent -> new Lane());
      try {
        if (!lane.turn.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          return null;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      if (!lane.retired) {
        return lane;
      }
      // Retired while this user waited: the member's next lane is a new one.
      lane.turn.release();
    }
  }

  /**
   * A login, tried once more when the server ended it (57P01, or 57014 while it authenticated): a
   * fast shutdown ends the logins under way, then answers new ones that it is shutting down
   * (57P03). The probe reports that answer, not the ended login, which reads as unreachable: a
   * switchover then took an old primary still shutting down for stopped.
   */
  private Connection login(PgConnector connector, MemberEndpoint member, String key) throws SQLException {
    try {
      return loginOnce(connector, member, key);
    } catch (SQLException failure) {
      if (!ENDED_BY_THE_SERVER.contains(failure.getSQLState())) {
        throw failure;
      }
      LOG.debug("login to {} ended by the server ({}); logging in once more", member, failure.getMessage());
      return loginOnce(connector, member, key);
    }
  }

  private Connection loginOnce(PgConnector connector, MemberEndpoint member, String key) throws SQLException {
    try {
      if (refusing.containsKey(key)) {
        connector.connectOnly(member);
      }
      Connection session = connector.open(member);
      refusing.remove(key);
      return session;
    } catch (SQLException failure) {
      if (PgConnector.refused(failure)) {
        refusing.put(key, clock.instant());
      } else {
        refusing.remove(key);
      }
      throw failure;
    }
  }

  /** Runs {@code work} over the lane's session, kept after it; closed and forgotten when it fails. */
  private <T> T keepAfter(Lane lane, Work<T> work) throws SQLException {
    T result;
    try {
      result = work.apply(lane.session);
    } catch (SQLException | RuntimeException failure) {
      dropSession(lane);
      throw failure;
    }
    lane.session.setNetworkTimeout(Runnable::run, (int) KEPT_SESSION_WAIT.toMillis());
    lane.lastUsed = clock.instant();
    return result;
  }

  /**
   * Closes sessions left unused and forgets refusals as old; at most once per idle limit, so a
   * probe scans the maps rarely.
   */
  private void sweepIfDue(Instant now) {
    if (lastSweep.plus(IDLE_LIMIT).isAfter(now)) {
      return;
    }
    lastSweep = now;
    lanes.forEach((key, lane) -> {
      if (lane.turn.tryAcquire()) {
        boolean unused = lane.lastUsed == null || lane.lastUsed.plus(IDLE_LIMIT).isBefore(now);
        lane.turn.release();
        if (unused && lanes.remove(key, lane)) {
          retire(lane);
        }
      }
    });
    refusing.values().removeIf(refused -> refused.plus(IDLE_LIMIT).isBefore(now));
  }

  /** How many sessions are kept between probes. */
  public int kept() {
    return (int) lanes.values().stream().filter(lane -> lane.session != null).count();
  }

  /** Closes every kept session; one still in use is closed when its user is done. */
  @Override
  public void close() {
    lanes.forEach((key, lane) -> {
      if (lanes.remove(key, lane)) {
        retire(lane);
      }
    });
  }

  /** A lane out of the map: its session closed now if nobody uses it, else by its user when done. */
  private static void retire(Lane lane) {
    synchronized (lane) {
      lane.retired = true;
      if (lane.turn.tryAcquire()) {
        dropSession(lane);
        lane.turn.release();
      }
    }
  }

  /** Ends a turn; the session of a lane retired meanwhile is closed, not kept. */
  private static void giveBack(Lane lane) {
    synchronized (lane) {
      if (lane.retired) {
        dropSession(lane);
      }
      lane.turn.release();
    }
  }

  private static void dropSession(Lane lane) {
    if (lane.session != null) {
      closeQuietly(lane.session);
      lane.session = null;
    }
  }

  private static void closeQuietly(Connection session) {
    try {
      session.close();
    } catch (SQLException ignored) {
      // The session is being dropped either way; a close that fails has nothing left to release.
    }
  }
}
