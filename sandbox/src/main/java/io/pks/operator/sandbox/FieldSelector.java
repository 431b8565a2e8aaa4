package io.pks.operator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;

/** Field selectors ({@code involvedObject.name=pks,type!=Normal}) as the API server evaluates them. */
final class FieldSelector {
  private FieldSelector() {
  }

  /** Whether {@code object} meets every requirement; a field the object lacks reads as "". */
  static boolean matches(String selector, JsonNode object) {
    for (String requirement : selector.split(",")) {
      if (requirement.isBlank()) {
        continue;
      }
      boolean negated = requirement.contains("!=");
      String[] fieldAndValue = requirement.split(negated ? "!=" : "==?", 2);
      if (fieldAndValue.length != 2) {
        throw new IllegalArgumentException("not a field selector requirement: " + requirement);
      }
      String actual = object.at("/" + fieldAndValue[0].trim().replace('.', '/')).asText("");
      if (actual.equals(fieldAndValue[1].trim()) == negated) {
        return false;
      }
    }
    return true;
  }
}
