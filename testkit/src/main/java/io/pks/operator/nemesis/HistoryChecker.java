package io.pks.operator.nemesis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.pks.operator.sandbox.Writer;

/**
 * The properties a randomized run must keep, checked on its history once it is over: every
 * acknowledged commit is on the final primary; no member acknowledged a commit after another was
 * promoted over it; each promotion moved the timeline once; after each heal the pair was back to
 * Streaming within the bound.
 */
public final class HistoryChecker {
  /** One broken property, with the time it broke (null when it belongs to no moment). */
  public record Violation(Instant at, String what) {
  }

  private HistoryChecker() {
  }

  public static List<Violation> check(History history, Duration recoveryBound) {
    List<Violation> violations = new ArrayList<>();
    lostCommits(history, violations);
    for (Map.Entry<String, List<Writer.Acknowledgement>> writer : history.acknowledged().entrySet()) {
      olderTimelineAfterNewer(history, writer.getKey(), writer.getValue(), violations);
    }
    int moved = history.finalTimeline() - history.initialTimeline();
    if (moved != history.primaryChanges().size()) {
      violations.add(new Violation(null, "the timeline moved " + moved + " times (" + history.initialTimeline() + " → "
          + history.finalTimeline() + ") for " + history.primaryChanges().size() + " promotions"));
    }
    for (History.StepRun run : history.steps()) {
      if (run.recovered() == null || Duration.between(run.healed(), run.recovered()).compareTo(recoveryBound) > 0) {
        violations.add(new Violation(run.healed(), "not back to Streaming within " + recoveryBound.toSeconds()
            + " s after the heal of " + run.step() + (run.note() == null ? "" : " (" + run.note() + ")")));
      }
    }
    return violations;
  }

  private static void lostCommits(History history, List<Violation> violations) {
    Map<String, List<Writer.Acknowledgement>> acknowledged = history.acknowledged();
    history.missingOnFinalPrimary().forEach((table, missing) -> {
      for (Writer.Acknowledgement ack : acknowledged.get(table)) {
        if (missing.contains(ack.id())) {
          violations.add(new Violation(ack.at(), "commit " + ack.id() + " of " + table + ", acknowledged on timeline "
              + ack.timeline() + ", is not on the final primary " + history.finalPrimary()));
        }
      }
    });
  }

  /**
   * One writer commits one row at a time, so its acknowledgements are ordered: a commit on an
   * older timeline acknowledged after one on a newer timeline was acknowledged by a primary that
   * had already been promoted over, a second writable primary.
   */
  private static void olderTimelineAfterNewer(History history, String table, List<Writer.Acknowledgement> acks,
      List<Violation> violations) {
    Writer.Acknowledgement newest = null;
    for (Writer.Acknowledgement ack : acks) {
      if (newest != null && ack.timeline() < newest.timeline()) {
        violations.add(new Violation(ack.at(), "commit " + ack.id() + " of " + table + " acknowledged on timeline "
            + ack.timeline() + " at " + history.at(ack.at()) + ", after commit " + newest.id() + " was acknowledged on"
            + " timeline " + newest.timeline() + " at " + history.at(newest.at()) + ": two writable primaries"));
      }
      if (newest == null || ack.timeline() > newest.timeline()) {
        newest = ack;
      }
    }
  }
}
