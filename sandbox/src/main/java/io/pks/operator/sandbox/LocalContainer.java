package io.pks.operator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.pks.operator.model.LoopbackNetwork;
import io.pks.operator.model.MemberMetrics;
import io.pks.operator.model.PodLayout;

/**
 * The first container of a pod as a local process: its volumes made into folders (claims from
 * their volumes' folders, ConfigMaps and Secrets written out as files, emptyDirs), its command and
 * environment with every mount path rewritten to those folders, and the network settings it is
 * given (in the sandbox: the member's loopback port, the -rw Service's proxy as the primary). The
 * sandbox's kubelet runs pods with it; the tests' local members run the operator's own pod specs
 * with it, so that a change of the pod's layout is made once.
 */
public final class LocalContainer {
  private static final long STOP_GRACE_SECONDS = 30;
  /** Debian's build of the exporter the member pods' metrics container runs (package prometheus-postgres-exporter). */
  static final String METRICS_EXPORTER_BINARY = "/usr/bin/prometheus-postgres-exporter";
  private static final String LISTEN_FLAG = "--web.listen-address=";
  private static final long SIDECAR_GRACE_SECONDS = 5;
  /** Where the kubelet mounts a container's termination message file unless its spec says otherwise. */
  static final String DEFAULT_TERMINATION_MESSAGE_PATH = "/dev/termination-log";
  /** The kubelet keeps at most this much of a termination message. */
  private static final int MAX_TERMINATION_MESSAGE = 4096;

  /** Where the container's output goes: one log, as the kubelet keeps it, or stdout and stderr apart. */
  public enum Output {
    MERGED, SEPARATE
  }

  private final Pod pod;
  private final Path podDir;
  private final Path log;
  private final PodSources sources;
  private Process process;
  /** Mount path to local folder, shared by every container of the pod. */
  private final Map<String, Path> mounts;
  /** The pod's other containers that run here (the metrics exporter), stopped with the first. */
  private final List<Process> sidecars = new ArrayList<>();
  /** The pod's node in the network mode (every container of the pod runs there); null on loopback. */
  private final PodNetwork.Node node;
  /** The network's settings the container was started with, which a command exec'd in it gets too. */
  private Map<String, String> networkEnv = Map.of();

  private LocalContainer(Pod pod, Path podDir, PodSources sources, PodNetwork.Node node) {
    this.pod = pod;
    this.podDir = podDir;
    this.sources = sources;
    this.node = node;
    this.log = podDir.resolve("container.log");
    this.mounts = mountPaths();
  }

  /** Why the container cannot start yet (a claim not bound, a ConfigMap missing), or null. */
  static String notStartable(Pod pod, PodSources sources) {
    String namespace = pod.getMetadata().getNamespace();
    for (Volume volume : pod.getSpec().getVolumes()) {
      if (volume.getPersistentVolumeClaim() != null
          && sources.claim(namespace, volume.getPersistentVolumeClaim().getClaimName()) == null) {
        return "claim " + volume.getPersistentVolumeClaim().getClaimName() + " is not bound";
      }
      if (volume.getConfigMap() != null && sources.configMap(namespace, volume.getConfigMap().getName()) == null) {
        return "ConfigMap " + volume.getConfigMap().getName() + " not found";
      }
      if (volume.getSecret() != null && sources.secret(namespace, volume.getSecret().getSecretName()) == null) {
        return "Secret " + volume.getSecret().getSecretName() + " not found";
      }
    }
    return null;
  }

  /** Prepares the folders and starts the process in the pod's node; output is appended to the pod's log. */
  static LocalContainer start(Pod pod, Path podDir, PodSources sources, Map<String, String> networkEnv,
      PodNetwork.Node node) {
    LocalContainer container = new LocalContainer(pod, podDir, sources, node);
    container.launch(networkEnv, Output.MERGED);
    return container;
  }

