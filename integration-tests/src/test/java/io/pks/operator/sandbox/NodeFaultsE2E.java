package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.fabric8.kubernetes.api.model.PodCondition;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * Each fault of the sandbox's network mode on a Required pair under a writer through -rw: what the
 * pair does, and that no acknowledged commit is lost. For a primary partitioned or paused, what the
 * isolated old primary still does after its standby was promoted is printed (ISOLATED lines).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeFaultsE2E {
  private static final Duration HELD = Duration.ofSeconds(3);
  private static final Duration CLIENT_WAIT = Duration.ofSeconds(10);
  /**
   * How soon the status must say that a paused or cut-off standby holds commits: the primary's
   * walsender notices within wal_sender_timeout (5 s), the probe within its interval after that.
   * With PostgreSQL's default of 60 s the pair read Streaming for a minute while commits waited.
   */
  private static final Duration STANDBY_LOSS_SEEN = Duration.ofSeconds(15);

  private static SandboxFixture fixture;
  private static SandboxPair pair;

  @BeforeAll
  static void streamingPair() {
    fixture = SandboxFixture.start("node-faults-e2e", Sandbox.Networking.CLUSTER);
    pair = SandboxPair.create(fixture.sandbox, "faults", json -> { });
    pair.awaitSynchronous();
  }

  @AfterAll
  static void stop() throws IOException {
    fixture.close();
  }

  private static String primary() {
    return pair.get().getStatus().currentPrimary();
  }

  private static String standby() {
    return pair.get().getStatus().currentPrimary().equals("site-a") ? "site-b" : "site-a";
  }

  @Test
  @Order(1)
  void latencyIsAddedWithNetemOrRefusedWithTheKernelsReason() throws Exception {
    String standby = standby();
    pair.fault(standby, "latency-200");
    await("the fault applied or refused").atMost(SandboxPair.BOUND).until(() -> faultRefusal(standby) != null
        || linkQueue(standby).contains("delay 200ms"));
    PodCondition refused = faultRefusal(standby);
    if (refused != null) {
      assertThat(refused.getMessage()).startsWith("tc netem refused:");
      System.out.println("LATENCY refused on this kernel: " + refused.getMessage());
    }
    pair.fault(standby, null);
    await("the refusal cleared").atMost(SandboxPair.BOUND).until(() -> faultRefusal(standby) == null);
    pair.awaitSynchronous();
  }

  @Test
  @Order(2)
  void aPausedStandbyHoldsRequiredCommitsUntilItResumes() throws Exception {
    holdsCommitsUntilHealed("pause", "paused");
  }

  @Test
  @Order(3)
  void aStandbyCutFromItsPeerHoldsRequiredCommitsUntilHealed() throws Exception {
    holdsCommitsUntilHealed("partition-peer", "peercut");
  }

  private static void holdsCommitsUntilHealed(String fault, String table) throws Exception {
    String standby = standby();
    String primary = primary();
    int primaryRestarts = pair.restartCount(primary);
    try (Writer writer = new Writer(pair, table)) {
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      Instant faulted = Instant.now();
      pair.fault(standby, fault);
      try {
        pair.awaitPhase(Phase.Degraded);
        assertThat(Duration.between(faulted, Instant.now())).as("fault → status Degraded")
            .isLessThan(STANDBY_LOSS_SEEN);
        Thread.sleep(500);
        int before = writer.acknowledgedCount();
        Thread.sleep(HELD.toMillis());
        assertThat(writer.acknowledgedCount()).as("commits acknowledged without the standby").isEqualTo(before);
      } finally {
        pair.fault(standby, null);
      }
      pair.awaitSynchronous(primary);
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      writer.stop();
      assertThat(writer.missingOn(pair.connections(pair.readWrite()))).as("acknowledged rows lost").isEmpty();
      // It reached the API server throughout: its isolation check must not have stopped it (it did,
      // when the sandbox's nodes could not reach the API server's Service address).
      assertThat(pair.restartCount(primary)).as("restarts of the primary").isEqualTo(primaryRestarts);
    }
  }

  @Test
  @Order(4)
  void thePrimaryCutFromTheOperatorLosesNoCommit() throws Exception {
    String primary = primary();
    try (Writer writer = new Writer(pair, "opcut")) {
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      Instant cut = Instant.now();
      pair.fault(primary, "partition-operator");
      pair.awaitStatus("the probe's loss of " + primary, p -> p.getStatus().message().contains("answer"));
      Thread.sleep(20_000);
      PksReplicaPair during = pair.get();
      System.out.printf("PARTITION-OPERATOR of primary %s: after 20 s the pair is %s, primary %s, message: %s%n",
          primary, during.getStatus().phase(), during.getStatus().currentPrimary(), during.getStatus().message());
      // Its standby still streams from it, so it is alive: failing it over would be needless.
      assertThat(during.getStatus().currentPrimary()).as("primary after 20 s cut from the operator only").isEqualTo(primary);
      assertThat(during.getStatus().message()).contains("does not answer the operator, but standby");
      pair.fault(primary, null);
      pair.awaitSynchronous();
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      writer.stop();
      assertThat(writer.missingOn(pair.connections(pair.readWrite()))).as("acknowledged rows lost").isEmpty();
      System.out.printf("PARTITION-OPERATOR healed: primary %s, longest write gap %d ms%n", primary(),
          writer.longestGap(cut, Instant.now()).toMillis());
    }
  }

  @Test
  @Order(5)
  void aPartitionedPrimaryIsFailedOverAndAcknowledgesNoWriteWhileIsolated() throws Exception {
    isolatedPrimaryFailsOver("partition", "parted");
  }

  @Test
  @Order(6)
  void aPausedPrimaryIsFailedOverAndAcknowledgesNoWriteWhenItResumes() throws Exception {
    isolatedPrimaryFailsOver("pause", "frozen");
  }

  /**
   * Found by the randomized fault run: runuser, then a container's first process, stopped itself
   * when it saw its child stopped, sometimes after the pause's SIGCONT; it then never reaped its
   * child, so a postmaster killed after the pause was never restarted. Every round must come back.
   */
  @Test
  @Order(7)
  void aPausedStandbyIsThawedEntirelySoAKilledPostmasterIsRestarted() throws Exception {
    // Each round's crash restarts the container after the kubelet's back-off: at once the first
    // time, then 1 s here rather than 10, doubling; four rounds wait 7 s for it rather than 70.
    fixture.sandbox.runtime().crashLoopBackOff(Duration.ofSeconds(1));
    try {
      for (int round = 1; round <= 4; round++) {
        String standby = standby();
        pair.fault(standby, "pause");
        Thread.sleep(1_800);
        pair.fault(standby, null);
        Thread.sleep(2_000);
        int restarts = pair.restartCount(standby);
        pair.killPostmaster(standby);
        // The restart count goes up as the container exits: ready again means the new one runs (after
        // the kubelet's back-off), so the next round pauses and kills its postmaster, not a stale pid.
        await("round " + round + ": the killed standby's container restarted and ready").atMost(SandboxPair.BOUND)
            .until(() -> pair.restartCount(standby) > restarts && pair.podReady(standby));
        pair.awaitSynchronous();
      }
    } finally {
      fixture.sandbox.runtime().crashLoopBackOff(LocalKubelet.FIRST_BACKOFF);
    }
  }

  private static void isolatedPrimaryFailsOver(String fault, String table) throws Exception {
    String old = primary();
    String promoted = standby();
    try (Writer writer = new Writer(pair, table)) {
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      pair.fault(old, fault);
      try {
        pair.awaitSipSite(promoted);
        assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
        assertThat(primary()).isEqualTo(promoted);
        if (fault.equals("partition")) {
          SandboxPair.NodeResult read = pair.psqlInNode(old, "SELECT pg_is_in_recovery(), count(*) FROM " + table,
              CLIENT_WAIT);
          SandboxPair.NodeResult write = pair.psqlInNode(old, "INSERT INTO " + table + " VALUES (-1, now())",
              CLIENT_WAIT);
          System.out.printf("ISOLATED old primary %s after %s promoted: read exit %d (%s); write exit %d (%s)%n",
              old, promoted, read.exitCode(), read.output(), write.exitCode(), write.output());
          assertThat(write.exitCode()).as("a write acknowledged by the isolated old primary").isNotZero();
        }
      } finally {
        pair.fault(old, null);
      }
      pair.awaitSynchronous(promoted);
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      writer.stop();
      assertThat(writer.missingOn(pair.connections(pair.readWrite()))).as("acknowledged rows lost").isEmpty();
      assertThat(writer.missingOn(pair.connections(pair.member(old)))).as("rows on the rejoined standby").isEmpty();
      assertThat(pair.psqlInNode(old, "SELECT count(*) FROM " + table + " WHERE id = -1", CLIENT_WAIT).output())
          .as("the isolated write on the rejoined member").isEqualTo("0");
    }
  }

  private static PodCondition faultRefusal(String member) {
    return pair.pod(member).getStatus().getConditions().stream()
        .filter(condition -> LocalKubelet.FAULT_CONDITION.equals(condition.getType())).findFirst().orElse(null);
  }

  /** The queueing discipline of the member's link, as tc shows it from its node. */
  private static String linkQueue(String member) throws Exception {
    Process tc = fixture.sandbox.runtime().inNode(pair.namespace, io.pks.operator.model.Names.pod(pair.name, member),
        java.util.List.of("tc", "qdisc", "show", "dev", "eth0"));
    tc.waitFor();
    return new String(tc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
  }
}
