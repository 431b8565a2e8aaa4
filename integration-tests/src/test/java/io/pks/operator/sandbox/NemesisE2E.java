package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.pks.operator.nemesis.Nemesis;

/**
 * The randomized fault run, short: a seeded schedule of partitions, pauses, node losses, crashes,
 * operator restarts and API server errors on a Required pair under two writers, in the sandbox's
 * network mode; the history checker must find nothing. {@code -Dpks.nemesis.seed} replays a run,
 * {@code -Dpks.nemesis.seconds} makes it longer ({@code bench/run.sh nemesis} runs long ones).
 */
class NemesisE2E {
  /** Fixed, so that `mvn verify` runs the same schedule every time. */
  private static final long DEFAULT_SEED = 20261130L;
  private static final int DEFAULT_SECONDS = 120;

  @Test
  void aSeededRandomFaultRunLosesNoCommitAndKeepsOnePrimary() throws Exception {
    long seed = Long.getLong("pks.nemesis.seed", DEFAULT_SEED);
    Duration length = Duration.ofSeconds(Integer.getInteger("pks.nemesis.seconds", DEFAULT_SECONDS));
    try (SandboxFixture fixture = SandboxFixture.start("nemesis-e2e", Sandbox.Networking.CLUSTER)) {
      SandboxPair pair = SandboxPair.create(fixture.sandbox, "nemesis", json -> { });
      pair.awaitSynchronous();

      Nemesis.Outcome outcome = new Nemesis(fixture.sandbox, pair, seed).run(length);

      System.out.println(outcome.report());
      assertThat(outcome.history().steps()).as("steps run").hasSizeGreaterThanOrEqualTo(3);
      assertThat(outcome.history().acknowledged().values())
          .as("every writer committed").allSatisfy(acks -> assertThat(acks).isNotEmpty());
      assertThat(outcome.violations()).as(outcome.report()).isEmpty();
    }
  }
}
