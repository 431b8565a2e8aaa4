package io.pks.operator.reconciler;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each thing the probes look for (a primary answering as primary, a standby streaming) was
 * last seen, by key: the failover clocks. In memory on purpose: an operator that just started, or a
 * replica that just became the leader, knows nothing older, so its clocks start at its own first
 * probe and it never fails over on another process's past.
 */
final class LastSeen {
  private final Map<String, Instant> times = new ConcurrentHashMap<>();

  /** When {@code key} was last seen: {@code now} if it is seen now or this is its first probe. */
  Instant update(String key, boolean seenNow, Instant now) {
    return times.compute(key, (ignored, last) -> last == null || seenNow ? now : last);
  }
}
