package io.pks.operator.reconciler;

import java.time.Duration;
import java.time.Instant;

/**
 * When a pair's next regular probe runs: at the last tick of the clock (a tenth of the probe
 * interval) that comes no later than one interval from now. Every pair's probes then fall on the
 * same few instants a second, and the probe threads wake once per tick for the pairs due in it
 * rather than once per pair: at 500 idle pairs a probe thread woken for a single pair cost about as
 * much CPU as the probe it ran (BENCHMARKS.md, session 17). No pair waits longer than the interval
 * between two probes; it may wait up to one tick less.
 */
final class ProbeTicks {
  /** Ticks per probe interval. */
  static final int PER_INTERVAL = 10;

  private ProbeTicks() {
  }

  /** How long from {@code now} until the pair's next probe, for probes every {@code interval}. */
  static Duration untilNext(Instant now, Duration interval) {
    long tickMillis = interval.toMillis() / PER_INTERVAL;
    if (tickMillis < 1) {
      return interval;
    }
    long nowMillis = now.toEpochMilli();
    long dueMillis = Math.floorDiv(nowMillis + interval.toMillis(), tickMillis) * tickMillis;
    return Duration.ofMillis(dueMillis - nowMillis);
  }
}
