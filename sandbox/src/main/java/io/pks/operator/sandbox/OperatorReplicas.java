package io.pks.operator.sandbox;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.pks.operator.OperatorSettings;
import io.pks.operator.Operators;
import io.pks.operator.metrics.OperatorMetrics;
import io.pks.operator.model.LoopbackNetwork;
import io.pks.operator.model.MemberNetwork;

/**
 * {@code sandbox --operators N}: N replicas of the operator in this JVM with leader election on the
 * Lease {@value OperatorSettings#LEASE_NAME} of the namespace {@value #NAMESPACE}, each shown as a
 * pod of that namespace named by its identity (the Lease's holderIdentity), on a node of its own.
 * Each reaches the API server only through a proxy of its own, which its node's fault cuts: {@code
 * node-down} cuts it and stops the replica at once, without a word to the API server (a lost node's
 * process is just gone: the Lease stays its holder's until it expires); {@code partition} only cuts
 * it, so the replica stops renewing and stops leading once a renewal has failed past its renew
 * deadline (checked between attempts, so later by the client's retries). A replica that stops
 * leading is stopped (as {@code run} exits), and started again as a candidate once its node is
 * healthy (as the kubelet restarts the container): JOSDK keeps reconciling after losing the Lease
 * when told not to exit, so a replica left running would act beside the new leader.
 */
