package io.pks.operator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.pks.operator.api.v1alpha1.Crd;
import io.pks.operator.model.ClusterNetwork;
import io.pks.operator.model.MemberNetwork;

/**
 * The Fabric8 mock API server in CRUD mode, with the CRD installed, every write recorded, and the
 * real operator started against it the way {@code run} starts it.
 */
public final class MockCluster implements AutoCloseable {

  /** One write the API server received. */
  public record Write(String method, String path) {
  }

  private final List<Write> writes = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger reconciles = new AtomicInteger();
  private final KubernetesMockServer server;
  private final NamespacedKubernetesClient client;
  private Operator operator;

  public MockCluster() {
    // The mock parses requests with Fabric8's shared mapper: give it an API server's limits, so it
    // stores whatever a real API server would (the operator's own client has its own limits).
    Serialization.jsonMapper().getFactory().setStreamReadConstraints(Operators.READ_LIMITS);
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new RecordingDispatcher(), false);
    server.init();
    client = server.createClient(Operators::configure);
    client.apiextensions().v1().customResourceDefinitions().resource(Crd.load()).create();
  }

  public NamespacedKubernetesClient client() {
    return client;
  }

  public void startOperator() {
    startOperator(new ClusterNetwork("cluster.local"));
  }

  /** The operator as {@code run} starts it, probing every 200 ms, with members where {@code network} says. */
  public void startOperator(MemberNetwork network) {
    operator = Operators.create(client, new OperatorSettings(java.util.Set.of(), false, null, "cluster.local",
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

  public List<Write> writes() {
    synchronized (writes) {
      return List.copyOf(writes);
    }
  }

  public void clearWrites() {
    writes.clear();
  }

  @Override
  public void close() {
    stopOperator();
    client.close();
    server.destroy();
  }

  private final class RecordingDispatcher extends KubernetesCrudDispatcher {
    RecordingDispatcher() {
      super(List.of());
    }

    @Override
    public MockResponse handleCreate(RecordedRequest request) {
      writes.add(new Write("POST", request.getPath()));
      return super.handleCreate(request);
    }

    @Override
    public MockResponse handleUpdate(RecordedRequest request) {
      writes.add(new Write("PUT", request.getPath()));
      return super.handleUpdate(request);
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
      writes.add(new Write("PATCH", request.getPath()));
      return super.handlePatch(request);
    }

    @Override
    public MockResponse handleDelete(String path) {
      writes.add(new Write("DELETE", path));
      return super.handleDelete(path);
    }
  }
}
