package io.pks.operator.monitoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** The files of monitoring/: the alert rules, their promtool tests and the Grafana dashboard. */
public final class MonitoringFiles {
  static final Path DIR = Path.of("monitoring");
  static final Path ALERTS = DIR.resolve("pks-alerts.yaml");
  static final Path ALERTS_TEST = DIR.resolve("tests").resolve("pks-alerts-test.yaml");
  static final Path DASHBOARD = DIR.resolve("pks-dashboard.json");

  /** Series names as the expressions use them: ours, PostgreSQL's exporter's, JOSDK's. */
  private static final Pattern SERIES = Pattern.compile("\\b(?:pks|pg|operator_sdk)_[A-Za-z0-9_]+\\b");
  private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

  private MonitoringFiles() {
  }

  static JsonNode alerts() {
    return read(ALERTS, new YAMLMapper());
  }

  static JsonNode alertsTest() {
    return read(ALERTS_TEST, new YAMLMapper());
  }

  static JsonNode dashboard() {
    return read(DASHBOARD, new ObjectMapper());
  }

  static List<JsonNode> rules() {
    List<JsonNode> rules = new ArrayList<>();
    alerts().path("groups").forEach(group -> group.path("rules").forEach(rules::add));
    return rules;
  }

  /** Every PromQL expression of the dashboard: its panels' targets and its variables' queries. */
  public static List<String> dashboardExpressions() {
    List<String> expressions = new ArrayList<>();
    dashboard().path("panels").forEach(panel -> panel.path("targets")
        .forEach(target -> expressions.add(target.path("expr").asText())));
    dashboard().path("templating").path("list").forEach(variable -> {
      if (variable.path("type").asText().equals("query")) {
        expressions.add(variable.path("definition").asText());
      }
    });
    return expressions;
  }

  public static List<String> ruleExpressions() {
    return rules().stream().map(rule -> rule.path("expr").asText()).toList();
  }

  /** The series names {@code expression} reads (label values, in quotes, are not names). */
  public static Set<String> seriesIn(String expression) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = SERIES.matcher(QUOTED.matcher(expression).replaceAll("\"\""));
    while (matcher.find()) {
      names.add(matcher.group());
    }
    return names;
  }

  private static JsonNode read(Path file, ObjectMapper mapper) {
    try {
      return mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
