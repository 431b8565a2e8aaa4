package io.pks.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The peers' setup scripts and the bench's own pass shellcheck (Debian's shellcheck, which .ci/run
 * installs; without it this test fails, it does not skip).
 */
class PeersScriptsTest {

  @Test
  void everyBenchScriptPassesShellcheck() throws Exception {
    List<String> command = new ArrayList<>(List.of("shellcheck", "--external-sources"));
    command.addAll(scripts());
    Process shellcheck;
    try {
      shellcheck = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      fail("shellcheck is not installed (Debian package shellcheck; .ci/run installs it): " + e.getMessage());
      return;
    }
    String output = new String(shellcheck.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(shellcheck.waitFor()).as(output).isZero();
  }

  @Test
  void thePeersHaveTheirScripts() throws IOException {
    assertThat(scripts()).contains("bench/peers/patroni.sh", "bench/peers/pg_auto_failover.sh",
        "bench/peers/processes.sh", "bench/run.sh");
  }

  private static List<String> scripts() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("bench"), 2)) {
      return files.filter(file -> file.toString().endsWith(".sh")).map(Path::toString).sorted().toList();
    }
  }
}
