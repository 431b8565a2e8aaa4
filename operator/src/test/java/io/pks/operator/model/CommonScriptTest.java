package io.pks.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pks-common.sh's quoting, run by /bin/sh: a value with a character libpq needs escaped is escaped,
 * and one without (what nearly every start meets) is printed as it is, without sed.
 */
class CommonScriptTest {
  @TempDir
  Path folder;

  @Test
  void aConnectionValueIsQuotedAndItsQuotesAndBackslashesEscaped() throws Exception {
    assertThat(run("conninfo_value", "pks-rw.calls.svc")).isEqualTo("'pks-rw.calls.svc'");
    assertThat(run("conninfo_value", "/run/a folder")).isEqualTo("'/run/a folder'");
    assertThat(run("conninfo_value", "it's")).isEqualTo("'it\\'s'");
    assertThat(run("conninfo_value", "back\\slash")).isEqualTo("'back\\\\slash'");
  }

  @Test
  void aPassfileFieldHasItsColonsAndBackslashesEscaped() throws Exception {
    assertThat(run("passfile_field", "repuser")).isEqualTo("repuser");
    assertThat(run("passfile_field", "rep:user")).isEqualTo("rep\\:user");
    assertThat(run("passfile_field", "rep\\user")).isEqualTo("rep\\\\user");
  }

  /** What {@code function value} prints, with pks-common.sh sourced as the scripts source it. */
  private String run(String function, String value) throws IOException, InterruptedException {
    Path common = folder.resolve(Scripts.COMMON);
    Files.writeString(common, Scripts.texts().get(Scripts.COMMON));
    ProcessBuilder shell = new ProcessBuilder("/bin/sh", "-c", ". \"$0\"; \"$1\" \"$2\"", common.toString(),
        function, value);
    shell.environment().clear();
    shell.environment().putAll(Map.of(PodLayout.ENV_PGDATA, "/data/pgdata", PodLayout.ENV_RUN_DIR, "/run",
        "PATH", "/usr/bin:/bin"));
    Process process = shell.redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
    return output;
  }
}
