package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.reconciler.EventReason;
import io.pks.operator.model.Names;
import io.pks.operator.postgres.ProbeCount;
import io.pks.operator.sandbox.EmbeddedApiServer.FaultAnswered;

/**
 * Switchover, failover, sync degrade and operator restarts in the sandbox, with real PostgreSQL
 * and a writer committing numbered rows through the -rw Service: every acknowledged commit must be
 * on the primary afterwards. Four pairs bootstrap side by side: switchover, failover (Automatic,
 * Required, the example's settings), manual (failover.mode Manual) and preferred (Preferred, a
 * 2 s standby bound).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverE2E {
  private static final String A = "site-a";
  private static final String B = "site-b";

  private static SandboxFixture fixture;
  private static Sandbox sandbox;
  private static SandboxPair switchover;
  private static SandboxPair failover;
  private static SandboxPair manual;
  private static SandboxPair preferred;

  @BeforeAll
  static void fourStreamingPairs() {
    fixture = SandboxFixture.start("failover-e2e");
    sandbox = fixture.sandbox;
    switchover = SandboxPair.create(sandbox, "switchover", json -> { });
    failover = SandboxPair.create(sandbox, "failover", json -> { });
    manual = SandboxPair.create(sandbox, "manual", json -> spec(json).with("failover").put("mode", "Manual"));
    preferred = SandboxPair.create(sandbox, "preferred", json -> {
      spec(json).with("replication").put("synchronous", "Preferred");
      spec(json).with("failover").put("standbyUnavailableSeconds", 2);
    });
    for (SandboxPair pair : List.of(switchover, failover, manual, preferred)) {
      pair.awaitSynchronous();
    }
  }

  @AfterAll
  static void stop() throws IOException {
    fixture.close();
  }

  @Test
  @Order(1)
  void aSwitchoverThereAndBackLosesNoCommit() throws Exception {
    // As a pair set up by an operator before pg_walinspect: the switchover's start makes it again.
    try (Connection primary = switchover.connections(switchover.readWrite()).open();
        Statement drop = primary.createStatement()) {
      drop.execute("DROP EXTENSION pg_walinspect");
    }
    try (Writer writer = new Writer(switchover, "calls")) {
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      moveTo(switchover, B);
      assertThat(switchover.sipSite()).isEqualTo(B);
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      moveTo(switchover, A);
      assertThat(switchover.sipSite()).isEqualTo(A);
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      Set<Long> acknowledged = writer.stop();
      assertThat(writer.missingOn(switchover.connections(switchover.readWrite()))).as("acknowledged rows lost").isEmpty();
      System.out.printf("SWITCHOVER a->b->a: %d commits acknowledged, 0 lost%n", acknowledged.size());
    }
    assertThat(switchover.inRecovery(B)).isTrue();
    assertThat(switchover.inRecovery(A)).isFalse();
    assertThat(switchover.get().getStatus().timeline()).isEqualTo(3L);
    // Each old primary's shutdown checkpoint reached its standby (through -rw, whose endpoint was
    // removed as it stopped): promoted as a clean switchover, never by the failover rules.
    assertThat(events(switchover, EventReason.SwitchedOver)).isEqualTo(2);
    assertThat(events(switchover, EventReason.Promoted)).isZero();
    // Proven by the checkpoint itself, replayed on the target (pg_walinspect), not by more WAL.
    assertThat(eventMessages(switchover, EventReason.SwitchedOver)).hasSize(2)
        .allMatch(message -> message.matches(".*it replayed site-[ab]'s shutdown checkpoint at [0-9A-F]+/[0-9A-F]+, its"
            + " last record: a clean stop.*"));
    assertEachPromotionFollowedTheShutdownCheckpoint(switchover, 2);
    assertRejoinedWithoutACopy(switchover, 2);
  }

  @Test
  @Order(2)
  void theLossOfThePrimarysNodeFailsOverWithoutLosingACommit() throws Exception {
    Writer writer = new Writer(failover, "calls");
    assertThat(writer.awaitMore(50, SandboxPair.BOUND)).isTrue();
    long primaryStarts = count(failover.containerLog(A), "starting as primary");

    Instant lost = Instant.now();
    failover.nodeDown(A);
    failover.awaitSipSite(B);
    Duration toSip = Duration.between(lost, Instant.now());
    assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
    Duration toWrite = Duration.between(lost, writer.firstAcknowledgedAfterOutage(lost, Duration.ofSeconds(1)));
    PksReplicaPair promoted = failover.get();
    assertThat(promoted.getStatus().currentPrimary()).isEqualTo(B);
    assertThat(promoted.getSpec().primary()).as("the operator never writes the spec").isEqualTo(A);
    assertThat(promoted.getStatus().requestedPrimary()).isEqualTo(A);
    assertThat(writer.missingOn(failover.connections(failover.readWrite()))).as("acknowledged rows lost").isEmpty();
    System.out.printf("TIMING failover node-down -> first write on the new primary: %d ms; -> SIP selector: %d ms%n",
        toWrite.toMillis(), toSip.toMillis());

    failover.nodeBack(A);
    failover.awaitSynchronous(B);
    assertThat(failover.inRecovery(A)).isTrue();
    assertThat(count(failover.containerLog(A), "starting as primary")).as("site-a never started as primary again")
        .isEqualTo(primaryStarts);
    assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
    Set<Long> acknowledged = writer.stop();
    assertThat(writer.missingOn(failover.connections(failover.readWrite()))).isEmpty();
    assertThat(writer.missingOn(failover.connections(failover.member(A)))).as("rows on the rejoined standby").isEmpty();
    System.out.printf("FAILOVER: %d commits acknowledged, 0 lost%n", acknowledged.size());
    assertRejoinedWithoutACopy(failover, 1);
  }

  @Test
  @Order(3)
  void aCrashedPrimaryRestartedInTimeIsNotFailedOver() throws Exception {
    // "In time" on a busy machine: a restart there may take longer than the 5 s of the other tests.
    failoverAfter(failover, 120);
    long failovers = events(failover, EventReason.FailoverStarted);
    long timeline = failover.get().getStatus().timeline();
    try (Writer writer = new Writer(failover, "crash")) {
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      failover.killPostmaster(B);
      await("restarted").atMost(SandboxPair.BOUND).until(() -> failover.restartCount(B) >= 1 && failover.podReady(B));
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      writer.stop();
      assertThat(writer.missingOn(failover.connections(failover.readWrite()))).isEmpty();
    }
    failover.awaitStatus("streaming", p -> p.getStatus().phase() == Phase.Streaming
        && "streaming".equals(p.getStatus().replication().state()));
    assertThat(failover.get().getStatus().currentPrimary()).isEqualTo(B);
    assertThat(failover.get().getStatus().timeline()).isEqualTo(timeline);
    assertThat(events(failover, EventReason.FailoverStarted)).isEqualTo(failovers);
    failoverAfter(failover, 5);
  }

  @Test
  @Order(4)
  void aRequiredPairsWritesWaitForItsStandbyAndResume() throws Exception {
    try (Writer writer = new Writer(failover, "blocked")) {
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      failover.nodeDown(A);
      failover.awaitPhase(Phase.Degraded);
      String primary = failover.get().getStatus().currentPrimary();
      try (Connection connection = failover.connect(failover.member(primary));
          ProbeCount probes = new ProbeCount(failover.connect(failover.member(primary)))) {
        await("a commit waiting for the standby").atMost(SandboxPair.BOUND)
            .until(() -> waitingForTheStandby(connection) > 0);
        int before = writer.acknowledgedCount();
        // Five probes of the primary while the writer's commit waits.
        probes.awaitMore(5, SandboxPair.BOUND);
        assertThat(writer.acknowledgedCount()).as("commits acknowledged without the standby").isEqualTo(before);
        assertThat(waitingForTheStandby(connection)).as("the commit still waits").isPositive();
      }
      assertThat(failover.get().getStatus().message()).contains("commits wait until it is back");
      failover.nodeBack(A);
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).as("writes resume").isTrue();
      writer.stop();
      assertThat(writer.missingOn(failover.connections(failover.member(A)))).isEmpty();
    }
  }

  @Test
  @Order(5)
  void aPreferredPairStopsWaitingForALostStandbyAndWaitsAgainWhenItStreams() throws Exception {
    try (Writer writer = new Writer(preferred, "calls")) {
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      preferred.nodeDown(B);
      PksReplicaPair degraded = preferred.awaitStatus("degraded", p -> p.getStatus().phase() == Phase.Degraded
          && p.getStatus().synchronousStandby() == null);
      assertThat(degraded.getStatus().message()).contains("commits without waiting for it");
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).as("writes continue without the standby").isTrue();

      preferred.nodeBack(B);
      preferred.awaitStatus("sync again", p -> p.getStatus().phase() == Phase.Streaming
          && B.equals(p.getStatus().synchronousStandby()));
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      writer.stop();
      assertThat(writer.missingOn(preferred.connections(preferred.readWrite()))).isEmpty();
    }
  }

  @Test
  @Order(6)
  void aManualPairReportsTheLossAndFailsOverWhenTheUserSaysSo() throws Exception {
    manual.nodeDown(A);
    PksReplicaPair failed = manual.awaitPhase(Phase.Failed);
    assertThat(failed.getStatus().message()).contains("failover.mode is Manual: nothing was promoted")
        .contains("set spec.primary: site-b");
    assertThat(failed.getStatus().currentPrimary()).isEqualTo(A);
    assertThat(manual.inRecovery(B)).as("nothing promoted").isTrue();

    manual.requestPrimary(B);
    manual.awaitStatus("site-b primary", p -> B.equals(p.getStatus().currentPrimary()));
    try (Writer writer = new Writer(manual, "after")) {
      assertThat(writer.awaitMore(10, SandboxPair.BOUND)).isTrue();
    }
    manual.nodeBack(A);
    manual.awaitStatus("rejoined", p -> p.getStatus().phase() == Phase.Streaming
        && A.equals(p.getStatus().standby()));
  }

  @Test
  @Order(7)
  void anOperatorKilledDuringASwitchoverPromotesOnceAndLosesNoCommit() throws Exception {
    long timeline = switchover.get().getStatus().timeline();
    String primary = switchover.get().getStatus().currentPrimary();
    String target = switchover.get().getStatus().standby();
    try (Writer writer = new Writer(switchover, "restart")) {
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      // The old primary's StatefulSet cannot be scaled down: the switchover is recorded, never finished.
      holdStatefulSet(switchover, primary);
      switchover.requestPrimary(target);
      awaitHeldMidOperation(switchover, Phase.SwitchingOver, primary, target);
      restartOperatorReleased(switchover, target);
      switchover.awaitSynchronous(target);
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).as("writes on the new primary").isTrue();
      Set<Long> acknowledged = writer.stop();
      assertThat(writer.missingOn(switchover.connections(switchover.readWrite()))).as("acknowledged rows lost").isEmpty();
      System.out.printf("SWITCHOVER with an operator restart mid-operation: %d commits acknowledged, 0 lost%n",
          acknowledged.size());
    }
    assertThat(switchover.get().getStatus().timeline()).as("one promotion").isEqualTo(timeline + 1);
  }

  @Test
  @Order(8)
  void anOperatorKilledDuringAFailoverPromotesOnceAndLosesNoCommit() throws Exception {
    failover.awaitSynchronous();
    long timeline = failover.get().getStatus().timeline();
    String primary = failover.get().getStatus().currentPrimary();
    String standby = failover.get().getStatus().standby();
    Writer writer = new Writer(failover, "restart");
    assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
    // The lost primary cannot be fenced (its StatefulSet scaled to 0): the failover is recorded, nothing promoted.
    holdStatefulSet(failover, primary);
    failover.nodeDown(primary);
    awaitHeldMidOperation(failover, Phase.FailingOver, null, standby);
    restartOperatorReleased(failover, standby);
    failover.awaitStatus("promoted", p -> standby.equals(p.getStatus().currentPrimary()));
    assertThat(writer.awaitMore(20, SandboxPair.BOUND)).as("writes on the new primary").isTrue();
    assertThat(writer.missingOn(failover.connections(failover.readWrite()))).as("acknowledged rows lost").isEmpty();
    failover.nodeBack(primary);
    failover.awaitSynchronous(standby);
    Set<Long> acknowledged = writer.stop();
    assertThat(writer.missingOn(failover.connections(failover.readWrite()))).as("acknowledged rows lost").isEmpty();
    assertThat(failover.get().getStatus().timeline()).as("one promotion").isEqualTo(timeline + 1);
    assertThat(failover.inRecovery(primary)).isTrue();
    System.out.printf("FAILOVER with an operator restart mid-operation: %d commits acknowledged, 0 lost%n",
        acknowledged.size());
  }

  /**
   * Answers every write of {@code member}'s StatefulSet with a 500 (its status excepted, which the
   * runtime writes): the operator records a switchover or failover and cannot act on it.
   */
  private static void holdStatefulSet(SandboxPair pair, String member) {
    String object = "/namespaces/" + pair.namespace + "/statefulsets/" + Names.statefulSet(pair.name, member);
    Predicate<String> spec = path -> path.contains(object) && !path.contains(object + "/status");
    for (String method : List.of("PUT", "PATCH")) {
      sandbox.apiServer().failFor(SandboxPair.BOUND, method, spec, 500);
    }
  }

  /**
   * Waits until {@code phase} is recorded, the operator has run into the hold, and {@code target}
   * is still a standby (with {@code oldPrimary}, when given, still the writable primary): a
   * condition true only in the middle of the operation.
   */
  private static void awaitHeldMidOperation(SandboxPair pair, Phase phase, String oldPrimary, String target)
      throws SQLException {
    long faults = sandbox.apiServer().faultsAnswered().stream().filter(FaultAnswered::toOperator).count();
    pair.awaitStatus(phase + " recorded", p -> p.getStatus().phase() == phase && target.equals(p.getStatus().targetPrimary()));
    await("the operator held by the fault").atMost(SandboxPair.BOUND).until(() -> sandbox.apiServer()
        .faultsAnswered().stream().filter(FaultAnswered::toOperator).count() > faults);
    assertThat(pair.get().getStatus().phase()).isEqualTo(phase);
    assertThat(pair.inRecovery(target)).as(target + " not promoted yet").isTrue();
    if (oldPrimary != null) {
      assertThat(pair.inRecovery(oldPrimary)).as(oldPrimary + " still the primary").isFalse();
    }
  }

  /** Kills the operator held mid-operation, lifts the hold, and starts it again: {@code target} still a standby. */
  private static void restartOperatorReleased(SandboxPair pair, String target) throws SQLException {
    sandbox.stopOperator();
    sandbox.apiServer().clearFaults();
    assertThat(pair.inRecovery(target)).as("nothing promoted while the operator was held").isTrue();
    sandbox.startOperator();
  }

  /** Sets spec.failover.primaryUnavailableSeconds and waits until the operator has reconciled that spec. */
  private static void failoverAfter(SandboxPair pair, int seconds) {
    pair.client().resources(PksReplicaPair.class).inNamespace(pair.namespace).withName(pair.name).patch(
        PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"failover\":{\"primaryUnavailableSeconds\":" + seconds + "}}}");
    pair.awaitStatus("primaryUnavailableSeconds " + seconds + " observed", p -> p.getSpec().failover()
        .primaryUnavailableSeconds() == seconds && p.getMetadata().getGeneration().equals(p.getStatus().observedGeneration()));
  }

  /** A planned switchover to {@code target}, until the old primary streams again as its standby. */
  private static void moveTo(SandboxPair pair, String target) {
    pair.requestPrimary(target);
    pair.awaitSynchronous(target);
    pair.awaitSipSite(target);
  }

  /** Sessions of {@code connection}'s server whose commit waits for the synchronous standby. */
  private static int waitingForTheStandby(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'")) {
      row.next();
      return row.getInt(1);
    }
  }

  /**
   * Each of the {@code rejoins} old primaries became the standby by pg_rewind, as its Job reported
   * (Events StandbyRewound), none by a copy.
   */
  private static void assertRejoinedWithoutACopy(SandboxPair pair, int rejoins) {
    pair.client().v1().events().inNamespace(pair.namespace).list().getItems().stream()
        .filter(e -> e.getReason().startsWith("Standby"))
        .forEach(e -> System.out.printf("REJOIN %s: %s%n", e.getReason(), e.getMessage()));
    assertThat(events(pair, EventReason.StandbyRewound)).isEqualTo(rejoins);
    assertThat(events(pair, EventReason.StandbyReseeded)).isZero();
  }

  /**
   * A line PostgreSQL logged, at the time its prefix gives ({@code %m}: milliseconds, then the
   * zone's name, which both members on this machine share, so it is left out).
   */
  private record LogLine(LocalDateTime at, String text) {
    private static final DateTimeFormatter PREFIX = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    static List<LogLine> of(String log) {
      return log.lines().filter(line -> line.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\S+ .*"))
          .map(line -> new LogLine(LocalDateTime.parse(line.substring(0, 23), PREFIX), line)).toList();
    }
  }

  /**
   * Each of the {@code promotions} came after the old primary's shutdown checkpoint, as the members'
   * logs tell on the one clock they share: the other member's latest fast shutdown before the
   * target's "received promote request" had logged its "checkpoint complete". The sandbox deletes a
   * pod at once; 3 of a benchmark's 10 switchovers once promoted 58 to 108 ms before it. The
   * target's synchronous_standby_names was not cleared in between: it was as the switchover started.
   */
  private static void assertEachPromotionFollowedTheShutdownCheckpoint(SandboxPair pair, int promotions) {
    int seen = 0;
    for (String target : List.of(A, B)) {
      List<LogLine> old = LogLine.of(pair.containerLog(target.equals(A) ? B : A));
      for (LogLine promote : LogLine.of(pair.containerLog(target))) {
        if (!promote.text().contains("received promote request")) {
          continue;
        }
        seen++;
        LocalDateTime shutdown = old.stream().filter(line -> line.text().contains("received fast shutdown request"))
            .map(LogLine::at).filter(at -> !at.isAfter(promote.at())).reduce((first, second) -> second)
            .orElseThrow(() -> new AssertionError("no shutdown of the old primary before " + target + "'s promotion at "
                + promote.at() + "; its log: " + old.stream().map(LogLine::text)
                .filter(text -> text.matches(".*(shutdown request|shutting down|checkpoint complete|promote request|ready to accept).*"))
                .toList()));
        // The checkpoint after "shutting down": one already under way when the request came ends first.
        LocalDateTime checkpoint = old.stream().filter(line -> line.text().endsWith("LOG:  shutting down"))
            .map(LogLine::at).filter(at -> !at.isBefore(shutdown)).findFirst()
            .flatMap(shuttingDown -> old.stream().filter(line -> line.text().contains("checkpoint complete"))
                .map(LogLine::at).filter(at -> !at.isBefore(shuttingDown)).findFirst())
            .orElse(null);
        System.out.printf("SWITCHOVER to %s: shutdown requested %s, its checkpoint %s, promotion requested %s%n", target,
            shutdown, checkpoint, promote.at());
        assertThat(checkpoint).as("the old primary's shutdown checkpoint before %s's promotion at %s", target,
            promote.at()).isNotNull().isBeforeOrEqualTo(promote.at());
        // Its inherited synchronous_standby_names, if any, cleared as the switchover started: not in the write gap.
        assertThat(LogLine.of(pair.containerLog(target)).stream()
            .filter(line -> line.text().contains("parameter \"synchronous_standby_names\" changed to \"\""))
            .map(LogLine::at).filter(at -> at.isAfter(shutdown) && !at.isAfter(promote.at())).toList())
            .as("%s's synchronous_standby_names cleared between the old primary's shutdown and its promotion", target)
            .isEmpty();
      }
    }
    assertThat(seen).isEqualTo(promotions);
  }

  private static long count(String text, String line) {
    return text.lines().filter(l -> l.contains(line)).count();
  }

  /** How many times the reason was recorded: a repeat is counted on its Event. */
  private static long events(SandboxPair pair, EventReason reason) {
    return pair.client().v1().events().inNamespace(pair.namespace).list().getItems().stream()
        .filter(e -> reason.name().equals(e.getReason())).mapToLong(e -> e.getCount()).sum();
  }

  private static List<String> eventMessages(SandboxPair pair, EventReason reason) {
    return pair.client().v1().events().inNamespace(pair.namespace).list().getItems().stream()
        .filter(e -> reason.name().equals(e.getReason())).map(e -> e.getMessage()).toList();
  }

  private static ObjectNode spec(ObjectNode json) {
    return (ObjectNode) json.get("spec");
  }
}
