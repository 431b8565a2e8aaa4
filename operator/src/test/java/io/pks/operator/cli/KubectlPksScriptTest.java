package io.pks.operator.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bin/kubectl-pks under POSIX sh, with a stand-in {@code java} that prints its arguments: which jar
 * the script finds, and that kubectl's arguments reach it unchanged.
 */
class KubectlPksScriptTest {
  private static final Path SCRIPT = Path.of("bin/kubectl-pks");

  private record Run(int exitCode, String out, String err) {
  }

  @TempDir
  Path dir;

  private Path fakeJava;

  @BeforeEach
  void fakeJava() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("fake-bin"));
    fakeJava = bin.resolve("java");
    Files.writeString(fakeJava, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Run run(Path script, Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("sh", script.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().remove("PKS_OPERATOR_JAR");
    builder.environment().remove("PKS_JAVA_OPTS");
    builder.environment().put("PATH", fakeJava.getParent() + ":" + System.getenv("PATH"));
    builder.environment().putAll(env);
    Process process = builder.start();
    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void runsTheJarNamedByTheEnvironmentWithKubectlsArguments() throws Exception {
    Path jar = Files.createFile(dir.resolve("elsewhere.jar"));

    Run run = run(SCRIPT, Map.of("PKS_OPERATOR_JAR", jar.toString(), "PKS_JAVA_OPTS", "-Xmx64m -Xss1m"),
        "switchover", "pks", "--to", "site b", "-n", "telephony");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly("-Xmx64m", "-Xss1m", "-jar", jar.toString(),
        "switchover", "pks", "--to", "site b", "-n", "telephony");
  }

  @Test
  void findsTheJarNextToItself() throws Exception {
    Path installed = Files.createDirectories(dir.resolve("plugins"));
    Path script = Files.copy(SCRIPT, installed.resolve("kubectl-pks"));
    Files.createFile(installed.resolve("pks-operator.jar"));

    Run run = run(script, Map.of(), "status", "pks");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out().lines()).containsExactly("-jar", installed + "/pks-operator.jar", "status", "pks");
  }

  @Test
  void saysWhereItLookedWhenThereIsNoJar() throws Exception {
    Path installed = Files.createDirectories(dir.resolve("plugins"));
    Path script = Files.copy(SCRIPT, installed.resolve("kubectl-pks"));

    Run run = run(script, Map.of(), "status", "pks");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("kubectl-pks: " + installed + "/../operator/target/pks-operator.jar not found:"
        + " set PKS_OPERATOR_JAR or put pks-operator.jar next to " + script + "\n");
  }
}
