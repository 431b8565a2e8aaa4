package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.pks.operator.model.Names;
import io.pks.operator.model.Scripts;

/**
 * An old primary rejoins as the standby by pg_rewind (issue 15): the rejoin Job (seed.sh with
 * PKS_REWIND) rewinds its data to the new primary's timeline, or, when the timelines do not allow
 * it or pg_rewind fails, copies the primary as any seed does; its termination message says which.
 * Real servers, the operator's own Job specs, each member's data checked after it streams again.
 */
class RewindIT {

  @RegisterExtension
  static final LocalPostgres POSTGRES = new LocalPostgres();

  private static final int ROWS_AFTER = 300;
  private static final int ROWS_ALONE = 40;

  /** A switchover: site-a stopped cleanly, so its WAL ends where site-b's timeline begins. */
  @Test
  void afterASwitchoverTheOldPrimaryRejoinsWithoutACopy() throws Exception {
    LocalPair pair = streamingPairWithATable(spec -> { });
    pair.siteA.stop();
    promoteSiteB(pair);
    createSiteASlot(pair);

    assertRewound(pair.siteA.rejoin(Map.of()), "no rewind was needed");
    assertStreamsWithSiteBsRows(pair);
  }

  /**
   * A failover: site-a kept committing alone after site-b stopped hearing from it, then crashed;
   * pg_rewind (after its own crash recovery of site-a) discards what site-a committed alone.
   */
  @Test
  void afterAFailoverTheOldPrimaryIsRewoundAndLosesWhatItCommittedAlone() throws Exception {
    LocalPair pair = streamingPairWithATable(spec -> { });
    divergeAndPromoteSiteB(pair);

    LocalMember.JobRun rejoin = pair.siteA.rejoin(Map.of());

    assertRewound(rejoin, "pg_rewind copied what changed since the fork");
    assertStreamsWithSiteBsRows(pair);
  }

  /** The new primary recycled the WAL from the fork on: a rewound site-a could never catch up, so it is copied. */
  @Test
  void whenThePrimaryNoLongerHoldsTheWalFromTheForkTheOldPrimaryIsCopied() throws Exception {
    LocalPair pair = streamingPairWithATable(spec -> spec.with("replication").put("walKeepSize", "0MB"));
    pair.siteA.stop();
    promoteSiteB(pair);
    for (int i = 0; i < 3; i++) {
      pair.execute(pair.siteB, "SELECT pg_switch_wal()", "CHECKPOINT");
    }
    createSiteASlot(pair);

    assertCopied(pair.siteA.rejoin(Map.of()), "the primary no longer holds the WAL from the fork at");
    assertStreamsWithSiteBsRows(pair);
  }

  /**
   * The race the rejoin Job's own check cannot close (docs/safety.md): the new primary still held
   * the WAL from the fork when the Job looked, then a checkpoint removed it before the member first
   * streamed. The probe finds the gap the member can never cross (the fact Lifecycle re-seeds it
   * on, DecisionsTest), and the Job run again copies the primary.
   */
  @Test
  void aRejoinedStandbyWhoseWalThePrimaryRemovedBeforeItStreamedIsFoundByTheProbeAndCopiedByTheNextRejoin()
      throws Exception {
    LocalPair pair = streamingPairWithATable(spec -> spec.with("replication").put("walKeepSize", "32MB"));
    pair.siteA.stop();
    promoteSiteB(pair);
    // Two segments past the fork's, and a checkpoint: wal_keep_size still holds the fork's segment,
    // the slot made after it only what follows that checkpoint (a physical slot reserves from it).
    pair.execute(pair.siteB, "SELECT pg_switch_wal()", "INSERT INTO calls VALUES (0)", "SELECT pg_switch_wal()",
        "CHECKPOINT");
    createSiteASlot(pair);
    assertRewound(pair.siteA.rejoin(Map.of()), "no rewind was needed");

    // Two more segments and a checkpoint before site-a starts: the fork's segment is now past wal_keep_size.
    pair.execute(pair.siteB, "INSERT INTO calls VALUES (0)", "SELECT pg_switch_wal()", "INSERT INTO calls VALUES (0)",
        "SELECT pg_switch_wal()", "CHECKPOINT");
    pair.siteA.start();
    pair.siteA.awaitReady();
    MemberProbe probe = new MemberProbe(pair.connector, Clock.systemUTC());
    WalGap gap = await("site-a asking site-b for WAL it removed").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> WalGap.between(probe.probe(pair.siteB.endpoint(), pair.siteAAsPeer()),
            probe.probe(pair.siteA.endpoint(), pair.siteBAsPeer())), Optional::isPresent).orElseThrow();
    System.out.println("the probe's gap: " + gap);
    assertThat(Lsn.beyond(gap.oldestKeptLsn(), gap.neededLsn())).isTrue();
    // Each of its attempts shows a walsender on site-b for a moment, which fails before it streams.
    for (int look = 0; look < 30; look++) {
      ProbeResult.StandbyStream stream = probe.probe(pair.siteB.endpoint(), pair.siteAAsPeer()).primary()
          .standbyStream();
      assertThat(stream == null ? null : stream.state()).as("site-a never streams from site-b by itself")
          .isNotEqualTo("streaming");
      Thread.sleep(100);
    }

