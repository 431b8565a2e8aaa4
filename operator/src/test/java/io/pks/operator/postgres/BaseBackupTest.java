package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** What backup.sh's output, read back through COPY FROM PROGRAM, says of the backup. */
class BaseBackupTest {

  @Test
  void aZeroExitStatusIsASuccessWithTheBackupsLabel() {
    assertThat(BaseBackup.outcome(List.of("2026-11-30T13:03:29Z backup: backup of stanza pks",
        "2026-11-30T13:03:47Z backup: backup complete: new backup label = 20261130-130331F", "exit 0")))
        .isEqualTo(new BaseBackup.Outcome(true, "2026-11-30T13:03:47Z backup: backup complete: new backup label"
            + " = 20261130-130331F", null));
  }

  @Test
  void anyOtherStatusIsAFailureWithTheScriptsLastLine() {
    assertThat(BaseBackup.outcome(List.of("backup: pgbackrest backup: ERROR: [039]: HTTP request failed", "exit 1")))
        .isEqualTo(new BaseBackup.Outcome(false, "backup: pgbackrest backup: ERROR: [039]: HTTP request failed", null));
    assertThat(BaseBackup.outcome(List.of())).isEqualTo(new BaseBackup.Outcome(false, "backup.sh said nothing", null));
  }

  @Test
  void theFirstRecoverabilityPointIsTheEndOfTheOldestBackupPgBackRestLists() {
    // pgBackRest 2.45's info --output=json, shortened: backups oldest first, times in epoch seconds.
    String info = "[{\"backup\":[{\"label\":\"20261130-130331F\",\"timestamp\":{\"start\":1796043811,"
        + "\"stop\":1796043827},\"type\":\"full\"},{\"label\":\"20261201-020001F\",\"timestamp\":"
        + "{\"start\":1796090401,\"stop\":1796090420},\"type\":\"full\"}],\"name\":\"pks\"}]";

    BaseBackup.Outcome outcome = BaseBackup.outcome(List.of("backup: backup of stanza pks", "pgbackrest info: " + info,
        "backup: backup complete: new backup label = 20261201-020001F", "exit 0"));

    assertThat(outcome.firstRecoverabilityPoint()).isEqualTo(Instant.ofEpochSecond(1796043827));
    assertThat(outcome.lastLine()).isEqualTo("backup: backup complete: new backup label = 20261201-020001F");
  }

  @Test
  void noBackupListedOrAnUnreadableListLeavesTheFirstRecoverabilityPointUnknown() {
    assertThat(BaseBackup.oldestBackupStop("[{\"backup\":[],\"name\":\"pks\"}]")).isEmpty();
    assertThat(BaseBackup.oldestBackupStop("[{\"backup\":[{\"timestamp\":")).isEmpty();
  }

  @Test
  void theProgramBlanksWhatCopysTextFormatWouldMisread() {
    assertThat(BaseBackup.program(List.of())).isEqualTo(
        "{ sh \"$PKS_SCRIPTS_DIR/backup.sh\" 2>&1; echo \"exit $?\"; } | tr '\\t\\\\' '  '");
  }

  @Test
  void aStandbyToReadFromIsGivenToTheScriptAsQuotedArguments() {
    BaseBackup.Standby standby = new BaseBackup.Standby("pks-site-b-0.pks-site-b.telephony.svc.cluster.local", 8432,
        "/var/lib/postgresql/data/pgdata", "/var/run/o'dd", 5432);

    assertThat(BaseBackup.program(standby.arguments())).isEqualTo("{ sh \"$PKS_SCRIPTS_DIR/backup.sh\""
        + " 'pks-site-b-0.pks-site-b.telephony.svc.cluster.local' '8432' '/var/lib/postgresql/data/pgdata'"
        + " '/var/run/o'\\''dd' '5432' 2>&1; echo \"exit $?\"; } | tr '\\t\\\\' '  '");
  }
}
