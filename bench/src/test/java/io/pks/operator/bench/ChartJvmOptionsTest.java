package io.pks.operator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/chart-jvm-options.sh hands the bench's JVM (where the sandbox's operator runs) the chart's
 * collector and common pool, read from the chart itself.
 */
class ChartJvmOptionsTest {
  private static final Path SCRIPT = Path.of("bench/chart-jvm-options.sh");

  @Test
  void theBenchsJvmGetsTheChartsCollectorAndCommonPool() throws Exception {
    Run run = run(SCRIPT);

    List<String> chart = ChartSizing.jvmOptions(500).stream()
        .filter(option -> option.matches("-XX:\\+Use\\w+GC|-Djava\\.util\\.concurrent\\.ForkJoinPool\\.common\\.parallelism=\\d+"))
        .toList();
    assertThat(run.status()).as(run.output()).isZero();
    assertThat(Arrays.asList(run.output().trim().split(" "))).containsExactlyElementsOf(chart)
        .anyMatch(option -> option.startsWith("-XX:+Use"))
        .anyMatch(option -> option.startsWith("-Djava.util.concurrent.ForkJoinPool.common.parallelism="));
  }

  @Test
  void aChartWithoutThemStopsTheBenchSayingWhichField(@TempDir Path tree) throws Exception {
    Files.createDirectories(tree.resolve("bench"));
    Path script = Files.copy(SCRIPT, tree.resolve(SCRIPT));
    Path values = tree.resolve(ChartSizing.VALUES);
    Files.createDirectories(values.getParent());
    Files.writeString(values, "sizing:\n  pairs: 500\n  jvmOptions: -Xss512k -XX:+ExitOnOutOfMemoryError\n");

    Run run = run(script);

    assertThat(run.status()).isEqualTo(1);
    assertThat(run.output()).contains("sizing.jvmOptions in helm/pks-operator/values.yaml names no collector");
  }

  private record Run(int status, String output) {
  }

  private static Run run(Path script) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(process.waitFor(), output);
  }
}
