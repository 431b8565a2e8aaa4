package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.pks.operator.model.PodLayout;

/**
 * The seed never loses the data it replaces: a failed seed says why in one line and leaves the
 * previous data as it was, and a seed interrupted during its swap is finished by the next run.
 */
class SeedSafetyIT {

  @RegisterExtension
  static final LocalPostgres POSTGRES = new LocalPostgres();

  private static final String PREVIOUS = "previous data of site-b";

  private static LocalPair pair;
  private static LocalMember member;

  @BeforeAll
  static void primary() throws Exception {
    pair = POSTGRES.newPair();
    pair.bootstrapPrimary();
    pair.setUpReplication();
    member = pair.siteB;
  }

  /** site-b stopped, holding some previous data, with nothing left over from an earlier test. */
  @BeforeEach
  void previousData() throws Exception {
    member.stop();
    for (Path path : new Path[] {member.pgdata, member.staging, previous(), completeMarker()}) {
      LocalPair.deleteRecursively(path);
    }
    pair.writeFile(previousMarker(member.pgdata), PREVIOUS);
  }

  @Test
  void wrongPasswordFailsInOneLineAndKeepsThePreviousData() throws Exception {
    Path wrongSecret = pair.root.resolve("wrong-replication-secret");
    pair.writeFile(wrongSecret.resolve("password"), "not-the-password");

    LocalMember.JobRun run = member.seed(Map.of(PodLayout.ENV_REPLICATION_SECRET_DIR, wrongSecret.toString()));

    assertFailedKeepingPreviousData(run, "wrong password for replication user repuser");
  }

  @Test
  void unreachablePrimaryFailsInOneLineAndKeepsThePreviousData() throws Exception {
    LocalMember.JobRun run = member.seed(
        Map.of(PodLayout.ENV_PRIMARY_PORT, Integer.toString(LocalPair.freePort())));

    assertFailedKeepingPreviousData(run, "unreachable: Connection refused");
  }

  @Test
  void swapInterruptedAfterTheOldDataWasMovedAsideIsFinishedByTheNextRun() throws Exception {
    assertThat(member.seed(Map.of()).exitCode()).isZero();
    // The state of a seed killed between its two renames, with a re-seed requested.
    Files.move(member.pgdata, member.staging);
    pair.writeFile(completeMarker(), "");
    pair.writeFile(previousMarker(previous()), PREVIOUS);
    pair.writeFile(member.reseedMarker(), "");

    // No primary to copy from: the run can only succeed by finishing the swap.
    LocalMember.JobRun rerun = member.seed(
        Map.of(PodLayout.ENV_PRIMARY_PORT, Integer.toString(LocalPair.freePort())));

    assertThat(rerun.exitCode()).as(rerun.stderr()).isZero();
    assertThat(rerun.stdout()).contains("resuming an interrupted seed");
    assertThat(member.pgdata.resolve("PG_VERSION")).exists();
    assertThat(member.pgdata.resolve("standby.signal")).exists();
    for (Path gone : new Path[] {member.staging, previous(), completeMarker(), member.reseedMarker()}) {
      assertThat(gone).doesNotExist();
    }
    member.start();
    member.awaitReady();
    pair.awaitStreaming(pair.siteA, LocalPair.SITE_B);
  }

  private void assertFailedKeepingPreviousData(LocalMember.JobRun run, String reason) throws Exception {
    System.out.println("seed failure as reported: " + run.stderr().strip());
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.stderr().lines()).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains(reason).contains("previous data in " + member.pgdata + " left untouched");
    assertThat(Files.readString(previousMarker(member.pgdata))).isEqualTo(PREVIOUS);
    assertThat(member.staging).doesNotExist();
    assertThat(completeMarker()).doesNotExist();
  }

  private static Path previousMarker(Path dataDirectory) {
    return dataDirectory.resolve("PREVIOUS_DATA_MARKER");
  }

  /** Where seed.sh keeps the data it replaces until the new copy is in place. */
  private static Path previous() {
    return member.pgdata.resolveSibling(member.pgdata.getFileName() + ".previous");
  }

  /** seed.sh's mark of a complete, verified copy in staging. */
  private static Path completeMarker() {
    return member.staging.resolveSibling(member.staging.getFileName() + ".complete");
  }
}
