package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pks.operator.model.Names;

/**
 * {@code kubectl exec} served by the sandbox's API server, and {@code kubectl pks psql} on it (issue 15): real
 * kubectl, the real plugin (bin/kubectl-pks found on PATH, as a user installs it), real psql in the members' pods.
 */
class KubectlPksPsqlE2E {
  private static final String A = "site-a";
  private static final String B = "site-b";
  /** The plugin as the repository ships it (tests run in the repository's root); it runs the jar the build leaves. */
  private static final Path PLUGINS = Path.of("bin").toAbsolutePath();

  @TempDir
  static Path home;

  private static SandboxFixture fixture;
  private static SandboxPair pair;
  private static Kubectl kubectl;

  @BeforeAll
  static void streamingPair() {
    fixture = SandboxFixture.start("kubectl-pks-psql-e2e");
    pair = SandboxPair.create(fixture.sandbox, "psql", json -> { });
    pair.awaitSynchronous();
    kubectl = new Kubectl(fixture.sandbox.kubeconfig(), home);
  }

  @AfterAll
  static void stop() throws IOException {
    fixture.close();
  }

  @Test
  void execRunsTheCommandInThePodWithStdinAndGivesBackItsOutputsAndExitCode() {
    Kubectl.Result run = kubectl.runWithPlugins(PLUGINS, "piped in\n", "exec", "-i", "-n", pair.namespace,
        Names.pod(pair.name, A), "--", "sh", "-c", "cat; echo \"$PKS_MEMBER\" >&2; exit 3");
    assertThat(run.out()).isEqualTo("piped in\n");
    assertThat(run.err()).as("stderr, then kubectl's line on the exit code")
        .contains(A + "\ncommand terminated with exit code 3");
    assertThat(run.exitCode()).isEqualTo(3);
  }

  @Test
  void execIntoAPodThatDoesNotExistIsRefused() {
    Kubectl.Result run = kubectl.runWithPlugins(PLUGINS, "", "exec", "-i", "-n", pair.namespace, "pks-nowhere-0",
        "--", "true");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("pods \"pks-nowhere-0\" not found");
  }

  @Test
  void psqlRunsOnThePrimaryByDefault() {
    assertThat(psql("", "--", "-tAc", "SELECT pg_is_in_recovery()").out()).isEqualTo("f\n");
  }

  @Test
  void psqlRunsOnTheMemberAsked() {
    String standby = pair.get().getStatus().currentPrimary().equals(A) ? B : A;
    assertThat(psql("", "--member", standby, "--", "-tAc", "SELECT pg_is_in_recovery()").out()).isEqualTo("t\n");
  }

  @Test
  void psqlReadsStatementsPipedOnStdinAndLeavesNoPassfile() throws IOException {
    assertThat(psql("SELECT 40 + 2;\nSELECT current_user = 'postgres';\n", "--", "-tA").out()).isEqualTo("42\nt\n");
    assertNoPassfileInThePrimary();
  }

  @Test
  void psqlOnATerminalIsInteractiveOnTheTerminalsSizeAndLeavesNoPassfile() throws Exception {
    Path screen = home.resolve("terminal.screen");
    Process session = psqlOnTerminal(screen);
    try (Writer keyboard = new OutputStreamWriter(session.getOutputStream(), StandardCharsets.UTF_8)) {
      type(keyboard, "SELECT pg_is_in_recovery();\n");
      awaitShown(session, screen, "(1 row)");
      type(keyboard, "\\! stty size\n");
      awaitShown(session, screen, "30 100");
      type(keyboard, "\\q\n");
      assertThat(session.waitFor(60, TimeUnit.SECONDS)).as("psql ended by \\q").isTrue();
    } finally {
      session.destroyForcibly();
    }
    assertThat(session.exitValue()).as(Files.readString(screen)).isZero();
    assertThat(Files.readString(screen)).as("psql's prompt, its aligned answer, the pod's terminal size")
        .contains("postgres=# SELECT pg_is_in_recovery();", "\r\n f\r\n", "30 100\r\n");
    assertNoPassfileInThePrimary();
  }

  /**
   * The passfile is gone once psql runs, and a {@code \c} still connects; a session cut off
   * (kubectl killed) leaves nothing behind.
   */
  @Test
  void aPsqlSessionHoldsNoPassfileInThePodEvenWhenItIsCutOff() throws Exception {
    Path screen = home.resolve("cut.screen");
    Process session = psqlOnTerminal(screen);
    try (Writer keyboard = new OutputStreamWriter(session.getOutputStream(), StandardCharsets.UTF_8)) {
      assertNoPassfileInThePrimary();
      type(keyboard, "\\c postgres\n");
      awaitShown(session, screen, "You are now connected to database");
    } finally {
      session.destroyForcibly();
    }
    assertNoPassfileInThePrimary();
  }

  /** {@code kubectl pks psql pks} on a terminal of 100×30, once psql shows its prompt. */
  private static Process psqlOnTerminal(Path screen) {
    Process session = kubectl.startOnTerminal(PLUGINS, screen, 100, 30, "pks", "psql", pair.name, "-n",
        pair.namespace);
    try {
      awaitShown(session, screen, "postgres=#");
      return session;
    } catch (RuntimeException | Error failure) {
      session.destroyForcibly();
      throw failure;
    }
  }

  private static void type(Writer keyboard, String line) throws IOException {
    keyboard.write(line);
    keyboard.flush();
  }

  /** Waits until the terminal shows {@code text}, failing at once if the session ended without it. */
  private static void awaitShown(Process session, Path screen, String text) {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .failFast("the session ended before showing " + text, () -> !session.isAlive()
            && !Files.readString(screen).contains(text))
        .until(() -> Files.readString(screen).contains(text));
  }

  private static void assertNoPassfileInThePrimary() throws IOException {
    Path runDir = fixture.sandbox.runtime().podDir(pair.namespace, Names.pod(pair.name, pair.get().getStatus()
        .currentPrimary()));
    try (Stream<Path> files = Files.walk(runDir)) {
      assertThat(files.map(Path::getFileName).map(Path::toString)).as("passfiles left in the pod")
          .noneMatch(name -> name.startsWith("psql."));
    }
  }

  @Test
  void psqlGivesBackPsqlsExitCode() {
    Kubectl.Result failed = run("", "--", "-v", "ON_ERROR_STOP=1", "-c", "SELECT no_such_column");
    assertThat(failed.exitCode()).as(failed.err()).isEqualTo(1);
    assertThat(failed.err()).contains("column \"no_such_column\" does not exist");
  }

  @Test
  void psqlOnAMemberThatDoesNotExistIsRefused() {
    Kubectl.Result refused = run("", "--member", "site-z", "--", "-c", "SELECT 1");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("site-z is not a member of psql/pks: choose one of [site-a, site-b]");
  }

  /** {@code kubectl pks psql pks args...}; it must succeed. */
  private static Kubectl.Result psql(String input, String... args) {
    Kubectl.Result run = run(input, args);
    assertThat(run.exitCode()).as(run.err()).isZero();
    return run;
  }

  private static Kubectl.Result run(String input, String... args) {
    List<String> command = new ArrayList<>(List.of("pks", "psql", pair.name, "-n", pair.namespace));
    command.addAll(List.of(args));
    return kubectl.runWithPlugins(PLUGINS, input, command.toArray(String[]::new));
  }
}
