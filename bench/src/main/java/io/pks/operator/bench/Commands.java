package io.pks.operator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.pks.operator.sandbox.PostgresBinaries;
import io.pks.operator.sandbox.ScriptLauncher;

/**
 * Runs PostgreSQL's tools and the runbook script with exactly the given environment, as the user
 * PostgreSQL accepts (ScriptLauncher: postgres when root), their output in a log file.
 */
final class Commands {
  private static final long TIMEOUT_MINUTES = 5;

  private Commands() {
  }

  /** PATH with PostgreSQL's binaries first. */
  static String path() {
    return PostgresBinaries.bindir() + ":/usr/bin:/bin";
  }

  /** Runs {@code argv}; throws with the last line of its output unless it exits 0. */
  static void run(List<String> argv, Map<String, String> environment, Path log) throws IOException {
    Process process = new ProcessBuilder(ScriptLauncher.command(argv, environment)).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(argv.get(0) + " still running after " + TIMEOUT_MINUTES + " min; see " + log);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(argv.get(0) + " interrupted", e);
    }
    if (process.exitValue() != 0) {
      List<String> output = Files.readAllLines(log);
      throw new IllegalStateException(String.join(" ", argv) + " exited " + process.exitValue() + ": "
          + (output.isEmpty() ? "no output" : output.get(output.size() - 1)) + " (" + log + ")");
    }
  }
}
