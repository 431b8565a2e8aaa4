package io.pks.operator.validation;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Jackson's reading errors (a field of the wrong type, an unknown field or enum value) as
 * violations in the validator's words: the field's path and what it must be, such as
 * {@code spec.postgres.port: must be an integer, got "abc"}.
 */
public final class ReadErrors {
  private ReadErrors() {
  }

  /**
   * @param root the path of the document that was read ("spec"), or "" for a whole resource
   * @param written that document, to show the offending value; null when not at hand
   */
  public static Violation violation(JsonProcessingException error, String root, JsonNode written) {
    JsonMappingException mapping = error instanceof JsonMappingException m ? m : null;
    String path = mapping == null ? "" : path(mapping);
    String field = root.isEmpty() ? (path.isEmpty() ? "resource" : path.substring(1)) : root + path;
    if (error instanceof UnrecognizedPropertyException unknown) {
      String parent = field.contains(".") ? field.substring(0, field.lastIndexOf('.')) : field;
      return new Violation(field, "is not a field of " + parent + " (it has " + unknown.getKnownPropertyIds()
          .stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")");
    }
    JsonNode value = written == null || mapping == null ? null : valueAt(written, mapping);
    return new Violation(field, problem(error) + (value == null ? "" : ", got " + describe(value)));
  }

  private static String problem(JsonProcessingException error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof InputCoercionException) {
        return "is out of range";
      }
      if (cause instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
        return "must be " + expected(mismatch.getTargetType());
      }
    }
    return "cannot be read: " + error.getOriginalMessage().lines().findFirst().orElse("");
  }

  private static String expected(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Quantity.class) {
      return "a quantity such as 500m or 1Gi";
    }
    if (type.isEnum()) {
      return "one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString)
          .collect(Collectors.joining(", "));
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    return Map.class.isAssignableFrom(type) ? "an object of strings" : "an object";
  }

  /** Jackson's path as the validator writes it: .postgres.port, .members[1].name. */
  private static String path(JsonMappingException error) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference reference : error.getPath()) {
      if (reference.getFieldName() != null) {
        path.append('.').append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static JsonNode valueAt(JsonNode document, JsonMappingException error) {
    JsonNode node = document;
    for (JsonMappingException.Reference reference : error.getPath()) {
      if (node == null) {
        return null;
      }
      node = reference.getFieldName() != null ? node.get(reference.getFieldName()) : node.get(reference.getIndex());
    }
    return node;
  }

  private static String describe(JsonNode value) {
    if (value.isTextual()) {
      return SpecValidator.quoted(value.asText());
    }
    if (value.isObject()) {
      return "an object";
    }
    if (value.isArray()) {
      return "a list";
    }
    // A number of a thousand digits is shown as its start, like a long string.
    String text = value.toString();
    return text.length() > 64 ? text.substring(0, 64) + "..." : text;
  }
}
