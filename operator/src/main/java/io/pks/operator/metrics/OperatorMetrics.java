package io.pks.operator.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.javaoperatorsdk.operator.api.monitoring.AggregatedMetrics;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pks.operator.HttpEndpoints;

/**
 * Everything the operator reports to Prometheus, in one registry: JOSDK's reconcile metrics, the
 * per-pair series of {@link PairMetrics}, and the JVM's memory, threads and CPU.
 */
public final class OperatorMetrics {
  public static final String PATH = "/metrics";
  /** The Prometheus text format that {@link PrometheusMeterRegistry#scrape()} writes. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final PairMetrics pairs = new PairMetrics(registry);
  private final Metrics reconciles = new AggregatedMetrics(
      List.of(MicrometerMetrics.withoutPerResourceMetrics(registry), pairs));

  public OperatorMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** For JOSDK's configuration: reconcile metrics, and pair series dropped with their pair. */
  public Metrics reconciles() {
    return reconciles;
  }

  /** Reconciliations finished without an error, as JOSDK counts them: proof that the operator ran. */
  public int reconciliationsSucceeded() {
    return (int) registry.find("operator.sdk.reconciliations.success").counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
  }

  public PairMetrics pairs() {
    return pairs;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Serves {@value #PATH} on {@code port} (0 for any free port). */
  public HttpEndpoints serve(int port) throws IOException {
    return new HttpEndpoints(port, Map.of(PATH, () -> new HttpEndpoints.Answer(200, CONTENT_TYPE,
        registry.scrape().getBytes(StandardCharsets.UTF_8))));
  }
}
