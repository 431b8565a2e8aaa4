package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.pks.operator.model.MemberMetrics;
import io.pks.operator.model.Names;
import io.pks.operator.monitoring.MonitoringFiles;

/**
 * The dashboard and the alert rules against a real scrape: a sandbox pair streaming, the operator's
 * /metrics and each member's exporter (Debian's prometheus-postgres-exporter as the pod's metrics
 * sidecar, on the real PostgreSQL). Any series a panel or a rule reads that no endpoint serves
 * fails the test.
 */
class MetricsScrapeE2E {
  /** Series no endpoint serves on purpose: none (every pair serves its backup series, NaN without backups). */
  private static final Set<String> NOT_SCRAPED = Set.of();

  private static SandboxFixture fixture;
  private static SandboxPair pair;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void startAStreamingPair() {
    fixture = SandboxFixture.start("metrics");
    pair = SandboxPair.create(fixture.sandbox, "telephony", json -> { });
    pair.awaitSynchronous();
  }

  @AfterAll
  static void stop() throws IOException {
    fixture.close();
  }

  @Test
  void everySeriesOfTheDashboardAndTheRulesIsScraped() throws Exception {
    // The primary's pg_stat_replication row comes once the standby streams: wait for it in a scrape.
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(seriesNames(scrape(memberUrl("site-a")))).contains("pks_replication_streaming"));
    Set<String> scraped = new TreeSet<>();
    scraped.addAll(seriesNames(scrape(fixture.sandbox.operatorMetricsUrl())));
    scraped.addAll(seriesNames(scrape(memberUrl("site-a"))));
    scraped.addAll(seriesNames(scrape(memberUrl("site-b"))));

    Map<String, Set<String>> missing = new TreeMap<>();
    for (String expression : concat(MonitoringFiles.dashboardExpressions(), MonitoringFiles.ruleExpressions())) {
      Set<String> absent = MonitoringFiles.seriesIn(expression).stream()
          .filter(name -> !scraped.contains(name) && !NOT_SCRAPED.contains(name))
          .collect(Collectors.toCollection(TreeSet::new));
      if (!absent.isEmpty()) {
        missing.put(expression, absent);
      }
    }
    assertThat(missing).as("series used but not scraped, by expression").isEmpty();
  }

  @Test
  void eachMemberReportsItsOwnRoleAndTheStandbysLag() {
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      String primary = scrape(memberUrl("site-a"));
      String standby = scrape(memberUrl("site-b"));
      assertThat(primary).contains("pg_up 1", "\npks_member_in_recovery{server=\"localhost:5432\"} 0\n")
          .containsPattern("pks_replication_streaming\\{application_name=\"site-b\",.*sync_state=\"sync\"} 1")
          .containsPattern("pks_slot_retained_bytes\\{.*slot_name=\"" + Names.replicationSlot("site-b")
              + "\",wal_status=\"reserved\"}");
      assertThat(standby).contains("pg_up 1", "\npks_member_in_recovery{server=\"localhost:5432\"} 1\n",
          "\npks_recovery_receiver_streaming{server=\"localhost:5432\"} 1\n");
      for (String member : List.of("site-a", "site-b")) {
        assertThat(pair.pod(member).getStatus().getContainerStatuses())
            .extracting(status -> status.getName() + " ready " + status.getReady())
            .containsExactly("postgres ready true", MemberMetrics.CONTAINER + " ready true");
      }
    });
  }

  private static String memberUrl(String member) {
    String url = fixture.sandbox.memberMetricsUrls().get(pair.namespace + "/" + Names.pod(pair.name, member));
    assertThat(url).as("metrics URL of %s", member).isNotNull();
    return url;
  }

  private static String scrape(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }

  /** The names of the series of a Prometheus text exposition. */
  private static Set<String> seriesNames(String exposition) {
    return exposition.lines().filter(line -> !line.isBlank() && !line.startsWith("#"))
        .map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
  }

  private static List<String> concat(List<String> first, List<String> second) {
    return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
  }
}
