package io.pks.operator.cli;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.pks.operator.HealthServer;
import io.pks.operator.HttpEndpoints;
import io.pks.operator.OperatorSettings;
import io.pks.operator.Operators;
import io.pks.operator.metrics.OperatorMetrics;
import io.pks.operator.model.ClusterNetwork;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code run}: the operator against the current kubeconfig or in-cluster service account. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the operator against the current kubeconfig or the in-cluster service account.")
public final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = "--namespace", split = ",", paramLabel = "NS",
      description = "Namespace to watch; repeat or separate with commas. Default: all namespaces.")
  List<String> namespaces = List.of();

  @Option(names = "--leader-election", negatable = true, defaultValue = "false",
      description = "Take a Lease before reconciling; required when running more than one replica.")
  boolean leaderElection;

  @Option(names = "--lease-namespace", paramLabel = "NS",
      description = "Namespace of the leader-election Lease. Default: the operator's own.")
  String leaseNamespace;

  @Mixin
  LeaseOptions lease;

  @Option(names = "--health-port", defaultValue = "8081", paramLabel = "PORT",
      description = "Port of /healthz and /readyz; 0 to disable. Default: ${DEFAULT-VALUE}.")
  int healthPort;

  @Option(names = "--metrics-port", defaultValue = "8080", paramLabel = "PORT",
      description = "Port of the Prometheus metrics (" + OperatorMetrics.PATH + "); 0 to disable."
          + " Default: ${DEFAULT-VALUE}.")
  int metricsPort;

  @Option(names = "--cluster-domain", defaultValue = "cluster.local", paramLabel = "DOMAIN",
      description = "DNS domain of the cluster. Default: ${DEFAULT-VALUE}.")
  String clusterDomain;

  @Option(names = "--probe-interval", defaultValue = "1s", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How often each member's PostgreSQL is probed (e.g. 1s, 500ms). Default: ${DEFAULT-VALUE}.")
  Duration probeInterval;

  @Option(names = "--log-format", defaultValue = "text", paramLabel = "FORMAT",
      description = "text, or json: one JSON object per line, with the pair's namespace and name"
          + " (mdc fields namespace, pair) on every line about a pair. Default: ${DEFAULT-VALUE}.")
  LogFormat logFormat;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (healthPort != 0 && healthPort == metricsPort) {
      throw new ParameterException(spec.commandLine(), "--health-port and --metrics-port must differ");
    }
    logFormat.apply();
    OperatorSettings settings = new OperatorSettings(new HashSet<>(namespaces), leaderElection,
        leaseNamespace, clusterDomain, probeInterval, lease.timings(spec));
    KubernetesClient client = Operators.configure(new KubernetesClientBuilder()).build();
    OperatorMetrics metrics = new OperatorMetrics();
    Operator operator = Operators.create(client, settings, new ClusterNetwork(clusterDomain), metrics);
    LOG.info("starting: namespaces {}, leader election {}, API server {}, health port {}, metrics port {}",
        namespaces.isEmpty() ? "all" : namespaces, leaderElection, client.getMasterUrl(), healthPort, metricsPort);
    HealthServer health = healthPort == 0 ? null : new HealthServer(healthPort,
        () -> operator.getRuntimeInfo().allEventSourcesAreHealthy(),
        () -> operator.getRuntimeInfo().isStarted());
    HttpEndpoints metricsEndpoint = metricsPort == 0 ? null : metrics.serve(metricsPort);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("stopping");
      operator.stop();
      if (health != null) {
        health.close();
      }
      if (metricsEndpoint != null) {
        metricsEndpoint.close();
      }
      client.close();
      stopped.countDown();
    }));
    operator.start();
    stopped.await();
    return 0;
  }
}
