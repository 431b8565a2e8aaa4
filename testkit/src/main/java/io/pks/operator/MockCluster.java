package io.pks.operator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRule;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectRulesReviewStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.pks.operator.metrics.OperatorMetrics;
import io.pks.operator.model.ClusterNetwork;
import io.pks.operator.model.MemberNetwork;
import io.pks.operator.sandbox.EmbeddedApiServer;

/**
 * The embedded API server (the Fabric8 mock in CRUD mode, with the CRD installed and every write
 * recorded), and the real operator started against it the way {@code run} starts it, through a
 * client of its own so that its requests can be told from the test's.
 */
public final class MockCluster implements AutoCloseable {

  /** One request the API server received, and whether the operator sent it. */
  private record Request(String method, String path, boolean fromOperator) {
  }

  private final EmbeddedApiServer apiServer = new EmbeddedApiServer();
  private final KubernetesClient operatorClient;
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private volatile Function<String, List<ResourceRule>> rulesReview;
  private volatile Consumer<RecordedRequest> beforeServing = request -> { };
  private Operator operator;
  private OperatorMetrics metrics;

  public MockCluster() {
    operatorClient = apiServer.clientAs(EmbeddedApiServer.OPERATOR_USER_AGENT);
    apiServer.intercept(this::intercept);
  }

  public NamespacedKubernetesClient client() {
    return apiServer.client();
  }

  /** The API server, to inject faults. */
  public EmbeddedApiServer apiServer() {
    return apiServer;
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

  /** The operator as {@code run} starts it with {@code settings}; losing leadership does not exit the JVM. */
  public void startOperator(MemberNetwork network, OperatorSettings settings) {
    metrics = new OperatorMetrics();
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
    return metrics.reconciliationsSucceeded();
  }

  public List<EmbeddedApiServer.Write> writes() {
    return apiServer.writes();
  }

  public void clearWrites() {
    apiServer.clearWrites();
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

  /**
   * Runs {@code hook} on every request before the API server serves it, in the server's only
   * thread: a hook that waits holds that request, and every request after it, as long.
   */
  public void beforeServing(Consumer<RecordedRequest> hook) {
    this.beforeServing = hook;
  }

  /** Whether the operator, not the test, sent {@code request}. */
  public static boolean fromOperator(RecordedRequest request) {
    return EmbeddedApiServer.OPERATOR_USER_AGENT.equals(request.getHeader("User-Agent"));
  }

  private MockResponse intercept(RecordedRequest request) {
    beforeServing.accept(request);
    requests.add(new Request(request.getMethod(), request.getPath(), fromOperator(request)));
    if (rulesReview != null && request.getMethod().equals("POST")
        && request.getPath().endsWith("/selfsubjectrulesreviews")) {
      SelfSubjectRulesReview review = Serialization.unmarshal(request.getUtf8Body(), SelfSubjectRulesReview.class);
      review.setStatus(new SubjectRulesReviewStatusBuilder().withIncomplete(false)
          .withResourceRules(rulesReview.apply(review.getSpec().getNamespace())).build());
      return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(review));
    }
    return null;
  }

  @Override
  public void close() {
    stopOperator();
    operatorClient.close();
    apiServer.close();
  }
}
