package io.pks.operator.reconciler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairSpec;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.model.MemberNetwork;
import io.pks.operator.model.Names;
import io.pks.operator.model.PairRoles;
import io.pks.operator.postgres.Credentials;
import io.pks.operator.postgres.MemberProbe;
import io.pks.operator.postgres.PgConnector;
import io.pks.operator.postgres.ProbeSessions;
import io.pks.operator.postgres.ProbeResult;
import io.pks.operator.validation.AppliedState;
import io.pks.operator.validation.SpecValidator;

/**
 * Probes both members of every pair on a schedule, outside the reconcile threads (a JDBC call may
 * wait for its timeouts), and triggers a reconcile when the observation changes meaningfully.
 */
final class ReplicationMonitor {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicationMonitor.class);
  static final String NAME = "replication-probe";
  /**
   * The threads every pair's probes share, whatever the number of pairs: a pair's probe is a task
   * scheduled on them, not a thread. A probe waits on the network (a query over a kept session takes
   * milliseconds; a member that does not answer holds a thread up to its timeouts), so a few threads
   * keep a thousand pairs probed every second while some members are down.
   */
  static final int PROBE_THREADS = 8;

  private final MemberNetwork network;
  private final PairCredentials credentials;
  private final Clock clock;
  private final ProbeSessions sessions;
  /** When each pair's primary last answered as primary, by pair/member. */
  private final LastSeen primaryReached = new LastSeen();
  /** When each pair's standby last streamed, by pair/member. */
  private final LastSeen standbyStreamed = new LastSeen();
  private final Handoffs handoffs = new Handoffs();
  /**
   * Whether each pair may be probed, for the spec object and current primary it was
   * decided on. Validating the spec at every probe cost the idle operator as much as a refused
   * connection attempt (`bench/run.sh scale`); a changed spec is a new object in the informer cache.
   */
  private final Map<ResourceID, Probeable> probeables = new ConcurrentHashMap<>();

  private record Probeable(PksReplicaPairSpec spec, String currentPrimary, boolean probeable) {
    boolean decidedFor(PksReplicaPair pair) {
      return spec == pair.getSpec() && Objects.equals(currentPrimary, PairRoles.currentPrimary(pair));
    }
  }

  ReplicationMonitor(MemberNetwork network, PairCredentials credentials, Clock clock) {
    this.network = network;
    this.credentials = credentials;
    this.clock = clock;
    this.sessions = new ProbeSessions(clock);
  }

  /** The probe's kept sessions, one per member: the promotion uses the one to its target. */
  ProbeSessions sessions() {
    return sessions;
  }

  PerResourcePollingEventSource<ReplicationObservation, PksReplicaPair, String> eventSource(
      EventSourceContext<PksReplicaPair> context, Duration interval) {
    AtomicInteger threads = new AtomicInteger();
    ScheduledThreadPoolExecutor probes = new ScheduledThreadPoolExecutor(PROBE_THREADS, runnable -> {
      Thread thread = new Thread(runnable, NAME + "-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    // The kept sessions close with the event source: an operator stopped in a running JVM (a
    // replica that lost its lease) leaves no session open on the members.
    return new PerResourcePollingEventSource<>(ReplicationObservation.class, context,
        new PerResourcePollingConfigurationBuilder<ReplicationObservation, PksReplicaPair, String>(
            regularProbe(interval), interval)
            .withName(NAME)
            .withExecutorService(probes)
            .withResourceIDMapper(observation -> NAME)
            // Only pairs whose objects exist have members to probe.
            .withRegisterPredicate(pair -> pair.getStatus() != null && pair.getStatus().currentPrimary() != null)
            .build()) {
      /**
       * JOSDK 5.2 schedules a pair's first probe when the pair is registered, and a probe that
       * runs before the event source has started ends without scheduling the next: a pair already
       * there when the operator starts or becomes the leader (its informer lists it before the
       * controller starts) would never be probed again, and never failed over. Registered only
       * once started, under one lock so that a pair is never registered twice.
       */
      private final Object registration = new Object();

      @Override
      public void start() {
        super.start();
        synchronized (registration) {
          context.getPrimaryCache().list().forEach(super::onResourceCreated);
        }
      }

      @Override
      public void onResourceCreated(PksReplicaPair pair) {
        synchronized (registration) {
          if (isRunning()) {
            super.onResourceCreated(pair);
          }
        }
      }

      @Override
      public void onResourceUpdated(PksReplicaPair pair, PksReplicaPair old) {
        synchronized (registration) {
          if (isRunning()) {
            super.onResourceUpdated(pair, old);
          }
        }
        // A step just recorded that waits for the probe: probe now rather than at the next tick,
        // then at the short interval while the hand-off is awaited.
        ResourceID id = ResourceID.fromResource(pair);
        switch (handoffs.begins(pair, old, clock.instant())) {
          case PROBING -> probes.execute(() -> probeWhileAwaited(id));
          case ONE_PROBE -> probes.execute(() -> probeOnce(id));
          case NOTHING -> { }
        }
      }

      private void probeOnce(ResourceID id) {
        Optional<PksReplicaPair> pair = context.getPrimaryCache().get(id);
        if (isRunning() && pair.isPresent()) {
          handleResources(id, observe(pair.get()), true);
        }
      }

      /** Beside the regular schedule, which goes on at the interval. */
      private void probeWhileAwaited(ResourceID id) {
        Optional<PksReplicaPair> pair = context.getPrimaryCache().get(id);
        if (!isRunning() || pair.isEmpty() || !handoffs.stillDue(pair.get(), clock.instant())) {
          return;
        }
        handleResources(id, observe(pair.get()), true);
        probes.schedule(() -> probeWhileAwaited(id), Handoff.INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
      }

      @Override
      public void onResourceDeleted(PksReplicaPair pair) {
        super.onResourceDeleted(pair);
        handoffs.forget(pair);
        probeables.remove(ResourceID.fromResource(pair));
      }

      @Override
      public void stop() {
        super.stop();
        sessions.close();
      }
    };
  }

  /** Each pair probed at the interval, on the clock's ticks ({@link ProbeTicks}). */
  private PerResourcePollingEventSource.ResourceFetcher<ReplicationObservation, PksReplicaPair> regularProbe(
      Duration interval) {
    return new PerResourcePollingEventSource.ResourceFetcher<>() {
      @Override
      public Set<ReplicationObservation> fetchResources(PksReplicaPair pair) {
        return observe(pair);
      }

      @Override
      public Optional<Duration> fetchDelay(Set<ReplicationObservation> lastObserved, PksReplicaPair pair) {
        return Optional.of(ProbeTicks.untilNext(clock.instant(), interval));
      }
    };
  }

  private Set<ReplicationObservation> observe(PksReplicaPair pair) {
    try (PairLogContext ignored = PairLogContext.of(pair)) {
      return probeMembers(pair);
    } catch (RuntimeException failure) {
      // JOSDK schedules a pair's next probe when this one returns: thrown, it would be the last.
      LOG.warn("{}: probe failed, tried again at the next interval: {}", pair.ref(), failure.toString());
      return Set.of();
    }
  }

  private Set<ReplicationObservation> probeMembers(PksReplicaPair pair) {
    if (!probeableNow(pair)) {
      LOG.debug("{}: spec refused, members not probed", pair.ref());
      return Set.of();
    }
    Credentials superuser = credentials.superuser(pair).orElse(null);
    if (superuser == null) {
      return Set.of();
    }
    MemberProbe probe = new MemberProbe(PgConnector.forProbes(superuser), sessions, clock);
    String primary = PairRoles.currentPrimary(pair);
    String standby = PairRoles.standby(pair);
    boolean slot = pair.getSpec().replication().slot();
    ProbeResult primaryProbe = probe.probe(network.endpoint(pair, primary),
        new MemberProbe.Peer(standby, slot ? Names.replicationSlot(standby) : null));
    ProbeResult standbyProbe = probe.probe(network.endpoint(pair, standby),
        new MemberProbe.Peer(primary, slot ? Names.replicationSlot(primary) : null, switchoverLsn(pair, standby)));
    Instant now = clock.instant();
    String pairKey = pair.getMetadata().getNamespace() + "/" + pair.getMetadata().getName() + "/";
    Instant primarySeen = primaryReached.update(pairKey + primary, primaryProbe.role() == ProbeResult.Role.PRIMARY,
        now);
    ReplicationObservation probed = ReplicationObservations.of(primaryProbe, standbyProbe, primarySeen, now);
    Instant streamed = standbyStreamed.update(pairKey + standby, probed.streaming(), now);
    ReplicationObservation observation = ReplicationObservations.of(primaryProbe, standbyProbe, primarySeen,
        streamed);
    LOG.debug("{}: {}", pair.ref(), observation);
    return Set.of(observation);
  }

  /**
   * The old primary's recorded last position while {@code standby} is the target of a switchover
   * not yet promoted: its probe then says whether it replayed that primary's shutdown checkpoint.
   */
  private static String switchoverLsn(PksReplicaPair pair, String standby) {
    PksReplicaPairStatus status = pair.getStatus();
    // A pair just created has no status yet.
    return status != null && status.phase() == Phase.SwitchingOver && standby.equals(status.targetPrimary()) ? status.switchoverLsn()
        : null;
  }

  private boolean probeableNow(PksReplicaPair pair) {
    Probeable known = probeables.get(ResourceID.fromResource(pair));
    if (known != null && known.decidedFor(pair)) {
      return known.probeable();
    }
    boolean probeable = probeable(pair);
    probeables.put(ResourceID.fromResource(pair), new Probeable(pair.getSpec(), PairRoles.currentPrimary(pair), probeable));
    return probeable;
  }

  /**
   * A spec the reconciler refuses (a running pair edited badly) may name members or ports that do
   * not run: such a pair is not probed until its spec is put right.
   */
  static boolean probeable(PksReplicaPair pair) {
    return SpecValidator.validate(pair, AppliedState.NONE).isEmpty()
        && pair.getSpec().members().stream().map(Member::name).anyMatch(PairRoles.currentPrimary(pair)::equals);
  }
}
