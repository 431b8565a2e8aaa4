package io.pks.operator.reconciler;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.LoopbackNetwork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The probes' schedule: a pair is probed at every interval whatever happened before (the event
 * source started after the pair was listed, a probe that failed), and a running pair whose spec is
 * edited badly is not probed with what the edit names.
 */
class ReplicationMonitorTest {
  private static final Duration INTERVAL = Duration.ofMillis(50);

  /** The example as running with site-a as primary, its spec then edited by {@code edit}. */
  private static PksReplicaPair running(Consumer<ObjectNode> edit) {
    ObjectNode json = TestPairs.exampleJson();
    json.putObject("status").put("currentPrimary", "site-a");
    edit.accept(TestPairs.spec(json));
    return TestPairs.fromJson(json);
  }

  @Test
  void aRunningPairIsProbed() {
    assertThat(ReplicationMonitor.probeable(running(spec -> { }))).isTrue();
  }

  @Test
  void aRefusedEditStopsTheProbesInsteadOfFailingThem() {
    // Valid on its own, but the running primary is no longer a member: the immutability rule refuses it.
    assertThat(ReplicationMonitor.probeable(running(spec -> {
      ((ObjectNode) spec.withArray("members").get(0)).put("name", "site-c");
      spec.put("primary", "site-c");
    }))).isFalse();
    assertThat(ReplicationMonitor.probeable(running(spec -> spec.withArray("members").remove(1)))).isFalse();
    assertThat(ReplicationMonitor.probeable(running(spec -> spec.with("postgres").put("port", 0)))).isFalse();
    assertThat(ReplicationMonitor.probeable(running(spec -> spec.with("postgres").put("port", "abc")))).isFalse();
  }

