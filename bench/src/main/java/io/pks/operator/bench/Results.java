package io.pks.operator.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The samples of one benchmark run, metric by metric in the order each was first recorded. */
public final class Results {
  private final Map<String, Metric> metrics = new LinkedHashMap<>();

  /** Adds a sample to the scenario's metric, created on its first sample. */
  public synchronized void add(String scenario, String metric, String unit, double sample) {
    metrics.merge(key(scenario, metric), new Metric(scenario, metric, unit, List.of(sample)),
        (existing, added) -> {
          if (!existing.unit().equals(unit)) {
            throw new IllegalArgumentException(scenario + " / " + metric + ": unit " + unit + ", was "
                + existing.unit());
          }
          return existing.with(sample);
        });
  }

  /** The metric recorded so far under that scenario and name. */
  public synchronized Metric metric(String scenario, String name) {
    Metric metric = metrics.get(key(scenario, name));
    if (metric == null) {
      throw new IllegalArgumentException("no sample of " + scenario + " / " + name);
    }
    return metric;
  }

  public synchronized List<Metric> metrics() {
    return new ArrayList<>(metrics.values());
  }

  private static String key(String scenario, String metric) {
    return scenario + "\n" + metric;
  }
}
