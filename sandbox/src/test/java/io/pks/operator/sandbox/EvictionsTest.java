package io.pks.operator.sandbox;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;

import static org.assertj.core.api.Assertions.assertThat;

class EvictionsTest {
  private static final JsonNode A = pod("a", "pks", true);
  private static final JsonNode B = pod("b", "pks", true);

  @Test
  void aPodThatNoBudgetSelectsMayGo() {
    assertThat(refusal(A, List.of(budget("other", "{\"minAvailable\": 2}")), List.of(A, B))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"minAvailable\": 1}          | true",
      "{\"minAvailable\": 2}          | false",
      "{\"minAvailable\": \"50%\"}    | true",
      "{\"minAvailable\": \"51%\"}    | false",
      "{\"maxUnavailable\": 1}        | true",
      "{\"maxUnavailable\": 0}        | false",
      "{\"maxUnavailable\": \"50%\"}  | true"})
  void aHealthyPodMayGoWhenItsBudgetKeepsEnoughHealthyPods(String spec, boolean allowed) {
    assertThat(refusal(A, List.of(budget("pks", spec)), List.of(A, B)).isEmpty()).isEqualTo(allowed);
  }

  @Test
  void theRefusalIsA429NamingTheBudgetAndItsCounts() {
    MockResponse refused = refusal(A, List.of(budget("pks", "{\"minAvailable\": 2}")), List.of(A, B)).orElseThrow();

    assertThat(refused.code()).isEqualTo(429);
    JsonNode status = Serialization.unmarshal(refused.getBody().readUtf8(), JsonNode.class);
    assertThat(status.path("message").asText())
        .isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
    assertThat(status.at("/details/causes/0/message").asText())
        .isEqualTo("The disruption budget pks needs 2 healthy pods and has 2 currently");
  }

  @Test
  void anUnhealthyPodMayGoOnlyWhileTheBudgetIsMet() {
    JsonNode unready = pod("c", "pks", false);

    assertThat(refusal(unready, List.of(budget("pks", "{\"minAvailable\": 2}")), List.of(A, B, unready))).isEmpty();
    assertThat(refusal(unready, List.of(budget("pks", "{\"minAvailable\": 3}")), List.of(A, B, unready))).isPresent();
  }

  @Test
  void aPodThatTwoBudgetsSelectCannotBeEvicted() {
    assertThat(refusal(A, List.of(budget("one", "{\"minAvailable\": 0}"), budget("two", "{\"minAvailable\": 0}")),
        List.of(A, B)).orElseThrow().code()).isEqualTo(500);
  }

  @Test
  void selectorsMatchByExpressionsToo() {
    String selectsNotPks = """
        {"maxUnavailable": 0, "selector": {"matchLabels": null,
         "matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["pks"]}]}}""";
    JsonNode web = pod("web", "web", true);

    assertThat(refusal(A, List.of(budget("pks", selectsNotPks)), List.of(A, B, web))).isEmpty();
    assertThat(refusal(web, List.of(budget("pks", selectsNotPks)), List.of(A, B, web))).isPresent();
  }

  private static Optional<MockResponse> refusal(JsonNode pod, List<JsonNode> budgets, List<JsonNode> pods) {
    return Evictions.refusal(pod, array(budgets), array(pods));
  }

  private static ArrayNode array(List<JsonNode> items) {
    return JsonNodeFactory.instance.arrayNode().addAll(items);
  }

  /** A budget selecting app=pks unless {@code spec} has a selector. */
  private static JsonNode budget(String name, String spec) {
    JsonNode budget = Serialization.unmarshal("""
        {"metadata": {"name": "%s"}, "spec": {"selector": {"matchLabels": {"app": "%s"}}}}"""
        .formatted(name, name.equals("other") ? "other" : "pks"), JsonNode.class);
    JsonMergePatch.apply(budget.get("spec"), Serialization.unmarshal(spec, JsonNode.class));
    return budget;
  }

  private static JsonNode pod(String name, String app, boolean ready) {
    return Serialization.unmarshal("""
        {"metadata": {"name": "%s", "labels": {"app": "%s"}},
         "status": {"conditions": [{"type": "Ready", "status": "%s"}]}}"""
        .formatted(name, app, ready ? "True" : "False"), JsonNode.class);
  }
}
