package io.pks.operator.sandbox;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pks.operator.OperatorSettings;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.api.v1alpha1.SynchronousMode;
import io.pks.operator.cli.DurationConverter;
import io.pks.operator.cli.LeaseOptions;
import io.pks.operator.cli.LogFile;
import io.pks.operator.cli.PairFiles;
import io.pks.operator.model.Names;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sandbox}: the operator, an embedded API server and real PostgreSQL processes on this
 * machine; applies a PksReplicaPair and shows it reach Streaming.
 */
@Command(name = "pks-sandbox", mixinStandardHelpOptions = true,
    description = {"Run the operator with an embedded API server and a local runtime that runs the pods with"
        + " this machine's PostgreSQL: a whole pair without a cluster.",
        "kubectl works against it through the kubeconfig it writes."})
public final class SandboxCommand implements Callable<Integer> {

  /** Entry point of {@code pks-sandbox.jar}. */
  public static void main(String[] args) {
    Sandbox.resolveClusterNamesInThisJvm();
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    return new CommandLine(new SandboxCommand());
  }

  @Option(names = {"-f", "--filename"}, defaultValue = "examples/pksreplicapair.yaml", paramLabel = "FILE",
      description = "PksReplicaPair to apply. Default: ${DEFAULT-VALUE}.")
  Path file;

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Folder for the kubeconfig, volumes and logs; cleared if a previous sandbox made it."
          + " Default: pks-sandbox in the system's temporary folder.")
  Path workDir = Path.of(System.getProperty("java.io.tmpdir"), "pks-sandbox");

  @Option(names = "--network", defaultValue = "CLUSTER", paramLabel = "MODE",
      description = "CLUSTER: each pod on a node of its own (a network namespace, its own address, cluster DNS"
          + " names; needs root), falling back to LOOPBACK with the reason where it cannot. LOOPBACK: members"
          + " on loopback ports. Default: ${DEFAULT-VALUE}.")
  Sandbox.Networking networking;

  @Option(names = "--object-store", description = "Also run an S3-compatible object store (S3Proxy, HTTPS) behind"
      + " the Service " + SandboxObjectStore.SERVICE + " of the namespace " + SandboxObjectStore.NAMESPACE
      + ", with the bucket " + SandboxObjectStore.BUCKET + " and its keys and CA in the Secret "
      + SandboxObjectStore.SECRET + " (copied into the pair's namespace, for spec.backup).")
  boolean objectStore;

  @Option(names = "--operators", defaultValue = "1", paramLabel = "N",
      description = "Replicas of the operator. From 2 on they elect a leader on the Lease "
          + OperatorSettings.LEASE_NAME + " of the namespace " + OperatorReplicas.NAMESPACE + ", each shown there as a"
          + " pod named by its identity, on a node of its own: the sandbox's faults (node-down, partition) apply to"
          + " them. Default: ${DEFAULT-VALUE}.")
  int operators;

  @Mixin
  LeaseOptions lease;

  @Option(names = "--exit-when-ready", description = "Exit 0 once the pair is Streaming, stopping everything.")
  boolean exitWhenReady;

  @Option(names = "--ready-timeout", defaultValue = "180s", paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long the pair may take to reach Streaming. Default: ${DEFAULT-VALUE}.")
  Duration readyTimeout;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PksReplicaPair pair;
    try {
      pair = PairFiles.readValid(file, err);
    } catch (PairFiles.CommandFailure e) {
      return e.exitCode;
    }
    Sandbox sandbox;
    try {
      sandbox = Sandbox.start(workDir.toAbsolutePath(), Duration.ofSeconds(1), networking, operators,
          lease.timings(spec));
    } catch (IllegalStateException | IllegalArgumentException e) {
      err.println("sandbox: " + e.getMessage());
      return 2;
    }
    AutoCloseable log = LogFile.redirectTo(sandbox.workDir().resolve("sandbox.log"));
    CountDownLatch interrupted = new CountDownLatch(1);
    Thread stopper = new Thread(() -> {
      sandbox.close();
      interrupted.countDown();
    }, "sandbox-shutdown");
    Runtime.getRuntime().addShutdownHook(stopper);
    out.println("Sandbox started in " + sandbox.workDir());
    out.println("  kubeconfig: " + sandbox.kubeconfig());
    out.println("  log of the operator and the runtime: " + sandbox.workDir().resolve("sandbox.log"));
    out.println("  network: " + sandbox.networking());
    printOperators(sandbox, out);
    out.flush();

    String namespace = pair.getMetadata().getNamespace();
    String name = pair.getMetadata().getName();
    sandbox.ensureNamespace(namespace);
    if (objectStore) {
      out.println("Object store: " + sandbox.startObjectStore().copySecretTo(sandbox.client(), namespace).endpoint());
      out.println("  bucket " + SandboxObjectStore.BUCKET + ", Secret " + SandboxObjectStore.SECRET + " in namespaces "
          + SandboxObjectStore.NAMESPACE + " and " + namespace);
      out.flush();
    }
    sandbox.client().resource(pair).create();
    out.println("Applied PksReplicaPair " + namespace + "/" + name + " from " + file);
    out.flush();

    PksReplicaPairStatus last = awaitStreaming(sandbox, namespace, name, out);
    boolean ready = last != null && last.phase() == Phase.Streaming;
    if (ready) {
      awaitSyncShown(sandbox, namespace, name);
      printReady(sandbox, namespace, name, out);
    } else {
      err.println("sandbox: " + namespace + "/" + name + " did not reach Streaming within " + readyTimeout.toSeconds()
          + " s" + (last == null ? "" : ": " + last.phase() + ": " + last.message()));
      err.println("  logs: " + sandbox.workDir().resolve("pods"));
    }
    if (exitWhenReady || !ready) {
      Runtime.getRuntime().removeShutdownHook(stopper);
      sandbox.close();
      log.close();
      return ready ? 0 : 1;
    }
    out.println("Running until interrupted (Ctrl-C); everything it started stops with it.");
    out.flush();
    interrupted.await();
    return 0;
  }

  private static void printOperators(Sandbox sandbox, PrintWriter out) {
    if (sandbox.operators() == 1) {
      out.println("  metrics of the operator: " + sandbox.operatorMetricsUrl());
    } else {
      out.println("  operators: " + sandbox.operators() + " replicas electing a leader; kubectl get pods,leases -n "
          + OperatorReplicas.NAMESPACE);
    }
  }

  /** Prints each phase change; the last status seen, Streaming unless it failed or timed out. */
  private PksReplicaPairStatus awaitStreaming(Sandbox sandbox, String namespace, String name, PrintWriter out)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + readyTimeout.toNanos();
    PksReplicaPairStatus last = null;
    while (System.nanoTime() < deadline) {
      PksReplicaPairStatus status = status(sandbox, namespace, name);
      if (status != null && status.phase() != null && (last == null || last.phase() != status.phase()
          || !Objects.equals(last.message(), status.message()))) {
        out.printf("[%6.1f s] %-20s %s%n", (System.nanoTime() - start) / 1e9, status.phase(), status.message());
        out.flush();
        last = status;
      }
      if (last != null && last.phase() == Phase.Streaming) {
        return last;
      }
      Thread.sleep(100);
    }
    return last;
  }

  /** The status shows the synchronous standby a moment after Streaming (the next probe). */
  private static void awaitSyncShown(Sandbox sandbox, String namespace, String name) throws InterruptedException {
    for (int i = 0; i < 50; i++) {
      PksReplicaPairStatus status = status(sandbox, namespace, name);
      PksReplicaPair pair = sandbox.client().resources(PksReplicaPair.class).inNamespace(namespace).withName(name).get();
      if (pair.getSpec().replication().synchronous() == SynchronousMode.Off
          || (status != null && status.replication() != null && "sync".equals(status.replication().syncState()))) {
        return;
      }
      Thread.sleep(100);
    }
  }

  private static PksReplicaPairStatus status(Sandbox sandbox, String namespace, String name) {
    try {
      PksReplicaPair current = sandbox.client().resources(PksReplicaPair.class).inNamespace(namespace)
          .withName(name).get();
      return current == null ? null : current.getStatus();
    } catch (KubernetesClientException e) {
      return null;
    }
  }

  private static void printReady(Sandbox sandbox, String namespace, String name, PrintWriter out) {
    out.println();
    out.println("$ kubectl get pksreplicapairs -n " + namespace);
    out.print(TableText.get(sandbox.apiServer().url(), "/apis/pks.io/v1alpha1/namespaces/" + namespace
        + "/pksreplicapairs"));
    out.println();
    PksReplicaPair pair = sandbox.client().resources(PksReplicaPair.class).inNamespace(namespace).withName(name).get();
    int port = pair.getSpec().postgres().port();
    sandbox.runtime().serviceEndpoints().forEach((service, address) -> {
      if (service.startsWith(namespace + "/" + name + "-")) {
        out.println("  Service " + service + " -> " + address.getHostString() + ":" + address.getPort());
      }
    });
    InetSocketAddress readWrite = sandbox.runtime().serviceEndpoints()
        .get(namespace + "/" + Names.readWriteService(name) + "/" + port);
    out.println("  Write through " + Names.readWriteService(name) + ": psql -h " + readWrite.getHostString() + " -p "
        + readWrite.getPort()
        + " -U postgres (password: kubectl get secret " + Names.superuserSecret(pair) + " -n " + namespace
        + " -o jsonpath='{.data.password}' | base64 -d)");
    out.println();
    out.println("  export KUBECONFIG=" + sandbox.kubeconfig());
    out.println("  kubectl get pksrp -n " + namespace
        + " -w         # PRIMARY, STANDBY, SIP, PHASE, SYNC, LAG as they change");
    out.println("  kubectl get pods,statefulsets,jobs,pvc -n " + namespace);
    out.println("  kubectl annotate pod " + Names.pod(name, pair.getStatus().currentPrimary()) + " -n " + namespace
        + " sandbox.pks.io/fault=node-down   # lose the primary's node");
    out.println("  Logs of each pod: " + sandbox.workDir().resolve("pods").resolve(namespace));
    if (sandbox.operators() == 1) {
      out.println("  Metrics of the operator: " + sandbox.operatorMetricsUrl());
    } else {
      out.println("  kubectl get lease " + OperatorSettings.LEASE_NAME + " -n " + OperatorReplicas.NAMESPACE
          + " -o jsonpath='{.spec.holderIdentity}'   # the leader's pod; annotate it as above to lose its node");
    }
    sandbox.memberMetricsUrls().forEach((pod, url) -> out.println("  Metrics of pod " + pod + ": " + url));
    out.flush();
  }
}
