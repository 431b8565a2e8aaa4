package io.pks.operator.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.mockwebserver.http.MockResponse;

/**
 * The eviction subresource's check ({@code POST /api/v1/namespaces/<ns>/pods/<name>/eviction}, which kubectl drain
 * sends): a pod may go unless the PodDisruptionBudget selecting it would be left with fewer healthy pods than it
 * asks for. With no disruption controller here, the budget is counted at each eviction from the pods its selector
 * matches (healthy: Ready and not being deleted), as the controller would count them; an unhealthy pod may go while
 * the budget is met (the default {@code IfHealthyBudget} policy).
 */
final class Evictions {
  private Evictions() {
  }

  private static final String SUBRESOURCE = "eviction";

  /** What the API server answers when it evicts. */
  static final Status SUCCESS = new StatusBuilder().withStatus("Success").withCode(201).build();

  static boolean isEviction(String method, ResourcePath path) {
    return method.equals("POST") && path.group().isEmpty() && path.plural().equals("pods")
        && SUBRESOURCE.equals(path.subresource());
  }

  /**
   * The API server's refusal to evict {@code pod}, given the budgets and pods of its namespace, or empty when it may
   * go.
   */
  static Optional<MockResponse> refusal(JsonNode pod, JsonNode budgets, JsonNode pods) {
    List<JsonNode> selecting = StreamSupport.stream(budgets.spliterator(), false)
        .filter(budget -> selects(budget.at("/spec/selector"), pod)).toList();
    if (selecting.size() > 1) {
      return Optional.of(Responses.status(500,
          "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."));
    }
    if (selecting.isEmpty()) {
      return Optional.empty();
    }
    JsonNode budget = selecting.get(0);
    List<JsonNode> selected = StreamSupport.stream(pods.spliterator(), false)
        .filter(candidate -> selects(budget.at("/spec/selector"), candidate)).toList();
    long healthy = selected.stream().filter(Evictions::healthy).count();
    long desired = desiredHealthy(budget.path("spec"), selected.size());
    boolean allowed = healthy(pod) ? healthy - 1 >= desired : healthy >= desired;
    if (allowed) {
      return Optional.empty();
    }
    Status status = new StatusBuilder().withStatus("Failure").withCode(429).withReason("TooManyRequests")
        .withMessage("Cannot evict pod as it would violate the pod's disruption budget.")
        .withNewDetails().addNewCause().withReason("DisruptionBudget")
        .withMessage("The disruption budget " + budget.at("/metadata/name").asText() + " needs " + desired
            + " healthy pods and has " + healthy + " currently")
        .endCause().endDetails()
        .build();
    return Optional.of(Responses.json(429, status));
  }

  /** minAvailable, or the pods less maxUnavailable; a percentage is of the selected pods, rounded up. */
  private static long desiredHealthy(JsonNode spec, int expected) {
    if (spec.has("minAvailable")) {
      return count(spec.get("minAvailable"), expected);
    }
    if (spec.has("maxUnavailable")) {
      return Math.max(0, expected - count(spec.get("maxUnavailable"), expected));
    }
    return 0;
  }

  private static long count(JsonNode intOrPercent, int expected) {
    String text = intOrPercent.asText();
    if (text.endsWith("%")) {
      return (long) Math.ceil(Double.parseDouble(text.substring(0, text.length() - 1)) * expected / 100);
    }
    return intOrPercent.asLong();
  }

  private static boolean healthy(JsonNode pod) {
    if (pod.at("/metadata/deletionTimestamp").isTextual()) {
      return false;
    }
    for (JsonNode condition : pod.at("/status/conditions")) {
      if (condition.path("type").asText().equals("Ready")) {
        return condition.path("status").asText().equals("True");
      }
    }
    return false;
  }

  /** A label selector's verdict on an object: matchLabels and matchExpressions; an empty selector selects all. */
  private static boolean selects(JsonNode selector, JsonNode object) {
    JsonNode labels = object.at("/metadata/labels");
    List<Boolean> verdicts = new ArrayList<>();
    selector.path("matchLabels").fields().forEachRemaining(label -> verdicts.add(labels.has(label.getKey())
        && labels.get(label.getKey()).asText().equals(label.getValue().asText())));
    for (JsonNode expression : selector.path("matchExpressions")) {
      String key = expression.path("key").asText();
      List<String> values = StreamSupport.stream(expression.path("values").spliterator(), false)
          .map(JsonNode::asText).toList();
      boolean in = labels.has(key) && values.contains(labels.get(key).asText());
      verdicts.add(switch (expression.path("operator").asText()) {
        case "In" -> in;
        case "NotIn" -> !in;
        case "Exists" -> labels.has(key);
        case "DoesNotExist" -> !labels.has(key);
        default -> throw new IllegalArgumentException("unknown label selector operator in "
            + expression + ": In, NotIn, Exists or DoesNotExist");
      });
    }
    return !verdicts.contains(false);
  }
}
