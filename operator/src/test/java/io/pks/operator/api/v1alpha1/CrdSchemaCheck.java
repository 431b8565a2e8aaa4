package io.pks.operator.api.v1alpha1;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.parser.CelStandardMacro;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * What an API server does with the CRD's schema, for the parts our CRD uses: apply defaults, then
 * check types, enums, patterns, bounds, required fields, unknown fields (kubectl's default strict
 * field validation refuses them), and evaluate the CEL rules with the cel-java library (transition
 * rules only when there is an old object, as on an update).
 */
final class CrdSchemaCheck {
  /** Also what {@link CelCostEstimate} parses with: the standard macros, self and oldSelf. */
  static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addVar("self", SimpleType.DYN)
      .addVar("oldSelf", SimpleType.DYN)
      .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final JSONSchemaProps root;
  private final List<String> errors = new ArrayList<>();
  private final List<String> evaluationErrors = new ArrayList<>();
  private int rulesEvaluated;

  CrdSchemaCheck(JSONSchemaProps root) {
    this.root = root;
  }

  /** Defaults applied in place, as the API server does before validating. */
  void applyDefaults(JsonNode value) {
    applyDefaults(root, value);
  }

  List<String> check(JsonNode value, JsonNode old) {
    errors.clear();
    evaluationErrors.clear();
    check(root, value, old, "");
    return List.copyOf(errors);
  }

  /**
   * The rules of the last check that failed to evaluate (a missing key, a wrong type), which are not
   * in {@link #check}'s refusals: an API server refuses the object then too, but for a reason the
   * rule does not state, so a case refused only that way would test nothing.
   */
  List<String> evaluationErrors() {
    return List.copyOf(evaluationErrors);
  }

  int rulesEvaluated() {
    return rulesEvaluated;
  }

  private static void applyDefaults(JSONSchemaProps schema, JsonNode value) {
    if (value instanceof ObjectNode object && schema.getProperties() != null) {
      schema.getProperties().forEach((name, property) -> {
        if (!object.has(name) && property.getDefault() != null) {
          object.set(name, Serialization.jsonMapper().valueToTree(property.getDefault()));
        }
        if (object.has(name)) {
          applyDefaults(property, object.get(name));
        }
      });
    } else if (value instanceof ArrayNode array && schema.getItems() != null
        && schema.getItems().getSchema() != null) {
      array.forEach(item -> applyDefaults(schema.getItems().getSchema(), item));
    }
  }

