package io.pks.operator.api.v1alpha1;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Null-tolerant defensive copies for the API records. Hostile input may hold null items or
 * values; they must survive deserialization so the validator can name the field instead of the
 * informer failing on the whole resource.
 */
final class Values {
  private Values() {
  }

  static <T> List<T> list(List<T> value) {
    return value == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(value));
  }

  /** Sorted, so everything rendered from a map is deterministic. */
  static <V> Map<String, V> map(Map<String, V> value) {
    return value == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(value));
  }
}
