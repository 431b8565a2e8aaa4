package io.pks.operator.postgres;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.pks.operator.api.v1alpha1.MemberJob;
import io.pks.operator.api.v1alpha1.MemberJobKind;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Jobs;
import io.pks.operator.model.LoopbackNetwork;
import io.pks.operator.model.PodLayout;
import io.pks.operator.model.Scripts;
import io.pks.operator.model.StatefulSets;
import io.pks.operator.sandbox.LocalContainer;
import io.pks.operator.sandbox.PodSources;
import io.pks.operator.sandbox.PostgresBinaries;
import io.pks.operator.sandbox.ScriptLauncher;
import io.pks.operator.sandbox.StatefulSetController;

/**
 * One member as local processes run from the operator's own pod specs, as the sandbox's kubelet
 * runs them: the StatefulSet's pod (member-entrypoint.sh, and through it PostgreSQL) on a loopback
 * port, and the Jobs' pods (initdb, seed, restore), each with its volumes made into folders (the
 * claim's shared by all); backup.sh runs in the member's container, as PostgreSQL runs it there.
 * Output goes to log files under the member's folder, printed when a test fails.
 */
final class LocalMember {
  private static final Duration JOB_BOUND = Duration.ofSeconds(60);
  /** A backup or a restore talks to an object store, which takes tens of seconds on a busy machine. */
  private static final Duration BACKUP_JOB_BOUND = Duration.ofMinutes(5);
  /** How long a member has to stop before the test calls it stuck (the container's own grace is longer). */
  private static final Duration STOP_BOUND = Duration.ofSeconds(15);

  final String name;
  final int port;
  final Path folder;
  final Path pgdata;
  final Path staging;
  final Path runDir;
  private final PksReplicaPair pair;
  private final PodSources sources;
  /** This member's port and its peer's as the primary. */
  private final Map<String, String> network;
  private LocalContainer entrypoint;
  private int jobRuns;

  /** @param sources the pair's ConfigMap and Secrets, and the member's data claim (its folder under {@code folder}) */
  LocalMember(PksReplicaPair pair, String name, int port, int peerPort, Path folder, PodSources sources) {
    this.pair = pair;
    this.name = name;
    this.port = port;
    this.folder = folder;
    this.sources = sources;
    this.network = LocalContainer.networkEnv(port, peerPort);
    LocalContainer member = memberContainer();
    this.pgdata = member.folder(PodLayout.PGDATA);
    this.staging = member.folder(PodLayout.STAGING);
    this.runDir = member.folder(PodLayout.RUN_DIR);
  }

  /** The member's pod as the StatefulSet the operator renders makes it. */
  private LocalContainer memberContainer() {
    Pod pod = StatefulSetController.replica(StatefulSets.build(pair, pair.getSpec().member(name), "local", 1, null));
    return LocalContainer.onThisMachine(pod, folder.resolve("pod"), sources);
  }

  /** A Job's pod, as the Job controller makes it from the template. */
  private Pod pod(PodTemplateSpec template, String podName) {
    return new PodBuilder()
        .withMetadata(new ObjectMetaBuilder(template.getMetadata()).withName(podName)
            .withNamespace(pair.getMetadata().getNamespace()).build())
        .withSpec(template.getSpec())
        .build();
  }

  /** One variable of the environment the member's container runs with (mount paths made folders). */
  String environment(String variable) {
    return memberContainer().environment().get(variable);
  }

  MemberEndpoint endpoint() {
    return new MemberEndpoint(name, LoopbackNetwork.LOOPBACK_HOST, port);
  }

  /** The member container's output: its script's lines and PostgreSQL's log. */
  Path log() {
    return folder.resolve("pod").resolve("container.log");
  }

  /** The file that keeps this member waiting until it is seeded again. */
  Path reseedMarker() {
    return pgdata.getParent().resolve(PodLayout.RESEED_MARKER);
  }

  /** The file the isolation check leaves when it stopped this member as an isolated primary. */
  Path isolationMarker() {
    return pgdata.getParent().resolve(PodLayout.ISOLATION_MARKER);
  }

  /** Starts the member's container (member-entrypoint.sh). */
  void start() {
    start(Map.of());
  }

  /** Starts the member's container with {@code overrides} over its environment (a kubelet's variables). */
  void start(Map<String, String> overrides) {
    Map<String, String> environment = new LinkedHashMap<>(network);
    environment.putAll(overrides);
    entrypoint = memberContainer().start(environment, LocalContainer.Output.MERGED);
  }

