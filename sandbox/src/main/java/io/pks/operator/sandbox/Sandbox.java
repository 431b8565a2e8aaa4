package io.pks.operator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.pks.operator.HttpEndpoints;
import io.pks.operator.LeaseTimings;
import io.pks.operator.OperatorSettings;
import io.pks.operator.PksOperator;
import io.pks.operator.Operators;
import io.pks.operator.metrics.OperatorMetrics;
import io.pks.operator.model.ClusterNetwork;
import io.pks.operator.model.LoopbackNetwork;
import io.pks.operator.model.MemberNetwork;

/**
 * A whole PKS deployment on one machine: the embedded API server, the real operator (built by
 * {@link Operators} exactly as {@code run} builds it; only the member endpoints differ, loopback
 * ports) and the local runtime that runs the pods with real PostgreSQL. The README's demo and the
 * end-to-end tests' bed.
 */
public final class Sandbox implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);
  /** Marks a work folder as the sandbox's own, so a later run may clear it. */
  static final String MARKER = ".pks-sandbox";

  private final Path workDir;
  private final EmbeddedApiServer apiServer;
  private final NamespacedKubernetesClient operatorClient;
  private final SandboxPorts ports = new SandboxPorts();
  /** Null in the loopback mode. */
  private final PodNetwork network;
  private final LocalRuntime runtime;
  private final Path kubeconfig;
  private final Duration probeInterval;
  /** How many replicas of the operator run: one alone, or several with leader election ({@link OperatorReplicas}). */
  private final int operators;
  private final LeaseTimings leaseTimings;
  private Operator operator;
  private OperatorReplicas replicas;
  private OperatorMetrics metrics;
  private HttpEndpoints metricsEndpoint;
  private SandboxObjectStore objectStore;

  private Sandbox(Path workDir, Duration probeInterval, PodNetwork network, int operators, LeaseTimings leaseTimings) {
    this.workDir = workDir;
    this.probeInterval = probeInterval;
    this.operators = operators;
    this.leaseTimings = leaseTimings;
    this.network = network;
    this.apiServer = new EmbeddedApiServer();
    this.operatorClient = apiServer.clientAs(EmbeddedApiServer.OPERATOR_USER_AGENT);
    this.kubeconfig = apiServer.writeKubeconfig(workDir.resolve("kubeconfig"));
    this.runtime = new LocalRuntime(apiServer.client(), apiServer.address(), ports, network, workDir);
    apiServer.servePodLogs(runtime::containerLog);
    apiServer.servePodExec(runtime::exec);
  }

  /** How the members reach each other and the operator reaches them. */
  public enum Networking {
    /** Every member on a loopback port; the operator runs {@link LoopbackNetwork}. */
    LOOPBACK,
    /**
     * A node per pod with its own address and cluster DNS names; the operator runs {@link ClusterNetwork}.
     * Where this machine cannot make it, the sandbox says why in one line and runs {@link #LOOPBACK}.
     */
    CLUSTER
  }

  /**
   * Starts everything in {@code workDir}, which must be empty, missing, or a previous sandbox's
   * (then it is cleared). Fails at once, saying what to install, without PostgreSQL.
   */
  public static Sandbox start(Path workDir, Duration probeInterval) {
    return start(workDir, probeInterval, Networking.LOOPBACK);
  }

  public static Sandbox start(Path workDir, Duration probeInterval, Networking networking) {
    return start(workDir, probeInterval, networking, 1, LeaseTimings.DEFAULTS);
  }

  /**
   * With {@code operators} replicas of the operator: from two on, with leader election held with
   * {@code leaseTimings} ({@link OperatorReplicas}).
   */
  public static Sandbox start(Path workDir, Duration probeInterval, Networking networking, int operators,
      LeaseTimings leaseTimings) {
    if (operators < 1) {
      throw new IllegalArgumentException("--operators must be at least 1, not " + operators);
    }
    PostgresBinaries.bindir();
    prepare(workDir);
    PodNetwork network = networking == Networking.CLUSTER ? PodNetwork.create().orElse(null) : null;
    Sandbox sandbox = new Sandbox(workDir, probeInterval, network, operators, leaseTimings);
    sandbox.runtime.start();
    sandbox.startOperator();
    LOG.info("sandbox in {}: API server {}, kubeconfig {}", workDir, sandbox.apiServer.url(), sandbox.kubeconfig);
    return sandbox;
  }

  private static void prepare(Path workDir) {
    try {
      if (Files.isDirectory(workDir)) {
        try (var entries = Files.list(workDir)) {
          if (entries.findAny().isPresent()) {
            if (!Files.exists(workDir.resolve(MARKER))) {
              throw new IllegalArgumentException(workDir + " is not empty and was not made by a sandbox:"
                  + " choose another --work-dir");
            }
            LocalContainer.deleteRecursively(workDir);
          }
        }
      }
      Files.createDirectories(workDir);
      Files.writeString(workDir.resolve(MARKER), "a PKS sandbox's work folder; cleared by the next sandbox run\n");
      ScriptLauncher.own(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + workDir, e);
    }
  }

  /**
   * Prepares this JVM for the network mode's operator: names resolved from a hosts file the
   * sandbox fills, and cached as the cluster's DNS does. The first thing a main method that may
   * start a sandbox in the network mode does, before any name lookup.
   */
  public static void resolveClusterNamesInThisJvm() {
    PksOperator.cacheNamesAsClusterDnsDoes();
    PodNetwork.useHostsFile(Path.of(System.getProperty("java.io.tmpdir"), "pks-sandbox-hosts-" + ProcessHandle.current().pid()));
  }

  /** Starts the operator; with {@link #stopOperator()}, how tests restart it at any point. */
  public synchronized void startOperator() {
    if (operator != null || replicas != null) {
      return;
    }
    if (operators > 1) {
      replicas = new OperatorReplicas(apiServer, operators, new OperatorSettings(Set.of(), true,
          OperatorReplicas.NAMESPACE, ClusterDns.DOMAIN, probeInterval, leaseTimings), memberNetwork());
      replicas.start();
      return;
    }
    metrics = new OperatorMetrics();
    try {
      metricsEndpoint = metrics.serve(ports.operatorMetrics());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the operator's metrics", e);
    }
    operator = Operators.create(operatorClient, new OperatorSettings(Set.of(), false, null, ClusterDns.DOMAIN,
        probeInterval), memberNetwork(), metrics);
    operator.start();
  }

  private MemberNetwork memberNetwork() {
    return network == null ? new LoopbackNetwork(ports) : new ClusterNetwork(ClusterDns.DOMAIN);
  }

  /**
   * Starts the sandbox's object store (see {@link SandboxObjectStore}) once; its files are under
   * the work folder's {@code object-store}.
   */
  public synchronized SandboxObjectStore startObjectStore() {
    if (objectStore == null) {
      try {
        objectStore = SandboxObjectStore.start(apiServer.client(), runtime, network, ports,
            workDir.resolve("object-store"));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the object store", e);
      }
    }
    return objectStore;
  }

  /** The mode the sandbox runs in (CLUSTER asked for may have fallen back to LOOPBACK). */
  public Networking networking() {
    return network == null ? Networking.LOOPBACK : Networking.CLUSTER;
  }

  public synchronized void stopOperator() {
    if (replicas != null) {
      replicas.close();
      replicas = null;
    }
    if (operator != null) {
      operator.stop();
      operator = null;
      metricsEndpoint.close();
    }
  }

  /** How many replicas of the operator run. */
  public int operators() {
    return operators;
  }

  /** The operator's {@code /metrics}, as {@code run --metrics-port} serves it in a cluster. */
  public String operatorMetricsUrl() {
    return metricsUrl(ports.operatorMetrics());
  }

  /**
   * The URL of each member pod's metrics exporter started so far, by "namespace/pod": on the pod's
   * own address in the network mode (reachable from this machine through the bridge), else loopback.
   */
  public Map<String, String> memberMetricsUrls() {
    Map<String, String> urls = new TreeMap<>();
    ports.metricsPorts().forEach((pod, port) -> urls.put(pod, metricsUrl(podAddress(pod), port)));
    return urls;
  }

  private String podAddress(String namespacedPod) {
    if (network == null) {
      return LoopbackNetwork.LOOPBACK_HOST;
    }
    String[] parts = namespacedPod.split("/", 2);
    Pod pod = apiServer.client().pods().inNamespace(parts[0]).withName(parts[1]).get();
    return pod == null || pod.getStatus() == null || pod.getStatus().getPodIP() == null
        ? LoopbackNetwork.LOOPBACK_HOST : pod.getStatus().getPodIP();
  }

  private static String metricsUrl(int port) {
    return metricsUrl(LoopbackNetwork.LOOPBACK_HOST, port);
  }

  private static String metricsUrl(String host, int port) {
    return "http://" + host + ":" + port + OperatorMetrics.PATH;
  }

  public void ensureNamespace(String namespace) {
    if (apiServer.client().namespaces().withName(namespace).get() == null) {
      apiServer.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
          .endMetadata().build()).create();
    }
  }

  /**
   * The metrics of the operator last started (the Prometheus registry behind {@code run --metrics-port});
   * null with several replicas, whose metrics are not served.
   */
  public synchronized OperatorMetrics metrics() {
    return metrics;
  }

  public NamespacedKubernetesClient client() {
    return apiServer.client();
  }

  public EmbeddedApiServer apiServer() {
    return apiServer;
  }

  public LocalRuntime runtime() {
    return runtime;
  }

  public SandboxPorts ports() {
    return ports;
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public Path workDir() {
    return workDir;
  }

  /** Operator first (no decision on a half-stopped pair), then the pods, then the API server. */
  @Override
  public void close() {
    stopOperator();
    operatorClient.close();
    runtime.close();
    if (objectStore != null) {
      objectStore.close();
    }
    if (network != null) {
      network.close();
    }
    apiServer.close();
    LOG.info("sandbox stopped; its files stay in {}", workDir);
  }
}
