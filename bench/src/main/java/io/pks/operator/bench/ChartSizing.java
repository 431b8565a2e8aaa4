package io.pks.operator.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The JVM options and environment the chart gives the operator for a number of pairs, read from
 * the chart's values.yaml (sizing): the scale scenario runs the operator as it is deployed.
 */
final class ChartSizing {
  static final Path VALUES = Path.of("helm/pks-operator/values.yaml");

  private ChartSizing() {
  }

  /** -Xmx from sizing's heap rule, then sizing.jvmOptions: what the chart's template renders. */
  static List<String> jvmOptions(int pairs) {
    JsonNode sizing = sizing();
    long heapMi = sizing.get("heapBaseMi").asLong() + pairs * sizing.get("heapPerPairKi").asLong() / 1024;
    List<String> options = new ArrayList<>(List.of("-Xmx" + heapMi + "m"));
    options.addAll(List.of(sizing.get("jvmOptions").asText().trim().split("\\s+")));
    return options;
  }

  /** The environment the chart's template gives the operator's container beside its options. */
  static Map<String, String> environment() {
    return Map.of("MALLOC_ARENA_MAX", sizing().get("mallocArenas").asText());
  }

  private static JsonNode sizing() {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(VALUES.toFile()).get("sizing");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + VALUES, e);
    }
  }
}