  /**
   * An operator started (or made leader) with the pair already there: its informer lists the pair,
   * and the pair's first probe falls due, before the event source has started. On JOSDK 5.2 alone
   * that probe ended the pair's schedule for good.
   */
  @Test
  void aPairListedBeforeTheProbesStartIsProbedOnceTheyDo() {
    AtomicInteger probes = new AtomicInteger();
    PksReplicaPair pair = running(spec -> { });
    PerResourcePollingEventSource<ReplicationObservation, PksReplicaPair, String> source =
        eventSource(pair, id -> {
          probes.incrementAndGet();
          return Optional.of(superuser());
        });
    source.onResourceCreated(pair);
    await().pollDelay(INTERVAL.multipliedBy(4)).until(() -> true);
    int beforeStart = probes.get();
    source.start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> probes.get() >= beforeStart + 3);
    } finally {
      source.stop();
    }
  }

  /**
   * Whether a pair may be probed is kept between probes for the spec it was decided on: an edit
   * (a new spec object in the informer cache) is decided on again at the next probe.
   */
  @Test
  void anEditRefusedStopsTheProbesAtOnceAndItsRepairResumesThem() {
    AtomicInteger probes = new AtomicInteger();
    AtomicReference<PksReplicaPair> cached = new AtomicReference<>(running(spec -> { }));
    PerResourcePollingEventSource<ReplicationObservation, PksReplicaPair, String> source =
        eventSource(cached::get, id -> {
          probes.incrementAndGet();
          return Optional.of(superuser());
        });
    source.start();
    try {
      source.onResourceCreated(cached.get());
      await().atMost(Duration.ofSeconds(10)).until(() -> probes.get() >= 3);
      cached.set(running(spec -> spec.with("postgres").put("port", 0)));
      await().pollDelay(INTERVAL.multipliedBy(2)).until(() -> true);
      int refused = probes.get();
      await().pollDelay(INTERVAL.multipliedBy(6)).until(() -> true);
      assertThat(probes.get()).as("members probed with a refused spec").isEqualTo(refused);
      cached.set(running(spec -> { }));
      await().atMost(Duration.ofSeconds(10)).until(() -> probes.get() >= refused + 3);
    } finally {
      source.stop();
    }
  }

  /**
   * A pair just created has no status yet, and its members are probed as any pair's: the probe once
   * read the status for a switchover's recorded position and failed on every new pair.
   */
  @Test
  void aNewPairWithoutAStatusIsProbed() {
    PksReplicaPair created = TestPairs.fromJson(TestPairs.exampleJson());
    assertThat(created.getStatus()).isNull();
    PerResourcePollingEventSource<ReplicationObservation, PksReplicaPair, String> source =
        eventSource(created, id -> Optional.of(superuser()));
    source.start();
    try {
      source.onResourceCreated(created);
      ReplicationObservation observed = await().atMost(Duration.ofSeconds(10))
          .until(() -> source.getSecondaryResources(created).stream().findFirst(), Optional::isPresent).get();
      assertThat(observed.primary()).as("nothing listens on the members' ports").isNull();
      assertThat(observed.replication().state()).isEqualTo(ReplicationObservation.STATE_UNKNOWN);
    } finally {
      source.stop();
    }
  }

  /**
   * A hand-off recorded while the previous one is still probed for (the seeded standby started
   * while its primary's start was awaited, sync enabled while the standby's streaming was) is
   * probed at once: it once waited for that probing's next turn, up to its interval (100 ms then)
   * of each bootstrap step. Every probe here is held until the end, so only a probe started for the new hand-off
   * can see it.
   */
  @Test
  void aHandoffRecordedWhileAnotherIsProbedForIsProbedAtOnce() {
    CountDownLatch held = new CountDownLatch(1);
    AtomicInteger probes = new AtomicInteger();
    AtomicInteger probesOfTheSeededStandby = new AtomicInteger();
    PksReplicaPair seeded = HandoffTest.standbyStarted();
    AtomicReference<PksReplicaPair> cached = new AtomicReference<>(HandoffTest.primaryStarted());
    PerResourcePollingEventSource<ReplicationObservation, PksReplicaPair, String> source =
        eventSource(cached::get, id -> {
          probes.incrementAndGet();
          if (cached.get() == seeded) {
            probesOfTheSeededStandby.incrementAndGet();
          }
          try {
            held.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();
          }
          return Optional.of(superuser());
        });
    source.start();
    try {
      source.onResourceUpdated(cached.get(), HandoffTest.initdbRunning());
      // The hand-off's first probe and the regular schedule's first, both held.
      await().atMost(Duration.ofSeconds(10)).until(() -> probes.get() >= 2);
      cached.set(seeded);
      source.onResourceUpdated(seeded, HandoffTest.primaryStarted());
      await().atMost(Duration.ofSeconds(5)).until(() -> probesOfTheSeededStandby.get() >= 1);
    } finally {
      held.countDown();
      source.stop();
    }
  }

  /** A probe that throws (the API server not answering for a Secret) is followed by the next one. */
  @Test
  void aProbeThatFailsIsFollowedByTheNext() {
    AtomicInteger probes = new AtomicInteger();
    PksReplicaPair pair = running(spec -> { });
    PerResourcePollingEventSource<ReplicationObservation, PksReplicaPair, String> source =
        eventSource(pair, id -> {
          if (probes.incrementAndGet() <= 2) {
            throw new IllegalStateException("the API server did not answer");
          }
          return Optional.of(superuser());
        });
    source.start();
    try {
      source.onResourceCreated(pair);
      await().atMost(Duration.ofSeconds(10)).until(() -> probes.get() >= 5);
    } finally {
      source.stop();
    }
  }

  /**
   * The monitor's event source for a cache holding {@code pair}, its members on ports nothing
   * listens on (a probe is then quick), the superuser's Secret read through {@code informed}.
   */
  private static PerResourcePollingEventSource<ReplicationObservation, PksReplicaPair, String> eventSource(
      PksReplicaPair pair, Function<ResourceID, Optional<Secret>> informed) {
    return eventSource(() -> pair, informed);
  }

  /** As above, the cache holding whatever {@code pair} gives at each read. */
  private static PerResourcePollingEventSource<ReplicationObservation, PksReplicaPair, String> eventSource(
      Supplier<PksReplicaPair> pair, Function<ResourceID, Optional<Secret>> informed) {
    ReplicationMonitor monitor = new ReplicationMonitor(new LoopbackNetwork(Map.of("site-a", 1, "site-b", 2)),
        new PairCredentials(null, informed, Clock.systemUTC()), Clock.systemUTC());
    PerResourcePollingEventSource<ReplicationObservation, PksReplicaPair, String> source =
        monitor.eventSource(new EventSourceContext<>(cacheOf(pair), null, null, PksReplicaPair.class), INTERVAL);
    source.setEventHandler(event -> { });
    return source;
  }

  private static Secret superuser() {
    return new SecretBuilder().addToStringData("username", "postgres").addToStringData("password", "secret").build();
  }

  /** The informer's cache of primaries, holding the one pair {@code pair} gives at each read: what the event source reads of it. */
  @SuppressWarnings("unchecked")
  private static IndexerResourceCache<PksReplicaPair> cacheOf(Supplier<PksReplicaPair> pair) {
    ResourceID id = ResourceID.fromResource(pair.get());
    return (IndexerResourceCache<PksReplicaPair>) Proxy.newProxyInstance(ReplicationMonitorTest.class.getClassLoader(),
        new Class<?>[] {IndexerResourceCache.class}, (proxy, method, args) -> switch (method.getName()) {
          case "get" -> Optional.of(pair.get()).filter(p -> id.equals(args[0]));
          case "contains" -> id.equals(args[0]);
          case "keys" -> java.util.stream.Stream.of(id);
          case "list" -> java.util.stream.Stream.of(pair.get())
              .filter(args == null || args.length == 0 ? p -> true : (Predicate<PksReplicaPair>) args[args.length - 1]);
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }
}
