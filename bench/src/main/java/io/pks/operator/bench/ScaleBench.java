package io.pks.operator.bench;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.LoopbackNetwork;
import io.pks.operator.model.Names;
import io.pks.operator.model.Secrets;
import io.pks.operator.sandbox.EmbeddedApiServer;

/**
 * scale: N pairs against the embedded API server, without PostgreSQL: the operator alone in a JVM
 * of its own ({@link OperatorProcess}), every member unreachable, so each pair stays where a
 * cluster without nodes would leave it (InitializingPrimary, waiting for its initdb Job) and is
 * probed every second all the same. Measured, for each N: creating the N pairs → every object of
 * every pair exists (Secrets, ConfigMap, claims, StatefulSets, Services, initdb Job; and the
 * namespace's one scripts ConfigMap), the API requests and writes that took per pair, then, once
 * no write has come for a while, the writes and requests per pair per minute while nothing
 * changes, and the operator's resident memory and heap in use after a full GC.
 */
final class ScaleBench implements Scenario {
  static final String NAME = "scale";
  private static final String NAMESPACE = "bench-scale";
  /** The resources of the objects the operator creates for a pair (Events excluded): those of DesiredObjects.all. */
  private static final Set<String> OWNED = Set.of("secrets", "configmaps", "persistentvolumeclaims",
      "statefulsets", "services", "jobs", "networkpolicies", "poddisruptionbudgets");
  private static final Duration CONVERGENCE_BOUND = Duration.ofMinutes(5);
  private static final Duration QUIET = Duration.ofSeconds(5);
  private static final Duration SETTLE_BOUND = Duration.ofMinutes(2);
  /** A whole minute: the probe's regular schedule and any once-a-minute work are both in it. */
  private static final Duration WINDOW = Duration.ofSeconds(60);
  private static final double MIB = 1 << 20;

  private final BenchSandbox sandbox;
  private final List<Integer> sizes;

  private ScaleBench(BenchSandbox sandbox, List<Integer> sizes) {
    this.sandbox = sandbox;
    this.sizes = sizes;
  }

  /** @param sizes the numbers of pairs, comma-separated ("100,500,1000") */
  static ScaleBench of(BenchSandbox sandbox, String sizes) {
    return new ScaleBench(sandbox, Arrays.stream(sizes.split(",")).map(String::strip).map(Integer::valueOf).toList());
  }

  @Override
  public void run(Results results) throws Exception {
    // No PostgreSQL server of the other scenarios left to compete for the cores.
    sandbox.close();
    for (int pairs : sizes) {
      measure(pairs, results);
    }
  }

