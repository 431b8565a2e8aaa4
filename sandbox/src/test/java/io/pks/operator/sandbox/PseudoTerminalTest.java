package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class PseudoTerminalTest {
  private static final List<String> AWKWARD = List.of("psql", "-c", "SELECT 'it''s'; -- $HOME `id` \"x\"", "a b", "");

  @Test
  void theCommandRunsTheArgumentsAsOneShellLineUnderScriptKeepingNoTypescriptAndGivingBackTheirExitCode() {
    assertThat(PseudoTerminal.command(List.of("sh", "-c", "exit 3"))).containsExactly("script", "--quiet",
        "--return", "--command", "'sh' '-c' 'exit 3'", "/dev/null");
  }

  @Test
  void shellWordsReachTheCommandUnchangedThroughSh() throws Exception {
    List<String> printed = new ArrayList<>(List.of("sh", "-c", "printf '%s\\n' " + PseudoTerminal.shellWords(AWKWARD)));
    Process sh = new ProcessBuilder(printed).start();
    String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(sh.waitFor()).isZero();
    assertThat(out).isEqualTo(String.join("\n", AWKWARD) + "\n");
  }
}
