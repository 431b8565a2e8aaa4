package io.pks.operator.api.v1alpha1;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API server estimates each CEL rule's worst-case cost from the largest size the schema allows
 * and refuses the CRD when a rule could exceed its budget ("try adding maxItems, maxProperties, and
 * maxLength"). Every string, list and map a rule reaches must therefore carry a bound.
 *
 * <p>A rule reaches a field when each property name on the way from the rule's node appears in the
 * rule (list items and map values come with their list or map). An int-or-string (a quantity) is
 * left out: the generator gives it no length bound; its map's maxProperties bounds the rules that
 * read it.
 */
class CrdRuleBoundsTest {
  private static final JSONSchemaProps ROOT =
      Crd.load().getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
  private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  @Test
  void everyStringListAndMapARuleReachesIsBounded() {
    List<String> unbounded = new ArrayList<>();
    rulesUnder(ROOT, "", (path, node, rule) -> reached(node, path, words(rule), unbounded));

    assertThat(unbounded).as("fields a CEL rule reaches without maxLength, maxItems or maxProperties")
        .isEmpty();
  }

  @Test
  void theRulesAreFound() {
    List<String> rules = new ArrayList<>();
    rulesUnder(ROOT, "", (path, node, rule) -> rules.add(path));

    assertThat(rules).contains(".spec", ".spec.members[]", ".spec.replication", ".spec.sip.service");
  }

  private interface RuleVisitor {
    void visit(String path, JSONSchemaProps node, String rule);
  }

  private static void rulesUnder(JSONSchemaProps node, String path, RuleVisitor visitor) {
    if (node.getXKubernetesValidations() != null) {
      for (ValidationRule rule : node.getXKubernetesValidations()) {
        visitor.visit(path, node, rule.getRule());
      }
    }
    children(node, path).forEach((childPath, child) -> rulesUnder(child, childPath, visitor));
  }

  /** Collects {@code node} and what lies under it, as far as the rule's words lead, when unbounded. */
  private static void reached(JSONSchemaProps node, String path, Set<String> words, List<String> unbounded) {
    if (Boolean.TRUE.equals(node.getXKubernetesIntOrString())) {
      return;
    }
    if (isUnbounded(node)) {
      unbounded.add(path);
    }
    if (node.getProperties() != null) {
      node.getProperties().forEach((name, child) -> {
        if (words.contains(name)) {
          reached(child, path + "." + name, words, unbounded);
        }
      });
    }
    if (node.getItems() != null && node.getItems().getSchema() != null) {
      reached(node.getItems().getSchema(), path + "[]", words, unbounded);
    }
    if (node.getAdditionalProperties() != null && node.getAdditionalProperties().getSchema() != null) {
      reached(node.getAdditionalProperties().getSchema(), path + ".*", words, unbounded);
    }
  }

  private static boolean isUnbounded(JSONSchemaProps node) {
    return switch (String.valueOf(node.getType())) {
      case "string" -> node.getMaxLength() == null && (node.getEnum() == null || node.getEnum().isEmpty());
      case "array" -> node.getMaxItems() == null;
      case "object" -> node.getAdditionalProperties() != null && node.getMaxProperties() == null;
      default -> false;
    };
  }

  private static Map<String, JSONSchemaProps> children(JSONSchemaProps node, String path) {
    Map<String, JSONSchemaProps> children = new LinkedHashMap<>();
    if (node.getProperties() != null) {
      node.getProperties().forEach((name, child) -> children.put(path + "." + name, child));
    }
    if (node.getItems() != null && node.getItems().getSchema() != null) {
      children.put(path + "[]", node.getItems().getSchema());
    }
    if (node.getAdditionalProperties() != null && node.getAdditionalProperties().getSchema() != null) {
      children.put(path + ".*", node.getAdditionalProperties().getSchema());
    }
    return children;
  }

  private static Set<String> words(String rule) {
    Matcher matcher = WORD.matcher(rule);
    return matcher.results().map(match -> match.group()).collect(Collectors.toSet());
  }
}
