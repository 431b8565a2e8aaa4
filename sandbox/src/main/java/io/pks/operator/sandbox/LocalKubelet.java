package io.pks.operator.sandbox;

import java.io.IOException;
import java.net.InetSocketAddress;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pks.operator.model.BackupServer;
import io.pks.operator.model.Labels;
import io.pks.operator.model.Names;
import io.pks.operator.model.PodLayout;
import io.pks.operator.model.LoopbackNetwork;

/**
 * The node agent of the sandbox, for the operator's pods: runs each pod's container as a local
 * process ({@link LocalContainer}) with its metrics exporter beside it, restarts a crashed one with the kubelet's back-off (at once,
 * then 10 s doubling to 5 min), reports Ready from pg_isready, runs Job pods to their end, and
 * stops a container when its pod goes. In the network mode each pod runs on a node of its own
 * ({@link PodNetwork}): its processes in the node's network namespace, at the node's address.
 * The annotation {@value #FAULT_ANNOTATION} puts a pod's node in a {@link NodeFault} until it is
 * removed; a value that is no fault, or one this machine cannot make, is refused with its reason
 * in the pod's {@value #FAULT_CONDITION} condition.
 */
final class LocalKubelet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalKubelet.class);
  static final String FAULT_ANNOTATION = "sandbox.pks.io/fault";
  static final String NODE_DOWN = NodeFault.NODE_DOWN;
  static final String PARTITION = "partition";
  static final String PAUSE = "pause";
  /** A pod condition: False with the reason when the fault its annotation asks for is refused. */
  static final String FAULT_CONDITION = "sandbox.pks.io/Fault";
  static final String NODE_NAME = "sandbox";
  /**
   * The mock API server deletes at once; this marks a pod deleted while its node was lost (a
   * real one keeps a deletionTimestamp): it never runs again, and goes when its node is back.
   */
  static final String DELETING_ANNOTATION = "sandbox.pks.io/deleting";
  private static final Duration READINESS_PERIOD = Duration.ofSeconds(1);
  /**
   * How often a running pod's ConfigMap volumes are brought up to date. A kubelet takes up to a
   * minute or more; a few seconds here is enough to show a change arriving later than the API says.
   */
  private static final Duration CONFIG_MAP_SYNC_PERIOD = Duration.ofSeconds(5);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
  /** The kubelet's: a crashed container restarts at once, then after this long, each later time twice as long. */
  static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);

  /** pg_isready under way for {@code container}: its answer counts for that container only. */
  private record ReadinessCheck(LocalContainer container, CompletableFuture<Boolean> answer) {
  }

  /** What this agent knows of one pod it runs. */
  private static final class PodRun {
    final String uid;
    LocalContainer container;
    int restarts;
    Instant nextStart = Instant.MIN;
    Instant startedAt;
    boolean ready;
    Instant lastReadinessCheck = Instant.MIN;
    /** The readiness check under way, or null. */
    ReadinessCheck readinessCheck;
    Instant lastConfigMapSync;
    boolean nodeDown;
    PodNetwork.Node node;
    NodeFault fault = NodeFault.NONE;
    String faultRefused;
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
  /** The volumes of the pods: the API server's ConfigMaps and Secrets, the sandbox's claims. */
  private final PodSources sources;
  private final SandboxPorts ports;
  /** Null in the loopback mode. */
  private final PodNetwork network;
  private final Path podsRoot;
  private final Clock clock;
  private final Map<String, PodRun> runs = new ConcurrentHashMap<>();
  /** KUBERNETES_SERVICE_HOST and _PORT of every container, as a kubelet sets them; empty until known. */
  private volatile Map<String, String> apiServerEnv = Map.of();
  private volatile Duration firstBackoff = FIRST_BACKOFF;
  private final Map<String, CompletableFuture<Void>> stopping = new ConcurrentHashMap<>();
  /**
   * Told when a container's process exits or a readiness check's answer changes the pod's
   * readiness: a kubelet learns of it at once, not at its next pass.
   */
  private volatile Runnable passNeeded = () -> { };
  /** Every container started; those no longer running are dropped when the claims in use are asked for. */
  private final Set<LocalContainer> started = ConcurrentHashMap.newKeySet();
  private final ExecutorService stopper = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "sandbox-stop");
    thread.setDaemon(true);
    return thread;
  });
  private final ExecutorService readinessProbes = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "sandbox-readiness");
    thread.setDaemon(true);
    return thread;
  });

  LocalKubelet(KubernetesClient client, LocalVolumes volumes, SandboxPorts ports, PodNetwork network, Path podsRoot,
      Clock clock) {
    this.client = client;
    this.volumes = volumes;
    this.sources = new PodSources() {
      @Override
      public ConfigMap configMap(String namespace, String name) {
        return client.configMaps().inNamespace(namespace).withName(name).get();
      }

      @Override
      public Secret secret(String namespace, String name) {
        return client.secrets().inNamespace(namespace).withName(name).get();
      }

      @Override
      public Path claim(String namespace, String claim) {
        return volumes.path(namespace, claim);
      }
    };
    this.ports = ports;
    this.network = network;
    this.podsRoot = podsRoot;
    this.clock = clock;
  }

  static String faultAnnotation(Pod pod) {
    return pod.getMetadata().getAnnotations() == null ? null : pod.getMetadata().getAnnotations().get(FAULT_ANNOTATION);
  }

  /** A pod whose node cannot answer the API server: deleting it only marks it until the node is back. */
  static boolean unreachable(Pod pod) {
    try {
      return NodeFault.parse(faultAnnotation(pod)).unreachable();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static boolean deleting(Pod pod) {
    return pod.getMetadata().getAnnotations() != null
        && "true".equals(pod.getMetadata().getAnnotations().get(DELETING_ANNOTATION));
  }

  /**
   * {@code command} run in a container of pod {@code namespace/name} ({@link LocalContainer#exec}); refused
   * as the API server does when the pod has no running container here.
   */
  Process exec(String namespace, String name, String container, List<String> command, boolean tty)
      throws java.io.IOException {
    PodRun run = runs.get(namespace + "/" + name);
    LocalContainer running = run == null ? null : run.container;
    if (running == null || !running.running()) {
      throw new PodExec.Refused(400, "pod " + name + " is not running: its container has not started or has ended");
    }
    return running.exec(container, command, tty);
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
    applyFault(pod, key, run);
    if (run.fault.unreachable() && run.fault.kind() != NodeFault.Kind.NODE_DOWN) {
      run.ready = false;
      // A check begun before the fault must not make the pod Ready once the fault ends.
      run.readinessCheck = null;
      return;
    }
    if (run.fault.kind() == NodeFault.Kind.NODE_DOWN) {
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
      String reason = LocalContainer.notStartable(pod, sources);
      if (reason != null) {
        run.waitingReason = reason;
        return;
      }
      if (network != null && run.node == null) {
        run.node = network.attach();
        LOG.info("pod {}: node {} at {}", key, run.node.namespace(), run.node.ip());
      }
      if (network != null && !run.node.ip().equals(pod.getStatus() == null ? null : pod.getStatus().getPodIP())) {
        // Started once its address is in the API server, and so in the names the runtime publishes
        // before this pass: a seed resolves -rw and the primary resolves the seed from the start.
        run.waitingReason = "ContainerCreating";
        return;
      }
      // Once, before anything starts: it may ask the API server, which may fail this pass.
      Map<String, String> networkEnv = networkEnv(pod);
      run.container = LocalContainer.start(pod, podDir(pod.getMetadata().getNamespace(), pod.getMetadata().getName()),
          sources, networkEnv, run.node);
      if (LocalContainer.hasMetricsExporter(pod)) {
        run.container.startMetricsExporter(networkEnv, ports.metrics(pod.getMetadata().getNamespace(),
            pod.getMetadata().getName()));
      }
      run.container.startSidecar(BackupServer.CONTAINER, networkEnv);
      started.add(run.container);
      run.container.whenExited(passNeeded);
      run.startedAt = now;
      run.lastConfigMapSync = now;
      run.waitingReason = null;
      run.exitCode = null;
      LOG.info("pod {}: container started (restarts: {})", key, run.restarts);
    }
    if (run.container != null && pod.getSpec().getContainers().get(0).getReadinessProbe() != null) {
      probeReadiness(pod, run, now);
    }
    if (run.container != null && !now.isBefore(run.lastConfigMapSync.plus(CONFIG_MAP_SYNC_PERIOD))) {
      run.lastConfigMapSync = now;
      syncConfigMaps(key, run.container);
    }
  }

  private void syncConfigMaps(String key, LocalContainer container) {
    try {
      container.refreshConfigMaps();
    } catch (IOException e) {
      LOG.warn("pod {}: ConfigMap volumes not refreshed: {}", key, e.getMessage());
    }
  }

  /** Moves the pod's node from the fault it is in to the one its annotation asks for. */
  private void applyFault(Pod pod, String key, PodRun run) {
    NodeFault wanted;
    try {
      wanted = NodeFault.parse(faultAnnotation(pod));
      if (wanted.needsNetwork() && run.node == null) {
        throw new IllegalArgumentException(wanted + " needs the network mode and a started pod");
      }
    } catch (IllegalArgumentException e) {
      refuse(key, run, e.getMessage());
      return;
    }
    if (wanted.equals(run.fault)) {
      run.faultRefused = null;
      return;
    }
    clear(run);
    run.fault = NodeFault.NONE;
    String refused = apply(wanted, run);
    if (refused != null) {
      refuse(key, run, refused);
      return;
    }
    run.faultRefused = null;
    run.fault = wanted;
    LOG.info("pod {}: fault {}", key, wanted);
  }

  /** Makes the fault; null, or why this machine cannot. Cuts of links to others are {@link NodeRules}'. */
  private String apply(NodeFault fault, PodRun run) {
    switch (fault.kind()) {
      case PARTITION -> network.link(run.node, false);
      case PAUSE -> freeze(run);
      case LATENCY -> {
        return network.latency(run.node, fault.latencyMillis()).orElse(null);
      }
      default -> {
        // node-down acts in step(); the partial partitions are rules of the node's table.
      }
    }
    return null;
  }

  private void clear(PodRun run) {
    switch (run.fault.kind()) {
      case PARTITION -> network.link(run.node, true);
      case PAUSE -> thaw(run);
      case LATENCY -> network.clearLatency(run.node);
      default -> {
        // Nothing was changed on the node itself.
      }
    }
  }

  private static void freeze(PodRun run) {
    if (run.container != null) {
      run.container.freeze();
    }
  }

  private static void thaw(PodRun run) {
    if (run.container != null) {
      run.container.thaw();
    }
  }

  /** The fault each pod's node is in now, by namespace/pod. */
  Map<String, NodeFault> faults() {
    Map<String, NodeFault> faults = new HashMap<>();
    runs.forEach((key, run) -> faults.put(key, run.fault));
    return faults;
  }

  /** Each pod's node, by namespace/pod (the network mode). */
  Map<String, PodNetwork.Node> nodes() {
    Map<String, PodNetwork.Node> nodes = new HashMap<>();
    runs.forEach((key, run) -> {
      if (run.node != null) {
        nodes.put(key, run.node);
      }
    });
    return nodes;
  }

  private static void refuse(String key, PodRun run, String reason) {
    if (!reason.equals(run.faultRefused)) {
      LOG.warn("pod {}: fault refused: {}", key, reason);
      run.faultRefused = reason;
    }
  }

  private void exited(Pod pod, String key, PodRun run, Instant now) {
    // Its metrics exporter goes with it here (a kubelet would keep it), and restarts with it.
    run.container.stop();
    run.exitCode = run.container.exitCode();
    run.terminationMessage = run.container.terminationMessage();
    run.finishedAt = now;
    run.ready = false;
    run.container = null;
    LOG.info("pod {}: container exited with status {}", key, run.exitCode);
    if (!"Never".equals(pod.getSpec().getRestartPolicy())) {
      run.restarts++;
      // The kubelet restarts a crashed container at once the first time, then backs off.
      Duration backoff = run.restarts <= 1 ? Duration.ZERO
          : firstBackoff.multipliedBy(1L << Math.min(run.restarts - 2, 5));
      run.nextStart = now.plus(backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff);
      run.waitingReason = backoff.isZero() ? null : "CrashLoopBackOff";
    }
  }

  /**
   * The first wait of the crash-loop back-off from now on (the kubelet's is {@link #FIRST_BACKOFF}):
   * a test that crashes the same container round after round need not wait minutes for it.
   */
  void crashLoopBackOff(Duration first) {
    firstBackoff = first;
  }

  /**
   * Readiness as a kubelet's probe worker finds it, beside the pass rather than in it: pg_isready
   * took 30 to 100 ms of a loaded machine, and every other pod and kube-proxy's endpoints (a
   * switchover's new primary) waited for it. Its answer is taken at the first pass after it, and
   * only for the container it checked.
   */
  private void probeReadiness(Pod pod, PodRun run, Instant now) {
    ReadinessCheck check = run.readinessCheck;
    if (check != null && check.answer().isDone()) {
      run.readinessCheck = null;
      if (check.container() == run.container) {
        run.ready = run.container.running() && check.answer().getNow(false);
      }
    }
    if (run.readinessCheck == null && !now.isBefore(run.lastReadinessCheck.plus(READINESS_PERIOD))) {
      run.lastReadinessCheck = now;
      InetSocketAddress address = address(pod);
      PodNetwork.Node node = run.node;
      boolean readyBefore = run.ready;
      CompletableFuture<Boolean> answer;
      try {
        answer = CompletableFuture.supplyAsync(() -> pgIsReady(address, node), readinessProbes);
      } catch (RejectedExecutionException e) {
        return; // The kubelet is closing.
      }
      answer.thenAccept(ready -> {
        if (ready != readyBefore) {
          passNeeded.run();
        }
      });
      run.readinessCheck = new ReadinessCheck(run.container, answer);
    }
  }

  /**
   * {@code action} runs whenever a container's process exits or a readiness check changes a pod's
   * readiness, on a thread of the JDK's or the kubelet's.
   */
  void onPassNeeded(Runnable action) {
    this.passNeeded = action;
  }

  /** Where the pods reach the API server: from now on in every container's environment. */
  void apiServer(InetSocketAddress address) {
    apiServerEnv = Map.of(PodLayout.ENV_API_SERVER_HOST, address.getHostString(),
        PodLayout.ENV_API_SERVER_PORT, Integer.toString(address.getPort()));
  }

  /**
   * The API server's address, and the loopback mode's overrides for a pair's pod: its member's
   * port, the -rw proxy as its primary. A pod on a node of its own keeps its spec's: the pair's
   * port, the -rw Service's name.
   */
  private Map<String, String> networkEnv(Pod pod) {
    Map<String, String> env = new java.util.LinkedHashMap<>(apiServerEnv);
    if (network == null) {
      env.putAll(loopbackEnv(pod));
    }
    return env;
  }

  private Map<String, String> loopbackEnv(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    String pair = pod.getMetadata().getLabels().get(Labels.PAIR);
    int servicePort = pod.getSpec().getContainers().get(0).getEnv().stream()
        .filter(var -> var.getName().equals(PodLayout.ENV_PRIMARY_PORT))
        .map(var -> Integer.parseInt(var.getValue())).findFirst().orElse(5432);
    String primaryHost = pod.getSpec().getContainers().get(0).getEnv().stream()
        .filter(var -> var.getName().equals(PodLayout.ENV_PRIMARY_HOST))
        .map(EnvVar::getValue).findFirst().orElse(Names.readWriteService(pair));
    return LocalContainer.networkEnv(memberPort(pod), loopbackPort(namespace, pair, primaryHost, servicePort));
  }

  /**
   * The loopback port a Service's name leads to, as the cluster's DNS and kube-proxy would: a
   * headless Service of one member (a seed's way to its primary) to that member's own port, whether
   * its pod is Ready or not; any other Service to its proxy.
   */
  private int loopbackPort(String namespace, String pair, String serviceName, int servicePort) {
    Service service = client.services().inNamespace(namespace).withName(serviceName).get();
    String member = service == null || ServiceProxies.proxied(service) || service.getSpec().getSelector() == null
        ? null : service.getSpec().getSelector().get(Labels.MEMBER);
    return member == null ? ports.service(namespace, serviceName, servicePort) : ports.member(namespace, pair, member);
  }

  /**
   * Where the pod's PostgreSQL listens: the node's address and the spec's port, or in the loopback
   * mode the member's loopback port.
   */
  InetSocketAddress address(Pod pod) {
    PodRun run = runs.get(key(pod));
    if (network != null) {
      String ip = run == null || run.node == null ? null : run.node.ip();
      return ip == null ? null : new InetSocketAddress(ip, specPort(pod));
    }
    return new InetSocketAddress(LoopbackNetwork.LOOPBACK_HOST, memberPort(pod));
  }

  private static int specPort(Pod pod) {
    return pod.getSpec().getContainers().get(0).getEnv().stream()
        .filter(var -> var.getName().equals(PodLayout.ENV_PGPORT))
        .map(var -> Integer.parseInt(var.getValue())).findFirst().orElse(5432);
  }

  /** The loopback port of the member a pod runs, or whose volume a Job's pod works on. */
  private int memberPort(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String member = labels.getOrDefault(Labels.MEMBER, labels.get(Labels.JOB_MEMBER));
    return ports.member(pod.getMetadata().getNamespace(), labels.get(Labels.PAIR), member);
  }

  /** pg_isready from inside the pod, as an exec probe runs: a cut link to the operator does not fail it. */
  private static boolean pgIsReady(InetSocketAddress address, PodNetwork.Node node) {
    List<String> argv = List.of(PostgresBinaries.tool("pg_isready").toString(), "-q", "-t", "1",
        "-h", address.getHostString(), "-p", Integer.toString(address.getPort()));
    try {
      Process check = new ProcessBuilder(node == null ? argv : PodNetwork.inNodeCommand(node, argv))
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
    } else if (run.fault.unreachable()) {
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
          .withReason(run.fault.unreachable() ? "NodeLost" : Objects.requireNonNullElse(run.waitingReason, "ContainerCreating"))
          .endWaiting().endState();
    }
    ContainerStatus built = containerStatus.build();
    return new PodStatusBuilder()
        .withPhase(phase)
        .withHostIP(network == null ? LoopbackNetwork.LOOPBACK_HOST : network.gateway())
        .withPodIP(podIp(run))
        .addNewCondition().withType("Ready").withStatus(run.ready ? "True" : "False")
          .withReason(run.fault.unreachable() ? "NodeLost" : null).endCondition()
        .addNewCondition().withType("ContainersReady").withStatus(run.ready ? "True" : "False").endCondition()
        .addAllToConditions(run.faultRefused == null ? List.of() : List.of(new PodConditionBuilder()
            .withType(FAULT_CONDITION).withStatus("False").withReason("Refused").withMessage(run.faultRefused)
            .build()))
        .withContainerStatuses(containerStatuses(pod, run, built))
        .build();
  }

  private String podIp(PodRun run) {
    if (run.fault.kind() == NodeFault.Kind.NODE_DOWN) {
      return null;
    }
    if (network == null) {
      return LoopbackNetwork.LOOPBACK_HOST;
    }
    return run.node == null ? null : run.node.ip();
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
    if (run == null) {
      return;
    }
    // A node that is only cut off is healed first: the pod went, and so does its node.
    clear(run);
    run.fault = NodeFault.NONE;
    LocalContainer container = run.container;
    PodNetwork.Node node = run.node;
    run.container = null;
    run.node = null;
    if (container == null && node == null) {
      return;
    }
    LOG.info("pod {}: stopping its container", key);
    CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> {
      if (container != null) {
        container.stop();
      }
      if (node != null) {
        network.detach(node);
      }
    }, stopper);
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

  /** Stops every container, as a node shutting down, and removes the nodes. */
  @Override
  public void close() {
    runs.forEach(this::stopAsync);
    runs.clear();
    CompletableFuture.allOf(stopping.values().toArray(CompletableFuture[]::new)).join();
    stopper.shutdownNow();
    readinessProbes.shutdownNow();
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }
}
