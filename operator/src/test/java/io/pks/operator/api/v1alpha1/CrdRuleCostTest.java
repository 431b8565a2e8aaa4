package io.pks.operator.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API server refuses a CRD whose CEL rules it estimates too costly ("estimated rule cost exceeds
 * budget ...; try adding maxItems, maxProperties, and maxLength"): each rule's worst-case cost times
 * the number of times it can run (its cardinality) must stay within 10,000,000, and all rules
 * together within 100,000,000. {@link CelCostEstimate} computes the estimate as the API server does.
 */
class CrdRuleCostTest {
  private static final JSONSchemaProps ROOT =
      Crd.load().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();

  private record Rule(String where, String rule, long cardinality, CelCostEstimate.Estimate estimate) {
    long cost() {
      return CelCostEstimate.multiply(estimate.cost(), cardinality);
    }
  }

  @Test
  void noRuleReadsAnUnboundedStringListOrMap() {
    List<String> unbounded = new ArrayList<>();
    rules().forEach(rule -> rule.estimate().unboundedReads().forEach(read -> unbounded.add(read + " (" + rule.rule() + ")")));

    assertThat(unbounded).as("strings, lists and maps a CEL rule reads without maxLength, maxItems or maxProperties")
        .isEmpty();
  }

  @Test
  void everyRuleIsWithinTheApiServersPerRuleLimit() {
    assertThat(rules()).allSatisfy(rule -> assertThat(rule.cost())
        .as("estimated cost of %s at %s (cardinality %d)", rule.rule(), rule.where(), rule.cardinality())
        .isLessThanOrEqualTo(CelCostEstimate.PER_RULE_LIMIT));
  }

  @Test
  void allRulesTogetherAreWithinTheApiServersCrdLimit() {
    long total = rules().stream().mapToLong(Rule::cost).reduce(0, CelCostEstimate::add);

    assertThat(total).isLessThanOrEqualTo(CelCostEstimate.CRD_LIMIT);
  }

  @Test
  void theRulesAreFound() {
    assertThat(rules()).extracting(Rule::where)
        .contains(".spec", ".spec.members[]", ".spec.replication", ".spec.sip.service", ".spec.postgres");
  }

  /** The estimate's own arithmetic, on rules whose cost follows from cel-go's constants by hand. */
  @Test
  void theEstimateCountsAsCelGoDoes() {
    JSONSchemaProps node = new JSONSchemaProps();
    node.setType("object");
    JSONSchemaProps name = new JSONSchemaProps();
    name.setType("string");
    name.setMaxLength(10L);
    JSONSchemaProps names = new JSONSchemaProps();
    names.setType("array");
    names.setMaxItems(5L);
    names.setItems(new io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsOrArray(null, name));
    node.setProperties(new java.util.LinkedHashMap<>(java.util.Map.of("name", name, "names", names)));

    // self (1) + select on an object (1) + matches: ceil((40 + 1) * 0.1) * ceil(4 * 0.25) = 5.
    assertThat(CelCostEstimate.of("self.name.matches('^a+$')", node, ".").cost()).isEqualTo(7);
    // The range (2) + the result (1) + 5 items * (the step @result && n.matches (1 + 1 + 5) + the
    // condition @not_strictly_false(@result) (2)).
    assertThat(CelCostEstimate.of("self.names.all(n, n.matches('^a+$'))", node, ".").cost()).isEqualTo(2 + 1 + 5 * 9);
    // Equality: a tenth of the smaller side (the literal, 3 characters), rounded up, plus 2 for self.name.
    assertThat(CelCostEstimate.of("self.name == 'abc'", node, ".").cost()).isEqualTo(3);
    names.setMaxItems(null);
    assertThat(CelCostEstimate.of("self.names.all(n, n.matches('^a+$'))", node, ".").unboundedReads())
        .containsExactly("..names");
    name.setMaxLength(null);
    assertThat(CelCostEstimate.of("self.matches('^a+$')", name, ".name").unboundedReads())
        .as("a rule on an unbounded string reads it as self").containsExactly(".name");
    assertThat(CelCostEstimate.of("has(self.name)", node, ".").unboundedReads())
        .as("a presence test reads nothing").isEmpty();
  }

  private static List<Rule> rules() {
    List<Rule> rules = new ArrayList<>();
    collect(ROOT, "", new ArrayList<>(), rules);
    return rules;
  }

  private static void collect(JSONSchemaProps node, String where, List<JSONSchemaProps> ancestors, List<Rule> rules) {
    if (node.getXKubernetesValidations() != null) {
      long cardinality = CelCostEstimate.cardinality(ancestors);
      for (ValidationRule rule : node.getXKubernetesValidations()) {
        rules.add(new Rule(where, rule.getRule(), cardinality, CelCostEstimate.of(rule.getRule(), node, where)));
      }
    }
    List<JSONSchemaProps> below = new ArrayList<>(ancestors);
    below.add(node);
    if (node.getProperties() != null) {
      node.getProperties().forEach((name, child) -> collect(child, where + "." + name, below, rules));
    }
    if (node.getItems() != null && node.getItems().getSchema() != null) {
      collect(node.getItems().getSchema(), where + "[]", below, rules);
    }
    if (CelCostEstimate.isMap(node)) {
      collect(node.getAdditionalProperties().getSchema(), where + ".*", below, rules);
    }
  }
}