  /**
   * The pod's first container on this machine's own network, not started yet: its mounts and its
   * environment are known, {@link #start} runs it.
   */
  public static LocalContainer onThisMachine(Pod pod, Path podDir, PodSources sources) {
    String reason = notStartable(pod, sources);
    if (reason != null) {
      throw new IllegalArgumentException("pod " + pod.getMetadata().getName() + " cannot start: " + reason);
    }
    return new LocalContainer(pod, podDir, sources, null);
  }

  /**
   * Starts the container with {@code environment} over its own (the network's settings, a test's
   * changes); {@link Output#SEPARATE} writes stdout.log and stderr.log instead of the one log.
   */
  public LocalContainer start(Map<String, String> environment, Output output) {
    launch(environment, output);
    return this;
  }

  /** Runs in the node's network namespace when there is one (the network mode). */
  private void launch(Map<String, String> networkEnv, Output output) {
    this.networkEnv = Map.copyOf(networkEnv);
    try {
      Files.createDirectories(podDir);
      writeVolumes();
      Files.writeString(terminationLog(), "");
      Container container = pod.getSpec().getContainers().get(0);
      List<String> argv = new ArrayList<>();
      for (String arg : concat(container.getCommand(), container.getArgs())) {
        argv.add(translate(arg, mounts));
      }
      ScriptLauncher.own(podDir);
      List<String> command = ScriptLauncher.command(argv, environment(container, networkEnv));
      ProcessBuilder builder = new ProcessBuilder(inNode(command));
      if (output == Output.MERGED) {
        builder.redirectErrorStream(true).redirectOutput(Redirect.appendTo(log.toFile()));
      } else {
        builder.redirectOutput(stdout().toFile()).redirectError(stderr().toFile());
      }
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start pod " + pod.getMetadata().getName(), e);
    }
  }

  /**
   * {@code command} run in container {@code name} (null: the first) as {@code kubectl exec} runs it: as the
   * container's user, with its environment, in its node; mount paths in the arguments are made folders. With
   * {@code tty}, on a pseudo terminal, its TERM {@value PseudoTerminal#TERM} unless the container sets one.
   */
  Process exec(String name, List<String> command, boolean tty) throws IOException {
    Container container = name == null ? pod.getSpec().getContainers().get(0)
        : pod.getSpec().getContainers().stream().filter(each -> each.getName().equals(name)).findFirst()
            .orElseThrow(() -> new PodExec.Refused(400, "container " + name + " is not valid for pod "
                + pod.getMetadata().getName()));
    List<String> argv = command.stream().map(arg -> translate(arg, mounts)).toList();
    Map<String, String> env = environment(container, networkEnv);
    if (tty) {
      env.putIfAbsent("TERM", PseudoTerminal.TERM);
    }
    return new ProcessBuilder(inNode(ScriptLauncher.command(tty ? PseudoTerminal.command(argv) : argv, env)))
        .directory(podDir.toFile()).start();
  }

  /** What the container wrote on stdout, when started with {@link Output#SEPARATE}. */
  public Path stdout() {
    return podDir.resolve("stdout.log");
  }

  /** What the container wrote on stderr, when started with {@link Output#SEPARATE}. */
  public Path stderr() {
    return podDir.resolve("stderr.log");
  }

  /** The folder a mount path of the first container is made of. */
  public Path folder(String mountPath) {
    return Path.of(translate(mountPath, mounts));
  }

  /** The first container's environment as it runs: its own values with mount paths made folders. */
  public Map<String, String> environment() {
    return environment(pod.getSpec().getContainers().get(0), Map.of());
  }

