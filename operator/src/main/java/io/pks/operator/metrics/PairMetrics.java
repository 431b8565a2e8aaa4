package io.pks.operator.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceAction;
import io.javaoperatorsdk.operator.processing.event.source.controller.ResourceEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.api.v1alpha1.ReplicationStatus;
import io.pks.operator.api.v1alpha1.SynchronousMode;
import io.pks.operator.postgres.Archiver;

/**
 * Per-pair series, labelled {@code namespace} and {@code pair}. Gauges read the status last recorded
 * for the pair when Prometheus scrapes, so recording costs nothing but a reference swap. As a JOSDK
 * {@link Metrics}, it forgets a pair's series when the pair is deleted. Changes to the set of series
 * are serialised, so that a deletion and a reconcile finishing at the same moment cannot leave a
 * deleted pair's series behind.
 */
public final class PairMetrics implements Metrics {
  /** pg_stat_replication.sync_state values, each with its own {@code pks_pair_sync} series. */
  private static final List<String> SYNC_STATES = List.of("sync", "potential", "quorum", "async");

  private final MeterRegistry registry;
  private final Map<ResourceID, PairSeries> pairs = new HashMap<>();
  /** The UID of each deleted pair, so that a reconcile still running at its deletion cannot revive its series. */
  private final Map<ResourceID, String> deleted = new HashMap<>();

