package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.pks.operator.model.Names;
import io.pks.operator.model.Scripts;

/**
 * A seed never replaces newer data with older (issue 14, item 3): before replacing a member's
 * data, seed.sh compares it (pg_controldata) with the primary's (IDENTIFY_SYSTEM) and refuses when
 * the member's is of a later timeline, later on the same timeline, or of another database system.
 * An ordinary rejoin, an old primary on an older timeline, is still re-seeded.
 */
class NewerDataIT {

  @RegisterExtension
  static final LocalPostgres POSTGRES = new LocalPostgres();

  private static final int NEWER_ROWS = 500;

  /**
   * The scenario: a failover to site-b, 500 rows committed there, the pair deleted under
   * Retain (both members stopped), then re-created with the original spec.primary: site-a. The
   * initdb Job keeps site-a's older data and site-a starts as primary; the seed of site-b must
   * not replace site-b's newer data with it.
   */
  @Test
  void aRecreatedPairDoesNotReseedTheNewerMemberFromTheStaleOne() throws Exception {
    LocalPair pair = streamingPairWithATable();
    pair.siteA.killPostmaster();
    assertThat(new Promotion(pair.connector).promote(pair.siteB.endpoint(), Duration.ofSeconds(30)))
        .isEqualTo(Promotion.Result.PROMOTED);
    pair.execute(pair.siteB, "INSERT INTO calls SELECT generate_series(1, " + NEWER_ROWS + ")");
    pair.siteB.stop();

    recreateWithPrimary(pair, pair.siteA);
    LocalMember.JobRun seed = pair.siteB.seed(Map.of());

    System.out.println("refusal as reported: " + seed.stderr().strip());
    assertRefused(seed, "site-b holds newer data than the primary: its data reached timeline 2, the primary's is 1");
    pair.siteA.stop();
    pair.siteB.start();
    pair.siteB.awaitReady();
    assertThat(pair.queryString(pair.siteB, "SELECT count(*) FROM calls")).isEqualTo(Integer.toString(NEWER_ROWS + 1));

    // The way out the refusal names: site-b as primary. site-a, an old primary on timeline 1,
    // is then re-seeded from it like any rejoin after a failover.
    new ReplicationSetup(pair.connector).ensureSlot(pair.siteB.endpoint(), Names.replicationSlot(LocalPair.SITE_A));
    LocalMember.JobRun rejoin = pair.siteA.seed(Map.of());
    assertThat(rejoin.exitCode()).as(rejoin.stderr()).isZero();
    pair.siteA.start();
    pair.siteA.awaitReady();
    pair.awaitStreaming(pair.siteB, LocalPair.SITE_A);
    assertThat(pair.queryString(pair.siteA, "SELECT count(*) FROM calls")).isEqualTo(Integer.toString(NEWER_ROWS + 1));
  }

  /** The primary's volume was lost and initialised anew: the standby's data is a whole other database. */
  @Test
  void aSeedNeverReplacesTheDataOfAnotherDatabaseSystem() throws Exception {
    LocalPair pair = streamingPairWithATable();
    pair.siteB.stop();
    pair.siteA.stop();
    LocalPair.deleteRecursively(pair.siteA.pgdata);

    recreateWithPrimary(pair, pair.siteA);
    LocalMember.JobRun seed = pair.siteB.seed(Map.of());

    assertRefused(seed, "site-b holds another database system than the primary");
    assertThat(pair.siteB.pgdata.resolve("standby.signal")).exists();
  }

  /**
   * The primary's data restored from an older copy of itself: the standby's data is on the same
   * timeline, further than anything the primary has.
   */
  @Test
  void aSeedNeverReplacesDataFurtherOnTheSameTimeline() throws Exception {
    LocalPair pair = streamingPairWithATable();
    pair.siteA.stop();
    Path olderCopy = pair.root.resolve("site-a-older-copy");
    copy(pair.siteA.pgdata, olderCopy);
    pair.siteA.start();
    pair.siteA.awaitReady();
    pair.execute(pair.siteA, "INSERT INTO calls SELECT generate_series(1, " + NEWER_ROWS + ")");
    await("the rows on site-b").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(() -> pair.queryString(pair.siteB, "SELECT count(*) FROM calls"), Integer.toString(NEWER_ROWS + 1)::equals);
    pair.siteB.stop();
    pair.siteA.stop();
    LocalPair.deleteRecursively(pair.siteA.pgdata);
    copy(olderCopy, pair.siteA.pgdata);

    recreateWithPrimary(pair, pair.siteA);
    LocalMember.JobRun seed = pair.siteB.seed(Map.of());

    assertRefused(seed, "site-b holds newer data than the primary: on timeline 1 its data reaches");
  }

  /** The seed refused with its own exit status, in one line saying {@code why}, the data untouched. */
  private static void assertRefused(LocalMember.JobRun seed, String why) {
    assertThat(seed.exitCode()).as(seed.stderr()).isEqualTo(Scripts.REFUSED_EXIT_CODE);
    assertThat(seed.stderr().lines()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains(why).contains("left untouched");
  }

  /** A cold copy of a stopped member's data folder, owners and modes kept. */
  private static void copy(Path from, Path to) throws Exception {
    Process cp = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).inheritIO().start();
    assertThat(cp.waitFor()).as("cp -a " + from + " " + to).isZero();
  }

  /** site-a streaming to site-b, with a table of one row both have. */
  private static LocalPair streamingPairWithATable() throws Exception {
    LocalPair pair = POSTGRES.newPair();
    pair.streamWithATable();
    return pair;
  }

  /** What a re-created pair does first: the initdb Job on the primary's volume, its start, role and slot. */
  private static void recreateWithPrimary(LocalPair pair, LocalMember primary) throws Exception {
    LocalMember.JobRun initdb = primary.initdb();
    assertThat(initdb.exitCode()).as(initdb.stderr()).isZero();
    primary.start();
    primary.awaitReady();
    pair.setUpReplication();
  }
}
