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
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.reconciler.EventReason;

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
    try (Writer writer = new Writer(switchover, "calls")) {
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      moveTo(switchover, B);
      assertThat(switchover.sipSite()).isEqualTo(B);
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      moveTo(switchover, A);
      assertThat(switchover.sipSite()).isEqualTo(A);
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      Set<Long> acknowledged = writer.stop();
      assertThat(writer.missingOn(switchover.readWrite())).as("acknowledged rows lost").isEmpty();
      System.out.printf("SWITCHOVER a->b->a: %d commits acknowledged, 0 lost%n", acknowledged.size());
    }
    assertThat(inRecovery(switchover, B)).isTrue();
    assertThat(inRecovery(switchover, A)).isFalse();
    assertThat(switchover.get().getStatus().timeline()).isEqualTo(3L);
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
    assertThat(writer.missingOn(failover.readWrite())).as("acknowledged rows lost").isEmpty();
    System.out.printf("TIMING failover node-down -> first write on the new primary: %d ms; -> SIP selector: %d ms%n",
        toWrite.toMillis(), toSip.toMillis());

    failover.nodeBack(A);
    failover.awaitSynchronous(B);
    assertThat(inRecovery(failover, A)).isTrue();
    assertThat(count(failover.containerLog(A), "starting as primary")).as("site-a never started as primary again")
        .isEqualTo(primaryStarts);
    assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
    Set<Long> acknowledged = writer.stop();
    assertThat(writer.missingOn(failover.readWrite())).isEmpty();
    assertThat(writer.missingOn(failover.member(A))).as("rows on the rejoined standby").isEmpty();
    System.out.printf("FAILOVER: %d commits acknowledged, 0 lost%n", acknowledged.size());
  }

  @Test
  @Order(3)
  void aCrashedPrimaryRestartedInTimeIsNotFailedOver() throws Exception {
    long failovers = events(failover, EventReason.FailoverStarted);
    long timeline = failover.get().getStatus().timeline();
    try (Writer writer = new Writer(failover, "crash")) {
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      failover.killPostmaster(B);
      await("restarted").atMost(SandboxPair.BOUND).until(() -> failover.restartCount(B) >= 1 && failover.podReady(B));
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      writer.stop();
      assertThat(writer.missingOn(failover.readWrite())).isEmpty();
    }
    failover.awaitStatus("streaming", p -> p.getStatus().phase() == Phase.Streaming
        && "streaming".equals(p.getStatus().replication().state()));
    assertThat(failover.get().getStatus().currentPrimary()).isEqualTo(B);
    assertThat(failover.get().getStatus().timeline()).isEqualTo(timeline);
    assertThat(events(failover, EventReason.FailoverStarted)).isEqualTo(failovers);
  }

  @Test
  @Order(4)
  void aRequiredPairsWritesWaitForItsStandbyAndResume() throws Exception {
    try (Writer writer = new Writer(failover, "blocked")) {
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      failover.nodeDown(A);
      failover.awaitPhase(Phase.Degraded);
      Thread.sleep(500);
      int before = writer.acknowledgedCount();
      Thread.sleep(3000);
      assertThat(writer.acknowledgedCount()).as("commits acknowledged without the standby").isEqualTo(before);
      assertThat(failover.get().getStatus().message()).contains("commits wait until it is back");
      failover.nodeBack(A);
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).as("writes resume").isTrue();
      writer.stop();
      assertThat(writer.missingOn(failover.member(A))).isEmpty();
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
      assertThat(writer.missingOn(preferred.readWrite())).isEmpty();
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
    assertThat(inRecovery(manual, B)).as("nothing promoted").isTrue();

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
  void anOperatorKilledDuringASwitchoverPromotesOnce() throws Exception {
    long timeline = switchover.get().getStatus().timeline();
    switchover.requestPrimary(B);
    switchover.awaitStatus("switching over", p -> p.getStatus().phase() != Phase.Streaming);
    sandbox.stopOperator();
    Thread.sleep(1000);
    sandbox.startOperator();
    switchover.awaitSynchronous();
    assertThat(switchover.get().getStatus().currentPrimary()).isEqualTo(B);
    assertThat(switchover.get().getStatus().timeline()).as("one promotion").isEqualTo(timeline + 1);
  }

  @Test
  @Order(8)
  void anOperatorKilledDuringAFailoverPromotesOnce() throws Exception {
    long timeline = failover.get().getStatus().timeline();
    String primary = failover.get().getStatus().currentPrimary();
    String standby = failover.get().getStatus().standby();
    failover.nodeDown(primary);
    failover.awaitStatus("failing over", p -> p.getStatus().phase() == Phase.FailingOver
        || standby.equals(p.getStatus().currentPrimary()));
    sandbox.stopOperator();
    Thread.sleep(1000);
    sandbox.startOperator();
    failover.awaitStatus("promoted", p -> standby.equals(p.getStatus().currentPrimary()));
    failover.nodeBack(primary);
    failover.awaitSynchronous();
    assertThat(failover.get().getStatus().timeline()).as("one promotion").isEqualTo(timeline + 1);
    assertThat(inRecovery(failover, primary)).isTrue();
  }

  /** A planned switchover to {@code target}, until the old primary streams again as its standby. */
  private static void moveTo(SandboxPair pair, String target) {
    pair.requestPrimary(target);
    pair.awaitSynchronous(target);
    pair.awaitSipSite(target);
  }

  private static boolean inRecovery(SandboxPair pair, String member) throws SQLException {
    try (Connection connection = pair.connect(pair.member(member)); Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT pg_is_in_recovery()")) {
      row.next();
      return row.getBoolean(1);
    }
  }

  private static long count(String text, String line) {
    return text.lines().filter(l -> l.contains(line)).count();
  }

  private static long events(SandboxPair pair, EventReason reason) {
    return pair.client().v1().events().inNamespace(pair.namespace).list().getItems().stream()
        .filter(e -> reason.name().equals(e.getReason())).count();
  }

  private static ObjectNode spec(ObjectNode json) {
    return (ObjectNode) json.get("spec");
  }
}