  private void check(JSONSchemaProps schema, JsonNode value, JsonNode old, String path) {
    if (value == null || value.isNull()) {
      return;
    }
    if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
      checkIntOrString(schema, value, path);
      return;
    }
    if (Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())) {
      return;
    }
    String type = schema.getType();
    if (!typeMatches(type, value)) {
      errors.add(path + ": must be of type " + type);
      return;
    }
    if (schema.getEnum() != null && !schema.getEnum().isEmpty()
        && schema.getEnum().stream().noneMatch(e -> e.asText().equals(value.asText()))) {
      errors.add(path + ": must be one of " + schema.getEnum());
    }
    if (schema.getPattern() != null && !value.asText().matches(schema.getPattern())) {
      errors.add(path + ": must match " + schema.getPattern());
    }
    if (schema.getMaxLength() != null && value.isTextual() && value.asText().length() > schema.getMaxLength()) {
      errors.add(path + ": longer than " + schema.getMaxLength());
    }
    if (schema.getMinLength() != null && value.isTextual() && value.asText().length() < schema.getMinLength()) {
      errors.add(path + ": shorter than " + schema.getMinLength());
    }
    if (schema.getMinimum() != null && value.isNumber() && value.asDouble() < schema.getMinimum()) {
      errors.add(path + ": below " + schema.getMinimum());
    }
    if (schema.getMaximum() != null && value.isNumber() && value.asDouble() > schema.getMaximum()) {
      errors.add(path + ": above " + schema.getMaximum());
    }
    if (value.isArray()) {
      if (schema.getMinItems() != null && value.size() < schema.getMinItems()) {
        errors.add(path + ": fewer than " + schema.getMinItems() + " items");
      }
      if (schema.getMaxItems() != null && value.size() > schema.getMaxItems()) {
        errors.add(path + ": more than " + schema.getMaxItems() + " items");
      }
      if (schema.getItems() != null && schema.getItems().getSchema() != null) {
        JSONSchemaProps items = schema.getItems().getSchema();
        for (int i = 0; i < value.size(); i++) {
          // A null field of an object is dropped; a null item of a list stays, and is of no type.
          if (value.get(i).isNull() && !Boolean.TRUE.equals(items.getNullable())) {
            errors.add(path + "[" + i + "]: must be of type " + items.getType());
          }
          check(items, value.get(i), null, path + "[" + i + "]");
        }
      }
    }
    if (value.isObject()) {
      if (schema.getMaxProperties() != null && value.size() > schema.getMaxProperties()) {
        errors.add(path + ": more than " + schema.getMaxProperties() + " properties");
      }
      if (schema.getRequired() != null) {
        schema.getRequired().stream().filter(name -> !value.has(name) || value.get(name).isNull())
            .forEach(name -> errors.add(path + "." + name + ": is required"));
      }
      // At the root, the API server knows apiVersion, kind and metadata without the schema.
      if (!path.isEmpty() && schema.getProperties() != null && schema.getAdditionalProperties() == null) {
        value.fieldNames().forEachRemaining(name -> {
          if (!schema.getProperties().containsKey(name)) {
            errors.add(path + "." + name + ": unknown field");
          }
        });
      }
      if (schema.getProperties() != null) {
        schema.getProperties().forEach((name, property) ->
            check(property, value.get(name), old == null ? null : old.get(name), path + "." + name));
      }
      if (schema.getAdditionalProperties() != null && schema.getAdditionalProperties().getSchema() != null) {
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> field = fields.next();
          check(schema.getAdditionalProperties().getSchema(), field.getValue(), null, path + "." + field.getKey());
        }
      }
    }
    if (schema.getXKubernetesValidations() != null) {
      for (ValidationRule rule : schema.getXKubernetesValidations()) {
        boolean transition = rule.getRule().contains("oldSelf");
        if (transition && (old == null || old.isNull())) {
          continue;
        }
        evaluate(rule.getRule(), value, old).ifPresent(holds -> {
          if (!holds) {
            errors.add(path + ": " + rule.getMessage());
          }
        });
      }
    }
  }

  /** An int-or-string: an integer or a string; a pattern applies to the string, a minimum to the number. */
  private void checkIntOrString(JSONSchemaProps schema, JsonNode value, String path) {
    if (!value.isIntegralNumber() && !value.isTextual()) {
      errors.add(path + ": must be an integer or a string");
    } else if (value.isTextual() && schema.getPattern() != null && !value.asText().matches(schema.getPattern())) {
      errors.add(path + ": must match " + schema.getPattern());
    } else if (value.isIntegralNumber() && schema.getMinimum() != null && value.asDouble() < schema.getMinimum()) {
      errors.add(path + ": below " + schema.getMinimum());
    }
  }

  /** Whether the rule holds; empty, and recorded in {@link #evaluationErrors()}, when it fails to evaluate. */
  private Optional<Boolean> evaluate(String rule, JsonNode self, JsonNode oldSelf) {
    rulesEvaluated++;
    CelAbstractSyntaxTree ast;
    try {
      ast = COMPILER.compile(rule).getAst();
    } catch (CelValidationException e) {
      throw new AssertionError("CEL rule does not compile (" + e.getMessage() + "): " + rule, e);
    }
    Map<String, Object> variables = new LinkedHashMap<>();
    variables.put("self", toCel(self));
    if (oldSelf != null) {
      variables.put("oldSelf", toCel(oldSelf));
    }
    try {
      return Optional.of((Boolean) RUNTIME.createProgram(ast).eval(variables));
    } catch (CelEvaluationException e) {
      evaluationErrors.add(rule + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private static boolean typeMatches(String type, JsonNode value) {
    if (type == null) {
      return true;
    }
    return switch (type) {
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      default -> true;
    };
  }

  /** JSON as the CEL runtime's values: maps, lists, longs, doubles, strings, booleans. */
  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(field -> {
        if (!field.getValue().isNull()) {
          map.put(field.getKey(), toCel(field.getValue()));
        }
      });
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toCel(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
