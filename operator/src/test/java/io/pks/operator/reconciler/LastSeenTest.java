package io.pks.operator.reconciler;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failover clocks of an operator that just started or just became the leader: they start at its
 * own first probe, whatever the previous leader saw, and then count from the last time seen.
 */
class LastSeenTest {
  private static final Instant FIRST_PROBE = Instant.parse("2026-11-30T12:00:00Z");

  @Test
  void aNewLeadersClockStartsAtItsOwnFirstProbeEvenWhenThePrimaryIsSilent() {
    LastSeen primaryReached = new LastSeen();

    assertThat(primaryReached.update("ns/pks/site-a", false, FIRST_PROBE)).isEqualTo(FIRST_PROBE);
    assertThat(primaryReached.update("ns/pks/site-a", false, FIRST_PROBE.plusSeconds(3)))
        .as("still silent: the clock keeps counting from the first probe").isEqualTo(FIRST_PROBE);
  }

  @Test
  void afterwardsTheClockCountsFromTheLastTimeSeen() {
    LastSeen primaryReached = new LastSeen();
    primaryReached.update("ns/pks/site-a", false, FIRST_PROBE);

    assertThat(primaryReached.update("ns/pks/site-a", true, FIRST_PROBE.plusSeconds(1)))
        .isEqualTo(FIRST_PROBE.plusSeconds(1));
    assertThat(primaryReached.update("ns/pks/site-a", false, FIRST_PROBE.plusSeconds(9)))
        .isEqualTo(FIRST_PROBE.plusSeconds(1));
    assertThat(primaryReached.update("ns/pks/site-b", false, FIRST_PROBE.plusSeconds(9)))
        .as("each key its own clock").isEqualTo(FIRST_PROBE.plusSeconds(9));
  }
}
