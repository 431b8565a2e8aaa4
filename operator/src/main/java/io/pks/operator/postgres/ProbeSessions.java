package io.pks.operator.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The probe's sessions, one per member, kept open between probes and re-opened only when one
 * breaks: a probe every second would otherwise cost each member a new login (a SCRAM exchange on
 * both sides) every second. A kept session that fails is closed and the probe is made again at once
 * over a new one, so a member that restarted since the last probe is seen as it is now, not as a
 * broken session; only the new session's outcome is reported.
 *
 * <p>A session is lent to one user at a time: taken out of the map while in use and put back
 * after, so two probes of the same member (the operator's and a test's), or a probe and the
 * promotion ({@link Promotion}, which runs over the target's kept session), never share one.
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

  /** Sessions no probe used for this long are closed: their pair was deleted or moved. */
  static final Duration IDLE_LIMIT = Duration.ofMinutes(2);
  /** SQLSTATEs of a login the server ended: admin_shutdown, and query_canceled while authenticating. */
  private static final Set<String> ENDED_BY_THE_SERVER = Set.of("57P01", "57014");

  /** A probe's work over one session. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(Connection session) throws SQLException;
  }

  private record Kept(Connection session, Instant lastUsed) {
  }

  private final Clock clock;
  private final Map<String, Kept> idle = new ConcurrentHashMap<>();
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

  /** Runs {@code work} over {@code member}'s kept session, or a new one; keeps the session it used. */
  public <T> T run(PgConnector connector, MemberEndpoint member, Work<T> work) throws SQLException {
    String key = connector.user() + "@" + member.jdbcUrl();
    sweepIfDue(clock.instant());
    Kept kept = idle.remove(key);
    if (kept != null) {
      try {
        return keepAfter(key, kept.session(), work);
      } catch (SQLException broken) {
        LOG.debug("kept session to {} broke ({}); probing over a new one", member, broken.getMessage());
      }
    }
    return keepAfter(key, login(connector, member, key), work);
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

  private <T> T keepAfter(String key, Connection session, Work<T> work) throws SQLException {
    T result;
    try {
      result = work.apply(session);
    } catch (SQLException | RuntimeException failure) {
      closeQuietly(session);
      throw failure;
    }
    session.setNetworkTimeout(Runnable::run, (int) KEPT_SESSION_WAIT.toMillis());
    Kept previous = idle.put(key, new Kept(session, clock.instant()));
    if (previous != null) {
      closeQuietly(previous.session());
    }
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
    idle.forEach((key, kept) -> {
      if (kept.lastUsed().plus(IDLE_LIMIT).isBefore(now) && idle.remove(key, kept)) {
        closeQuietly(kept.session());
      }
    });
    refusing.values().removeIf(refused -> refused.plus(IDLE_LIMIT).isBefore(now));
  }

  /** How many sessions are kept between probes. */
  public int kept() {
    return idle.size();
  }

  @Override
  public void close() {
    idle.values().forEach(kept -> closeQuietly(kept.session()));
    idle.clear();
  }

  private static void closeQuietly(Connection session) {
    try {
      session.close();
    } catch (SQLException ignored) {
      // The session is being dropped either way; a close that fails has nothing left to release.
    }
  }
}
