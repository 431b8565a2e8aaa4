package io.pks.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Every pair's next probe falls on a tick of the clock, never later than one interval from now. */
class ProbeTicksTest {
  private static final Duration SECOND = Duration.ofSeconds(1);

  @Test
  void theNextProbeIsAtTheLastTickWithinOneInterval() {
    Instant now = Instant.parse("2026-12-02T12:00:00.437Z");

    // Ticks of 100 ms at a 1 s interval: 12:00:01.437 is rounded down to 12:00:01.400.
    assertThat(ProbeTicks.untilNext(now, SECOND)).isEqualTo(Duration.ofMillis(963));
  }

  @Test
  void aProbeAlreadyOnATickWaitsTheWholeInterval() {
    assertThat(ProbeTicks.untilNext(Instant.parse("2026-12-02T12:00:00.400Z"), SECOND)).isEqualTo(SECOND);
  }

  @Test
  void pairsProbedAtDifferentMomentsOfOneTickAreProbedTogetherNext() {
    Instant first = Instant.parse("2026-12-02T12:00:00.401Z");
    Instant last = Instant.parse("2026-12-02T12:00:00.499Z");

    assertThat(first.plus(ProbeTicks.untilNext(first, SECOND)))
        .isEqualTo(last.plus(ProbeTicks.untilNext(last, SECOND)))
        .isEqualTo(Instant.parse("2026-12-02T12:00:01.400Z"));
  }

  @Test
  void theWaitIsNeverLongerThanTheIntervalNorShorterByATick() {
    Duration interval = Duration.ofMillis(700);
    Duration tick = interval.dividedBy(ProbeTicks.PER_INTERVAL);
    for (long millis = 0; millis < 2_000; millis += 7) {
      Duration wait = ProbeTicks.untilNext(Instant.ofEpochMilli(1_796_000_000_000L + millis), interval);
      assertThat(wait).isLessThanOrEqualTo(interval).isGreaterThan(interval.minus(tick));
    }
  }

  @Test
  void anIntervalTooShortForTicksIsKeptAsItIs() {
    Duration interval = Duration.ofMillis(ProbeTicks.PER_INTERVAL - 1);

    assertThat(ProbeTicks.untilNext(Instant.parse("2026-12-02T12:00:00.437Z"), interval)).isEqualTo(interval);
  }
}