  public PairMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * The pair's status as it is now written, and its configured synchronous mode (none for a
   * resource without a spec, which the validator refused: its status still counts).
   */
  public synchronized void record(PksReplicaPair pair) {
    SynchronousMode mode = pair.getSpec() == null ? null : pair.getSpec().replication().synchronous();
    series(pair).ifPresent(series -> series.record(pair.getStatus() != null ? pair.getStatus()
        : PksReplicaPairStatus.EMPTY, mode));
  }

  /** The primary's pg_stat_archiver as last read (spec.backup); null while unknown or without spec.backup. */
  public synchronized void archiver(PksReplicaPair pair, Archiver archiver) {
    series(pair).ifPresent(series -> series.archiver = archiver);
  }

  public synchronized void failover(PksReplicaPair pair) {
    series(pair).ifPresent(series -> series.failovers.increment());
  }

  public synchronized void switchover(PksReplicaPair pair) {
    series(pair).ifPresent(series -> series.switchovers.increment());
  }

  public synchronized void seedCompleted(PksReplicaPair pair, Duration duration) {
    series(pair).ifPresent(series -> series.seeds.record(duration));
  }

  /** A reconcile of the pair that ended in an exception (JOSDK retries it). */
  @Override
  public synchronized void failedReconciliation(HasMetadata resource, Exception exception,
      Map<String, Object> metadata) {
    if (resource instanceof PksReplicaPair pair) {
      series(pair).ifPresent(series -> series.reconcileFailures.increment());
    }
  }

  /** Removes every series of a deleted pair, so Prometheus stops reporting it. */
  public synchronized void forget(ResourceID pair) {
    PairSeries series = pairs.remove(pair);
    if (series != null) {
      series.meters.forEach(registry::remove);
    }
  }

  /** The pair's deletion, as the informer reports it. */
  @Override
  public synchronized void receivedEvent(Event event, Map<String, Object> metadata) {
    if (event instanceof ResourceEvent resourceEvent && resourceEvent.getAction() == ResourceAction.DELETED) {
      ResourceID id = event.getRelatedCustomResourceID();
      resourceEvent.getResource().map(pair -> pair.getMetadata().getUid()).ifPresent(uid -> deleted.put(id, uid));
      forget(id);
    }
  }

  /** The pair's series, created on first use; none for a pair already deleted. */
  private Optional<PairSeries> series(PksReplicaPair pair) {
    ResourceID id = ResourceID.fromResource(pair);
    String uid = pair.getMetadata().getUid();
    String deletedUid = deleted.get(id);
    if (deletedUid != null) {
      if (deletedUid.equals(uid)) {
        return Optional.empty();
      }
      deleted.remove(id, deletedUid);
    }
    return Optional.of(pairs.computeIfAbsent(id, PairSeries::new));
  }

  /** The meters of one pair. */
  private final class PairSeries {
    private final Tags tags;
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final Map<String, Meter> primaryByMember = new ConcurrentHashMap<>();
    private final Map<String, Meter> activeSipByMember = new ConcurrentHashMap<>();
    private volatile PksReplicaPairStatus status = PksReplicaPairStatus.EMPTY;
    private volatile SynchronousMode synchronousMode;
    private volatile Archiver archiver;
    private final Counter failovers;
    private final Counter switchovers;
    private final Timer seeds;
    private final Counter reconcileFailures;

    PairSeries(ResourceID id) {
      tags = Tags.of("namespace", id.getNamespace().orElse(""), "pair", id.getName());
      // NaN, not 0, while unknown: a lag of 0 would claim a caught-up standby.
      gauge("pks.pair.replication.lag.bytes", "WAL bytes the standby's replay is behind the primary",
          Tags.empty(), s -> replication(s, ReplicationStatus::lagBytes));
      gauge("pks.pair.replication.lag.seconds", "Seconds the standby's replay is behind the primary",
          Tags.empty(), s -> replication(s, ReplicationStatus::replayLagSeconds));
      gauge("pks.pair.timeline", "Timeline of the current primary", Tags.empty(),
          s -> s.timeline() == null ? Double.NaN : s.timeline());
      for (Phase phase : Phase.values()) {
        gauge("pks.pair.phase", "1 for the pair's current phase", Tags.of("phase", phase.name()),
            s -> s.phase() == phase ? 1 : 0);
      }
      for (String syncState : SYNC_STATES) {
        gauge("pks.pair.sync", "1 for the standby's sync_state as the primary reports it",
            Tags.of("state", syncState),
            s -> s.replication() != null && syncState.equals(s.replication().syncState()) ? 1 : 0);
      }
      for (SynchronousMode mode : SynchronousMode.values()) {
        add(Gauge.builder("pks.pair.synchronous.mode", this, series -> series.synchronousMode == mode ? 1 : 0)
            .description("1 for the pair's configured spec.replication.synchronous")
            .tags(tags.and("mode", mode.name())).strongReference(true).register(registry));
      }
      // The names the alerts use (monitoring/pks-alerts.yaml); NaN while unknown or without spec.backup.
      gauge("pks.backup.last.success.timestamp.seconds", "When the pair's last base backup that succeeded ended,"
          + " in seconds since the epoch", Tags.empty(), s -> s.backup() == null || s.backup().lastSuccessfulBackup() == null
              ? Double.NaN : Instant.parse(s.backup().lastSuccessfulBackup()).getEpochSecond());
      archiverGauge("pks.backup.wal.archived", "WAL files the primary archived since its statistics started"
          + " (pg_stat_archiver.archived_count)", Archiver::archivedCount);
      archiverGauge("pks.backup.archive.failures", "Failed attempts to archive a WAL file on the primary since its"
          + " statistics started (pg_stat_archiver.failed_count)", Archiver::failedCount);
      failovers = add(Counter.builder("pks.pair.failovers").description("Automatic failovers")
          .tags(tags).register(registry));
      switchovers = add(Counter.builder("pks.pair.switchovers").description("Planned switchovers")
          .tags(tags).register(registry));
      // Here from the start, unlike JOSDK's failure counter, which appears with the first failure.
      reconcileFailures = add(Counter.builder("pks.pair.reconcile.failures")
          .description("Reconciles of the pair that ended in an exception").tags(tags).register(registry));
      seeds = add(Timer.builder("pks.pair.seed.duration").description("Time to seed a standby")
          .tags(tags).register(registry));
    }

    void record(PksReplicaPairStatus next, SynchronousMode mode) {
      status = next;
      synchronousMode = mode;
      // One series per member seen in a role; both stay, so a switch shows as 1 moving between them.
      for (String member : new String[] {next.currentPrimary(), next.standby()}) {
        if (member != null) {
          memberGauge(primaryByMember, member, "pks.pair.primary", "1 for the member acting as primary",
              PksReplicaPairStatus::currentPrimary);
          memberGauge(activeSipByMember, member, "pks.pair.sip.active",
              "1 for the site whose SIP pods the <pair>-sip Service selects", PksReplicaPairStatus::activeSip);
        }
      }
    }

    private void archiverGauge(String name, String description, ToDoubleFunction<Archiver> value) {
      add(Gauge.builder(name, this, series -> series.archiver == null ? Double.NaN : value.applyAsDouble(series.archiver))
          .description(description).tags(tags).strongReference(true).register(registry));
    }

    private void memberGauge(Map<String, Meter> byMember, String member, String name, String description,
        Function<PksReplicaPairStatus, String> selected) {
      byMember.computeIfAbsent(member, m -> gauge(name, description, Tags.of("member", m),
          s -> m.equals(selected.apply(s)) ? 1 : 0));
    }

    private Meter gauge(String name, String description, Tags extra,
        ToDoubleFunction<PksReplicaPairStatus> value) {
      return add(Gauge.builder(name, this, series -> value.applyAsDouble(series.status))
          .description(description).tags(tags.and(extra)).strongReference(true).register(registry));
    }

    private <M extends Meter> M add(M meter) {
      meters.add(meter);
      return meter;
    }
  }

  private static double replication(PksReplicaPairStatus status, Function<ReplicationStatus, Number> field) {
    Number value = status.replication() == null ? null : field.apply(status.replication());
    return value == null ? Double.NaN : value.doubleValue();
  }
}
