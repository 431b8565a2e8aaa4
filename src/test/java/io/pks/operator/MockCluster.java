package io.pks.operator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.pks.operator.api.v1alpha1.Crd;
import io.pks.operator.metrics.OperatorMetrics;
import io.pks.operator.model.ClusterNetwork;
import io.pks.operator.model.MemberNetwork;

/**
 * The Fabric8 mock API server in CRUD mode, with the CRD installed, every request recorded, and the
 * real operator started against it the way {@code run} starts it, through a client of its own so
 * that its requests can be told from the test's.
 */
public final class MockCluster implements AutoCloseable {

  /** One write the API server received. */
  public record Write(String method, String path) {
  }

  /** One request the API server received, and whether the operator sent it. */
  private record Request(String method, String path, boolean fromOperator) {
  }

  private static final String OPERATOR_USER_AGENT = "pks-operator-under-test";

  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private volatile int writesFrom;
  private volatile Function<String, List<ResourceRule>> rulesReview;
  private final KubernetesMockServer server;
  private final NamespacedKubernetesClient client;
  private final KubernetesClient operatorClient;
  private Operator operator;
  private OperatorMetrics metrics;

  public MockCluster() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new RecordingDispatcher(), false);
    server.init();
    client = server.createClient();
    operatorClient = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(OPERATOR_USER_AGENT).build())
        .build();
    client.apiextensions().v1().customResourceDefinitions().resource(Crd.load()).create();
  }

  public NamespacedKubernetesClient client() {
    return client;
  }

  /** How {@code run} configures the operator, probing every 200 ms. */
  public static OperatorSettings settings() {
    return new OperatorSettings(Set.of(), false, null, "cluster.local", Duration.ofMillis(200));
  }

  public void startOperator() {
    startOperator(new ClusterNetwork("cluster.local"), settings());
  }

  /** The operator with members where {@code network} says. */
  public void startOperator(MemberNetwork network) {
    startOperator(network, settings());
  }

  public void startOperator(MemberNetwork network, OperatorSettings settings) {
    metrics = new OperatorMetrics();
    // Stopping the operator ends its leadership; the test's JVM goes on.
    operator = Operators.create(operatorClient, settings, network, metrics, () -> { });
    operator.start();
  }

  public void stopOperator() {
    if (operator != null) {
      operator.stop();
      operator = null;
    }
  }

  /** The metrics of the operator last started. */
  public OperatorMetrics metrics() {
    return metrics;
  }

  /** Reconciliations finished since the operator was last started, as its JOSDK metrics count them. */
  public int reconciles() {
    return (int) metrics.registry().find("operator.sdk.reconciliations.success").counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  /** Writes since the cluster was created or {@link #clearWrites()}, from the test and the operator. */
  public List<Write> writes() {
    synchronized (requests) {
      return requests.subList(writesFrom, requests.size()).stream()
          .filter(request -> !request.method().equals("GET"))
          .map(request -> new Write(request.method(), request.path()))
          .toList();
    }
  }

  public void clearWrites() {
    synchronized (requests) {
      writesFrom = requests.size();
    }
  }

  /** Every access the operator's requests needed since the cluster was created, in order of first use. */
  public Set<ApiAccess> operatorAccesses() {
    synchronized (requests) {
      Set<ApiAccess> accesses = new LinkedHashSet<>();
      requests.stream().filter(Request::fromOperator)
          .forEach(request -> ApiAccess.of(request.method(), request.path()).ifPresent(accesses::add));
      return accesses;
    }
  }

  /**
   * Answers SelfSubjectRulesReviews (which JOSDK sends before leader election) with the rules the
   * operator's account has in a namespace, as an API server would; the mock itself has no RBAC.
   */
  public void answerRulesReviews(Function<String, List<ResourceRule>> rulesInNamespace) {
    this.rulesReview = rulesInNamespace;
  }

  @Override
  public void close() {
    stopOperator();
    operatorClient.close();
    client.close();
    server.destroy();
  }

  private final class RecordingDispatcher extends KubernetesCrudDispatcher {
    RecordingDispatcher() {
      super(List.of());
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      requests.add(new Request(request.getMethod(), request.getPath(),
          OPERATOR_USER_AGENT.equals(request.getHeader("User-Agent"))));
      if (rulesReview != null && request.getMethod().equals("POST")
          && request.getPath().endsWith("/selfsubjectrulesreviews")) {
        return rulesReview(request);
      }
      return super.dispatch(request);
    }

    private MockResponse rulesReview(RecordedRequest request) {
      SelfSubjectRulesReview review = Serialization.unmarshal(request.getUtf8Body(), SelfSubjectRulesReview.class);
      review.setStatus(new SubjectRulesReviewStatusBuilder().withIncomplete(false)
          .withResourceRules(rulesReview.apply(review.getSpec().getNamespace())).build());
      return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(review));
    }
  }
}
