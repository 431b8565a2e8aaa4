package io.pks.operator.sandbox;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pks.operator.model.Labels;
import io.pks.operator.model.Names;
import io.pks.operator.model.PodLayout;
import io.pks.operator.model.LoopbackNetwork;

/**
 * The node agent of the sandbox, for the operator's pods: runs each pod's container as a local
 * process ({@link LocalContainer}) with its metrics exporter beside it, restarts a crashed one with the kubelet's back-off (at once,
 * then 10 s doubling to 5 min), reports Ready from pg_isready, runs Job pods to their end, and
 * stops a container when its pod goes. A pod annotated {@value #FAULT_ANNOTATION}={@value #NODE_DOWN}
 * is on a lost node: its processes are killed (SIGKILL) and nothing runs or restarts it until
 * the annotation is removed.
 */
final class LocalKubelet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalKubelet.class);
  static final String FAULT_ANNOTATION = "sandbox.pks.io/fault";
  static final String NODE_DOWN = "node-down";
  static final String NODE_NAME = "sandbox";
  /**
   * The mock API server deletes at once; this marks a pod deleted while its node was lost (a
   * real one keeps a deletionTimestamp): it never runs again, and goes when its node is back.
   */
  static final String DELETING_ANNOTATION = "sandbox.pks.io/deleting";
  private static final Duration READINESS_PERIOD = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  /** What this agent knows of one pod it runs. */
  private static final class PodRun {
    final String uid;
    LocalContainer container;
    int restarts;
    Instant nextStart = Instant.MIN;
    Instant startedAt;
    boolean ready;
    Instant lastReadinessCheck = Instant.MIN;
    boolean nodeDown;
    String waitingReason;
    Integer exitCode;
    String terminationMessage;
    Instant finishedAt;
    PodStatus written;

    PodRun(String uid) {
      this.uid = uid;
    }
  }

  private final KubernetesClient client;
  private final LocalVolumes volumes;
  private final SandboxPorts ports;
  private final Path podsRoot;
  private final Clock clock;
  private final Map<String, PodRun> runs = new HashMap<>();
  private final Map<String, CompletableFuture<Void>> stopping = new ConcurrentHashMap<>();
  /** Every container started; those no longer running are dropped when the claims in use are asked for. */
  private final Set<LocalContainer> started = ConcurrentHashMap.newKeySet();
  private final ExecutorService stopper = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "sandbox-stop");
    thread.setDaemon(true);
    return thread;
  });

  LocalKubelet(KubernetesClient client, LocalVolumes volumes, SandboxPorts ports, Path podsRoot, Clock clock) {
    this.client = client;
    this.volumes = volumes;
    this.ports = ports;
    this.podsRoot = podsRoot;
    this.clock = clock;
  }

  static boolean nodeDown(Pod pod) {
    return pod.getMetadata().getAnnotations() != null
        && NODE_DOWN.equals(pod.getMetadata().getAnnotations().get(FAULT_ANNOTATION));
  }

  static boolean deleting(Pod pod) {
    return pod.getMetadata().getAnnotations() != null
        && "true".equals(pod.getMetadata().getAnnotations().get(DELETING_ANNOTATION));
  }

  /** The folder of the local container of pod {@code namespace/name}. */
  Path podDir(String namespace, String name) {
    return podsRoot.resolve(namespace).resolve(name);
  }

  void sync(List<Pod> pods) {
    Set<String> present = new HashSet<>();
    for (Pod pod : pods) {
      if (!Labels.MANAGED_BY_VALUE.equals(pod.getMetadata().getLabels().get(Labels.MANAGED_BY))) {
        continue;
      }
      String key = key(pod);
      present.add(key);
      PodRun run = runs.get(key);
      if (run != null && !run.uid.equals(pod.getMetadata().getUid())) {
        stopAsync(key, run);
        run = null;
      }
      if (run == null) {
        run = new PodRun(pod.getMetadata().getUid());
        runs.put(key, run);
      }
      try {
        step(pod, key, run);
        writeStatus(pod, run);
      } catch (KubernetesClientException e) {
        LOG.debug("pod {}: {}", key, e.getMessage());
      }
    }
    for (String key : Set.copyOf(runs.keySet())) {
      if (!present.contains(key)) {
        stopAsync(key, runs.remove(key));
      }
    }
  }

  private void step(Pod pod, String key, PodRun run) {
    Instant now = clock.instant();
    if (nodeDown(pod)) {
      if (!run.nodeDown) {
        run.nodeDown = true;
        run.ready = false;
        if (run.container != null) {
          run.container.kill();
          run.container = null;
        }
        LOG.info("pod {}: node down, every process killed (SIGKILL)", key);
      }
      return;
    }
    if (run.nodeDown) {
      run.nodeDown = false;
      run.nextStart = now;
      LOG.info("pod {}: node back", key);
    }
    if (deleting(pod)) {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).delete();
      LOG.info("pod {}: deletion finished now that its node is back", key);
      return;
    }
    if (run.exitCode != null && "Never".equals(pod.getSpec().getRestartPolicy())) {
      return;
    }
    if (run.container != null && !run.container.running()) {
      exited(pod, key, run, now);
      if ("Never".equals(pod.getSpec().getRestartPolicy())) {
        return;
      }
    }
    if (run.container == null && !now.isBefore(run.nextStart) && !stopping.containsKey(key)) {
      String reason = LocalContainer.notStartable(pod, client, volumes);
      if (reason != null) {
        run.waitingReason = reason;
        return;
      }
      run.container = LocalContainer.start(pod, podDir(pod.getMetadata().getNamespace(), pod.getMetadata().getName()),
          client, volumes, networkEnv(pod));
      if (LocalContainer.hasMetricsExporter(pod)) {
        run.container.startMetricsExporter(networkEnv(pod), ports.metrics(pod.getMetadata().getNamespace(),
            pod.getMetadata().getName()));
      }
      started.add(run.container);
      run.startedAt = now;
      run.waitingReason = null;
      run.exitCode = null;
      LOG.info("pod {}: container started (restarts: {})", key, run.restarts);
    }
    if (run.container != null && pod.getSpec().getContainers().get(0).getReadinessProbe() != null
        && !now.isBefore(run.lastReadinessCheck.plus(READINESS_PERIOD))) {
      run.lastReadinessCheck = now;
      run.ready = run.container.running() && pgIsReady(memberPort(pod));
    }
  }

  private void exited(Pod pod, String key, PodRun run, Instant now) {
    // Its metrics exporter goes with it here (a kubelet would keep it), and restarts with it.
    run.container.stop();
    run.exitCode = run.container.exitCode();
    run.terminationMessage = run.exitCode == 0 ? null : run.container.lastOutput();
    run.finishedAt = now;
    run.ready = false;
    run.container = null;
    LOG.info("pod {}: container exited with status {}", key, run.exitCode);
    if (!"Never".equals(pod.getSpec().getRestartPolicy())) {
      run.restarts++;
      // The kubelet restarts a crashed container at once the first time, then backs off.
      Duration backoff = run.restarts <= 1 ? Duration.ZERO
          : Duration.ofSeconds(10L << Math.min(run.restarts - 2, 5));
      run.nextStart = now.plus(backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff);
      run.waitingReason = backoff.isZero() ? null : "CrashLoopBackOff";
    }
  }

  /** The sandbox's network for a pair's pod: its member's port, the -rw proxy as its primary. */
  private Map<String, String> networkEnv(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    String pair = pod.getMetadata().getLabels().get(Labels.PAIR);
    int servicePort = pod.getSpec().getContainers().get(0).getEnv().stream()
        .filter(var -> var.getName().equals(PodLayout.ENV_PRIMARY_PORT))
        .map(var -> Integer.parseInt(var.getValue())).findFirst().orElse(5432);
    String primaryService = pod.getSpec().getContainers().get(0).getEnv().stream()
        .filter(var -> var.getName().equals(PodLayout.ENV_PRIMARY_HOST))
        .map(EnvVar::getValue).findFirst().orElse(Names.readWriteService(pair));
    return LocalContainer.networkEnv(memberPort(pod), ports.service(namespace, primaryService, servicePort));
  }

  /** The loopback port of the member a pod runs, or whose volume a Job's pod works on. */
  int memberPort(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String member = labels.getOrDefault(Labels.MEMBER, labels.get(Labels.JOB_MEMBER));
    return ports.member(pod.getMetadata().getNamespace(), labels.get(Labels.PAIR), member);
  }

  private static boolean pgIsReady(int port) {
    try {
      Process check = new ProcessBuilder(PostgresBinaries.tool("pg_isready").toString(), "-q", "-t", "1",
          "-h", LoopbackNetwork.LOOPBACK_HOST, "-p", Integer.toString(port))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!check.waitFor(3, TimeUnit.SECONDS)) {
        check.destroyForcibly();
        return false;
      }
      return check.exitValue() == 0;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void writeStatus(Pod pod, PodRun run) {
    PodStatus status = status(pod, run);
    if (status.equals(run.written)) {
      return;
    }
    client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName())
        .editStatus(p -> new PodBuilder(p).withStatus(status).build());
    run.written = status;
  }

  private PodStatus status(Pod pod, PodRun run) {
    String container = pod.getSpec().getContainers().get(0).getName();
    boolean finished = run.exitCode != null && "Never".equals(pod.getSpec().getRestartPolicy());
    String phase;
    if (finished) {
      phase = run.exitCode == 0 ? "Succeeded" : "Failed";
    } else if (run.nodeDown) {
      phase = "Unknown";
    } else {
      phase = run.container != null || run.restarts > 0 ? "Running" : "Pending";
    }
    ContainerStatusBuilder containerStatus = new ContainerStatusBuilder().withName(container)
        .withReady(run.ready).withRestartCount(run.restarts)
        .withImage(pod.getSpec().getContainers().get(0).getImage());
    if (run.container != null) {
      containerStatus.withNewState().withNewRunning().withStartedAt(time(run.startedAt)).endRunning().endState();
    } else if (run.exitCode != null && (finished || run.waitingReason == null)) {
      containerStatus.withNewState().withNewTerminated().withExitCode(run.exitCode)
          .withReason(run.exitCode == 0 ? "Completed" : "Error").withMessage(run.terminationMessage)
          .withFinishedAt(time(run.finishedAt)).endTerminated().endState();
    } else {
      containerStatus.withNewState().withNewWaiting()
          .withReason(run.nodeDown ? "NodeLost" : Objects.requireNonNullElse(run.waitingReason, "ContainerCreating"))
          .endWaiting().endState();
    }
    ContainerStatus built = containerStatus.build();
    return new PodStatusBuilder()
        .withPhase(phase)
        .withHostIP(LoopbackNetwork.LOOPBACK_HOST)
        .withPodIP(run.nodeDown ? null : LoopbackNetwork.LOOPBACK_HOST)
        .addNewCondition().withType("Ready").withStatus(run.ready ? "True" : "False")
          .withReason(run.nodeDown ? "NodeLost" : null).endCondition()
        .addNewCondition().withType("ContainersReady").withStatus(run.ready ? "True" : "False").endCondition()
        .withContainerStatuses(containerStatuses(pod, run, built))
        .build();
  }

  /** The first container's status, then the sidecars': ready while their process runs. */
  private static List<ContainerStatus> containerStatuses(Pod pod, PodRun run, ContainerStatus first) {
    List<ContainerStatus> statuses = new java.util.ArrayList<>(List.of(first));
    pod.getSpec().getContainers().stream().skip(1).forEach(sidecar -> {
      boolean running = run.container != null && run.container.sidecarsRunning();
      ContainerStatusBuilder status = new ContainerStatusBuilder().withName(sidecar.getName())
          .withImage(sidecar.getImage()).withReady(running).withRestartCount(run.restarts);
      statuses.add((running ? status.withNewState().withNewRunning().withStartedAt(time(run.startedAt)).endRunning()
          : status.withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting()).endState().build());
    });
    return statuses;
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private void stopAsync(String key, PodRun run) {
    if (run == null || run.container == null) {
      return;
    }
    LocalContainer container = run.container;
    run.container = null;
    LOG.info("pod {}: stopping its container", key);
    CompletableFuture<Void> stop = CompletableFuture.runAsync(container::stop, stopper);
    stopping.put(key, stop);
    stop.whenComplete((ignored, error) -> stopping.remove(key, stop));
  }

  /**
   * namespace/claim of every claim a container may still have open (running, or stopping after its
   * pod went): the volume must outlive them, as Kubernetes' pvc-protection keeps a claim.
   */
  Set<String> claimsInUse() {
    started.removeIf(container -> !container.running());
    Set<String> claims = new java.util.HashSet<>();
    started.forEach(container -> claims.addAll(container.claims()));
    return claims;
  }

  /** Stops every container, as a node shutting down. */
  @Override
  public void close() {
    runs.forEach(this::stopAsync);
    runs.clear();
    CompletableFuture.allOf(stopping.values().toArray(CompletableFuture[]::new)).join();
    stopper.shutdownNow();
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
