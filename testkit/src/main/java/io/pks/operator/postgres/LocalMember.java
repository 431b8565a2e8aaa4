package io.pks.operator.postgres;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.pks.operator.sandbox.ScriptLauncher;
import io.pks.operator.sandbox.PostgresBinaries;
import io.pks.operator.model.LoopbackNetwork;
import io.pks.operator.model.PodLayout;
import io.pks.operator.model.Scripts;

/**
 * One member as a local process tree: the operator's member-entrypoint.sh (and through it
 * PostgreSQL) on a loopback port, or its Job scripts (initdb, seed, backup, restore), with the environment a pod would give them.
 * Output goes to log files under the member's folder, printed when a test fails.
 */
final class LocalMember {
  private static final Duration STOP_BOUND = Duration.ofSeconds(15);
  private static final Duration JOB_BOUND = Duration.ofSeconds(60);
  /** A backup or a restore talks to an object store, which takes tens of seconds on a busy machine. */
  private static final Duration BACKUP_JOB_BOUND = Duration.ofMinutes(5);

  final String name;
  final int port;
  final Path folder;
  final Path pgdata;
  final Path staging;
  final Path runDir;
  private final Path scriptsDir;
  private final Map<String, String> environment;
  private Process entrypoint;
  private int jobRuns;

  /** @param environment the pair-wide part of the environment; the member adds its own */
  LocalMember(String name, int port, Path folder, Path scriptsDir, Map<String, String> environment) {
    this.name = name;
    this.port = port;
    this.folder = folder;
    Path dataMount = folder.resolve("data");
    this.pgdata = dataMount.resolve("pgdata");
    this.staging = dataMount.resolve("repl");
    this.runDir = folder.resolve("run");
    this.scriptsDir = scriptsDir;
    this.environment = new LinkedHashMap<>(environment);
    this.environment.put(PodLayout.ENV_MEMBER, name);
    this.environment.put(PodLayout.ENV_PGDATA, pgdata.toString());
    this.environment.put(PodLayout.ENV_PGPORT, Integer.toString(port));
    this.environment.put(PodLayout.ENV_STAGING, staging.toString());
    this.environment.put(PodLayout.ENV_RUN_DIR, runDir.toString());
    this.environment.put(PodLayout.ENV_LISTEN_ADDRESSES, LoopbackNetwork.LOOPBACK_HOST);
    try {
      Files.createDirectories(dataMount);
      Files.createDirectories(runDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ScriptLauncher.own(folder);
  }

  /** One variable of the environment the member's scripts get. */
  String environment(String variable) {
    return environment.get(variable);
  }

  MemberEndpoint endpoint() {
    return new MemberEndpoint(name, LoopbackNetwork.LOOPBACK_HOST, port);
  }

  Path log() {
    return folder.resolve("member.log");
  }

  /** The file that keeps this member waiting until it is seeded again. */
  Path reseedMarker() {
    return pgdata.getParent().resolve(PodLayout.RESEED_MARKER);
  }

  /** Starts member-entrypoint.sh. */
  void start() {
    try {
      entrypoint = new ProcessBuilder(ScriptLauncher.command(List.of("/bin/sh", scriptsDir.resolve(Scripts.ENTRYPOINT).toString()), environment))
          .redirectErrorStream(true)
          .redirectOutput(Redirect.appendTo(log().toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the entrypoint of " + name, e);
    }
  }

  boolean running() {
    return entrypoint != null && entrypoint.isAlive();
  }

  /** Waits until pg_isready says PostgreSQL accepts connections; fails at once if it exited. */
  void awaitReady() {
    await("member " + name + " ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .failFast("entrypoint of " + name + " exited", () -> !running())
        .until(this::ready);
  }

  boolean ready() {
    return run(List.of(PostgresBinaries.tool("pg_isready").toString(), "-q", "-t", "1",
        "-h", LoopbackNetwork.LOOPBACK_HOST, "-p", Integer.toString(port))) == 0;
  }

  /** Waits for a line of the member's log; returns how long after {@code since} it was seen. */
  Duration awaitLogLine(String text, long sinceNanos) {
    await("'" + text + "' in the log of " + name).atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> Files.exists(log()) && Files.readString(log()).contains(text));
    return Duration.ofNanos(System.nanoTime() - sinceNanos);
  }

  /** SIGTERM, as Kubernetes stops a pod; SIGKILL for the whole tree after a bound. */
  void stop() {
    if (entrypoint == null) {
      return;
    }
    if (entrypoint.isAlive()) {
      ScriptLauncher.script(entrypoint).destroy();
    }
    try {
      if (!entrypoint.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
        entrypoint.descendants().forEach(ProcessHandle::destroyForcibly);
        entrypoint.destroyForcibly().waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The exit status of the stopped entrypoint. */
  int exitValue() {
    return entrypoint.exitValue();
  }

  /** kill -9 of the postmaster: a crash, with no shutdown checkpoint and no goodbye to standbys. */
  void killPostmaster() throws IOException, InterruptedException {
    long pid = Long.parseLong(Files.readAllLines(pgdata.resolve("postmaster.pid")).get(0).trim());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    if (!entrypoint.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("entrypoint of " + name + " still running after kill -9 of postgres");
    }
  }

  /** One run of a Job's script (initdb.sh, seed.sh). */
  record JobRun(int exitCode, String stdout, String stderr, Duration took) {
  }

  /** Runs initdb.sh to its end, as the initdb Job does. */
  JobRun initdb() throws IOException, InterruptedException {
    return runJob(Scripts.INITDB, Map.of(), JOB_BOUND);
  }

  /** Runs seed.sh to its end with the member's environment plus {@code overrides}. */
  JobRun seed(Map<String, String> overrides) throws IOException, InterruptedException {
    return runJob(Scripts.SEED, overrides, JOB_BOUND);
  }

  /** Runs backup.sh to its end, as a backup request does in the member's container. */
  JobRun backup() throws IOException, InterruptedException {
    return runJob(Scripts.BACKUP, Map.of(), BACKUP_JOB_BOUND);
  }

  /** Runs restore.sh to its end, as the restore Job does. */
  JobRun restore() throws IOException, InterruptedException {
    return runJob(Scripts.RESTORE, Map.of(), BACKUP_JOB_BOUND);
  }

  private JobRun runJob(String script, Map<String, String> overrides, Duration bound)
      throws IOException, InterruptedException {
    Map<String, String> env = new LinkedHashMap<>(environment);
    env.putAll(overrides);
    jobRuns++;
    String prefix = script.replace(".sh", "") + "-" + jobRuns;
    Path out = folder.resolve(prefix + ".stdout.log");
    Path err = folder.resolve(prefix + ".stderr.log");
    long start = System.nanoTime();
    Process job = new ProcessBuilder(ScriptLauncher.command(List.of("/bin/sh", scriptsDir.resolve(script).toString()), env))
        .redirectOutput(out.toFile())
        .redirectError(err.toFile())
        .start();
    if (!job.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
      job.descendants().forEach(ProcessHandle::destroyForcibly);
      job.destroyForcibly();
      throw new IllegalStateException(script + " of " + name + " still running after " + bound);
    }
    return new JobRun(job.exitValue(), Files.readString(out), Files.readString(err),
        Duration.ofNanos(System.nanoTime() - start));
  }

  private static int run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(Redirect.DISCARD).start();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return -1;
      }
      return process.exitValue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Every log file of this member, for a failure report. */
  String logs() throws IOException {
    StringBuilder logs = new StringBuilder();
    try (var files = Files.list(folder)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        logs.append("----- ").append(file).append('\n')
            .append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
      }
    }
    return logs.toString();
  }
}
