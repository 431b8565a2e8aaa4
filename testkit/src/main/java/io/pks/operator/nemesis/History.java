package io.pks.operator.nemesis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.pks.operator.sandbox.Writer;

/**
 * What happened in one randomized run, as the run saw it: the steps with the member each struck
 * and when it began, was healed and the pair was back, the primary changes the status showed, the
 * commits each writer had acknowledged, and what each member answered when read directly.
 */
public final class History {
  /** One step as it ran. {@code recovered} is null when the pair did not come back within the bound. */
  public record StepRun(Step step, String member, Instant started, Instant healed, Instant recovered, String note) {
  }

  /** A change of status.currentPrimary, seen by polling the status. */
  public record PrimaryChange(Instant at, String from, String to) {
  }

  private final long seed;
  private final Instant start;
  private final List<StepRun> steps = new ArrayList<>();
  private final List<PrimaryChange> primaryChanges = new ArrayList<>();
  private final Map<String, List<Writer.Acknowledgement>> acknowledged = new TreeMap<>();
  private final Map<String, List<Long>> missingOnFinalPrimary = new TreeMap<>();
  private int initialTimeline;
  private int finalTimeline;
  private String finalPrimary;
  private int readRoundsWithTwoPrimaries;
  private Instant firstReadWithTwoPrimaries;

  public History(long seed, Instant start) {
    this.seed = seed;
    this.start = start;
  }

  public synchronized void step(StepRun run) {
    steps.add(run);
  }

  public synchronized void primaryChanged(PrimaryChange change) {
    primaryChanges.add(change);
  }

  /** A round of direct reads found both members answering as primary (not in recovery). */
  public synchronized void twoPrimariesRead(Instant at) {
    readRoundsWithTwoPrimaries++;
    if (firstReadWithTwoPrimaries == null) {
      firstReadWithTwoPrimaries = at;
    }
  }

  public synchronized void timelines(int initial, int last) {
    this.initialTimeline = initial;
    this.finalTimeline = last;
  }

  /** A writer's acknowledged commits, and those of them the final primary does not have. */
  public synchronized void writer(String table, List<Writer.Acknowledgement> acknowledgements, List<Long> missing,
      String primary) {
    acknowledged.put(table, List.copyOf(acknowledgements));
    missingOnFinalPrimary.put(table, List.copyOf(missing));
    this.finalPrimary = primary;
  }

  public synchronized List<StepRun> steps() {
    return List.copyOf(steps);
  }

  public synchronized List<PrimaryChange> primaryChanges() {
    return List.copyOf(primaryChanges);
  }

  public synchronized Map<String, List<Writer.Acknowledgement>> acknowledged() {
    return Map.copyOf(acknowledged);
  }

  public synchronized Map<String, List<Long>> missingOnFinalPrimary() {
    return Map.copyOf(missingOnFinalPrimary);
  }

  public synchronized int initialTimeline() {
    return initialTimeline;
  }

  public synchronized int finalTimeline() {
    return finalTimeline;
  }

  public synchronized String finalPrimary() {
    return finalPrimary;
  }

  public synchronized int readRoundsWithTwoPrimaries() {
    return readRoundsWithTwoPrimaries;
  }

  /** Seconds since the run began, as every line of the report shows times. */
  public String at(Instant instant) {
    return instant == null ? "-" : String.format("%.1f s", Duration.between(start, instant).toMillis() / 1000.0);
  }

  /** The run for a replay and a reader: seed, each step with its times, the figures. */
  public synchronized String describe() {
    StringBuilder text = new StringBuilder("Randomized fault run, seed ").append(seed)
        .append(" (replay: -Dpks.nemesis.seed=").append(seed).append(")\n");
    int index = 1;
    for (StepRun run : steps) {
      text.append(String.format("  %2d. %-40s", index++, run.step() + (run.member() == null ? "" : " (" + run.member() + ")")))
          .append(" began ").append(at(run.started())).append(", healed ").append(at(run.healed()))
          .append(", back to Streaming ").append(at(run.recovered()))
          .append(run.note() == null ? "" : "; " + run.note()).append('\n');
    }
    for (PrimaryChange change : primaryChanges) {
      text.append("  primary ").append(change.from()).append(" → ").append(change.to()).append(" at ")
          .append(at(change.at())).append('\n');
    }
    acknowledged.forEach((table, acks) -> text.append("  writer ").append(table).append(": ")
        .append(acks.size()).append(" commits acknowledged, ")
        .append(missingOnFinalPrimary.getOrDefault(table, List.of()).size()).append(" missing on the final primary ")
        .append(finalPrimary).append('\n'));
    text.append("  timeline ").append(initialTimeline).append(" → ").append(finalTimeline).append(", ")
        .append(primaryChanges.size()).append(" promotions seen\n");
    text.append("  direct read rounds with both members answering as primary: ").append(readRoundsWithTwoPrimaries)
        .append(firstReadWithTwoPrimaries == null ? "" : " (first at " + at(firstReadWithTwoPrimaries) + ")")
        .append('\n');
    return text.toString();
  }
}
