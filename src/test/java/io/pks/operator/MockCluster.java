package io.pks.operator;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.pks.operator.model.ClusterNetwork;
import io.pks.operator.model.MemberNetwork;
import io.pks.operator.sandbox.EmbeddedApiServer;

/**
 * The embedded API server (the Fabric8 mock in CRUD mode, with the CRD installed and every write recorded), and
 * the real operator started against it the way {@code run} starts it.
 */
public final class MockCluster implements AutoCloseable {

  private final AtomicInteger reconciles = new AtomicInteger();
  private final EmbeddedApiServer apiServer = new EmbeddedApiServer();
  private Operator operator;

  public NamespacedKubernetesClient client() {
    return apiServer.client();
  }

  /** The API server, to inject faults. */
  public EmbeddedApiServer apiServer() {
    return apiServer;
  }

  public void startOperator() {
    startOperator(new ClusterNetwork("cluster.local"));
  }

  /** The operator as {@code run} starts it, probing every 200 ms, with members where {@code network} says. */
  public void startOperator(MemberNetwork network) {
    operator = Operators.create(client(), new OperatorSettings(java.util.Set.of(), false, null, "cluster.local",
        java.time.Duration.ofMillis(200)), network, new Metrics() {
          @Override
          public void finishedReconciliation(HasMetadata resource, java.util.Map<String, Object> metadata) {
            reconciles.incrementAndGet();
          }
        });
    operator.start();
  }

  public void stopOperator() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }

  /** Reconciliations finished since the operator was created. */
  public int reconciles() {
    return reconciles.get();
  }

  public List<EmbeddedApiServer.Write> writes() {
    return apiServer.writes();
  }

  public void clearWrites() {
    apiServer.clearWrites();
  }

  @Override
  public void close() {
    stopOperator();
    apiServer.close();
  }
}
