package io.pks.operator;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.pks.operator.metrics.OperatorMetrics;
import io.pks.operator.model.MemberNetwork;
import io.pks.operator.reconciler.PksReplicaPairReconciler;
import io.pks.operator.reconciler.ReconcileGate;

/**
 * Builds the operator the same way for a cluster, the sandbox and the tests. Server-side apply is
 * off: plain create, update and JSON merge patches work on every API server, the Fabric8 mock
 * included, and one code path is the one that gets tested.
 */
public final class Operators {
  /**
   * How long a stop waits for the reconciles under way: within the 30 s Kubernetes gives a pod
   * between SIGTERM and SIGKILL by default, so that the stop still ends on its own.
   */
  public static final Duration STOP_GRACE = Duration.ofSeconds(20);
  private static final Logger LOG = LoggerFactory.getLogger(Operators.class);

  /**
   * Pairs reconciled at once, and the threads that run their dependents. JOSDK's 50 and 50 are
   * threads a two-core operator cannot keep busy: a reconcile waits on the API server, which the
   * operator's own CPU use slows as much as its threads speed it. With 16 each, 500 pairs converged
   * within the spread of the runs before, and 68 fewer threads' stacks and two malloc arenas took
   * 15 MiB off the resident memory (BENCHMARKS.md, issue 17).
   */
  static final int RECONCILE_THREADS = 16;
  static final int WORKFLOW_THREADS = 16;

  private Operators() {
  }

  /**
   * Read limits above what an API server stores (requests of at most 3 MiB): Jackson's defaults
   * (names of 50,000 characters, numbers of 1,000 digits, 1,000 levels of nesting) are not, and
   * an informer that cannot read one resource stops delivering all of them, so one resource with a
   * long map key would stop the operator serving every pair.
   */
  public static final StreamReadConstraints READ_LIMITS = StreamReadConstraints.builder()
      .maxNameLength(4 << 20)
      .maxNumberLength(4 << 20)
      .maxStringLength(4 << 20)
      .maxNestingDepth(10_000)
      .build();

  /**
   * JSON and YAML as the operator reads and writes them, within {@link #READ_LIMITS}, one copy kept
   * of each short string value read ({@link SharedStrings}).
   */
  public static KubernetesSerialization serialization() {
    ObjectMapper mapper = new ObjectMapper(JsonFactory.builder().streamReadConstraints(READ_LIMITS).build());
    return new KubernetesSerialization(mapper.registerModule(SharedStrings.module()), true);
  }

  /** Sets the operator's {@link #serialization()} on a client builder. */
  public static KubernetesClientBuilder configure(KubernetesClientBuilder builder) {
    return builder.withKubernetesSerialization(serialization());
  }

  /** An operator whose metrics nobody scrapes. */
  public static Operator create(KubernetesClient client, OperatorSettings settings, MemberNetwork network) {
    return create(client, settings, network, new OperatorMetrics());
  }

  /**
   * The operator; with leader election, losing the Lease exits the process (JOSDK's default), so
   * that Kubernetes restarts the replica as a candidate.
   */
  public static Operator create(KubernetesClient client, OperatorSettings settings, MemberNetwork network,
      OperatorMetrics metrics) {
    return create(client, settings, network, metrics, null);
  }

  /**
   * The operator, with {@code onStopLeading} run instead of exiting when this replica stops leading
   * (null: exit), for a process that outlives its operator: the sandbox, tests.
   */
  public static Operator create(KubernetesClient client, OperatorSettings settings, MemberNetwork network,
      OperatorMetrics metrics, Runnable onStopLeading) {
    return create(client, settings, network, metrics, onStopLeading, null);
  }

  /**
   * The operator as above, holding the Lease as {@code identity} (null: JOSDK's, the host name, as
   * a pod's is its name): for several replicas in one process, which share a host name.
   */
  public static Operator create(KubernetesClient client, OperatorSettings settings, MemberNetwork network,
      OperatorMetrics metrics, Runnable onStopLeading, String identity) {
    ReconcileGate gate = new ReconcileGate();
    Operator operator = new StoppingBetweenReconciles(gate, overrider -> {
      overrider.withKubernetesClient(client)
          .withMetrics(metrics.reconciles())
          .withSSABasedCreateUpdateMatchForDependentResources(false)
          .withUseSSAToPatchPrimaryResource(false)
          .withConcurrentReconciliationThreads(RECONCILE_THREADS)
          .withConcurrentWorkflowExecutorThreads(WORKFLOW_THREADS)
          .withCloseClientOnStop(false);
      if (settings.leaderElection()) {
        LeaderElectionConfigurationBuilder election = LeaderElectionConfigurationBuilder
            .aLeaderElectionConfiguration(OperatorSettings.LEASE_NAME).withLeaseNamespace(settings.leaseNamespace())
            .withLeaseDuration(settings.leaseTimings().leaseDuration())
            .withRenewDeadline(settings.leaseTimings().renewDeadline())
            .withRetryPeriod(settings.leaseTimings().retryPeriod());
        if (identity != null) {
          election.withIdentity(identity);
        }
        // Another replica may lead from now on: no reconcile of this one acts any more. JOSDK runs
        // this before it exits the process.
        Runnable stopActing = onStopLeading == null ? gate::close : () -> {
          gate.close();
          onStopLeading.run();
        };
        election.withExitOnStopLeading(onStopLeading == null)
            .withLeaderCallbacks(new LeaderCallbacks(() -> { }, stopActing, leader -> { }));
        overrider.withLeaderElectionConfiguration(election.build());
      }
    });
    operator.register(new PksReplicaPairReconciler(network, client, Clock.systemUTC(), settings.probeInterval(),
            metrics.pairs(), gate),
        configuration -> {
      if (settings.namespaces().isEmpty()) {
        configuration.watchingAllNamespaces();
      } else {
        configuration.settingNamespaces(settings.namespaces());
      }
    });
    return operator;
  }

  /**
   * JOSDK's operator, whose stop lets the reconciles under way end (within {@link #STOP_GRACE})
   * before JOSDK's stop empties the caches they read: see {@link ReconcileGate}.
   */
  private static final class StoppingBetweenReconciles extends Operator {
    private final ReconcileGate gate;

    StoppingBetweenReconciles(ReconcileGate gate, Consumer<ConfigurationServiceOverrider> overrider) {
      super(overrider);
      this.gate = gate;
    }

    @Override
    public void stop() {
      try {
        if (!gate.closeAndAwait(STOP_GRACE)) {
          LOG.warn("a reconcile still runs after {}; stopping anyway", STOP_GRACE);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      super.stop();
    }
  }
}
