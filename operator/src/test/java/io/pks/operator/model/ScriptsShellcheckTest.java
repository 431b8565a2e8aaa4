package io.pks.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scripts the members and Jobs run, as the scripts' ConfigMap ships them, pass shellcheck as
 * POSIX sh (Debian's shellcheck, which .ci/run installs; without it this test fails, it does not
 * skip). They run at a member's start and before a seed, where a quoting mistake costs data.
 */
class ScriptsShellcheckTest {
  @TempDir
  Path folder;

  @Test
  void everyScriptPassesShellcheck() throws Exception {
    List<String> command = new ArrayList<>(List.of("shellcheck", "--shell=sh", "--external-sources"));
    for (Map.Entry<String, String> script : Scripts.texts().entrySet()) {
      Path file = folder.resolve(script.getKey());
      Files.writeString(file, script.getValue());
      command.add(file.getFileName().toString());
    }
    assertThat(command).contains(Scripts.COMMON, Scripts.ENTRYPOINT, Scripts.INITDB);
    Process shellcheck;
    try {
      shellcheck = new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      fail("shellcheck is not installed (Debian package shellcheck; .ci/run installs it): " + e.getMessage());
      return;
    }
    String output = new String(shellcheck.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(shellcheck.waitFor()).as(output).isZero();
  }
}
