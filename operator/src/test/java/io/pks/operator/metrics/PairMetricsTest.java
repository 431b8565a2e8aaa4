package io.pks.operator.metrics;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceAction;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceEvent;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;

class PairMetricsTest {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final PairMetrics metrics = new PairMetrics(registry);

  @Test
  void aStreamingPairsSeries() {
    metrics.record(TestPairs.withStatus(TestPairs.STREAMING_STATUS));

    assertThat(registry.scrape()).contains(
        "pks_pair_replication_lag_bytes{namespace=\"telephony\",pair=\"pks\"} 328.0",
        "pks_pair_replication_lag_seconds{namespace=\"telephony\",pair=\"pks\"} 0.25",
        "pks_pair_timeline{namespace=\"telephony\",pair=\"pks\"} 3.0",
        "pks_pair_phase{namespace=\"telephony\",pair=\"pks\",phase=\"Streaming\"} 1.0",
        "pks_pair_phase{namespace=\"telephony\",pair=\"pks\",phase=\"Degraded\"} 0.0",
        "pks_pair_sync{namespace=\"telephony\",pair=\"pks\",state=\"sync\"} 1.0",
        "pks_pair_sync{namespace=\"telephony\",pair=\"pks\",state=\"async\"} 0.0",
        "pks_pair_primary{member=\"site-a\",namespace=\"telephony\",pair=\"pks\"} 1.0",
        "pks_pair_primary{member=\"site-b\",namespace=\"telephony\",pair=\"pks\"} 0.0",
        "pks_pair_failovers_total{namespace=\"telephony\",pair=\"pks\"} 0.0",
        "pks_pair_switchovers_total{namespace=\"telephony\",pair=\"pks\"} 0.0",
        "pks_pair_seed_duration_seconds_count{namespace=\"telephony\",pair=\"pks\"} 0");
  }

  @Test
  void theActiveSipSiteTheConfiguredSynchronousModeAndFailedReconciles() {
    PksReplicaPair pair = TestPairs.withStatus(TestPairs.STREAMING_STATUS);
    metrics.record(pair);
    metrics.failedReconciliation(pair, new IllegalStateException("API server gone"), Map.of());
    metrics.failedReconciliation(pair, new IllegalStateException("API server gone"), Map.of());

    assertThat(registry.scrape()).contains(
        "pks_pair_sip_active{member=\"site-a\",namespace=\"telephony\",pair=\"pks\"} 1.0",
        "pks_pair_sip_active{member=\"site-b\",namespace=\"telephony\",pair=\"pks\"} 0.0",
        "pks_pair_synchronous_mode{mode=\"Required\",namespace=\"telephony\",pair=\"pks\"} 1.0",
        "pks_pair_synchronous_mode{mode=\"Preferred\",namespace=\"telephony\",pair=\"pks\"} 0.0",
        "pks_pair_reconcile_failures_total{namespace=\"telephony\",pair=\"pks\"} 2.0");
  }

  @Test
  void aSwitchMovesThePrimaryAndCountsTheEvents() {
    metrics.record(TestPairs.withStatus(TestPairs.STREAMING_STATUS));
    PksReplicaPair switched = TestPairs.withStatus("""
        {"phase": "Degraded", "currentPrimary": "site-b", "standby": "site-a", "timeline": 4,
         "replication": {"state": "none"}}
        """);
    metrics.switchover(switched);
    metrics.failover(switched);
    metrics.failover(switched);
    metrics.seedCompleted(switched, Duration.ofSeconds(42));
    metrics.record(switched);

    assertThat(registry.scrape()).contains(
        "pks_pair_primary{member=\"site-a\",namespace=\"telephony\",pair=\"pks\"} 0.0",
        "pks_pair_primary{member=\"site-b\",namespace=\"telephony\",pair=\"pks\"} 1.0",
        "pks_pair_phase{namespace=\"telephony\",pair=\"pks\",phase=\"Degraded\"} 1.0",
        "pks_pair_phase{namespace=\"telephony\",pair=\"pks\",phase=\"Streaming\"} 0.0",
        "pks_pair_sync{namespace=\"telephony\",pair=\"pks\",state=\"sync\"} 0.0",
        // Unknown, not zero: no standby reports a lag.
        "pks_pair_replication_lag_bytes{namespace=\"telephony\",pair=\"pks\"} NaN",
        "pks_pair_failovers_total{namespace=\"telephony\",pair=\"pks\"} 2.0",
        "pks_pair_switchovers_total{namespace=\"telephony\",pair=\"pks\"} 1.0",
        "pks_pair_seed_duration_seconds_count{namespace=\"telephony\",pair=\"pks\"} 1",
        "pks_pair_seed_duration_seconds_sum{namespace=\"telephony\",pair=\"pks\"} 42.0");
  }

  @Test
  void aForgottenPairHasNoSeriesLeftAndOthersKeepTheirs() {
    PksReplicaPair other = TestPairs.withStatus(TestPairs.STREAMING_STATUS);
    other.getMetadata().setName("other");
    metrics.record(TestPairs.withStatus(TestPairs.STREAMING_STATUS));
    metrics.record(other);

    metrics.forget(new ResourceID("pks", "telephony"));

    assertThat(registry.scrape()).doesNotContain("pair=\"pks\"")
        .contains("pks_pair_phase{namespace=\"telephony\",pair=\"other\",phase=\"Streaming\"} 1.0");
  }

  @Test
  void theDeletionEventRemovesTheSeriesAndALateRecordOfThatPairCannotReviveThem() {
    PksReplicaPair pair = TestPairs.withStatus(TestPairs.STREAMING_STATUS);
    pair.getMetadata().setUid("uid-1");
    metrics.record(pair);

    metrics.receivedEvent(new ResourceEvent(ResourceAction.DELETED, ResourceID.fromResource(pair), pair), Map.of());
    metrics.record(pair);
    metrics.failover(pair);
    assertThat(registry.scrape()).doesNotContain("pair=\"pks\"");

    PksReplicaPair recreated = TestPairs.withStatus(TestPairs.STREAMING_STATUS);
    recreated.getMetadata().setUid("uid-2");
    metrics.record(recreated);
    assertThat(registry.scrape())
        .contains("pks_pair_phase{namespace=\"telephony\",pair=\"pks\",phase=\"Streaming\"} 1.0");
  }
}
