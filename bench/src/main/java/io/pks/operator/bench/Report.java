package io.pks.operator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** A run's results as one Markdown table under a line naming the machine, and as JSON with every sample. */
public final class Report {
  private Report() {
  }

  /** The JSON document: the table's figures and the raw samples they come from. */
  record Document(Machine machine, Instant started, double minutes, List<String> scenarios, List<String> failures,
      List<Row> metrics) {
  }

  record Row(String scenario, String metric, String unit, int n, double median, double min, double max,
      List<Double> samples) {
    static Row of(Metric metric) {
      return new Row(metric.scenario(), metric.name(), metric.unit(), metric.n(), metric.median(), metric.min(),
          metric.max(), metric.samples());
    }
  }

  /** The machine line, then the table: scenario, metric, n, median, min, max, unit. */
  public static String markdown(Machine machine, Instant started, double minutes, List<Metric> metrics) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Machine: %s. Run %s, %.1f min.%n%n", machine.line(), started, minutes));
    out.append("| scenario | metric | n | median | min | max | unit |\n");
    out.append("|---|---|---:|---:|---:|---:|---|\n");
    for (Metric metric : metrics) {
      out.append("| ").append(metric.scenario()).append(" | ").append(metric.name().replace("|", "\\|"))
          .append(" | ").append(metric.n())
          .append(" | ").append(number(metric.median()))
          .append(" | ").append(number(metric.min()))
          .append(" | ").append(number(metric.max()))
          .append(" | ").append(metric.unit()).append(" |\n");
    }
    return out.toString();
  }

  /** Whole numbers as they are; others with two decimals below 10, one below 100, none above. */
  static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.format(Locale.ROOT, "%d", (long) value);
    }
    double magnitude = Math.abs(value);
    String format = magnitude < 10 ? "%.2f" : magnitude < 100 ? "%.1f" : "%.0f";
    return String.format(Locale.ROOT, format, value);
  }

  public static void writeJson(Path file, Machine machine, Instant started, double minutes, List<String> scenarios,
      List<String> failures, List<Metric> metrics) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    JsonMapper mapper = JsonMapper.builder().addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();
    mapper.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), new Document(machine, started, minutes,
        scenarios, failures, metrics.stream().map(Row::of).toList()));
  }
}