final class OperatorReplicas implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OperatorReplicas.class);
  static final String NAMESPACE = "pks-operator";
  static final String APP_LABEL = "app.kubernetes.io/name";
  private static final long PERIOD_MILLIS = 200;

  private final KubernetesClient admin;
  private final List<Replica> replicas = new ArrayList<>();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "sandbox-operator-replicas");
    thread.setDaemon(true);
    return thread;
  });

  /** One replica: its identity, its link to the API server, and the operator while it runs. */
  private final class Replica {
    final String identity;
    final TcpProxy link;
    final NamespacedKubernetesClient client;
    final OperatorSettings settings;
    final MemberNetwork network;
    volatile boolean cut;
    NodeFault fault = NodeFault.NONE;
    String faultRefused;
    Operator operator;
    /** Tells a stale stop-leading callback (of an operator already stopped) from the running one's. */
    int generation;
    PodStatus written;

    Replica(String identity, EmbeddedApiServer apiServer, OperatorSettings settings, MemberNetwork network) {
      this.identity = identity;
      URI server = URI.create(apiServer.url());
      InetSocketAddress backend = new InetSocketAddress(server.getHost(), server.getPort());
      this.link = new TcpProxy(new InetSocketAddress(LoopbackNetwork.LOOPBACK_HOST, 0), () -> cut ? null : backend);
      this.client = apiServer.clientAs(EmbeddedApiServer.OPERATOR_USER_AGENT,
          "http://" + LoopbackNetwork.LOOPBACK_HOST + ":" + link.address().getPort());
      this.settings = settings;
      this.network = network;
    }

    void start() {
      int started = ++generation;
      operator = Operators.create(client, settings, network, new OperatorMetrics(),
          () -> onLoop(() -> stoppedLeading(started)), identity);
      operator.start();
      LOG.info("operator replica {}: started, a candidate for the Lease", identity);
    }

    void stop() {
      if (operator != null) {
        operator.stop();
        operator = null;
      }
    }

    void stoppedLeading(int ofGeneration) {
      if (ofGeneration == generation && operator != null) {
        LOG.info("operator replica {}: stopped leading; stopped (as run exits), restarted once its node is healthy",
            identity);
        stop();
      }
    }

    /** Moves the replica's node to {@code wanted}; then runs the replica when its node is healthy. */
    void apply(NodeFault wanted) {
      if (!wanted.equals(fault)) {
        cut = wanted.kind() != NodeFault.Kind.NONE;
        if (cut) {
          link.cutConnectionsOtherThan(null);
        }
        if (wanted.kind() == NodeFault.Kind.NODE_DOWN) {
          stop();
        }
        fault = wanted;
        LOG.info("operator replica {}: fault {}", identity, wanted);
      }
      if (fault.kind() == NodeFault.Kind.NONE && operator == null) {
        start();
      }
    }
  }

  /** Runs {@code step} on the replicas' thread; nothing once they are closed. */
  private void onLoop(Runnable step) {
    try {
      loop.execute(step);
    } catch (RejectedExecutionException e) {
      // Closing: every replica is being stopped anyway.
    }
  }

  OperatorReplicas(EmbeddedApiServer apiServer, int count, OperatorSettings settings, MemberNetwork network) {
    this.admin = apiServer.client();
    for (int i = 0; i < count; i++) {
      replicas.add(new Replica(NAMESPACE + "-" + i, apiServer, settings, network));
    }
  }

  /** Creates the pods and starts every replica; they take the Lease in the background. */
  void start() {
    if (admin.namespaces().withName(NAMESPACE).get() == null) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata()
          .withName(NAMESPACE).endMetadata().build()).create();
    }
    for (Replica replica : replicas) {
      admin.pods().inNamespace(NAMESPACE).resource(pod(replica.identity)).createOr(existing -> existing.update());
      replica.start();
    }
    loop.scheduleWithFixedDelay(this::sync, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** The pod of the replica {@code identity}: on a node of its own, named after it. */
  static Pod pod(String identity) {
    return new PodBuilder().withNewMetadata().withName(identity).withNamespace(NAMESPACE)
        .withLabels(Map.of(APP_LABEL, NAMESPACE)).endMetadata()
        .withNewSpec().withNodeName(node(identity))
          .addNewContainer().withName("operator").withImage("pks-operator (in the sandbox's JVM)").endContainer()
        .endSpec().build();
  }

  static String node(String identity) {
    return identity + "-node";
  }

  private void sync() {
    for (Replica replica : replicas) {
      try {
        Pod pod = admin.pods().inNamespace(NAMESPACE).withName(replica.identity).get();
        if (pod == null) {
          continue;
        }
        replica.apply(wanted(replica, LocalKubelet.faultAnnotation(pod)));
        writeStatus(replica);
      } catch (KubernetesClientException e) {
        LOG.debug("operator replica {}: {}", replica.identity, e.getMessage());
      } catch (RuntimeException e) {
        LOG.warn("operator replica {}: pass failed", replica.identity, e);
      }
    }
  }

  /** The fault the annotation asks for; the current one, with the reason, when it is none this pod can be in. */
  private static NodeFault wanted(Replica replica, String annotation) {
    try {
      NodeFault wanted = NodeFault.parse(annotation);
      if (wanted.kind() != NodeFault.Kind.NONE && wanted.kind() != NodeFault.Kind.NODE_DOWN
          && wanted.kind() != NodeFault.Kind.PARTITION) {
        throw new IllegalArgumentException(wanted + ": an operator's pod takes node-down or partition");
      }
      replica.faultRefused = null;
      return wanted;
    } catch (IllegalArgumentException e) {
      replica.faultRefused = e.getMessage();
      return replica.fault;
    }
  }

  private void writeStatus(Replica replica) {
    boolean ready = replica.operator != null && !replica.cut;
    PodStatusBuilder status = new PodStatusBuilder()
        .withPhase(replica.fault.unreachable() ? "Unknown" : "Running")
        .withHostIP(LoopbackNetwork.LOOPBACK_HOST)
        .withPodIP(replica.fault.kind() == NodeFault.Kind.NODE_DOWN ? null : LoopbackNetwork.LOOPBACK_HOST)
        .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False")
          .withReason(replica.fault.unreachable() ? "NodeLost" : null).endCondition()
        .addNewContainerStatus().withName("operator").withReady(ready).withRestartCount(replica.generation - 1)
          .withImage("pks-operator (in the sandbox's JVM)").endContainerStatus();
    if (replica.faultRefused != null) {
      status.addNewCondition().withType(LocalKubelet.FAULT_CONDITION).withStatus("False").withReason("Refused")
          .withMessage(replica.faultRefused).endCondition();
    }
    PodStatus built = status.build();
    if (!Objects.equals(built, replica.written)) {
      admin.pods().inNamespace(NAMESPACE).withName(replica.identity)
          .editStatus(p -> new PodBuilder(p).withStatus(built).build());
      replica.written = built;
    }
  }

  /** Every replica stopped, on the replicas' own thread (never while a pass starts one); the pods stay. */
  @Override
  public void close() {
    try {
      loop.submit(this::stopAll).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.warn("operator replicas: not all stopped", e.getCause());
    } finally {
      loop.shutdownNow();
    }
  }

  private void stopAll() {
    for (Replica replica : replicas) {
      replica.stop();
      replica.link.close();
      replica.client.close();
    }
  }
}
