package io.pks.operator.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One measured figure of a scenario and its raw samples, in the order they were taken.
 *
 * @param unit what a sample counts: s, ms, MiB, rows, ...
 */
public record Metric(String scenario, String name, String unit, List<Double> samples) {

  public Metric {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException(scenario + " / " + name + ": no sample");
    }
    samples = List.copyOf(samples);
  }

  /** This metric with one more sample. */
  public Metric with(double sample) {
    List<Double> more = new ArrayList<>(samples);
    more.add(sample);
    return new Metric(scenario, name, unit, more);
  }

  public int n() {
    return samples.size();
  }

  /** The middle sample, or the mean of the two middle ones when n is even. */
  public double median() {
    List<Double> sorted = samples.stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  /** The nearest-rank 95th percentile: the smallest sample that at least 95 % of the samples do not exceed. */
  public double p95() {
    List<Double> sorted = samples.stream().sorted().toList();
    return sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1);
  }

  public double min() {
    return samples.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  public double max() {
    return samples.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }
}