  boolean running() {
    return entrypoint != null && entrypoint.running();
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

  /** SIGTERM, as the kubelet stops a container; SIGKILL for the whole tree after its grace period. */
  void stop() {
    if (entrypoint != null) {
      entrypoint.stop();
    }
  }

  /** The exit status of the stopped entrypoint. */
  int exitValue() {
    return entrypoint.exitCode();
  }

  /**
   * kill -9 of the postmaster: a crash, with no shutdown checkpoint and no goodbye to standbys. Ends
   * once the entrypoint and the postmaster's children have gone (a start before that would find
   * its shared memory still in use); returns how long the entrypoint outlived the postmaster.
   */
  Duration killPostmaster() throws IOException, InterruptedException {
    long pid = Long.parseLong(Files.readAllLines(pgdata.resolve("postmaster.pid")).get(0).trim());
    Optional<ProcessHandle> postmaster = ProcessHandle.of(pid);
    List<ProcessHandle> children = postmaster.map(handle -> handle.children().toList()).orElse(List.of());
    long killed = System.nanoTime();
    postmaster.ifPresent(ProcessHandle::destroyForcibly);
    if (!entrypoint.awaitExit(STOP_BOUND)) {
      throw new IllegalStateException("entrypoint of " + name + " still running after kill -9 of postgres");
    }
    Duration outlived = Duration.ofNanos(System.nanoTime() - killed);
    await("the children of " + name + "'s postmaster gone").atMost(STOP_BOUND).pollInterval(Duration.ofMillis(10))
        .until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
    return outlived;
  }

  /** One run of a Job's pod (initdb, seed), with the termination message the kubelet would give it. */
  record JobRun(int exitCode, String stdout, String stderr, Duration took, String terminationMessage) {
  }

  /** Runs the initdb Job's pod to its end. */
  JobRun initdb() throws IOException, InterruptedException {
    return runJob(Jobs.initdb(pair, name), Map.of(), JOB_BOUND);
  }

  /** Runs the seed Job's pod to its end, with {@code overrides} over its environment. */
  JobRun seed(Map<String, String> overrides) throws IOException, InterruptedException {
    return runJob(Jobs.seed(pair, name, jobRuns + 1), overrides, JOB_BOUND);
  }

  /** Runs the rejoin Job's pod (an old primary made the standby: pg_rewind first) to its end. */
  JobRun rejoin(Map<String, String> overrides) throws IOException, InterruptedException {
    return runJob(Jobs.seed(pair, name, jobRuns + 1, MemberJobKind.Rejoin), overrides, JOB_BOUND);
  }

  /** The file that says a rewind of this member's data began and did not end. */
  Path rewindMarker() {
    return pgdata.getParent().resolve(PodLayout.REWIND_MARKER);
  }

  /** Runs the restore Job's pod (the bootstrap Job of a pair with spec.bootstrap.recovery) to its end. */
  JobRun restore() throws IOException, InterruptedException {
    return runJob(Jobs.bootstrap(pair, name), Map.of(), BACKUP_JOB_BOUND);
  }

  /** Runs backup.sh in the member's container, as its PostgreSQL does for a base backup. */
  JobRun backup() throws IOException, InterruptedException {
    return backup(List.of());
  }

  /**
   * Runs backup.sh as {@link #backup()} does, as an argument of {@code wrapper} (a command that runs
   * the rest of its arguments, such as {@code faketime +2d}).
   */
  JobRun backup(List<String> wrapper) throws IOException, InterruptedException {
    jobRuns++;
    Map<String, String> environment = new LinkedHashMap<>(memberContainer().environment());
    environment.putAll(network);
    Path folder = this.folder.resolve("backup-" + jobRuns);
    Files.createDirectories(folder);
    Path out = folder.resolve("stdout.log");
    Path err = folder.resolve("stderr.log");
    String script = Path.of(environment.get(PodLayout.ENV_SCRIPTS_DIR)).resolve(Scripts.BACKUP).toString();
    long start = System.nanoTime();
    List<String> argv = new ArrayList<>(wrapper);
    argv.addAll(List.of("/bin/sh", script));
    Process backup = new ProcessBuilder(ScriptLauncher.command(argv, environment))
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!backup.waitFor(BACKUP_JOB_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
      backup.descendants().forEach(ProcessHandle::destroyForcibly);
      backup.destroyForcibly();
      throw new IllegalStateException(Scripts.BACKUP + " of " + name + " still running after " + BACKUP_JOB_BOUND);
    }
    return new JobRun(backup.exitValue(), Files.readString(out), Files.readString(err),
        Duration.ofNanos(System.nanoTime() - start), null);
  }

  private JobRun runJob(MemberJob job, Map<String, String> overrides, Duration bound)
      throws IOException, InterruptedException {
    jobRuns++;
    PodTemplateSpec template = Jobs.build(pair, job).getSpec().getTemplate();
    String podName = job.name() + "-" + jobRuns;
    Map<String, String> environment = new LinkedHashMap<>(network);
    environment.putAll(overrides);
    long start = System.nanoTime();
    LocalContainer container = LocalContainer.onThisMachine(pod(template, podName), folder.resolve(podName), sources)
        .start(environment, LocalContainer.Output.SEPARATE);
    if (!container.awaitExit(bound)) {
      container.kill();
      throw new IllegalStateException("Job " + job.name() + " of " + name + " still running after " + bound);
    }
    return new JobRun(container.exitCode(), Files.readString(container.stdout()), Files.readString(container.stderr()),
        Duration.ofNanos(System.nanoTime() - start), container.terminationMessage());
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

  /** Every log file of this member's pods, for a failure report. */
  String logs() throws IOException {
    StringBuilder logs = new StringBuilder();
    try (Stream<Path> files = Files.walk(folder, 2)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        logs.append("----- ").append(file).append('\n')
            .append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
      }
    }
    return logs.toString();
  }
}
