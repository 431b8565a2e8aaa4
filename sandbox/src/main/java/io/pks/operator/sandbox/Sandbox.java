package io.pks.operator.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.pks.operator.OperatorSettings;
import io.pks.operator.Operators;
import io.pks.operator.metrics.OperatorMetrics;
import io.pks.operator.model.LoopbackNetwork;

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
  private final LocalRuntime runtime;
  private final Path kubeconfig;
  private final Duration probeInterval;
  private Operator operator;
  private OperatorMetrics metrics;

  private Sandbox(Path workDir, Duration probeInterval) {
    this.workDir = workDir;
    this.probeInterval = probeInterval;
    this.apiServer = new EmbeddedApiServer();
    this.operatorClient = apiServer.clientAs(EmbeddedApiServer.OPERATOR_USER_AGENT);
    this.kubeconfig = apiServer.writeKubeconfig(workDir.resolve("kubeconfig"));
    this.runtime = new LocalRuntime(apiServer.client(), ports, workDir);
  }

  /**
   * Starts everything in {@code workDir}, which must be empty, missing, or a previous sandbox's
   * (then it is cleared). Fails at once, saying what to install, without PostgreSQL.
   */
  public static Sandbox start(Path workDir, Duration probeInterval) {
    PostgresBinaries.bindir();
    prepare(workDir);
    Sandbox sandbox = new Sandbox(workDir, probeInterval);
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

  /** Starts the operator; with {@link #stopOperator()}, how tests restart it at any point. */
  public synchronized void startOperator() {
    if (operator != null) {
      return;
    }
    metrics = new OperatorMetrics();
    operator = Operators.create(operatorClient, new OperatorSettings(Set.of(), false, null, "cluster.local",
        probeInterval), new LoopbackNetwork(ports), metrics);
    operator.start();
  }

  public synchronized void stopOperator() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }

  public void ensureNamespace(String namespace) {
    if (apiServer.client().namespaces().withName(namespace).get() == null) {
      apiServer.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
          .endMetadata().build()).create();
    }
  }

  /** The metrics of the operator last started (the Prometheus registry behind {@code run --metrics-port}). */
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
    apiServer.close();
    LOG.info("sandbox stopped; its files stay in {}", workDir);
  }
}
