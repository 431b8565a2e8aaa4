package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** What backup.sh's output, read back through COPY FROM PROGRAM, says of the backup. */
class BaseBackupTest {

  @Test
  void aZeroExitStatusIsASuccessWithTheBackupsLabel() {
    assertThat(BaseBackup.outcome(List.of("2026-11-30T13:03:29Z backup: backup of stanza pks",
        "2026-11-30T13:03:47Z backup: backup complete: new backup label = 20261130-130331F", "exit 0")))
        .isEqualTo(new BaseBackup.Outcome(true, "2026-11-30T13:03:47Z backup: backup complete: new backup label"
            + " = 20261130-130331F"));
  }

  @Test
  void anyOtherStatusIsAFailureWithTheScriptsLastLine() {
    assertThat(BaseBackup.outcome(List.of("backup: pgbackrest backup: ERROR: [039]: HTTP request failed", "exit 1")))
        .isEqualTo(new BaseBackup.Outcome(false, "backup: pgbackrest backup: ERROR: [039]: HTTP request failed"));
    assertThat(BaseBackup.outcome(List.of())).isEqualTo(new BaseBackup.Outcome(false, "backup.sh said nothing"));
  }

  @Test
  void theProgramBlanksWhatCopysTextFormatWouldMisread() {
    assertThat(BaseBackup.PROGRAM).isEqualTo(
        "{ sh \"$PKS_SCRIPTS_DIR/backup.sh\" 2>&1; echo \"exit $?\"; } | tr '\\t\\\\' '  '");
  }
}