    pair.siteA.stop();
    // Its timeline may have become the primary's (it read the history file): either way, no rewind.
    assertCopied(pair.siteA.rejoin(Map.of()), "is a copy of");
    assertStreamsWithSiteBsRows(pair, 3);
  }

  /**
   * pg_rewind fails (site-a's WAL before the fork is gone, so it cannot find the last common
   * checkpoint): the Job copies instead, and the marker of the failed rewind goes with the copy.
   */
  @Test
  void whenPgRewindFailsTheOldPrimaryIsCopied() throws Exception {
    LocalPair pair = streamingPairWithATable(spec -> { });
    divergeAndPromoteSiteB(pair);
    try (Stream<Path> wal = Files.list(pair.siteA.pgdata.resolve("pg_wal"))) {
      for (Path segment : wal.filter(file -> file.getFileName().toString().matches("[0-9A-F]{24}")).toList()) {
        Files.delete(segment);
      }
    }

    LocalMember.JobRun rejoin = pair.siteA.rejoin(Map.of());

    assertCopied(rejoin, "pg_rewind failed");
    assertThat(rejoin.stdout()).contains("rewinding " + pair.siteA.pgdata);
    assertThat(pair.siteA.rewindMarker()).doesNotExist();
    assertStreamsWithSiteBsRows(pair);
  }

  /** site-a streaming to site-b, with a table of one row both have. */
  private static LocalPair streamingPairWithATable(Consumer<ObjectNode> spec) throws Exception {
    LocalPair pair = POSTGRES.newPair(spec);
    pair.streamWithATable();
    return pair;
  }

  /** site-b stops hearing from site-a, which commits alone and crashes; site-b is promoted. */
  private static void divergeAndPromoteSiteB(LocalPair pair) throws Exception {
    pair.siteB.stop();
    pair.execute(pair.siteA, "INSERT INTO calls SELECT generate_series(1, " + ROWS_ALONE + ")", "CHECKPOINT",
        "INSERT INTO calls SELECT generate_series(1, " + ROWS_ALONE + ")");
    pair.siteA.killPostmaster();
    pair.siteB.start();
    pair.siteB.awaitReady();
    promoteSiteB(pair);
    createSiteASlot(pair);
  }

  /** site-b promoted, and rows committed on it. */
  private static void promoteSiteB(LocalPair pair) throws Exception {
    assertThat(new Promotion(pair.connector).promote(pair.siteB.endpoint(), Duration.ofSeconds(30)))
        .isEqualTo(Promotion.Result.PROMOTED);
    pair.execute(pair.siteB, "INSERT INTO calls SELECT generate_series(1, " + ROWS_AFTER + ")");
  }

  /** site-a's slot on site-b, as the operator makes it just before the Job. */
  private static void createSiteASlot(LocalPair pair) throws Exception {
    new ReplicationSetup(pair.connector).ensureSlot(pair.siteB.endpoint(), Names.replicationSlot(LocalPair.SITE_A));
  }

  private static void assertRewound(LocalMember.JobRun rejoin, String how) {
    System.out.println("rejoin as reported: " + rejoin.terminationMessage().strip() + " (" + rejoin.took().toMillis()
        + " ms)");
    assertThat(rejoin.exitCode()).as(rejoin.stdout() + rejoin.stderr()).isZero();
    assertThat(rejoin.terminationMessage()).startsWith(Scripts.REWOUND + ": ").contains(how);
    assertThat(rejoin.stdout()).doesNotContain("copying primary");
  }

  private static void assertCopied(LocalMember.JobRun rejoin, String why) {
    System.out.println("rejoin as reported: " + rejoin.terminationMessage().strip());
    assertThat(rejoin.exitCode()).as(rejoin.stdout() + rejoin.stderr()).isZero();
    assertThat(rejoin.terminationMessage()).startsWith(Scripts.COPIED + ": ").contains(why);
    assertThat(rejoin.stdout()).contains("copying primary");
  }

  /** site-a starts as site-b's standby, streams, and holds site-b's rows, none of its own alone. */
  private static void assertStreamsWithSiteBsRows(LocalPair pair) throws Exception {
    assertStreamsWithSiteBsRows(pair, 0);
  }

  /** As above, with {@code extraRows} more rows written on site-b after its promotion. */
  private static void assertStreamsWithSiteBsRows(LocalPair pair, int extraRows) throws Exception {
    assertThat(pair.siteA.pgdata.resolve("standby.signal")).exists();
    pair.siteA.start();
    pair.siteA.awaitReady();
    pair.awaitStreaming(pair.siteB, LocalPair.SITE_A);
    pair.execute(pair.siteB, "INSERT INTO calls VALUES (-1)");
    String expected = pair.queryString(pair.siteB, "SELECT count(*) || '/' || sum(id) FROM calls");
    await("site-b's rows on site-a").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .ignoreExceptions()
        .until(() -> pair.queryString(pair.siteA, "SELECT count(*) || '/' || sum(id) FROM calls"), expected::equals);
    assertThat(expected).startsWith(Integer.toString(ROWS_AFTER + 2 + extraRows) + "/");
  }
}