  /** Waits up to {@code bound} for the container to end; whether it did. */
  public boolean awaitExit(java.time.Duration bound) throws InterruptedException {
    return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  private Map<String, String> environment(Container container, Map<String, String> networkEnv) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", PostgresBinaries.bindir() + ":/usr/local/bin:/usr/bin:/bin");
    for (EnvVar var : container.getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), translate(var.getValue(), mounts));
      }
    }
    env.putAll(networkEnv);
    return env;
  }

  /**
   * Starts the pod's metrics exporter container with Debian's
   * prometheus-postgres-exporter in place of its image, on the same folders as the first container
   * and listening on {@code listenPort} of loopback instead of its container port.
   */
  void startMetricsExporter(Map<String, String> networkEnv, int listenPort) {
    for (Container container : pod.getSpec().getContainers()) {
      if (!container.getName().equals(MemberMetrics.CONTAINER)) {
        continue;
      }
      List<String> argv = new ArrayList<>(List.of(METRICS_EXPORTER_BINARY));
      for (String arg : container.getArgs()) {
        argv.add(arg.startsWith(LISTEN_FLAG) ? LISTEN_FLAG + metricsHost() + ":" + listenPort : translateFlag(arg));
      }
      startSidecar(container, argv, networkEnv);
    }
  }

  /**
   * Starts the pod's container {@code name}, when it has one, as it is specified (its command run
   * with this machine's binaries, as the first container's is), on the same folders as the first
   * container and in the same node: a sidecar that serves beside PostgreSQL, such as the backup server.
   */
  void startSidecar(String name, Map<String, String> networkEnv) {
    for (Container container : pod.getSpec().getContainers()) {
      if (!container.getName().equals(name)) {
        continue;
      }
      startSidecar(container, concat(container.getCommand(), container.getArgs()).stream()
          .map(arg -> translate(arg, mounts)).toList(), networkEnv);
    }
  }

  /** Runs {@code argv} as {@code container} of the pod, in its node, its output in {@code <container>.log}. */
  private void startSidecar(Container container, List<String> argv, Map<String, String> networkEnv) {
    try {
      sidecars.add(new ProcessBuilder(inNode(ScriptLauncher.command(argv, environment(container, networkEnv))))
          .redirectErrorStream(true)
          .redirectOutput(Redirect.appendTo(podDir.resolve(container.getName() + ".log").toFile()))
          .start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start container " + container.getName() + " of pod "
          + pod.getMetadata().getName(), e);
    }
  }

  /** Where the exporter listens: the pod's address in the network mode, reachable from the machine. */
  String metricsHost() {
    return node == null ? LoopbackNetwork.LOOPBACK_HOST : node.ip();
  }

  private List<String> inNode(List<String> command) {
    return node == null ? command : PodNetwork.inNodeCommand(node, command);
  }

  private static List<String> concat(List<String> command, List<String> args) {
    List<String> all = new ArrayList<>(command == null ? List.of() : command);
    all.addAll(args == null ? List.of() : args);
    return all;
  }

  /**
   * Mount path → local folder: a claim's volume, or a folder of the pod's own for the others; and
   * the container's terminationMessagePath → a file of the pod's own, as the kubelet mounts it.
   */
  private Map<String, Path> mountPaths() {
    Map<String, Path> byVolume = new LinkedHashMap<>();
    for (Volume volume : pod.getSpec().getVolumes()) {
      byVolume.put(volume.getName(), volume.getPersistentVolumeClaim() != null
          ? sources.claim(pod.getMetadata().getNamespace(), volume.getPersistentVolumeClaim().getClaimName())
          : podDir.resolve("volumes").resolve(volume.getName()));
    }
    Map<String, Path> mounts = new LinkedHashMap<>();
    for (VolumeMount mount : pod.getSpec().getContainers().get(0).getVolumeMounts()) {
      Path dir = byVolume.get(mount.getName());
      if (dir != null) {
        mounts.put(mount.getMountPath(), dir);
      }
    }
    mounts.put(terminationMessagePath(), terminationLog());
    return mounts;
  }

  private String terminationMessagePath() {
    String path = pod.getSpec().getContainers().get(0).getTerminationMessagePath();
    return path == null ? DEFAULT_TERMINATION_MESSAGE_PATH : path;
  }

  private Path terminationLog() {
    return podDir.resolve("termination-log");
  }

  /**
   * The termination message as the kubelet makes it: what the container wrote to its
   * terminationMessagePath, or with FallbackToLogsOnError and a failure, the last lines of its
   * output; null when neither gives one.
   */
  public String terminationMessage() {
    try {
      String written = Files.exists(terminationLog()) ? Files.readString(terminationLog()) : "";
      if (!written.isBlank()) {
        return written.length() > MAX_TERMINATION_MESSAGE ? written.substring(0, MAX_TERMINATION_MESSAGE) : written;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the termination message of pod " + pod.getMetadata().getName(), e);
    }
    boolean fallback = "FallbackToLogsOnError".equals(pod.getSpec().getContainers().get(0).getTerminationMessagePolicy());
    return fallback && exitCode() != 0 ? lastOutput() : null;
  }

  /** Every volume but the claims made anew: emptyDirs empty, ConfigMaps and Secrets as files. */
  private void writeVolumes() throws IOException {
    String namespace = pod.getMetadata().getNamespace();
    for (Volume volume : pod.getSpec().getVolumes()) {
      if (volume.getPersistentVolumeClaim() != null) {
        continue;
      }
      Path dir = podDir.resolve("volumes").resolve(volume.getName());
      deleteRecursively(dir);
      Files.createDirectories(dir);
      if (volume.getConfigMap() != null) {
        ConfigMap configMap = sources.configMap(namespace, volume.getConfigMap().getName());
        writeItems(dir, configMap.getData(), volume.getConfigMap().getItems(), volume.getConfigMap().getDefaultMode());
      } else if (volume.getSecret() != null) {
        Secret secret = sources.secret(namespace, volume.getSecret().getSecretName());
        writeItems(dir, secretValues(secret), volume.getSecret().getItems(), 0600);
      }
    }
  }

  private static Map<String, String> secretValues(Secret secret) {
    Map<String, String> values = new LinkedHashMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((key, value) ->
          values.put(key, new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
    }
    if (secret.getStringData() != null) {
      values.putAll(secret.getStringData());
    }
    return values;
  }

  /**
   * Brings the files of the pod's ConfigMap volumes up to date with their ConfigMaps, as a kubelet
   * does some time after a ConfigMap changes: each changed file is replaced at once (written aside,
   * then renamed over the old one), so a process never reads half a file.
   */
  void refreshConfigMaps() throws IOException {
    String namespace = pod.getMetadata().getNamespace();
    for (Volume volume : pod.getSpec().getVolumes()) {
      if (volume.getConfigMap() == null) {
        continue;
      }
      ConfigMap configMap = sources.configMap(namespace, volume.getConfigMap().getName());
      if (configMap == null) {
        continue;
      }
      Path dir = podDir.resolve("volumes").resolve(volume.getName());
      for (Map.Entry<String, String> file : files(configMap.getData(), volume.getConfigMap().getItems()).entrySet()) {
        Path target = dir.resolve(file.getKey());
        if (Files.exists(target) && Files.readString(target).equals(file.getValue())) {
          continue;
        }
        Path aside = dir.resolve("." + file.getKey() + ".new");
        write(aside, file.getValue(), volume.getConfigMap().getDefaultMode());
        ScriptLauncher.own(aside);
        Files.move(aside, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    }
  }

  private static void writeItems(Path dir, Map<String, String> data, List<KeyToPath> items, Integer mode)
      throws IOException {
    for (Map.Entry<String, String> file : files(data, items).entrySet()) {
      write(dir.resolve(file.getKey()), file.getValue(), mode);
    }
  }

  /** The files a ConfigMap or Secret volume holds: its items' paths, or every key, with their contents. */
  private static Map<String, String> files(Map<String, String> data, List<KeyToPath> items) {
    Map<String, String> files = new LinkedHashMap<>();
    if (items == null || items.isEmpty()) {
      if (data != null) {
        data.forEach(files::put);
      }
    } else {
      for (KeyToPath item : items) {
        if (data != null && data.get(item.getKey()) != null) {
          files.put(item.getPath(), data.get(item.getKey()));
        }
      }
    }
    return files;
  }

  private static void write(Path target, String content, Integer mode) throws IOException {
    // Files are the running user's own: group-readable modes would not help a single-user sandbox.
    String permissions = (mode != null && (mode & 0100) != 0) ? "r-x------" : "r--------";
    Files.writeString(target, content);
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(permissions));
  }

  /** A {@code --flag=value} argument with its value's mount path replaced by its folder. */
  private String translateFlag(String arg) {
    int equals = arg.indexOf('=');
    return equals < 0 ? arg : arg.substring(0, equals + 1) + translate(arg.substring(equals + 1), mounts);
  }

  /** Whether the pod has a metrics exporter container. */
  static boolean hasMetricsExporter(Pod pod) {
    return pod.getSpec().getContainers().stream().anyMatch(c -> c.getName().equals(MemberMetrics.CONTAINER));
  }

  /** {@code value} with a leading mount path replaced by its folder; the longest mount path wins. */
  static String translate(String value, Map<String, Path> mounts) {
    String best = null;
    for (String mountPath : mounts.keySet()) {
      if ((value.equals(mountPath) || value.startsWith(mountPath + "/"))
          && (best == null || mountPath.length() > best.length())) {
        best = mountPath;
      }
    }
    return best == null ? value : mounts.get(best) + value.substring(best.length());
  }

  /** The network environment of a pair member's container on loopback: its port, the primary's. */
  public static Map<String, String> networkEnv(int memberPort, int primaryProxyPort) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(PodLayout.ENV_PGPORT, Integer.toString(memberPort));
    env.put(PodLayout.ENV_PRIMARY_HOST, LoopbackNetwork.LOOPBACK_HOST);
    env.put(PodLayout.ENV_PRIMARY_PORT, Integer.toString(primaryProxyPort));
    env.put(PodLayout.ENV_LISTEN_ADDRESSES, LoopbackNetwork.LOOPBACK_HOST);
    return env;
  }

  /** namespace/claim of the claims this container mounts. */
  Set<String> claims() {
    Set<String> claims = new HashSet<>();
    for (Volume volume : pod.getSpec().getVolumes()) {
      if (volume.getPersistentVolumeClaim() != null) {
        claims.add(pod.getMetadata().getNamespace() + "/" + volume.getPersistentVolumeClaim().getClaimName());
      }
    }
    return claims;
  }

  public boolean running() {
    return process != null && process.isAlive();
  }

  /** Runs {@code action} once the container's process has exited (at once if it has). */
  void whenExited(Runnable action) {
    process.onExit().thenRun(action);
  }

  /** Whether the pod's other containers started here (the metrics exporter) all run. */
  boolean sidecarsRunning() {
    return !sidecars.isEmpty() && sidecars.stream().allMatch(Process::isAlive);
  }

  public int exitCode() {
    return process.exitValue();
  }

  public Path log() {
    return log;
  }

  /** The last lines of output: what FallbackToLogsOnError makes the termination message. */
  String lastOutput() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * SIGTERM, as the kubelet stops a container; SIGKILL for the whole tree after the grace period.
   * The metrics exporter stops first; on a container that has already exited, only it stops.
   */
  public void stop() {
    sidecars.forEach(LocalContainer::stopSidecar);
    if (!running()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  /** Stops every process of the container: a node frozen. */
  void freeze() {
    if (process != null) {
      ProcessFreezer.freeze(process.toHandle());
    }
  }

  /** Resumes every process of the container: a frozen node thawed. */
  void thaw() {
    if (process != null) {
      ProcessFreezer.thaw(process.toHandle());
    }
  }

  /** SIGTERM, then SIGKILL if it is still there after a few seconds, so that its port is free again. */
  private static void stopSidecar(Process sidecar) {
    sidecar.destroy();
    try {
      if (!sidecar.waitFor(SIDECAR_GRACE_SECONDS, TimeUnit.SECONDS)) {
        sidecar.descendants().forEach(ProcessHandle::destroyForcibly);
        sidecar.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGKILL of every process of the container at once: a node that vanishes. */
  public void kill() {
    sidecars.forEach(sidecar -> {
      sidecar.descendants().forEach(ProcessHandle::destroyForcibly);
      sidecar.destroyForcibly();
    });
    if (process == null) {
      return;
    }
    List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
    all.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (var paths = Files.walk(path)) {
      for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(each);
      }
    }
  }
}
