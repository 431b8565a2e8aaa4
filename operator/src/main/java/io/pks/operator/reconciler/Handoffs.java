package io.pks.operator.reconciler;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * The hand-offs each pair awaits ({@link Handoff}) and since when, so that the monitor probes a
 * pair at the short interval only for a while: a member that never comes up (a primary that fails
 * to start, a standby that cannot stream) is probed at the normal interval after that, as its
 * failure is then the operator's situation to report, not a hand-off to catch early.
 */
final class Handoffs {
  /** How long a hand-off is probed for at the short interval. */
  static final Duration WINDOW = Duration.ofSeconds(30);

  private record Awaited(String handoff, Instant since) {
  }

  /** By pair: the hand-off probed for at the short interval, and since when. */
  private final Map<String, Awaited> awaited = new HashMap<>();

  /** What an update of a pair's status asks of the probe. */
  enum Start {
    /** Nothing: no new hand-off is recorded. */
    NOTHING,
    /** A new hand-off while none is probed for: probe now, then at the short interval while {@link #stillDue}. */
    PROBING,
    /**
     * A new hand-off while the previous one is probed for: one probe now, as the next of that
     * probing may be an interval away; the probing under way goes on for the new one.
     */
    ONE_PROBE
  }

  /** What the update from {@code old} to {@code pair} asks of the probe. */
  synchronized Start begins(PksReplicaPair pair, PksReplicaPair old, Instant now) {
    Optional<String> handoff = Handoff.awaited(pair);
    if (handoff.isEmpty() || handoff.equals(Handoff.awaited(old))) {
      return Start.NOTHING;
    }
    boolean probing = awaited.containsKey(key(pair));
    awaited.put(key(pair), new Awaited(handoff.get(), now));
    return probing ? Start.ONE_PROBE : Start.PROBING;
  }

  /**
   * Whether {@code pair}, as recorded now, is still to be probed at the short interval: it awaits
   * a hand-off, for less than {@link #WINDOW}. When not, its probing at the short interval ends.
   */
  synchronized boolean stillDue(PksReplicaPair pair, Instant now) {
    Optional<String> handoff = Handoff.awaited(pair);
    Awaited known = awaited.get(key(pair));
    if (handoff.isPresent() && known != null && !known.handoff().equals(handoff.get())) {
      known = new Awaited(handoff.get(), now);
      awaited.put(key(pair), known);
    }
    if (handoff.isEmpty() || known == null || !known.since().plus(WINDOW).isAfter(now)) {
      awaited.remove(key(pair));
      return false;
    }
    return true;
  }

  synchronized void forget(PksReplicaPair pair) {
    awaited.remove(key(pair));
  }

  private static String key(PksReplicaPair pair) {
    return pair.getMetadata().getNamespace() + "/" + pair.getMetadata().getName();
  }
}