  private static void measure(int pairs, Results results) throws Exception {
    String prefix = pairs + " pairs: ";
    try (EmbeddedApiServer apiServer = new EmbeddedApiServer();
        OperatorProcess operator = OperatorProcess.start(apiServer.url(),
            Bench.OUTPUT.resolve("scale-operator-" + pairs + ".log"), pairs)) {
      NamespacedKubernetesClient client = apiServer.client();
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
          .build()).create();
      long expected = expectedObjects(pairs);
      apiServer.clearWrites();
      long requestsBefore = apiServer.requestCount();

      long start = System.nanoTime();
      Duration operatorCpu = operator.cpu();
      // This process is the embedded API server's, and the benchmark's own client.
      long benchCpu = Bench.processCpuNanos();
      for (int i = 1; i <= pairs; i++) {
        client.resource(pair(i)).create();
      }
      await(expected + " objects").atMost(CONVERGENCE_BOUND).pollInterval(Duration.ofMillis(100))
          .until(() -> created(apiServer) >= expected);
      double converged = (System.nanoTime() - start) / 1e9;
      double operatorCpuSeconds = operator.cpu().minus(operatorCpu).toNanos() / 1e9;
      double apiServerCpuSeconds = (Bench.processCpuNanos() - benchCpu) / 1e9;
      long operatorRequests = apiServer.requestCount() - requestsBefore - pairs;
      long operatorWrites = apiServer.writes().size() - pairs;
      results.add(NAME, prefix + "create → every object of every pair exists", "s", converged);
      results.add(NAME, prefix + "API requests per pair, until then", "requests", operatorRequests / (double) pairs);
      results.add(NAME, prefix + "API writes per pair, until then", "writes", operatorWrites / (double) pairs);
      results.add(NAME, prefix + "operator CPU time, until then", "s", operatorCpuSeconds);
      results.add(NAME, prefix + "API server CPU time (with the benchmark's client), until then", "s",
          apiServerCpuSeconds);

      awaitQuiet(apiServer);
      apiServer.clearWrites();
      long requestsIdle = apiServer.requestCount();
      Duration cpuIdle = operator.cpu();
      Thread.sleep(WINDOW.toMillis());
      double idleCores = operator.cpu().minus(cpuIdle).toNanos() / (double) WINDOW.toNanos();
      double perPairPerMinute = 60.0 / WINDOW.toSeconds() / pairs;
      results.add(NAME, prefix + "idle API writes per pair per minute", "writes/min",
          apiServer.writes().size() * perPairPerMinute);
      results.add(NAME, prefix + "idle API requests per pair per minute", "requests/min",
          (apiServer.requestCount() - requestsIdle) * perPairPerMinute);

      results.add(NAME, prefix + "operator CPU while idle (CPU seconds per second)", "cores", idleCores);

      OperatorProcess.Memory memory = operator.measure();
      results.add(NAME, prefix + "operator resident memory (VmRSS)", "MiB", memory.residentBytes() / MIB);
      results.add(NAME, prefix + "operator heap in use after a full GC", "MiB", memory.heapBytes() / MIB);
      results.add(NAME, prefix + "operator resident memory after that GC", "MiB", memory.residentAfterGcBytes() / MIB);
      Bench.progress("%s: %d pairs converged in %.1f s (CPU: operator %.1f s, API server %.1f s), %.1f requests"
          + " per pair; idle: %.2f cores; RSS %.0f MiB, heap %.0f MiB", NAME, pairs, converged, operatorCpuSeconds,
          apiServerCpuSeconds, operatorRequests / (double) pairs, idleCores, memory.residentBytes() / MIB,
          memory.heapBytes() / MIB);
    }
  }

  /** The example as pair number {@code i}. */
  private static PksReplicaPair pair(int i) {
    return TestPairs.example(json -> ((ObjectNode) json.get("metadata")).put("name", String.format("pks-%03d", i))
        .put("namespace", NAMESPACE));
  }

  /**
   * What the operator creates for {@code pairs} pairs of one namespace: each pair's own desired
   * objects and the initdb Job its status then names, and the namespace's one scripts' ConfigMap.
   */
  private static long expectedObjects(int pairs) {
    List<HasMetadata> all = new DesiredObjects(pair(1), new LoopbackNetwork(Map.of())).all(Secrets.PasswordSource.NONE);
    long shared = all.stream().filter(object -> object.getMetadata().getName().equals(Names.scriptsConfigMap())).count();
    return pairs * (all.size() - shared + 1) + shared;
  }

  /** Objects the operator created: POSTs of the owned resources the API server answered 201. */
  private static long created(EmbeddedApiServer apiServer) {
    return apiServer.writes().stream().filter(write -> write.method().equals("POST") && write.status() == 201)
        .filter(write -> OWNED.contains(lastSegment(write.path()))).count();
  }

  private static String lastSegment(String path) {
    String withoutQuery = path.split("\\?", 2)[0];
    return withoutQuery.substring(withoutQuery.lastIndexOf('/') + 1);
  }

  /** Until no write has come for {@link #QUIET}: the status updates that follow the objects are done. */
  private static void awaitQuiet(EmbeddedApiServer apiServer) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_BOUND.toNanos();
    int seen = -1;
    while (System.nanoTime() < deadline) {
      apiServer.clearWrites();
      Thread.sleep(QUIET.toMillis());
      if (apiServer.writes().isEmpty()) {
        return;
      }
      seen = apiServer.writes().size();
    }
    Bench.progress("%s: still writing after %d s (%d writes in the last %d s); measuring anyway", NAME,
        SETTLE_BOUND.toSeconds(), seen, QUIET.toSeconds());
  }
}
