package io.pks.operator.metrics;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.pks.operator.HttpEndpoints;
import io.pks.operator.MockCluster;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The metrics endpoint of the real operator, running against the mock API server. */
class MetricsIT {
  private static final Duration BOUND = Duration.ofSeconds(20);

  private MockCluster cluster;
  private HttpEndpoints endpoint;

  @BeforeEach
  void start() throws Exception {
    cluster = new MockCluster();
    cluster.startOperator();
    endpoint = cluster.metrics().serve(0);
  }

  @AfterEach
  void stop() {
    endpoint.close();
    cluster.close();
  }

  private HttpResponse<String> scrape() throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + OperatorMetrics.PATH)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePairsSeriesAndTheReconcileMetricsUntilThePairIsDeleted() throws Exception {
    PksReplicaPair pair = cluster.client().resource(TestPairs.example()).create();
    await().atMost(BOUND).untilAsserted(() -> assertThat(scrape().body())
        .contains("pks_pair_primary{member=\"site-a\",namespace=\"telephony\",pair=\"pks\"} 1.0"));

    HttpResponse<String> response = scrape();
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(OperatorMetrics.CONTENT_TYPE);
    assertThat(response.body()).contains(
        "pks_pair_primary{member=\"site-b\",namespace=\"telephony\",pair=\"pks\"} 0.0",
        "pks_pair_phase{namespace=\"telephony\",pair=\"pks\",phase=\"InitializingPrimary\"} 1.0",
        "pks_pair_phase{namespace=\"telephony\",pair=\"pks\",phase=\"Streaming\"} 0.0",
        "pks_pair_sync{namespace=\"telephony\",pair=\"pks\",state=\"sync\"} 0.0",
        "pks_pair_replication_lag_bytes{namespace=\"telephony\",pair=\"pks\"} ",
        "pks_pair_replication_lag_seconds{namespace=\"telephony\",pair=\"pks\"} ",
        "pks_pair_failovers_total{namespace=\"telephony\",pair=\"pks\"} 0.0",
        "pks_pair_switchovers_total{namespace=\"telephony\",pair=\"pks\"} 0.0",
        "pks_pair_seed_duration_seconds_count{namespace=\"telephony\",pair=\"pks\"} 0",
        "operator_sdk_reconciliations_success_total{",
        "jvm_memory_used_bytes{");

    cluster.client().resource(pair).delete();
    await().atMost(BOUND).untilAsserted(() -> assertThat(scrape().body()).doesNotContain("pair=\"pks\""));
  }
}
