package io.pks.operator.monitoring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert rules of monitoring/, through the real promtool (Debian package prometheus, installed
 * by .ci/run): the file is valid, and its unit tests pass. Without promtool these tests fail.
 */
class AlertRulesTest {

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    assertThat(promtool("check", "rules", MonitoringFiles.ALERTS.toString())).contains("SUCCESS: 12 rules found");
  }

  @Test
  void everyRulesUnitTestPasses() throws Exception {
    assertThat(promtool("test", "rules", MonitoringFiles.ALERTS_TEST.toString())).contains("SUCCESS");
  }

  @Test
  void everyRuleHasATestWhereItFiresAndTheHealthyPairFiresNothing() {
    Set<String> alerts = new TreeSet<>(MonitoringFiles.rules().stream().map(rule -> rule.path("alert").asText()).toList());
    Set<String> firing = new TreeSet<>();
    Set<String> silentOnHealthy = new TreeSet<>();
    JsonNode tests = MonitoringFiles.alertsTest().path("tests");
    tests.forEach(test -> test.path("alert_rule_test").forEach(check -> {
      if (!check.path("exp_alerts").isEmpty()) {
        firing.add(check.path("alertname").asText());
      }
    }));
    tests.get(0).path("alert_rule_test").forEach(check -> {
      if (check.path("exp_alerts").isEmpty()) {
        silentOnHealthy.add(check.path("alertname").asText());
      }
    });
    assertThat(firing).isEqualTo(alerts);
    // The backup alert has no series to be healthy on until backups exist.
    assertThat(silentOnHealthy).containsAll(alerts.stream().filter(alert -> !alert.equals("PksBackupTooOld")).toList());
  }

  @Test
  void everyRuleSaysHowBadAndWhat() {
    assertThat(MonitoringFiles.rules()).allSatisfy(rule -> {
      assertThat(rule.path("labels").path("severity").asText()).isIn("warning", "critical");
      assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
      assertThat(rule.path("annotations").path("description").asText()).isNotBlank();
    });
  }

  /** promtool's output; fails, saying what to install, when promtool is missing. */
  static String promtool(String... args) throws IOException, InterruptedException {
    Path promtool = onPath("promtool");
    List<String> command = new ArrayList<>(List.of(promtool.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool %s finishes", String.join(" ", args)).isTrue();
    assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", args), output).isZero();
    return output;
  }

  private static Path onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path candidate = Path.of(dir, tool);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(tool + " is not on PATH: install the Debian package prometheus (.ci/run does)");
  }
}
