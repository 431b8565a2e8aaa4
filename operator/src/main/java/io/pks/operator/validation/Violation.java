package io.pks.operator.validation;

/** One reason a spec is refused: the field's path and a sentence about it. */
public record Violation(String field, String problem) {

  @Override
  public String toString() {
    return field + ": " + problem;
  }
}
