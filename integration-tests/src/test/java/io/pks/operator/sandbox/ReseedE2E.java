package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.cli.CliRun;

/**
 * A way out of a state that would last forever (issue 14, item 7): a Required pair whose standby
 * lost its volume waits for it (commits wait too) and never re-seeds it by itself; `kubectl pks
 * reseed` asks for a fresh copy, and the pair streams in sync again with no acknowledged commit lost.
 */
class ReseedE2E {
  private static final String A = "site-a";
  private static final String B = "site-b";

  private static SandboxFixture fixture;
  private static SandboxPair pair;

  @BeforeAll
  static void streamingPair() {
    fixture = SandboxFixture.start("reseed-e2e");
    pair = SandboxPair.create(fixture.sandbox, "reseed", json -> { });
    pair.awaitSynchronous();
  }

  @AfterAll
  static void stop() throws IOException {
    fixture.close();
  }

  @Test
  void aStandbyThatLostItsVolumeIsReseededOnRequestAndLosesNoCommit() throws Exception {
    try (Writer writer = new Writer(pair, "reseed_rows")) {
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();

      pair.nodeDown(B);
      LocalContainer.deleteRecursively(pair.pgdata(B));
      pair.nodeBack(B);
      await("the standby back without data").atMost(SandboxPair.BOUND)
          .until(() -> pair.containerLog(B).contains("no data: waiting for the initdb or seed Job"));
      pair.awaitPhase(Phase.Degraded);
      assertThat(writer.awaitMore(1, Duration.ofSeconds(5))).as("Required: commits wait for the standby").isFalse();
      assertThat(pair.get().getStatus().phase()).as("nothing re-seeds it by itself").isEqualTo(Phase.Degraded);

      CliRun reseed = CliRun.of("reseed", pair.get().getMetadata().getName(), "--member", B,
          "-n", pair.get().getMetadata().getNamespace(), "--kubeconfig", fixture.sandbox.kubeconfig().toString());
      assertThat(reseed.exitCode()).as(reseed.err()).isZero();

      pair.awaitSynchronous(A);
      assertThat(pair.jobs("seed")).as("a seed Job re-seeded it").hasSizeGreaterThanOrEqualTo(2);
      assertThat(pair.get().getStatus().reseedRequest()).startsWith(B + "/");
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).as("commits flow again").isTrue();
      writer.stop();
      assertThat(writer.missingOn(pair.connections(pair.member(A)))).as("acknowledged commits lost").isEmpty();
    }
  }
}
