package io.pks.operator.sandbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.pks.operator.postgres.PgConnector;

/**
 * An application writing through the -rw Service (or, for the benchmark's peers, through a
 * multi-host URL that picks the primary), for the end-to-end tests and the benchmarks:
 * commits numbered rows one by one, reconnecting whenever its connection breaks, and records every
 * commit the server acknowledged (the INSERT in autocommit returned) with its time and the timeline
 * the primary wrote it on. A commit that failed or whose answer was lost is not counted: it may or
 * may not be there, as for any client.
 */
public final class Writer implements AutoCloseable {
  private static final PgConnector.Timeouts PATIENT =
      new PgConnector.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(120), Duration.ofSeconds(120));
  private static final Duration STARTUP = Duration.ofSeconds(30);

  /**
   * One commit the server acknowledged: its id, when the acknowledgement arrived, and the timeline
   * of the server that wrote it (read in the same statement), which tells whose commit it was.
   */
  public record Acknowledgement(long id, Instant at, int timeline) {
  }

  /** The commit's row and the writing server's timeline, from its current WAL file name. */
  private static final String INSERT = "INSERT INTO %s VALUES (?, now())"
      + " RETURNING substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)";

  /** Opens a new session to the database; the writer's own path to the primary. */
  @FunctionalInterface
  public interface Connections {
    Connection open() throws SQLException;
  }

  private final Connections primary;
  private final String table;
  private final ConcurrentSkipListMap<Long, Acknowledgement> acknowledged = new ConcurrentSkipListMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private long next = 1;

  /** A writer through the pair's -rw Service, as its superuser. */
  public Writer(SandboxPair pair, String table) throws SQLException {
    this(throughReadWrite(pair), table);
  }

  /** A writer through {@code primary}, which must lead to the primary whenever there is one. */
  public Writer(Connections primary, String table) throws SQLException {
    this.primary = primary;
    this.table = table;
    next = createTable() + 1;
    thread = new Thread(this::write, "writer-" + table);
    thread.setDaemon(true);
    thread.start();
  }

  private static Connections throughReadWrite(SandboxPair pair) {
    PgConnector connector = new PgConnector(pair.superuser(), PATIENT);
    return () -> connector.open(pair.readWrite());
  }

  /**
   * Creates the table if needed; its highest id. Retried for a while as an application would: the
   * -rw Service may still point at the old primary for a moment after the status names the new one.
   */
  private long createTable() throws SQLException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (true) {
      try (Connection connection = primary.open();
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE IF NOT EXISTS " + table + " (id bigint PRIMARY KEY, at timestamptz)");
        try (ResultSet max = statement.executeQuery("SELECT coalesce(max(id), 0) FROM " + table)) {
          max.next();
          return max.getLong(1);
        }
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        pause(100);
      }
    }
  }

  private void write() {
    Connection connection = null;
    while (running.get()) {
      try {
        if (connection == null) {
          connection = primary.open();
        }
        long id = next++;
        try (PreparedStatement insert = connection.prepareStatement(String.format(INSERT, table))) {
          insert.setLong(1, id);
          try (ResultSet written = insert.executeQuery()) {
            written.next();
            acknowledged.put(id, new Acknowledgement(id, Instant.now(), Integer.parseInt(written.getString(1), 16)));
          }
        }
      } catch (SQLException e) {
        close(connection);
        connection = null;
        pause(50);
      }
    }
    close(connection);
  }

  public int acknowledgedCount() {
    return acknowledged.size();
  }

  /** Every commit acknowledged so far, in the order they were acknowledged (one at a time). */
  public List<Acknowledgement> acknowledgements() {
    return List.copyOf(acknowledged.values());
  }

  /**
   * The first commit acknowledged after an outage that began after {@code instant}: the first
   * acknowledgement following a pause of at least {@code gap}, counted from the last commit
   * acknowledged before {@code instant} when the outage came at once. A fault is injected a moment
   * before it takes effect, so commits right after {@code instant} may still be the old primary's.
   */
  public Instant firstAcknowledgedAfterOutage(Instant instant, Duration gap) {
    Instant previous = null;
    for (Instant at : acknowledgedFrom(instant)) {
      if (previous != null && Duration.between(previous, at).compareTo(gap) >= 0) {
        return at;
      }
      previous = at;
    }
    return null;
  }

  /**
   * The longest wait between two acknowledged commits from the last one at or before {@code from}
   * to the last one at or before {@code to}: how long the application could not write.
   */
  public Duration longestGap(Instant from, Instant to) {
    Duration longest = Duration.ZERO;
    Instant previous = null;
    for (Instant at : acknowledgedFrom(from)) {
      if (at.isAfter(to)) {
        break;
      }
      if (previous != null && Duration.between(previous, at).compareTo(longest) > 0) {
        longest = Duration.between(previous, at);
      }
      previous = at;
    }
    return longest;
  }

  /** When commits were acknowledged: the last one at or before {@code from}, then every later one. */
  private List<Instant> acknowledgedFrom(Instant from) {
    List<Instant> times = acknowledged.values().stream().map(Acknowledgement::at).sorted().toList();
    int first = 0;
    for (int i = 0; i < times.size() && !times.get(i).isAfter(from); i++) {
      first = i;
    }
    return times.subList(first, times.size());
  }

  /** Waits until {@code count} more commits are acknowledged; false after {@code bound}. */
  public boolean awaitMore(int count, Duration bound) {
    int target = acknowledged.size() + count;
    long deadline = System.nanoTime() + bound.toNanos();
    while (acknowledged.size() < target && System.nanoTime() < deadline) {
      pause(20);
    }
    return acknowledged.size() >= target;
  }

  /** Stops writing; the ids acknowledged. */
  public Set<Long> stop() {
    running.set(false);
    try {
      thread.join(Duration.ofSeconds(150).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new TreeSet<>(acknowledged.keySet());
  }

  /**
   * Ids acknowledged so far and missing from {@code endpoint}'s table: what a failover lost. The
   * acknowledged ids are taken before the table is read, as the writer may still be writing.
   */
  public List<Long> missingOn(Connections database) throws SQLException {
    List<Long> expected = new ArrayList<>(acknowledged.keySet());
    Set<Long> present = new HashSet<>();
    try (Connection connection = database.open(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT id FROM " + table)) {
      while (rows.next()) {
        present.add(rows.getLong(1));
      }
    }
    List<Long> missing = new ArrayList<>();
    for (Long id : expected) {
      if (!present.contains(id)) {
        missing.add(id);
      }
    }
    return missing;
  }

  @Override
  public void close() {
    stop();
  }

  private static void close(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Broken already.
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
