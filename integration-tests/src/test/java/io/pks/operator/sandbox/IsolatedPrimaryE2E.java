package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * Issue 14, item 10: a primary cut off from its standby and from the API server (the sandbox's
 * {@code partition}: its node's link down, its processes running on) under {@code synchronous: Off}
 * with Automatic failover and {@code allowDataLoss}, where nothing else keeps it from
 * acknowledging writes. Its own isolation check stops it within failover.isolationStopSeconds, before
 * the standby is promoted; after the heal it comes back as the new primary's standby, never as a
 * second primary. A client inside its node writes to it every few hundred milliseconds meanwhile.
 */
class IsolatedPrimaryE2E {
  /** failover.isolationStopSeconds of the example pair (the default). */
  private static final Duration STOP = Duration.ofSeconds(5);
  /** What a busy two-core machine may add to the check's own rounds (about 2 s). */
  private static final Duration SLACK = Duration.ofSeconds(10);
  private static final Duration CLIENT_WAIT = Duration.ofSeconds(3);

  private static SandboxFixture fixture;
  private static SandboxPair pair;

  @BeforeAll
  static void asynchronousPairWithAutomaticFailover() {
    fixture = SandboxFixture.start("isolated-primary-e2e", Sandbox.Networking.CLUSTER);
    assertThat(fixture.sandbox.networking()).as("the partition needs the network mode (root, ip, nft)")
        .isEqualTo(Sandbox.Networking.CLUSTER);
    pair = SandboxPair.create(fixture.sandbox, "isolated", json -> {
      ObjectNode spec = (ObjectNode) json.get("spec");
      spec.with("replication").put("synchronous", "Off");
      spec.with("failover").put("mode", "Automatic").put("allowDataLoss", true);
    });
    pair.awaitStreaming();
  }

  @AfterAll
  static void stop() throws IOException {
    fixture.close();
  }

  @Test
  void anIsolatedPrimaryStopsItselfBeforeItsStandbyIsPromotedAndRejoinsAsItsStandby() throws Exception {
    String old = pair.get().getStatus().currentPrimary();
    String promoted = pair.get().getSpec().peerOf(old);
    assertThat(pair.psqlInNode(old, "CREATE TABLE inside (at timestamptz)", CLIENT_WAIT).exitCode()).isZero();
    try (Writer writer = new Writer(pair, "outside")) {
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      Instant cut = Instant.now();
      pair.fault(old, "partition");
      Instant lastAcknowledged = null;
      Instant stopped = null;
      Instant lastSeenAsPrimary = cut;
      Instant promotedSeen = null;
      Instant deadline = cut.plus(SandboxPair.BOUND);
      // Until 5 s after the promotion: the old primary must stay stopped.
      while (promotedSeen == null || Instant.now().isBefore(promotedSeen.plusSeconds(5))) {
        assertThat(Instant.now()).as("the standby promoted within the bound").isBefore(deadline);
        SandboxPair.NodeResult write = pair.psqlInNode(old, "INSERT INTO inside VALUES (now())", CLIENT_WAIT);
        if (write.exitCode() == 0) {
          lastAcknowledged = Instant.now();
        } else if (stopped == null) {
          stopped = Instant.now();
          System.out.printf("ISOLATED primary %s refused a write %d ms after the cut: %s%n", old,
              Duration.between(cut, stopped).toMillis(), write.output());
        }
        // Read after the write: a status still naming the old primary means no promotion yet.
        PksReplicaPair now = pair.get();
        if (old.equals(now.getStatus().currentPrimary())) {
          lastSeenAsPrimary = Instant.now();
        } else if (promotedSeen == null) {
          promotedSeen = Instant.now();
          System.out.printf("ISOLATED primary %s: %s recorded as primary %d ms after the cut%n", old, promoted,
              Duration.between(cut, promotedSeen).toMillis());
        }
        Thread.sleep(200);
      }
      assertThat(stopped).as("the isolated primary stopped taking writes").isNotNull();
      assertThat(Duration.between(cut, stopped)).as("its stop after the cut").isLessThan(STOP.plus(SLACK));
      if (lastAcknowledged != null) {
        // None at all would do too (a machine too slow for one before the stop): none after it is the point.
        assertThat(lastAcknowledged).as("the last write the isolated primary acknowledged")
            .isBefore(lastSeenAsPrimary).isBefore(stopped);
      }
      assertThat(stopped).as("stopped before its standby's promotion was recorded").isBefore(promotedSeen);
      assertThat(pair.containerLog(old)).as("its log says why it stopped").contains("isolated: no news");

      pair.fault(old, null);
      PksReplicaPair healed = pair.awaitStatus("streaming from " + promoted, p -> promoted.equals(
          p.getStatus().currentPrimary()) && p.getStatus().phase() == Phase.Streaming
          && p.getStatus().replication() != null && "streaming".equals(p.getStatus().replication().state()));
      assertThat(healed.getStatus().currentPrimary()).isEqualTo(promoted);
      assertThat(pair.psqlInNode(old, "SELECT pg_is_in_recovery()", CLIENT_WAIT).output())
          .as("the old primary is back as a standby").isEqualTo("t");
      assertThat(pair.psqlInNode(promoted, "SELECT pg_is_in_recovery()", CLIENT_WAIT).output()).isEqualTo("f");
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      writer.stop();
      // allowDataLoss under Off: writes acknowledged through -rw just before the cut may be gone;
      // none after the promotion, which only the new primary took.
      Instant promotion = promotedSeen;
      assertThat(writer.acknowledgements().stream().filter(ack -> ack.at().isAfter(promotion.plusSeconds(1))))
          .isNotEmpty().allSatisfy(ack -> assertThat(ack.timeline()).isGreaterThan(1));
    }
  }
}
